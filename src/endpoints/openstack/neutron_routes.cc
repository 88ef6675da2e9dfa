// The routes of Neutron (neutron.h): one function per route, in the order httplib tries them.
#include <httplib.h>

#include "endpoints/http/router.h"
#include "endpoints/openstack/neutron.h"
#include "endpoints/openstack/neutron_internal.h"

namespace chainlab::endpoints {

using nlohmann::json;

namespace {

using Ctx = OpenStackContext;
using namespace neutron;  // views and path patterns

constexpr ErrorStyle kStyle = ErrorStyle::kNeutron;

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
  for (const char* r : {"network", "subnet", "port", "floatingip", "router"}) {
    std::string plural = std::string(r) + "s";
    std::string href = service_url(req, c.ports.neutron, "/v2.0/" + plural);
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

// ---- networks
Result<json> list_networks(Ctx& c, const httplib::Request& req) {
  return json{
      {"networks", filter_items(to_json_list(c.cloud->list_networks(), network_json), req)}};
}

Result<Reply> create_network(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json n, body_of(req, "network"));
  CL_ASSIGN_OR_RETURN(openstack::NetworkCreate request, parse_network_create(n));
  CL_ASSIGN_OR_RETURN(openstack::Network created, c.cloud->create_network(request));
  return Reply(json{{"network", network_json(created)}}, 201);
}

Result<json> show_network(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(openstack::Network n, c.cloud->get_network(req.matches[1]));
  return json{{"network", network_json(n)}};
}

Result<json> update_network(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json n, body_of(req, "network"));
  CL_ASSIGN_OR_RETURN(auto u, parse_network_update(n));
  CL_ASSIGN_OR_RETURN(openstack::Network updated, c.cloud->update_network(req.matches[1], u));
  return json{{"network", network_json(updated)}};
}

Result<Reply> delete_network(Ctx& c, const httplib::Request& req) {
  Status s = c.cloud->delete_network(req.matches[1]);
  if (!s.ok()) {
    bool in_use = s.error().code == ErrorCode::kFailedPrecondition;
    return openstack_error_reply(kStyle, s.error(), in_use ? "NetworkInUse" : "NetworkNotFound");
  }
  return Reply::empty(204);
}

// ---- subnets
Result<json> list_subnets(Ctx& c, const httplib::Request& req) {
  return json{{"subnets", filter_items(to_json_list(c.cloud->list_subnets(), subnet_json), req)}};
}

Result<Reply> create_subnet(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json s, body_of(req, "subnet"));
  CL_ASSIGN_OR_RETURN(openstack::SubnetCreate request, parse_subnet_create(s));
  CL_ASSIGN_OR_RETURN(openstack::Subnet created, c.cloud->create_subnet(request));
  return Reply(json{{"subnet", subnet_json(created)}}, 201);
}

Result<json> show_subnet(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(openstack::Subnet s, c.cloud->get_subnet(req.matches[1]));
  return json{{"subnet", subnet_json(s)}};
}

Result<json> update_subnet(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json s, body_of(req, "subnet"));
  CL_ASSIGN_OR_RETURN(auto u, parse_subnet_update(s));
  CL_ASSIGN_OR_RETURN(openstack::Subnet updated, c.cloud->update_subnet(req.matches[1], u));
  return json{{"subnet", subnet_json(updated)}};
}

Result<Reply> delete_subnet(Ctx& c, const httplib::Request& req) {
  CL_RETURN_IF_ERROR(c.cloud->delete_subnet(req.matches[1]));
  return Reply::empty(204);
}

// ---- ports
Result<json> list_ports(Ctx& c, const httplib::Request& req) {
  return json{{"ports", filter_items(to_json_list(c.cloud->list_ports(), neutron_port_json), req,
                                     {"fixed_ips"})}};
}

Result<Reply> create_port(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json p, body_of(req, "port"));
  CL_ASSIGN_OR_RETURN(openstack::PortCreate request, parse_port_create(p));
  CL_ASSIGN_OR_RETURN(openstack::Port created, c.cloud->create_port(request));
  return Reply(json{{"port", neutron_port_json(created)}}, 201);
}

