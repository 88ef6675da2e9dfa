// YamlFields: the checked accessors every descriptor and manifest reader uses, so that each
// problem is reported once, the same way (common/field_path.h): "file: field.path[i].sub: problem".
#include "common/field_path.h"
#include "common/files.h"
#include "common/units.h"
#include "common/yaml_load.h"
#include "frontends/sonata/package_internal.h"

namespace chainlab::sonata::detail {

Result<std::string> normalise_package_path(std::string_view raw) {
  std::string_view s = trim(raw);
  if (s.starts_with("file://")) {
    s.remove_prefix(7);
  }
  if (s.find('\\') != std::string_view::npos) {
    return make_error(ErrorCode::kInvalidArgument, "path '{}' contains a backslash", raw);
  }
  std::string out;
  for (std::string_view part : split(s, '/')) {
    part = trim(part);  // "a /b": blanks next to a '/' would end up at the ends of the result
    if (part.empty() || part == ".") {
      continue;
    }
    if (part == "..") {
      return make_error(ErrorCode::kInvalidArgument, "path '{}' has a '..' component", raw);
    }
    if (!out.empty()) {
      out.push_back('/');
    }
    out.append(part);
  }
  if (out.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "path '{}' names no file", raw);
  }
  return out;
}

Error YamlFields::error(std::string_view path, std::string_view message) const {
  return field_error(source_, path, message);
}

Result<YAML::Node> YamlFields::load(std::string_view text) const {
  // Bounded: at most 100,000 nodes once aliases are expanded, 64 levels (common/yaml_load.h).
  CL_ASSIGN_OR_RETURN(YAML::Node root, load_yaml(text, source_));
  if (!root || root.IsNull()) {
    return error("", "empty document");
  }
  if (!root.IsMap()) {
    return error("", "expected a mapping at the top level");
  }
  return root;
}

Result<std::string> YamlFields::required_string(const YAML::Node& map, std::string_view path,
                                                std::string_view key) const {
  const YAML::Node n = map[std::string(key)];
  if (!n || n.IsNull()) {
    return error(path, fmt::format("missing key '{}'", key));
  }
  CL_ASSIGN_OR_RETURN(std::string s, optional_string(map, path, key));
  if (s.empty()) {
    return error(field_join(path, key), "is empty");
  }
  return s;
}

Result<std::string> YamlFields::optional_string(const YAML::Node& map, std::string_view path,
                                                std::string_view key) const {
  const YAML::Node n = map[std::string(key)];
  if (!n || n.IsNull()) {
    return std::string();
  }
  if (!n.IsScalar()) {
    return error(field_join(path, key), "expected a string");
  }
  return std::string(trim(n.Scalar()));
}

template <class T, class Parse>
Result<T> YamlFields::scalar(const YAML::Node& node, std::string_view path, std::string_view what,
                             Parse parse) const {
  if (!node.IsScalar()) {
    return error(path, fmt::format("expected {}", what));
  }
  auto v = parse(trim(node.Scalar()));
  if (!v.ok()) {
    return error(path, v.error().message);
  }
  return *v;
}

Result<double> YamlFields::number(const YAML::Node& node, std::string_view path) const {
  return scalar<double>(node, path, "a number",
                        [](std::string_view t) { return parse_number(t, ""); });
}

Result<int64_t> YamlFields::integer(const YAML::Node& node, std::string_view path) const {
  return scalar<int64_t>(node, path, "an integer",
                         [](std::string_view t) { return parse_int(t, ""); });
}

Result<std::optional<double>> YamlFields::optional_number(const YAML::Node& map,
                                                          std::string_view path,
                                                          std::string_view key) const {
  const YAML::Node n = map[std::string(key)];
  if (!n || n.IsNull()) {
    return std::optional<double>();
  }
  CL_ASSIGN_OR_RETURN(double v, number(n, field_join(path, key)));
  return std::optional<double>(v);
}

Result<std::optional<YAML::Node>> YamlFields::optional_map(const YAML::Node& map,
                                                           std::string_view path,
                                                           std::string_view key) const {
  const YAML::Node n = map[std::string(key)];
  if (!n || n.IsNull()) {
    return std::optional<YAML::Node>();
  }
  if (!n.IsMap()) {
    return error(field_join(path, key), "expected a mapping");
  }
  return std::optional<YAML::Node>(n);
}

Status YamlFields::for_each(
    const YAML::Node& map, std::string_view path, std::string_view key,
    const std::function<Status(const YAML::Node&, const std::string&)>& fn) const {
  const YAML::Node list = map[std::string(key)];
  std::string list_path = field_join(path, key);
  if (!list || list.IsNull()) {
    return ok_status();
  }
  if (!list.IsSequence()) {
    return error(list_path, "expected a list");
  }
  for (size_t i = 0; i < list.size(); ++i) {
    if (++items_ > kMaxListItems) {
      return make_error(ErrorCode::kResourceExhausted,
                        "{}: {}: more than {} list items in one file", source_, list_path,
                        kMaxListItems);
    }
    CL_RETURN_IF_ERROR(fn(list[i], field_item(list_path, i)));
  }
  return ok_status();
}

}  // namespace chainlab::sonata::detail
