#include "endpoints/openstack/keystone.h"

#include <httplib.h>

#include "endpoints/http/router.h"

#include <algorithm>
#include <initializer_list>
#include <optional>

namespace chainlab::endpoints {
namespace {

using nlohmann::json;
using openstack::Cloud;
using openstack::Token;

constexpr ErrorStyle kStyle = ErrorStyle::kKeystone;

json v3_version(const httplib::Request& req, int port) {
  return {
      {"id", "v3.14"},
      {"status", "stable"},
      {"updated", "2020-04-07T00:00:00Z"},
      {"links", {{{"rel", "self"}, {"href", service_url(req, port, "/v3/")}}}},
      {"media-types",
       {{{"base", "application/json"}, {"type", "application/vnd.openstack.identity-v3+json"}}}}};
}

json v2_version(const httplib::Request& req, int port) {
  return {
      {"id", "v2.0"},
      {"status", "deprecated"},
      {"updated", "2016-08-04T00:00:00Z"},
      {"links",
       {{{"rel", "self"}, {"href", service_url(req, port, "/v2.0/")}},
        {{"rel", "describedby"}, {"type", "text/html"}, {"href", "https://docs.openstack.org/"}}}},
      {"media-types",
       {{{"base", "application/json"}, {"type", "application/vnd.openstack.identity-v2.0+json"}}}}};
}

struct Service {
  std::string type;
  std::string name;
  std::string url;
};

std::vector<Service> services(const httplib::Request& req, const OpenStackPorts& p,
                              const Cloud& cloud, const std::string& identity_path) {
  const std::string& project = cloud.project_id();
  return {{"compute", "nova", service_url(req, p.nova, "/v2.1/" + project)},
          {"identity", "keystone", service_url(req, p.keystone, identity_path)},
          {"network", "neutron", service_url(req, p.neutron)},
          {"image", "glance", service_url(req, p.glance)},
          {"orchestration", "heat", service_url(req, p.heat, "/v1/" + project)}};
}

// A stable id per service and interface (clients only compare them).
std::string endpoint_id(const std::string& type, const std::string& iface) {
  return fmt::format("{:032x}", std::hash<std::string>{}(type + "/" + iface));
}

json v3_catalog(const httplib::Request& req, const OpenStackPorts& p, const Cloud& cloud) {
  json catalog = json::array();
  const std::string& region = cloud.config().region;
  for (const auto& s : services(req, p, cloud, "/v3")) {
    json endpoints = json::array();
    for (const char* iface : {"public", "internal", "admin"}) {
      endpoints.push_back({{"id", endpoint_id(s.type, iface)},
                           {"interface", iface},
                           {"region", region},
                           {"region_id", region},
                           {"url", s.url}});
    }
    catalog.push_back({{"type", s.type},
                       {"name", s.name},
                       {"id", endpoint_id(s.type, "service")},
                       {"endpoints", endpoints}});
  }
  return catalog;
}

json project_json(const Cloud& cloud) {
  return {{"id", cloud.project_id()},  {"name", cloud.config().identity.project},
          {"domain_id", "default"},    {"description", "chainlab PoP " + cloud.pop()},
          {"enabled", true},           {"is_domain", false},
          {"parent_id", "default"},    {"tags", json::array()},
          {"options", json::object()}, {"links", json::object()}};
}

json user_json(const openstack::UserRecord& user) {
  return {{"id", user.id},
          {"name", user.name},
          {"domain_id", "default"},
          {"enabled", true},
          {"password_expires_at", nullptr},
          {"options", json::object()},
          {"links", json::object()}};
}

json v3_token_body(const Token& t, const Cloud& cloud, const json& catalog,
                   const std::vector<std::string>& methods) {
  json domain = {{"id", "default"}, {"name", cloud.config().identity.domain}};
  return {{"token",
           {{"methods", methods},
            {"user",
             {{"id", t.user_id},
              {"name", t.user_name},
              {"domain", domain},
              {"password_expires_at", nullptr}}},
            {"audit_ids", {t.id.substr(0, 22)}},
            {"expires_at", t.expires_at},
            {"issued_at", t.issued_at},
            {"project", {{"id", t.project_id}, {"name", t.project_name}, {"domain", domain}}},
            {"is_domain", false},
            {"roles",
             {{{"id", "2a6d6b4bd8e54d6c9f0f8e0e3e0b5b3a"}, {"name", "admin"}},
              {{"id", "9fe2ff9ee4384b1894a90878d3e92bab"}, {"name", "member"}},
              {{"id", "b6a7a0c2a52b4d1f8e7c9e0f2c4a1d3e"}, {"name", "reader"}}}},
            {"catalog", catalog}}}};
}

}  // namespace

namespace {

// The object under `key`; {} when absent or null; InvalidArgument for another type.
Result<json> object_member(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    return json::object();
  }
  if (!it->is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "Invalid input for {}: '{}' is not an object",
                      key, it->dump());
  }
  return *it;
}

