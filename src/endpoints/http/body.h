// The one reader of request bodies. request_params: the JSON object of a request (bounded depth,
// valid UTF-8: common/json_bounded.h; the size is bounded before, endpoints/http/http.cc) merged
// over its query parameters. Its fields are then read with common/field_reader.h (FieldReader:
// typed getters whose errors name the field's path).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"

#include "endpoints/http/httplib_fwd.h"

namespace chainlab::endpoints {

// The request's JSON body merged over its query parameters (body wins); an empty body is {}; a
// JSON string holding JSON is read as that JSON (son-emu's clients send such bodies).
// InvalidArgument for a body that is not a JSON object, too deep or not UTF-8.
Result<nlohmann::json> request_params(const httplib::Request& req);
// A parameter as text: a string as it is, another JSON value dumped, absent or null: `fallback`.
std::string param_text(const nlohmann::json& params, const char* key,
                       const std::string& fallback = "");

}  // namespace chainlab::endpoints
