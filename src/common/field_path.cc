#include "common/field_path.h"

namespace chainlab {

std::string field_join(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

std::string field_item(std::string_view path, size_t index) {
  return fmt::format("{}[{}]", path, index);
}

Error field_error(std::string_view source, std::string_view path, std::string_view message) {
  std::string where;
  for (std::string_view part : {source, path}) {
    if (!part.empty()) {
      where.append(part).append(": ");
    }
  }
  return Error{ErrorCode::kInvalidArgument, where.append(message)};
}

}  // namespace chainlab
