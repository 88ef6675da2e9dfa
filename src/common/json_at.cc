#include "common/json_at.h"

namespace chainlab {

const nlohmann::json& json_at(const nlohmann::json& j,
                              std::initializer_list<std::string_view> path) {
  static const nlohmann::json kNull;  // immutable: what every missing step answers
  const nlohmann::json* at = &j;
  for (std::string_view key : path) {
    if (!at->is_object()) {
      return kNull;
    }
    auto it = at->find(key);
    if (it == at->end()) {
      return kNull;
    }
    at = &*it;
  }
  return *at;
}

}  // namespace chainlab