// The string under the first of `keys` that is present ("name", else "id"); "" when none is.
Result<std::string> first_string(const json& obj, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    CL_ASSIGN_OR_RETURN(std::optional<std::string> v, opt_string(obj, key));
    if (v) {
      return *v;
    }
  }
  return std::string();
}

}  // namespace

Result<V3Auth> parse_v3_auth(const json& body) {
  V3Auth a;
  auto auth = body.find("auth");
  if (auth == body.end() || !auth->is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "Expecting to find auth in request body");
  }
  auto identity = auth->find("identity");
  if (identity == auth->end() || !identity->is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "Expecting to find identity in auth");
  }
  auto methods = identity->find("methods");
  if (methods == identity->end() || !methods->is_array() || methods->empty()) {
    return make_error(ErrorCode::kInvalidArgument, "Expecting to find methods in identity");
  }
  for (const auto& m : *methods) {
    if (!m.is_string()) {
      return make_error(ErrorCode::kInvalidArgument, "methods must be strings");
    }
    a.methods.push_back(m.get<std::string>());
  }
  if (std::find(a.methods.begin(), a.methods.end(), "password") != a.methods.end()) {
    CL_ASSIGN_OR_RETURN(json password, object_member(*identity, "password"));
    auto user = password.find("user");
    if (user != password.end() && !user->is_object()) {
      return make_error(ErrorCode::kInvalidArgument, "Expecting to find user in password");
    }
    if (user != password.end()) {
      CL_ASSIGN_OR_RETURN(a.user, first_string(*user, {"name", "id"}));
      CL_ASSIGN_OR_RETURN(a.password, first_string(*user, {"password"}));
    }
  } else if (std::find(a.methods.begin(), a.methods.end(), "token") != a.methods.end()) {
    CL_ASSIGN_OR_RETURN(json token, object_member(*identity, "token"));
    CL_ASSIGN_OR_RETURN(a.token, first_string(token, {"id"}));
  } else {
    return make_error(ErrorCode::kInvalidArgument, "Unsupported authentication method");
  }
  auto scope = auth->find("scope");
  if (scope != auth->end() && scope->is_object() && scope->contains("project") &&
      (*scope)["project"].is_object()) {
    CL_ASSIGN_OR_RETURN(a.project, first_string((*scope)["project"], {"name", "id"}));
  }
  return a;
}

Result<V2Auth> parse_v2_auth(const json& body) {
  auto auth = body.find("auth");
  if (auth == body.end() || !auth->is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "Expecting to find auth in request body");
  }
  V2Auth a;
  CL_ASSIGN_OR_RETURN(a.project, first_string(*auth, {"tenantName", "tenantId"}));
  auto pc = auth->find("passwordCredentials");
  auto token = auth->find("token");
  if (pc != auth->end() && pc->is_object()) {
    a.method = V2Auth::Method::kPassword;
    CL_ASSIGN_OR_RETURN(a.user, first_string(*pc, {"username", "userId"}));
    CL_ASSIGN_OR_RETURN(a.password, first_string(*pc, {"password"}));
  } else if (token != auth->end() && token->is_object()) {
    a.method = V2Auth::Method::kToken;
    CL_ASSIGN_OR_RETURN(a.token, first_string(*token, {"id"}));
  }
  return a;
}

namespace {

using Ctx = OpenStackContext;

// A refused credential: 401 with Keystone's WWW-Authenticate.
Reply unauthorized_reply() {
  httplib::Response res;
  Error e = unauthorized(res);
  return openstack_error_reply(kStyle, e).header("WWW-Authenticate",
                                                 res.get_header_value("WWW-Authenticate"));
}

Result<Reply> root(Ctx& c, const httplib::Request& req) {
  int port = c.ports.keystone;
  return Reply(json{{"versions", {{"values", {v3_version(req, port), v2_version(req, port)}}}}},
               300);
}

Result<json> v3(Ctx& c, const httplib::Request& req) {
  return json{{"version", v3_version(req, c.ports.keystone)}};
}

Result<json> v2(Ctx& c, const httplib::Request& req) {
  return json{{"version", v2_version(req, c.ports.keystone)}};
}

Result<Reply> issue_v3_token(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json body, json_body(req));
  CL_ASSIGN_OR_RETURN(V3Auth auth, parse_v3_auth(body));
  Result<Token> token = auth.token.empty()
                            ? c.cloud.issue_token(auth.user, auth.password, auth.project)
                            : c.cloud.identity().reissue(auth.token, auth.project);
  if (!token.ok()) {
    return unauthorized_reply();
  }
  json answer = v3_token_body(*token, c.cloud, v3_catalog(req, c.ports, c.cloud), auth.methods);
  return Reply(std::move(answer), 201).header("X-Subject-Token", token->id);
}

