#include "common/field_reader.h"

#include <algorithm>
#include <cctype>

#include "common/field_path.h"

namespace chainlab {

using nlohmann::json;

std::string FieldReader::path(std::string_view key) const {
  return field_join(path_, key);
}

const json* FieldReader::find(std::string_view key) const {
  if (!object_.is_object()) {
    return nullptr;
  }
  auto it = object_.find(key);
  return it == object_.end() || it->is_null() ? nullptr : &*it;
}

Error FieldReader::wrong(std::string_view key, std::string_view expected, const json& value) const {
  if (style_ != FieldStyle::kPath) {
    return make_error(ErrorCode::kInvalidArgument, "Invalid input for {}: '{}' is not {}{}",
                      path(key), value.dump(), expected, end());
  }
  return field_error("", path(key), fmt::format("expected {}", expected));
}

Error FieldReader::required(std::string_view key) const {
  return field_error("", path(key), "is required");
}

Result<std::optional<std::string>> FieldReader::opt_string(std::string_view key) const {
  const json* v = find(key);
  if (v == nullptr) {
    return std::optional<std::string>();
  }
  if (!v->is_string()) {
    return wrong(key, "a string", *v);
  }
  return std::optional<std::string>(v->get<std::string>());
}

Result<std::optional<bool>> FieldReader::opt_bool(std::string_view key) const {
  const json* v = find(key);
  if (v == nullptr) {
    return std::optional<bool>();
  }
  if (v->is_boolean()) {
    return std::optional<bool>(v->get<bool>());
  }
  if (v->is_string()) {
    std::string s = v->get<std::string>();
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    if (s == "true" || s == "1") {
      return std::optional<bool>(true);
    }
    if (s == "false" || s == "0") {
      return std::optional<bool>(false);
    }
  }
  return wrong(key, "a boolean", *v);
}

Result<std::optional<int64_t>> FieldReader::opt_int(std::string_view key, int64_t min,
                                                    int64_t max) const {
  const json* v = find(key);
  if (v == nullptr) {
    return std::optional<int64_t>();
  }
  bool openstack = style_ != FieldStyle::kPath;
  auto n = json_int(*v, openstack ? "" : path(key), min, max);  // no wrap, no float-to-int UB
  if (!n.ok()) {
    return openstack ? make_error(ErrorCode::kInvalidArgument, "Invalid input for {}: {}{}",
                                  path(key), n.error().message, end())
                     : std::move(n).error();
  }
  return std::optional<int64_t>(*n);
}

Result<std::optional<std::vector<std::string>>> FieldReader::opt_string_list(
    std::string_view key, std::string_view item) const {
  const json* v = find(key);
  if (v == nullptr) {
    return std::optional<std::vector<std::string>>();
  }
  if (!v->is_array()) {
    return wrong(key, "a list", *v);
  }
  std::vector<std::string> out;
  for (const json& e : *v) {
    if (!e.is_string()) {
      return wrong(key, item, e);
    }
    out.push_back(e.get<std::string>());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Result<std::string> FieldReader::string(std::string_view key) const {
  CL_ASSIGN_OR_RETURN(std::optional<std::string> v, opt_string(key));
  if (!v) {
    return required(key);
  }
  return *std::move(v);
}

Result<FieldReader> FieldReader::object(std::string_view key) const {
  const json* v = find(key);
  if (v == nullptr || !v->is_object()) {
    return v == nullptr ? required(key) : wrong(key, "an object", *v);
  }
  return FieldReader(*v, path(key), style_);
}

}  // namespace chainlab
