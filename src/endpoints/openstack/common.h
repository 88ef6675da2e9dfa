// What the OpenStack endpoints share (docs/api/openstack.md): the port layout of a PoP's services,
// token checks, the error body each service's client expects, and small JSON readers. The JSON of
// a request is parsed here and in the endpoint files only; the Cloud sees typed structs.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "common/units.h"
#include "endpoints/http/http.h"
#include "endpoints/http/router.h"
#include "frontends/openstack/cloud.h"

namespace chainlab::endpoints {

// The ports of one PoP's OpenStack services from its base port P (vim-emu's layout).
struct OpenStackPorts {
  int keystone = 0;  // P
  int nova = 0;      // P + 3774
  int neutron = 0;   // P + 4696
  int heat = 0;      // P + 3004
  int glance = 0;    // P + 4242
  static OpenStackPorts from_base(int base) {
    return {base, base + 3774, base + 4696, base + 3004, base + 4242};
  }
};

// What the routes of a PoP's OpenStack endpoints work on: its Cloud (made and owned by the
// composition root, app/services.h; it outlives the endpoints) and its services' ports.
struct OpenStackContext {
  openstack::Cloud& cloud;
  OpenStackPorts ports;
};

// How each client family wants its errors.
enum class ErrorStyle {
  kKeystone,  // {"error": {"code", "title", "message"}}
  kNova,      // {"itemNotFound"|"badRequest"|"conflictingRequest"|...: {"code", "message"}}
  kNeutron,   // {"NeutronError": {"type", "message", "detail"}}
  kGlance,    // {"code", "title", "message"} plain, like Glance's webob errors
  kHeat,      // {"explanation", "code", "error": {"message", "traceback", "type"}, "title"}
};

void send_openstack_error(httplib::Response& res, ErrorStyle style, const Error& error,
                          const std::string& neutron_type = "");
// The same answer as a route's Reply (a Neutron error with a type of its own: "NetworkInUse").
Reply openstack_error_reply(ErrorStyle style, const Error& error,
                            const std::string& neutron_type = "");
// What OpenStack services answer for a path they have no route for (webob's 404 text).
inline Error no_route_openstack() {
  return make_error(ErrorCode::kNotFound, "The resource could not be found.");
}

// What every OpenStack service endpoint of a PoP is: "<pop> <service>" by name, its client
// family's error shape, OpenStack's 404 text for a path without a route, Keystone tokens instead
// of the run's token, and its routes: by default a table open to all and one behind token_guard,
// over `ctx_`.
class OpenStackServiceEndpoint : public Endpoint {
 public:
  using Routes = std::span<const PathRoutes<OpenStackContext>>;

  std::string name() const override { return ctx_.cloud.pop() + " " + service_; }
  void register_routes(httplib::Server& server) override;
  void write_error(httplib::Response& res, const Error& error) const override {
    send_openstack_error(res, style_, error);
  }
  Error no_route_error(const std::string&, const std::string&) const override {
    return no_route_openstack();
  }
  bool uses_run_token() const override { return false; }  // Keystone tokens instead

 protected:
  OpenStackServiceEndpoint(std::string service, ErrorStyle style, openstack::Cloud& cloud,
                           OpenStackPorts ports = {}, Routes open = {}, Routes guarded = {})
      : service_(std::move(service)),
        style_(style),
        ctx_{cloud, ports},
        open_(open),
        guarded_(guarded) {}

  std::string service_;
  ErrorStyle style_;
  OpenStackContext ctx_;
  Routes open_;
  Routes guarded_;
};

// The scheme://host part of the URLs a response advertises: the request's Host header without
// its port, else 127.0.0.1.
std::string request_host(const httplib::Request& req);
std::string service_url(const httplib::Request& req, int port, const std::string& path = "");

// The Router guard of the routes behind a token (endpoints/http/router.h): X-Auth-Token checked
// against the cloud; the 401 carries "WWW-Authenticate: Keystone uri=\"\"" and the endpoint's error
// shape. `before` (may be null) runs first either way (Nova's version headers).
std::function<Status(const httplib::Request&, httplib::Response&)> token_guard(
    openstack::Cloud& cloud,
    std::function<void(const httplib::Request&, httplib::Response&)> before = nullptr);
// The 401 of a missing or wrong token, with its WWW-Authenticate header set on `res`.
Error unauthorized(httplib::Response& res);

// The request body as a JSON object; InvalidArgument (with a client-style message) otherwise.
Result<nlohmann::json> json_body(const httplib::Request& req);
// The object under `key` of a body ({"network": {...}}); InvalidArgument when absent.
Result<nlohmann::json> resource_body(const nlohmann::json& body, const std::string& key);

// Typed readers: unset/null -> nullopt; a wrong type -> InvalidArgument naming the field.
// The reason phrase OpenStack services put in `title` ("Not Found").
const char* http_title(int status);

Result<std::optional<std::string>> opt_string(const nlohmann::json& obj, const char* key);
Result<std::optional<bool>> opt_bool(const nlohmann::json& obj, const char* key);
// JSON null for "" / an unset number, else the value (the optional fields of every view).
nlohmann::json null_if_empty(const std::string& s);
nlohmann::json null_if_empty(const std::optional<int>& v);
// An integer member (JSON integer, whole float or string of digits) in [min, max]; absent or null:
// nullopt. "Invalid input for <key>: ..." otherwise (common/units.h json_int).
Result<std::optional<int64_t>> opt_int(const nlohmann::json& obj, const char* key,
                                       int64_t min = kInt64Min, int64_t max = kInt64Max);

// Sets `target` from a reader's value when there is one (absent: left as it is); the reader's
// error otherwise.
template <typename T, typename U>
Status set_if(T& target, Result<std::optional<U>> value) {
  if (!value.ok()) {
    return std::move(value).error();
  }
  if (value->has_value()) {
    target = **std::move(value);
  }
  return ok_status();
}

// Neutron/Nova list filtering: keeps the items whose fields equal every query parameter that names
// a field (booleans compare case-insensitively); `fields` keeps only the named keys.
nlohmann::json filter_items(const nlohmann::json& items, const httplib::Request& req,
                            const std::set<std::string>& ignored = {});

}  // namespace chainlab::endpoints
