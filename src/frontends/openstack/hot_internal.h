// Helpers shared by the HOT sources (hot_template.cc, hot_plan.cc, hot_resources.cc); not part
// of the orchestration layer's API.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "frontends/openstack/hot_template.h"

namespace chainlab::openstack::hot {

// InvalidArgument "template: <path>: <message>".
Error error(std::string_view path, std::string_view message);
// "a.b" / "a[3]".
std::string join(std::string_view path, std::string_view key);
std::string index(std::string_view path, size_t i);
// A one-key mapping whose key names an intrinsic function (supported or not); sets *name.
bool is_function(const nlohmann::json& value, std::string_view* name);
bool is_supported_function(std::string_view name);
// A short rendering of a value for error messages.
std::string describe(const nlohmann::json& value);
// A request or default value converted to the parameter's type and checked against its
// constraints ("parameters.<name>: ...").
Result<nlohmann::json> convert_parameter(const ParameterDef& def, const nlohmann::json& value,
                                         const std::string& path);

}  // namespace chainlab::openstack::hot