// GET and HEAD (httplib answers HEAD with the GET route).
Result<Reply> validate_token(Ctx& c, const httplib::Request& req) {
  std::string subject = req.get_header_value("X-Subject-Token");
  auto token = c.cloud.validate_token(subject);
  if (!token.ok()) {
    return make_error(ErrorCode::kNotFound, "Could not find token: {}", subject);
  }
  if (req.method == "HEAD") {
    return Reply::empty(200).header("X-Subject-Token", token->id);
  }
  json answer = v3_token_body(*token, c.cloud, v3_catalog(req, c.ports, c.cloud), {"password"});
  return Reply(std::move(answer)).header("X-Subject-Token", token->id);
}

Result<Reply> revoke_token(Ctx& c, const httplib::Request& req) {
  c.cloud.revoke_token(req.get_header_value("X-Subject-Token"));
  return Reply::empty(204);
}

json v2_catalog(Ctx& c, const httplib::Request& req) {
  json catalog = json::array();
  const std::string& region = c.cloud.config().region;
  for (const auto& s : services(req, c.ports, c.cloud, "/v2.0")) {
    catalog.push_back({{"type", s.type},
                       {"name", s.name},
                       {"endpoints_links", json::array()},
                       {"endpoints",
                        {{{"id", endpoint_id(s.type, "v2")},
                          {"region", region},
                          {"publicURL", s.url},
                          {"internalURL", s.url},
                          {"adminURL", s.url}}}}});
  }
  return catalog;
}

json v2_access(const Token& token, json catalog) {
  json tenant = {{"id", token.project_id},
                 {"name", token.project_name},
                 {"description", ""},
                 {"enabled", true}};
  return {{"access",
           {{"token",
             {{"id", token.id},
              {"issued_at", token.issued_at},
              {"expires", token.expires_at},
              {"audit_ids", {token.id.substr(0, 22)}},
              {"tenant", tenant}}},
            {"serviceCatalog", std::move(catalog)},
            {"user",
             {{"id", token.user_id},
              {"name", token.user_name},
              {"username", token.user_name},
              {"roles", {{{"name", "admin"}}}},
              {"roles_links", json::array()}}},
            {"metadata", {{"is_admin", 0}, {"roles", json::array()}}}}}};
}

Result<Reply> issue_v2_token(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json body, json_body(req));
  CL_ASSIGN_OR_RETURN(V2Auth auth, parse_v2_auth(body));
  Result<Token> token = make_error(ErrorCode::kInvalidArgument, "");
  if (auth.method == V2Auth::Method::kPassword) {
    token = c.cloud.issue_token(auth.user, auth.password, auth.project);
  } else if (auth.method == V2Auth::Method::kToken) {
    token = c.cloud.identity().reissue(auth.token, auth.project);
  }
  if (!token.ok()) {
    return unauthorized_reply();
  }
  return Reply(v2_access(*token, v2_catalog(c, req)));
}

Result<json> tenants(Ctx& c, const httplib::Request&) {
  return json{{"tenants",
               {{{"id", c.cloud.project_id()},
                 {"name", c.cloud.config().identity.project},
                 {"description", ""},
                 {"enabled", true}}}},
              {"tenants_links", json::array()}};
}

// Read-only views of the one project, user, domain and the roles.
json listing(const std::string& key, const json& items, const httplib::Request& req) {
  return json{{key, filter_items(items, req)},
              {"links", {{"self", nullptr}, {"next", nullptr}, {"previous", nullptr}}}};
}

Result<json> list_projects(Ctx& c, const httplib::Request& req) {
  return listing("projects", json::array({project_json(c.cloud)}), req);
}

Result<json> list_users(Ctx& c, const httplib::Request& req) {
  json users = json::array();
  for (const auto& u : c.cloud.identity().users()) {
    users.push_back(user_json(u));
  }
  return listing("users", users, req);
}

