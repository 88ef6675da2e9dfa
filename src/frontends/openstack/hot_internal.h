// Helpers shared by the HOT sources (hot_template.cc, hot_plan.cc, hot_resources.cc); not part
// of the orchestration layer's API.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "frontends/openstack/hot_template.h"

namespace chainlab::openstack::hot {

// common/field_path.h with the source "template": InvalidArgument "template: <path>: <message>".
Error error(std::string_view path, std::string_view message);
// field_join, field_item: "a.b" / "a[3]".
std::string join(std::string_view path, std::string_view key);
std::string index(std::string_view path, size_t i);
// A one-key mapping whose key names an intrinsic function (supported or not); sets *name.
bool is_function(const nlohmann::json& value, std::string_view* name);
bool is_supported_function(std::string_view name);
// Whether `key` is one of `names`.
bool one_of(std::string_view key, std::initializer_list<std::string_view> names);
// `value` with `child(member, its path)` in place of every member of a mapping or item of a list
// (the first error stops); a scalar as it is.
template <typename F>
Result<nlohmann::json> map_children(const nlohmann::json& value, std::string_view path, F child) {
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : value.items()) {
      CL_ASSIGN_OR_RETURN(out[k], child(v, join(path, k)));
    }
    return out;
  }
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (size_t i = 0; i < value.size(); ++i) {
      CL_ASSIGN_OR_RETURN(nlohmann::json v, child(value[i], index(path, i)));
      out.push_back(std::move(v));
    }
    return out;
  }
  return value;
}
// `t` with every resource name, depends_on, get_resource and get_attr's resource prefixed (a
// nested template's resources inside the outer stack; hot_nested.cc). Without `source` and
// `files`: planning reads neither.
Template prefixed(const Template& t, const std::string& prefix);
// A short rendering of a value for error messages.
std::string describe(const nlohmann::json& value);
// A request or default value converted to the parameter's type and checked against its
// constraints ("parameters.<name>: ...").
Result<nlohmann::json> convert_parameter(const ParameterDef& def, const nlohmann::json& value,
                                         const std::string& path);

}  // namespace chainlab::openstack::hot
