// The routes of Nova (nova.h): one function per route, in the order httplib tries them. Every
// route but the version documents is behind the token and project check (nova_guard).
#include <httplib.h>

#include <map>

#include "common/safe_regex.h"
#include "endpoints/http/router.h"
#include "endpoints/openstack/nova.h"
#include "endpoints/openstack/nova_internal.h"

namespace chainlab::endpoints {
namespace {

using nlohmann::json;
using Ctx = OpenStackContext;
using namespace nova;  // this endpoint's views and prefix

// The token first, then the path's project against the token's (Nova's 400 on a mismatch); the
// version headers go on every answer, a 401 included.
Router::Guard nova_guard(const Ctx& c) {
  auto token = token_guard(c.cloud, set_version_headers);
  return [token, &cloud = c.cloud](const httplib::Request& req, httplib::Response& res) -> Status {
    CL_RETURN_IF_ERROR(token(req, res));
    auto t = cloud.validate_token(req.get_header_value("X-Auth-Token"));
    return t.ok() ? check_project(req.path, t->project_id) : ok_status();
  };
}

Result<json> versions(Ctx& c, const httplib::Request& req) {
  int port = c.ports.nova;
  json v20 = version_doc(req, port);
  v20["id"] = "v2.0";
  v20["status"] = "SUPPORTED";
  v20["version"] = "";
  v20["min_version"] = "";
  v20["links"] = {{{"rel", "self"}, {"href", service_url(req, port, "/v2/")}}};
  return json{{"versions", {v20, version_doc(req, port)}}};
}

void version(Ctx& c, const httplib::Request& req, httplib::Response& res) {
  set_version_headers(req, res);
  send_json(res, {{"version", version_doc(req, c.ports.nova)}});
}

// Nova's name filter is a regular expression; one that does not compile (or that this emulation
// refuses, compile_safe_regex) compares the name as text.
bool name_matches(const std::string& name, const std::string& filter) {
  auto re = compile_safe_regex(filter);
  auto found = re.ok() ? safe_regex_search(name, *re) : Result<bool>(false);
  return re.ok() && found.ok() ? *found : name == filter;
}

// GET /servers and /servers/detail.
template <bool kDetail>
Result<json> list_servers(Ctx& c, const httplib::Request& req) {
  std::string name_filter = req.get_param_value("name");
  std::string status_filter = req.get_param_value("status");
  json items = json::array();
  for (const auto& v : c.cloud.list_server_views()) {
    if (!name_filter.empty() && !name_matches(v.server.name, name_filter)) {
      continue;
    }
    if (!status_filter.empty() && v.server.status != status_filter) {
      continue;
    }
    items.push_back(server_json(req, c.ports.nova, c.cloud.pop(), v, kDetail));
  }
  return json{{"servers", items}};
}

// son-emu's extension: every server with its ports and their interface names.
Result<json> list_servers_and_ports(Ctx& c, const httplib::Request& req) {
  json items = json::array();
  for (const auto& v : c.cloud.list_server_views()) {
    items.push_back(server_with_ports_json(req, c.ports.nova, c.cloud.pop(), v));
  }
  return json{{"servers", items}};
}

// What a create answers under security_groups: the groups asked for, else "default".
json requested_groups_json(const openstack::ServerCreate& server) {
  json out = json::array();
  for (const auto& g : server.security_groups) {
    out.push_back({{"name", g}});
  }
  return out.empty() ? json::array({{{"name", openstack::kDefaultSecurityGroupName}}}) : out;
}

Result<Reply> create_server(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json body, json_body(req));
  CL_ASSIGN_OR_RETURN(ServerCreateRequest request, parse_server_create(body));
  if (request.auto_network) {
    CL_ASSIGN_OR_RETURN(auto net, auto_network(c.cloud));
    if (net) {
      request.server.nics.push_back({"", *net, ""});
    }
  }
  auto created = c.cloud.start_server(request.server);  // BUILD; ACTIVE or ERROR later
  if (!created.ok()) {
    Error e = std::move(created).error();
    if (e.code == ErrorCode::kNotFound) {  // Nova: 400 for unknown references in the body
      e.code = ErrorCode::kInvalidArgument;
    }
    return e;
  }
  json l = links(req, c.ports.nova, "servers", created->id);
  std::string location = l[0]["href"].get<std::string>();
  return Reply(json{{"server",
                     {{"id", created->id},
                      {"links", l},
                      {"OS-DCF:diskConfig", "MANUAL"},
                      {"security_groups", requested_groups_json(request.server)},
                      {"adminPass", created->id.substr(0, 12)}}}},
               202)
      .header("Location", location);
}

Result<json> show_server(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(openstack::ServerView v, c.cloud.server_view(req.matches[1]));
  return json{{"server", server_json(req, c.ports.nova, c.cloud.pop(), v, true)}};
}

Result<json> update_server(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json body, json_body(req));
  CL_ASSIGN_OR_RETURN(json s, resource_body(body, "server"));
  CL_ASSIGN_OR_RETURN(auto name, opt_string(s, "name"));
  CL_ASSIGN_OR_RETURN(auto updated, c.cloud.update_server(req.matches[1], name, std::nullopt));
  CL_ASSIGN_OR_RETURN(openstack::ServerView v, c.cloud.server_view(updated.id));
  return json{{"server", server_json(req, c.ports.nova, c.cloud.pop(), v, true)}};
}

