#include "endpoints/openstack/common.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "common/field_reader.h"
#include "common/json_bounded.h"
#include "endpoints/http/http.h"

namespace chainlab::endpoints {
namespace {

using nlohmann::json;

// What each client family calls an HTTP status: its reason phrase ("title") and Nova's fault key.
struct StatusNames {
  int status;
  const char* title;
  const char* nova_fault;
};
constexpr StatusNames kStatusNames[] = {
    {400, "Bad Request", "badRequest"},
    {401, "Unauthorized", "unauthorized"},
    {403, "Forbidden", "forbidden"},
    {404, "Not Found", "itemNotFound"},
    {409, "Conflict", "conflictingRequest"},
    {413, "Request Entity Too Large", "overLimit"},
    {503, "Service Unavailable", "computeFault"},
};
constexpr StatusNames kOtherStatus = {500, "Internal Server Error", "computeFault"};

// What each client family calls an error code: Neutron's NeutronError type and Heat's error type
// (Heat: only the token check answers 401).
struct CodeNames {
  ErrorCode code;
  const char* neutron_type;
  const char* heat_type;
};
constexpr CodeNames kCodeNames[] = {
    {ErrorCode::kInvalidArgument, "BadRequest", "StackValidationFailed"},
    {ErrorCode::kNotFound, "NotFound", "EntityNotFound"},
    {ErrorCode::kAlreadyExists, "Conflict", "StackExists"},
    {ErrorCode::kFailedPrecondition, "Conflict", "ActionInProgress"},
    {ErrorCode::kResourceExhausted, "IpAddressGenerationFailure", "ResourceFailure"},
    {ErrorCode::kUnavailable, "NeutronException", "ResourceFailure"},
    {ErrorCode::kUnauthenticated, "NotAuthenticated", "HTTPUnauthorized"},
    {ErrorCode::kPermissionDenied, "PolicyNotAuthorized", "HTTPForbidden"},
    {ErrorCode::kTooLarge, "RequestEntityTooLarge", "RequestLimitExceeded"},
};
constexpr CodeNames kOtherCode = {ErrorCode::kInternal, "NeutronException", "InternalError"};

const StatusNames& names_of(int status) {
  for (const StatusNames& n : kStatusNames) {
    if (n.status == status) {
      return n;
    }
  }
  return kOtherStatus;
}

const CodeNames& names_of(ErrorCode code) {
  for (const CodeNames& n : kCodeNames) {
    if (n.code == code) {
      return n;
    }
  }
  return kOtherCode;
}

}  // namespace

const char* http_title(int status) {
  return names_of(status).title;
}

Reply openstack_error_reply(ErrorStyle style, const Error& error, const std::string& type) {
  int status = http_status(error.code);
  switch (style) {
    case ErrorStyle::kKeystone:
      return Reply(
          {{"error",
            {{"code", status}, {"title", http_title(status)}, {"message", error.message}}}},
          status);
    case ErrorStyle::kNova:
      return Reply({{names_of(status).nova_fault, {{"code", status}, {"message", error.message}}}},
                   status);
    case ErrorStyle::kNeutron:
      return Reply({{"NeutronError",
                     {{"type", type.empty() ? names_of(error.code).neutron_type : type},
                      {"message", error.message},
                      {"detail", ""}}}},
                   status);
    case ErrorStyle::kHeat:
      return Reply({{"explanation", error.message},
                    {"code", status},
                    {"error",
                     {{"message", error.message},
                      {"traceback", nullptr},
                      {"type", names_of(error.code).heat_type}}},
                    {"title", http_title(status)}},
                   status);
    case ErrorStyle::kGlance:
      break;
  }
  return Reply({{"code", status}, {"title", http_title(status)}, {"message", error.message}},
               status);
}

void send_openstack_error(httplib::Response& res, ErrorStyle style, const Error& error,
                          const std::string& type) {
  openstack_error_reply(style, error, type).write(res);
}

void OpenStackServiceEndpoint::register_routes(httplib::Server& server) {
  Router(server, *this).add(ctx_, open_);
  Router(server, *this, token_guard(ctx_.cloud)).add(ctx_, guarded_);
}

Error unauthorized(httplib::Response& res) {
  res.set_header("WWW-Authenticate", "Keystone uri=\"\"");
  return make_error(ErrorCode::kUnauthenticated,
                    "The request you have made requires authentication.");
}

std::function<Status(const httplib::Request&, httplib::Response&)> token_guard(
    openstack::Cloud& cloud,
    std::function<void(const httplib::Request&, httplib::Response&)> before) {
  return [&cloud, before = std::move(before)](const httplib::Request& req,
                                              httplib::Response& res) -> Status {
    if (before) {
      before(req, res);
    }
    std::string token = req.get_header_value("X-Auth-Token");
    if (token.empty() || !cloud.validate_token(token).ok()) {
      return unauthorized(res);
    }
    return ok_status();
  };
}

std::string request_host(const httplib::Request& req) {
  std::string host = req.get_header_value("Host");
  if (host.empty()) {
    return "127.0.0.1";
  }
  if (host.front() == '[') {  // [::1]:port
    auto close = host.find(']');
    return close == std::string::npos ? host : host.substr(0, close + 1);
  }
  auto colon = host.rfind(':');
  return colon == std::string::npos ? host : host.substr(0, colon);
}

std::string service_url(const httplib::Request& req, int port, const std::string& path) {
  return fmt::format("http://{}:{}{}", request_host(req), port, path);
}

Result<json> json_body(const httplib::Request& req) {
  if (req.body.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "The request body is empty");
  }
  CL_ASSIGN_OR_RETURN(json body, parse_json(req.body, "The request body"));
  if (!body.is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "Malformed request body: not a JSON object");
  }
  return body;
}