Result<json> show_port(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(openstack::Port p, c.cloud->get_port(req.matches[1]));
  return json{{"port", neutron_port_json(p)}};
}

Result<json> update_port(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json p, body_of(req, "port"));
  CL_ASSIGN_OR_RETURN(auto u, parse_port_update(p));
  CL_ASSIGN_OR_RETURN(openstack::Port updated, c.cloud->update_port(req.matches[1], u));
  return json{{"port", neutron_port_json(updated)}};
}

Result<Reply> delete_port(Ctx& c, const httplib::Request& req) {
  CL_RETURN_IF_ERROR(c.cloud->delete_port(req.matches[1]));
  return Reply::empty(204);
}

// ---- floating IPs
Result<json> list_floating_ips(Ctx& c, const httplib::Request& req) {
  return json{{"floatingips",
               filter_items(to_json_list(c.cloud->list_floating_ips(), floating_ip_json), req)}};
}

Result<Reply> create_floating_ip(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json f, body_of(req, "floatingip"));
  CL_ASSIGN_OR_RETURN(auto request, parse_floating_ip_create(f));
  CL_ASSIGN_OR_RETURN(auto created, c.cloud->create_floating_ip(request));
  return Reply(json{{"floatingip", floating_ip_json(created)}}, 201);
}

Result<json> show_floating_ip(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(auto f, c.cloud->get_floating_ip(req.matches[1]));
  return json{{"floatingip", floating_ip_json(f)}};
}

Result<json> update_floating_ip(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json f, body_of(req, "floatingip"));
  CL_ASSIGN_OR_RETURN(auto updated,
                      c.cloud->associate_floating_ip(req.matches[1], text_of(f, "port_id"),
                                                     text_of(f, "fixed_ip_address")));
  return json{{"floatingip", floating_ip_json(updated)}};
}

Result<Reply> delete_floating_ip(Ctx& c, const httplib::Request& req) {
  CL_RETURN_IF_ERROR(c.cloud->delete_floating_ip(req.matches[1]));
  return Reply::empty(204);
}

// ---- routers
// The gateway network: absent without external_gateway_info, "" for one without a network_id.
std::optional<std::string> gateway_of(const json& r) {
  if (!r.contains("external_gateway_info")) {
    return std::nullopt;
  }
  const json& gw = r["external_gateway_info"];
  if (gw.is_object() && gw.value("network_id", json()).is_string()) {
    return gw["network_id"].get<std::string>();
  }
  return std::string();
}

Result<json> list_routers(Ctx& c, const httplib::Request& req) {
  return json{{"routers", filter_items(to_json_list(c.cloud->list_routers(), router_json), req)}};
}

Result<Reply> create_router(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json r, body_of(req, "router"));
  CL_ASSIGN_OR_RETURN(auto name, opt_string(r, "name"));
  CL_ASSIGN_OR_RETURN(auto up, opt_bool(r, "admin_state_up"));
  openstack::RouterCreate rc;
  rc.name = name.value_or("");
  rc.admin_state_up = up.value_or(true);
  rc.external_network_id = gateway_of(r).value_or("");
  CL_ASSIGN_OR_RETURN(auto created, c.cloud->create_router(rc));
  return Reply(json{{"router", router_json(created)}}, 201);
}

Result<json> show_router(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(auto r, c.cloud->get_router(req.matches[1]));
  return json{{"router", router_json(r)}};
}

Result<json> update_router(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json r, body_of(req, "router"));
  openstack::RouterUpdate u;
  CL_ASSIGN_OR_RETURN(u.name, opt_string(r, "name"));
  CL_ASSIGN_OR_RETURN(u.admin_state_up, opt_bool(r, "admin_state_up"));
  u.external_network_id = gateway_of(r);
  CL_ASSIGN_OR_RETURN(auto updated, c.cloud->update_router(req.matches[1], u));
  return json{{"router", router_json(updated)}};
}

Result<Reply> delete_router(Ctx& c, const httplib::Request& req) {
  CL_RETURN_IF_ERROR(c.cloud->delete_router(req.matches[1]));
  return Reply::empty(204);
}