Result<Reply> delete_server(Ctx& c, const httplib::Request& req) {
  CL_RETURN_IF_ERROR(c.cloud.delete_server(req.matches[1]));
  return Reply::empty(204);
}

// addSecurityGroup / removeSecurityGroup: {"<action>": {"name": "<name or id>"}}.
Status security_group_action(Ctx& c, const std::string& server, const json& body, bool add) {
  const json& arg = body.begin().value();
  if (!arg.is_object() || !arg.value("name", json()).is_string()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Invalid input for field/attribute name: a security group name is needed");
  }
  std::string group = arg["name"].get<std::string>();
  if (auto g = c.cloud.get_security_group(group);
      !g.ok() && g.error().code == ErrorCode::kNotFound) {
    return make_error(ErrorCode::kNotFound, "Security group {} not found.", group);
  }
  return add ? c.cloud.add_server_security_group(server, group)
             : c.cloud.remove_server_security_group(server, group);
}

// Security group actions change the ports' groups; power actions are accepted (the emulated
// server keeps running).
Result<Reply> server_action(Ctx& c, const httplib::Request& req) {
  CL_RETURN_IF_ERROR(c.cloud.get_server(req.matches[1]));
  auto body = json_body(req);
  if (!body.ok() || !body->is_object() || body->empty()) {
    return make_error(ErrorCode::kInvalidArgument, "Malformed request body: no action");
  }
  const std::string action = body->begin().key();
  if (action == "addSecurityGroup" || action == "removeSecurityGroup") {
    CL_RETURN_IF_ERROR(
        security_group_action(c, req.matches[1], *body, action == "addSecurityGroup"));
  }
  return Reply::empty(202);
}

Result<json> server_metadata(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(openstack::Server s, c.cloud.get_server(req.matches[1]));
  return json{{"metadata", s.metadata}};
}

// Nova's proxy of Neutron's groups (os-security-groups), which the client looks groups up in.
Result<json> list_security_groups(Ctx& c, const httplib::Request&) {
  json items = json::array();
  for (const auto& g : c.cloud.list_security_groups()) {
    items.push_back(security_group_json(g));
  }
  return json{{"security_groups", items}};
}

Result<json> show_security_group(Ctx& c, const httplib::Request& req) {
  auto g = c.cloud.get_security_group(req.matches[1]);
  if (!g.ok()) {
    return make_error(ErrorCode::kNotFound, "Security group {} not found.",
                      std::string(req.matches[1]));
  }
  return json{{"security_group", security_group_json(*g)}};
}

Result<json> server_security_groups(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(auto groups, c.cloud.server_security_groups(req.matches[1]));
  json items = json::array();
  for (const auto& g : groups) {
    items.push_back(security_group_json(g));
  }
  return json{{"security_groups", items}};
}

Result<json> list_interfaces(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(auto ports, c.cloud.server_ports(req.matches[1]));
  json items = json::array();
  for (const auto& p : ports) {
    items.push_back(interface_json(p));
  }
  return json{{"interfaceAttachments", items}};
}

Result<json> show_interface(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(auto ports, c.cloud.server_ports(req.matches[1]));
  for (const auto& p : ports) {
    if (p.id == req.matches[2]) {
      return json{{"interfaceAttachment", interface_json(p)}};
    }
  }
  return make_error(ErrorCode::kNotFound, "Port {} is not attached", std::string(req.matches[2]));
}

Result<json> attach_interface(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json body, json_body(req));
  CL_ASSIGN_OR_RETURN(openstack::ServerNic nic, parse_interface_attachment(body));
  CL_ASSIGN_OR_RETURN(auto attached, c.cloud.attach_interface(req.matches[1], nic));
  return json{{"interfaceAttachment", interface_json(attached)}};
}