Result<json> resource_body(const json& body, const std::string& key) {
  auto it = body.find(key);
  if (it == body.end() || !it->is_object()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Invalid input: the request body must hold a '{}' object", key);
  }
  return *it;
}

Result<std::optional<std::string>> opt_string(const json& obj, const char* key) {
  return FieldReader(obj, "", FieldStyle::kOpenStack).opt_string(key);
}

json null_if_empty(const std::string& s) {
  return s.empty() ? json(nullptr) : json(s);
}

json null_if_empty(const std::optional<int>& v) {
  return v ? json(*v) : json(nullptr);
}

Result<std::optional<bool>> opt_bool(const json& obj, const char* key) {
  return FieldReader(obj, "", FieldStyle::kOpenStack).opt_bool(key);
}

Result<std::optional<int64_t>> opt_int(const json& obj, const char* key, int64_t min, int64_t max) {
  return FieldReader(obj, "", FieldStyle::kOpenStack).opt_int(key, min, max);
}

json filter_items(const json& items, const httplib::Request& req,
                  const std::set<std::string>& ignored) {
  static const std::set<std::string> kControl = {"fields",   "limit",       "marker",
                                                 "sort_key", "sort_dir",    "page_reverse",
                                                 "detail",   "all_tenants", "is_public"};
  std::map<std::string, std::set<std::string>> wanted;
  std::vector<std::string> fields;
  for (const auto& [k, v] : req.params) {
    if (k == "fields") {
      fields.push_back(v);
    } else if (kControl.count(k) == 0 && ignored.count(k) == 0) {
      wanted[k].insert(v);
    }
  }
  auto as_text = [](const json& v) {
    if (v.is_string()) {
      return v.get<std::string>();
    }
    if (v.is_boolean()) {
      return std::string(v.get<bool>() ? "true" : "false");
    }
    return v.dump();
  };
  json out = json::array();
  for (const auto& item : items) {
    bool keep = true;
    for (const auto& [k, values] : wanted) {
      auto it = item.find(k);
      if (it == item.end()) {
        continue;  // not a field of this resource: ignored, as Neutron does for unknown filters
      }
      std::string have = as_text(*it);
      bool any = false;
      for (std::string v : values) {
        if (it->is_boolean()) {
          std::transform(v.begin(), v.end(), v.begin(),
                         [](unsigned char c) { return std::tolower(c); });
        }
        any = any || v == have;
      }
      keep = keep && any;
    }
    if (!keep) {
      continue;
    }
    if (fields.empty()) {
      out.push_back(item);
    } else {
      json slim = json::object();
      for (const auto& f : fields) {
        if (item.contains(f)) {
          slim[f] = item[f];
        }
      }
      out.push_back(slim);
    }
  }
  return out;
}

}  // namespace chainlab::endpoints
