// The routes of Neutron (neutron.h): its five resources (endpoints/openstack/resource.h), then
// the routes of their own.
#include <httplib.h>

#include <algorithm>

#include "endpoints/http/router.h"
#include "endpoints/openstack/neutron.h"
#include "endpoints/openstack/neutron_internal.h"
#include "endpoints/openstack/resource.h"

namespace chainlab::endpoints {

using nlohmann::json;

namespace {

using Ctx = OpenStackContext;
using openstack::Cloud;
using namespace neutron;  // views and path patterns

// {"<key>": {...}} of a POST/PUT body (with Neutron's messages when it is not there).
Result<json> body_of(const httplib::Request& req, const std::string& key) {
  if (req.body.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "Resource body required");
  }
  CL_ASSIGN_OR_RETURN(json body, json_body(req));
  auto it = body.find(key);
  if (it == body.end() || !it->is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "Unable to find '{}' in request body", key);
  }
  return *it;
}

// A string member, "" when absent or not a string.
std::string text_of(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

Result<json> versions(Ctx& c, const httplib::Request& req) {
  json v = {{"id", "v2.0"},
            {"status", "CURRENT"},
            {"links", {{{"rel", "self"}, {"href", service_url(req, c.ports.neutron, "/v2.0/")}}}}};
  return json{{"versions", {v}}};
}

Result<json> resources(Ctx& c, const httplib::Request& req) {
  json out = json::array();
  for (const char* r : {"network", "subnet", "port", "floatingip", "router", "security_group",
                        "security_group_rule"}) {
    std::string plural = std::string(r) + "s";
    std::string path = plural;
    std::replace(path.begin(), path.end(), '_', '-');  // security-groups
    std::string href = service_url(req, c.ports.neutron, "/v2.0/" + path);
    out.push_back(
        {{"name", r}, {"collection", plural}, {"links", {{{"rel", "self"}, {"href", href}}}}});
  }
  return json{{"resources", out}};
}

Result<json> extensions(Ctx&, const httplib::Request&) {
  static const std::pair<const char*, const char*> kExtensions[] = {
      {"binding", "Port Binding"},
      {"external-net", "Neutron external network"},
      {"router", "Neutron L3 Router"},
      {"quotas", "Quota management support"},
      {"net-mtu", "Network MTU"},
      {"port-security", "Port Security"},
      {"security-group", "security-group"},
      {"standard-attr-description", "standard-attr-description"},
      {"sfc", "Port Chaining"},
      {"flow_classifier", "Flow Classifier"}};
  json items = json::array();
  for (const auto& [alias, name] : kExtensions) {
    items.push_back({{"alias", alias},
                     {"name", name},
                     {"description", name},
                     {"updated", "2016-01-01T00:00:00-00:00"},
                     {"links", json::array()}});
  }
  return json{{"extensions", items}};
}

// A Neutron resource: /v2.0/<path>[.json] (default: <singular>s), bodies read by body_of.
Resource neutron_resource(const std::string& singular, const std::string& path = "") {
  Resource r;
  r.singular = singular;
  r.plural = singular + "s";
  r.collection = collection(path.empty() ? r.plural : path);
  r.item = item(path.empty() ? r.plural : path);
  r.body = [singular](const httplib::Request& req, bool) { return body_of(req, singular); };
  return r;
}

// PUT /v2.0/floatingips/<id>: the port (and address) to associate; none: disassociate.
struct FloatingIpAssociation {
  std::string port_id;
  std::string fixed_ip_address;
};

Result<FloatingIpAssociation> parse_association(const json& f) {
  return FloatingIpAssociation{text_of(f, "port_id"), text_of(f, "fixed_ip_address")};
}

Result<openstack::FloatingIp> associate(Cloud& cloud, const std::string& id,
                                        const FloatingIpAssociation& a) {
  return cloud.associate_floating_ip(id, a.port_id, a.fixed_ip_address);
}

// Deleting a network answers with types of its own.
std::string network_error_type(const Error& e, bool removing) {
  if (!removing) {
    return "";
  }
  return e.code == ErrorCode::kFailedPrecondition ? "NetworkInUse" : "NetworkNotFound";
}

std::string security_group_error_type(const Error& e, bool removing) {
  if (e.code == ErrorCode::kNotFound) {
    return "SecurityGroupNotFound";
  }
  if (removing && e.code == ErrorCode::kFailedPrecondition) {
    return e.message.find("default") != std::string::npos ? "SecurityGroupCannotRemoveDefault"
                                                          : "SecurityGroupInUse";
  }
  return "";
}

std::string rule_error_type(const Error& e, bool) {
  if (e.code == ErrorCode::kAlreadyExists) {
    return "SecurityGroupRuleExists";
  }
  bool rule = e.message.starts_with("Security group rule");
  return e.code == ErrorCode::kNotFound
             ? (rule ? "SecurityGroupRuleNotFound" : "SecurityGroupNotFound")
             : "";
}

// Never called: parse_security_group_rule_update refuses every body.
Result<openstack::SecurityGroupRule> update_rule(Cloud&, const std::string&, const RuleUpdate&) {
  return make_error(ErrorCode::kInvalidArgument, "Security group rules cannot be updated");
}

void add_security_group_resources(std::vector<Resource>& out, Cloud& cloud) {
  out.push_back(neutron_resource("security_group", "security-groups"));
  bind_ops(out.back(), cloud, &Cloud::list_security_groups, &Cloud::get_security_group,
           &Cloud::create_security_group, &Cloud::update_security_group,
           &Cloud::delete_security_group, &parse_security_group_create,
           &parse_security_group_update, &security_group_json);
  out.back().error_type = &security_group_error_type;
  out.push_back(neutron_resource("security_group_rule", "security-group-rules"));
  bind_ops(out.back(), cloud, &Cloud::list_security_group_rules, &Cloud::get_security_group_rule,
           &Cloud::create_security_group_rule, &update_rule, &Cloud::delete_security_group_rule,
           &parse_security_group_rule_create, &parse_security_group_rule_update,
           &security_group_rule_json);
  out.back().error_type = &rule_error_type;
}

std::vector<Resource> neutron_resources(Cloud& cloud) {
  std::vector<Resource> out;
  out.push_back(neutron_resource("network"));
  bind_ops(out.back(), cloud, &Cloud::list_networks, &Cloud::get_network, &Cloud::create_network,
           &Cloud::update_network, &Cloud::delete_network, &parse_network_create,
           &parse_network_update, &network_json);
  out.back().error_type = &network_error_type;
  out.push_back(neutron_resource("subnet"));
  bind_ops(out.back(), cloud, &Cloud::list_subnets, &Cloud::get_subnet, &Cloud::create_subnet,
           &Cloud::update_subnet, &Cloud::delete_subnet, &parse_subnet_create, &parse_subnet_update,
           &subnet_json);
  out.push_back(neutron_resource("port"));
  bind_ops(out.back(), cloud, &Cloud::list_ports, &Cloud::get_port, &Cloud::create_port,
           &Cloud::update_port, &Cloud::delete_port, &parse_port_create, &parse_port_update,
           &neutron_port_json);
  out.back().unfiltered = {"fixed_ips"};
  out.push_back(neutron_resource("floatingip"));
  bind_ops(out.back(), cloud, &Cloud::list_floating_ips, &Cloud::get_floating_ip,
           &Cloud::create_floating_ip, &associate, &Cloud::delete_floating_ip,
           &parse_floating_ip_create, &parse_association, &floating_ip_json);
  out.push_back(neutron_resource("router"));
  bind_ops(out.back(), cloud, &Cloud::list_routers, &Cloud::get_router, &Cloud::create_router,
           &Cloud::update_router, &Cloud::delete_router, &parse_router_create, &parse_router_update,
           &router_json);
  add_security_group_resources(out, cloud);
  return out;
}

Result<json> router_interface(Ctx& c, const httplib::Request& req, bool add) {
  CL_ASSIGN_OR_RETURN(json body, json_body(req));
  openstack::RouterInterface ri;
  ri.subnet_id = text_of(body, "subnet_id");
  ri.port_id = text_of(body, "port_id");
  CL_ASSIGN_OR_RETURN(auto done, add ? c.cloud.add_router_interface(req.matches[1], ri)
                                     : c.cloud.remove_router_interface(req.matches[1], ri));
  auto p = c.cloud.get_port(done.port_id);
  return json{{"id", std::string(req.matches[1])},        {"tenant_id", c.cloud.project_id()},
              {"project_id", c.cloud.project_id()},       {"subnet_id", done.subnet_id},
              {"subnet_ids", {done.subnet_id}},           {"port_id", done.port_id},
              {"network_id", p.ok() ? p->network_id : ""}};
}

Result<json> add_router_interface(Ctx& c, const httplib::Request& req) {
  return router_interface(c, req, true);
}

Result<json> remove_router_interface(Ctx& c, const httplib::Request& req) {
  return router_interface(c, req, false);
}

const PathRoutes<Ctx> kOpenRoutes[] = {
    {R"(/?)", {{Method::kGet, &versions}}},
    {R"(/v2\.0/?)", {{Method::kGet, &resources}}},
};

// Behind the token.
const PathRoutes<Ctx> kRoutes[] = {
    {collection("extensions"), {{Method::kGet, &extensions}}},
    {R"(/v2\.0/routers/([^/.]+)/add_router_interface(?:\.json)?/?)",
     {{Method::kPut, &add_router_interface}}},
    {R"(/v2\.0/routers/([^/.]+)/remove_router_interface(?:\.json)?/?)",
     {{Method::kPut, &remove_router_interface}}},
};

}  // namespace

NeutronEndpoint::NeutronEndpoint(openstack::Cloud& cloud, OpenStackPorts ports)
    : OpenStackServiceEndpoint("neutron", ErrorStyle::kNeutron, cloud, ports, kOpenRoutes,
                               kRoutes) {}

void NeutronEndpoint::register_routes(httplib::Server& server) {
  Router router(server, *this, token_guard(ctx_.cloud));
  for (Resource& r : neutron_resources(ctx_.cloud)) {
    add_resource_routes(router, std::make_shared<const Resource>(std::move(r)));
  }
  OpenStackServiceEndpoint::register_routes(server);  // kOpenRoutes, kRoutes
}

}  // namespace chainlab::endpoints