Result<Reply> detach_interface(Ctx& c, const httplib::Request& req) {
  CL_RETURN_IF_ERROR(c.cloud.detach_interface(req.matches[1], req.matches[2]));
  return Reply::empty(202);
}

// GET /flavors and /flavors/detail.
template <bool kDetail>
Result<json> list_flavors(Ctx& c, const httplib::Request& req) {
  json items = json::array();
  for (const auto& f : c.cloud.list_flavors()) {
    items.push_back(flavor_json(req, c.ports.nova, f, kDetail));
  }
  return json{{"flavors", items}};
}

// By id only, as Nova: clients fall back to a list to find names.
Result<json> show_flavor(Ctx& c, const httplib::Request& req) {
  for (const auto& f : c.cloud.list_flavors()) {
    if (f.id == req.matches[1]) {
      return json{{"flavor", flavor_json(req, c.ports.nova, f, true)}};
    }
  }
  return make_error(ErrorCode::kNotFound, "Flavor {} could not be found.",
                    std::string(req.matches[1]));
}

Result<json> create_flavor(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json body, json_body(req));
  CL_ASSIGN_OR_RETURN(openstack::FlavorCreate fc, parse_flavor_create(body));
  CL_ASSIGN_OR_RETURN(openstack::Flavor created, c.cloud.create_flavor(fc));
  return json{{"flavor", flavor_json(req, c.ports.nova, created, true)}};
}

Result<Reply> delete_flavor(Ctx& c, const httplib::Request& req) {
  CL_RETURN_IF_ERROR(c.cloud.delete_flavor(req.matches[1]));
  return Reply::empty(202);
}

Result<json> flavor_extra_specs(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(openstack::Flavor f, c.cloud.get_flavor(req.matches[1]));
  return json{{"extra_specs", f.extra_specs}};
}

