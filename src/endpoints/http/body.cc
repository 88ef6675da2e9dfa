#include "endpoints/http/body.h"

#include <httplib.h>

#include "common/json_bounded.h"
#include "endpoints/http/http.h"

namespace chainlab::endpoints {

using nlohmann::json;

Result<json> request_params(const httplib::Request& req) {
  CL_RETURN_IF_ERROR(check_text(req));  // admit() checked already; parsers may run alone (fuzz)
  json params = json::object();
  for (const auto& [key, value] : req.params) {
    params[key] = value;
  }
  if (req.body.empty()) {
    return params;
  }
  CL_ASSIGN_OR_RETURN(json body, parse_json(req.body, "request body"));
  if (body.is_string()) {
    // son-emu clients sometimes send a JSON-encoded JSON string.
    CL_ASSIGN_OR_RETURN(body, parse_json(body.get<std::string>(), "request body"));
  }
  if (!body.is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "request body must be a JSON object");
  }
  for (auto& [key, value] : body.items()) {
    params[key] = value;
  }
  return params;
}

std::string param_text(const nlohmann::json& params, const char* key, const std::string& fallback) {
  auto it = params.find(key);
  if (it == params.end() || it->is_null()) {
    return fallback;
  }
  return it->is_string() ? it->get<std::string>() : it->dump();
}

}  // namespace chainlab::endpoints
