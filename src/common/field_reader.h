// FieldReader: typed getters over one JSON object of untrusted input (a REST body, a stored
// record) whose errors name the field's path in the words of common/field_path.h
// ("server.flavorRef: expected a string"), or, for the OpenStack APIs, say it as their services
// do ("Invalid input for flavorRef: '1' is not a string"). Numbers go through common/units.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "common/units.h"

namespace chainlab {

// How a FieldReader words a wrong field.
enum class FieldStyle {
  kPath,           // "<path>: expected a string"
  kOpenStack,      // "Invalid input for <path>: '<value>' is not a string"
  kNetworkingSfc,  // kOpenStack's words as one sentence: "... is not a string."
};

class FieldReader {
 public:
  // `object` must outlive the reader; `path` names it in errors ("" at the top).
  explicit FieldReader(const nlohmann::json& object, std::string path = "",
                       FieldStyle style = FieldStyle::kPath)
      : object_(object), path_(std::move(path)), style_(style) {}

  // "server.flavorRef" (or "flavorRef" at the top).
  std::string path(std::string_view key) const;
  const std::string& path() const { return path_; }  // this object's own
  const nlohmann::json& value() const { return object_; }

  // Absent or null: nullopt. A value of another type: InvalidArgument naming the field.
  Result<std::optional<std::string>> opt_string(std::string_view key) const;
  // A boolean, or a string true/false/1/0 (any case).
  Result<std::optional<bool>> opt_bool(std::string_view key) const;
  // common/units.h json_int: an integer, a whole float or a string of digits in [min, max].
  Result<std::optional<int64_t>> opt_int(std::string_view key, int64_t min = kInt64Min,
                                         int64_t max = kInt64Max) const;
  // A list of strings; an item that is not a string is named `item` ("Invalid input for
  // port_pairs: '5' is not an id").
  Result<std::optional<std::vector<std::string>>> opt_string_list(
      std::string_view key, std::string_view item = "a string") const;
  // Required: absent or null is InvalidArgument "<path>: is required" too.
  Result<std::string> string(std::string_view key) const;
  // The object under `key` as a reader one level down.
  Result<FieldReader> object(std::string_view key) const;

 private:
  Error wrong(std::string_view key, std::string_view expected, const nlohmann::json& value) const;
  Error required(std::string_view key) const;
  const nlohmann::json* find(std::string_view key) const;
  const char* end() const { return style_ == FieldStyle::kNetworkingSfc ? "." : ""; }

  const nlohmann::json& object_;
  std::string path_;
  FieldStyle style_;
};

}  // namespace chainlab