Result<json> set_flavor_extra_specs(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json body, json_body(req));
  auto specs = body.find("extra_specs");
  if (specs == body.end() || !specs->is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "Invalid input: 'extra_specs' is required");
  }
  std::map<std::string, std::string> m;
  for (const auto& [k, v] : specs->items()) {
    m[k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
  CL_RETURN_IF_ERROR(c.cloud.set_flavor_extra_specs(req.matches[1], m));
  return json{{"extra_specs", m}};
}

Result<Reply> unset_flavor_extra_spec(Ctx& c, const httplib::Request& req) {
  CL_RETURN_IF_ERROR(c.cloud.unset_flavor_extra_spec(req.matches[1], req.matches[2]));
  return Reply::empty(200);
}

Result<json> flavor_access(Ctx&, const httplib::Request&) {
  return json{{"flavor_access", json::array()}};
}

// Images are proxied from the Glance records.
// GET /images and /images/detail.
template <bool kDetail>
Result<json> list_images(Ctx& c, const httplib::Request& req) {
  json items = json::array();
  for (const auto& im : c.cloud.list_images()) {
    items.push_back(image_json(req, c.ports.nova, im, kDetail));
  }
  return json{{"images", filter_items(items, req)}};
}

Result<json> show_image(Ctx& c, const httplib::Request& req) {
  auto im = c.cloud.get_image(req.matches[1]);
  if (!im.ok() || im->id != req.matches[1]) {
    return make_error(ErrorCode::kNotFound, "Image not found.");
  }
  return json{{"image", image_json(req, c.ports.nova, *im, true)}};
}

Result<Reply> delete_image(Ctx& c, const httplib::Request& req) {
  CL_RETURN_IF_ERROR(c.cloud.delete_image(req.matches[1]));
  return Reply::empty(204);
}

Result<json> limits(Ctx& c, const httplib::Request&) {
  auto u = c.cloud.usage();
  json absolute = {{"maxServerMeta", 128},
                   {"maxPersonality", 5},
                   {"maxImageMeta", 128},
                   {"maxPersonalitySize", 10240},
                   {"maxTotalKeypairs", 100},
                   {"maxSecurityGroupRules", 20},
                   {"maxSecurityGroups", 10},
                   {"maxServerGroups", 10},
                   {"maxServerGroupMembers", 10},
                   {"maxTotalCores", 1000},
                   {"maxTotalInstances", 1000},
                   {"maxTotalRAMSize", 1024 * 1024},
                   {"maxTotalFloatingIps", 100},
                   {"totalCoresUsed", u.vcpus},
                   {"totalRAMUsed", u.ram_mb},
                   {"totalInstancesUsed", u.servers},
                   {"totalFloatingIpsUsed", u.floating_ips},
                   {"totalSecurityGroupsUsed", 0},
                   {"totalServerGroupsUsed", 0}};
  return json{{"limits", {{"rate", json::array()}, {"absolute", absolute}}}};
}

Result<json> availability_zones(Ctx&, const httplib::Request&) {
  return json{{"availabilityZoneInfo",
               {{{"zoneName", "nova"}, {"zoneState", {{"available", true}}}, {"hosts", nullptr}}}}};
}

Result<json> keypairs(Ctx&, const httplib::Request&) {
  return json{{"keypairs", json::array()}};
}

const PathRoutes<Ctx> kRootRoutes[] = {{R"(/?)", {{Method::kGet, &versions}}}};
// Under kPrefix (another file's global: added at run time, not in a static initialiser).
const PathRoutes<Ctx> kVersionRoutes[] = {{"/?", {{Method::kGet, &version}}}};

// Under kPrefix ("/v2.1[/<project>]"), behind the token.
const PathRoutes<Ctx> kRoutes[] = {
    {R"(/servers/?)", {{Method::kGet, &list_servers<false>}, {Method::kPost, &create_server}}},
    {R"(/servers/detail/?)", {{Method::kGet, &list_servers<true>}}},
    {R"(/servers/andPorts/?)", {{Method::kGet, &list_servers_and_ports}}},
    {R"(/servers/([^/]+)/?)",
     {{Method::kGet, &show_server},
      {Method::kPut, &update_server},
      {Method::kDelete, &delete_server}}},
    {R"(/servers/([^/]+)/action/?)", {{Method::kPost, &server_action}}},
    {R"(/servers/([^/]+)/metadata/?)", {{Method::kGet, &server_metadata}}},
    {R"(/servers/([^/]+)/os-security-groups/?)", {{Method::kGet, &server_security_groups}}},
    {R"(/os-security-groups/?)", {{Method::kGet, &list_security_groups}}},
    {R"(/os-security-groups/([^/]+)/?)", {{Method::kGet, &show_security_group}}},
    {R"(/servers/([^/]+)/os-interface/?)",
     {{Method::kGet, &list_interfaces}, {Method::kPost, &attach_interface}}},
    {R"(/servers/([^/]+)/os-interface/([^/]+)/?)",
     {{Method::kGet, &show_interface}, {Method::kDelete, &detach_interface}}},
    {R"(/flavors/?)", {{Method::kGet, &list_flavors<false>}, {Method::kPost, &create_flavor}}},
    {R"(/flavors/detail/?)", {{Method::kGet, &list_flavors<true>}}},
    {R"(/flavors/([^/]+)/?)", {{Method::kGet, &show_flavor}, {Method::kDelete, &delete_flavor}}},
    {R"(/flavors/([^/]+)/os-extra_specs/?)",
     {{Method::kGet, &flavor_extra_specs}, {Method::kPost, &set_flavor_extra_specs}}},
    {R"(/flavors/([^/]+)/os-extra_specs/([^/]+)/?)", {{Method::kDelete, &unset_flavor_extra_spec}}},
    {R"(/flavors/([^/]+)/os-flavor-access/?)", {{Method::kGet, &flavor_access}}},
    {R"(/images/?)", {{Method::kGet, &list_images<false>}}},
    {R"(/images/detail/?)", {{Method::kGet, &list_images<true>}}},
    {R"(/images/([^/]+)/?)", {{Method::kGet, &show_image}, {Method::kDelete, &delete_image}}},
    {R"(/limits/?)", {{Method::kGet, &limits}}},
    {R"(/os-availability-zone(?:/detail)?/?)", {{Method::kGet, &availability_zones}}},
    {R"(/os-keypairs/?)", {{Method::kGet, &keypairs}}},
};

}  // namespace

NovaEndpoint::NovaEndpoint(openstack::Cloud& cloud, OpenStackPorts ports)
    : OpenStackServiceEndpoint("nova", ErrorStyle::kNova, cloud, ports) {}

void NovaEndpoint::register_routes(httplib::Server& server) {
  Router open(server, *this);
  open.add<Ctx>(ctx_, kRootRoutes);
  open.add<Ctx>(ctx_, kVersionRoutes, kPrefix);
  Router(server, *this, nova_guard(ctx_)).add<Ctx>(ctx_, kRoutes, kPrefix);
}

}  // namespace chainlab::endpoints
