// The one way untrusted JSON is parsed (request bodies, descriptors, image manifests): nesting
// depth is checked by a non-recursive scan before the parser runs, so a body of 100,000 nested
// arrays is a clean InvalidArgument instead of a stack overflow in a later copy or dump; invalid
// JSON and invalid UTF-8 in strings are InvalidArgument too. Nothing here throws.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace chainlab {

inline constexpr int kMaxJsonDepth = 64;

// The deepest nesting of arrays/objects in `text` (strings and escapes honoured); stops counting
// and returns `limit` + 1 as soon as the depth exceeds `limit`.
int json_nesting_depth(std::string_view text, int limit);

// `what` names the input in errors ("request body", "manifest.json").
Result<nlohmann::json> parse_json(std::string_view text, std::string_view what = "input",
                                  int max_depth = kMaxJsonDepth);

// "[json.exception.type_error.302] type must be string, but is number" -> "type must be string,
// but is number": nlohmann's messages without the library's tag.
std::string json_error_text(const std::exception& e);

}  // namespace chainlab