Result<json> list_domains(Ctx& c, const httplib::Request& req) {
  return listing("domains",
                 json::array({{{"id", "default"},
                               {"name", c.cloud.config().identity.domain},
                               {"enabled", true},
                               {"description", "The default domain"}}}),
                 req);
}

Result<json> list_roles(Ctx&, const httplib::Request& req) {
  return listing("roles",
                 json::array({{{"id", "2a6d6b4bd8e54d6c9f0f8e0e3e0b5b3a"}, {"name", "admin"}},
                              {{"id", "9fe2ff9ee4384b1894a90878d3e92bab"}, {"name", "member"}},
                              {{"id", "b6a7a0c2a52b4d1f8e7c9e0f2c4a1d3e"}, {"name", "reader"}}}),
                 req);
}

Result<json> list_regions(Ctx& c, const httplib::Request& req) {
  return listing(
      "regions",
      json::array(
          {{{"id", c.cloud.config().region}, {"description", ""}, {"parent_region_id", nullptr}}}),
      req);
}

Result<json> list_services(Ctx& c, const httplib::Request& req) {
  json out = json::array();
  for (const auto& s : services(req, c.ports, c.cloud, "/v3")) {
    out.push_back({{"id", endpoint_id(s.type, "service")},
                   {"type", s.type},
                   {"name", s.name},
                   {"enabled", true}});
  }
  return listing("services", out, req);
}

Result<json> list_endpoints(Ctx& c, const httplib::Request& req) {
  json out = json::array();
  const std::string& region = c.cloud.config().region;
  for (const auto& s : services(req, c.ports, c.cloud, "/v3")) {
    for (const char* iface : {"public", "internal", "admin"}) {
      out.push_back({{"id", endpoint_id(s.type, iface)},
                     {"interface", iface},
                     {"region", region},
                     {"region_id", region},
                     {"service_id", endpoint_id(s.type, "service")},
                     {"url", s.url},
                     {"enabled", true}});
    }
  }
  return listing("endpoints", out, req);
}

Result<json> show_project(Ctx& c, const httplib::Request& req) {
  std::string id = req.matches[1];
  if (id != c.cloud.project_id() && id != c.cloud.config().identity.project) {
    return make_error(ErrorCode::kNotFound, "Could not find project: {}.", id);
  }
  return json{{"project", project_json(c.cloud)}};
}

Result<json> show_user(Ctx& c, const httplib::Request& req) {
  std::string id = req.matches[1];
  auto user = c.cloud.identity().find_user(id);
  if (!user) {
    return make_error(ErrorCode::kNotFound, "Could not find user: {}.", id);
  }
  return json{{"user", user_json(*user)}};
}

const PathRoutes<Ctx> kOpenRoutes[] = {
    {R"(/?)", {{Method::kGet, &root}}},
    {R"(/v3/?)", {{Method::kGet, &v3}}},
    {R"(/v2\.0/?)", {{Method::kGet, &v2}}},
    {R"(/v3/auth/tokens/?)", {{Method::kPost, &issue_v3_token}}},
    {R"(/v2\.0/tokens/?)", {{Method::kPost, &issue_v2_token}}},
};

// Behind the token.
const PathRoutes<Ctx> kRoutes[] = {
    {R"(/v3/auth/tokens/?)", {{Method::kGet, &validate_token}, {Method::kDelete, &revoke_token}}},
    {R"(/v2\.0/tenants/?)", {{Method::kGet, &tenants}}},
    {R"(/v3/(?:auth/)?projects/?)", {{Method::kGet, &list_projects}}},
    {R"(/v3/users/?)", {{Method::kGet, &list_users}}},
    {R"(/v3/(?:auth/)?domains/?)", {{Method::kGet, &list_domains}}},
    {R"(/v3/roles/?)", {{Method::kGet, &list_roles}}},
    {R"(/v3/regions/?)", {{Method::kGet, &list_regions}}},
    {R"(/v3/services/?)", {{Method::kGet, &list_services}}},
    {R"(/v3/endpoints/?)", {{Method::kGet, &list_endpoints}}},
    {R"(/v3/projects/([^/]+))", {{Method::kGet, &show_project}}},
    {R"(/v3/users/([^/]+))", {{Method::kGet, &show_user}}},
};

}  // namespace

KeystoneEndpoint::KeystoneEndpoint(openstack::Cloud& cloud, OpenStackPorts ports)
    : OpenStackServiceEndpoint("keystone", ErrorStyle::kKeystone, cloud, ports, kOpenRoutes,
                               kRoutes) {}

}  // namespace chainlab::endpoints
