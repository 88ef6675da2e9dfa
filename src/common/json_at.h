// Lookups in untrusted JSON that never throw: another service's answer may have any shape.
#pragma once

#include <initializer_list>
#include <string_view>

#include <nlohmann/json.hpp>

namespace chainlab {

// The value under `path` in `j`, or null when a step is missing or not an object.
//   json_at(description, {"netgroup-domain:informations", "capabilities"})
const nlohmann::json& json_at(const nlohmann::json& j,
                              std::initializer_list<std::string_view> path);

}  // namespace chainlab