Result<json> router_interface(Ctx& c, const httplib::Request& req, bool add) {
  CL_ASSIGN_OR_RETURN(json body, json_body(req));
  openstack::RouterInterface ri;
  ri.subnet_id = text_of(body, "subnet_id");
  ri.port_id = text_of(body, "port_id");
  CL_ASSIGN_OR_RETURN(auto done, add ? c.cloud->add_router_interface(req.matches[1], ri)
                                     : c.cloud->remove_router_interface(req.matches[1], ri));
  auto p = c.cloud->get_port(done.port_id);
  return json{{"id", std::string(req.matches[1])},        {"tenant_id", c.cloud->project_id()},
              {"project_id", c.cloud->project_id()},      {"subnet_id", done.subnet_id},
              {"subnet_ids", {done.subnet_id}},           {"port_id", done.port_id},
              {"network_id", p.ok() ? p->network_id : ""}};
}

Result<json> add_router_interface(Ctx& c, const httplib::Request& req) {
  return router_interface(c, req, true);
}

Result<json> remove_router_interface(Ctx& c, const httplib::Request& req) {
  return router_interface(c, req, false);
}

// One permissive default group (the emulation does not filter).
Result<json> list_security_groups(Ctx& c, const httplib::Request& req) {
  const std::string& project = c.cloud->project_id();
  json sg = {{"id", project.substr(0, 8) + "-0000-4000-8000-" + project.substr(0, 12)},
             {"name", "default"},
             {"description", "Default security group"},
             {"tenant_id", project},
             {"project_id", project},
             {"security_group_rules", json::array()},
             {"stateful", true},
             {"tags", json::array()}};
  return json{{"security_groups", filter_items(json::array({sg}), req)}};
}

const Route<Ctx> kOpenRoutes[] = {
    {Method::kGet, R"(/?)", &versions},
    {Method::kGet, R"(/v2\.0/?)", &resources},
};

// Behind the token.
const Route<Ctx> kRoutes[] = {
    {Method::kGet, collection("extensions"), &extensions},
    {Method::kGet, collection("networks"), &list_networks},
    {Method::kPost, collection("networks"), &create_network},
    {Method::kGet, item("networks"), &show_network},
    {Method::kPut, item("networks"), &update_network},
    {Method::kDelete, item("networks"), &delete_network},
    {Method::kGet, collection("subnets"), &list_subnets},
    {Method::kPost, collection("subnets"), &create_subnet},
    {Method::kGet, item("subnets"), &show_subnet},
    {Method::kPut, item("subnets"), &update_subnet},
    {Method::kDelete, item("subnets"), &delete_subnet},
    {Method::kGet, collection("ports"), &list_ports},
    {Method::kPost, collection("ports"), &create_port},
    {Method::kGet, item("ports"), &show_port},
    {Method::kPut, item("ports"), &update_port},
    {Method::kDelete, item("ports"), &delete_port},
    {Method::kGet, collection("floatingips"), &list_floating_ips},
    {Method::kPost, collection("floatingips"), &create_floating_ip},
    {Method::kGet, item("floatingips"), &show_floating_ip},
    {Method::kPut, item("floatingips"), &update_floating_ip},
    {Method::kDelete, item("floatingips"), &delete_floating_ip},
    {Method::kGet, collection("routers"), &list_routers},
    {Method::kPost, collection("routers"), &create_router},
    {Method::kGet, item("routers"), &show_router},
    {Method::kPut, item("routers"), &update_router},
    {Method::kDelete, item("routers"), &delete_router},
    {Method::kPut, R"(/v2\.0/routers/([^/.]+)/add_router_interface(?:\.json)?/?)",
     &add_router_interface},
    {Method::kPut, R"(/v2\.0/routers/([^/.]+)/remove_router_interface(?:\.json)?/?)",
     &remove_router_interface},
    {Method::kGet, collection("security-groups"), &list_security_groups},
};

}  // namespace

void NeutronEndpoint::register_routes(httplib::Server& server) {
  Router(server, *this).add<Ctx>(ctx_, kOpenRoutes);
  Router(server, *this, token_guard(ctx_.cloud)).add<Ctx>(ctx_, kRoutes);
}

void NeutronEndpoint::write_error(httplib::Response& res, const Error& error) const {
  send_openstack_error(res, kStyle, error);
}

}  // namespace chainlab::endpoints
