// Neutron's JSON views of the Cloud's records and its path patterns (neutron_internal.h).
#include <httplib.h>

#include "endpoints/openstack/neutron.h"
#include "endpoints/openstack/neutron_internal.h"

namespace chainlab::endpoints {

using nlohmann::json;

namespace neutron {
json network_json(const openstack::Network& n) {
  return with_standard_attributes({{"name", n.name},
                                   {"admin_state_up", n.admin_state_up},
                                   {"status", n.status},
                                   {"subnets", n.subnet_ids},
                                   {"shared", n.shared},
                                   {"router:external", n.external},
                                   {"mtu", n.mtu},
                                   {"port_security_enabled", true},
                                   {"availability_zone_hints", json::array()},
                                   {"availability_zones", {"nova"}},
                                   {"ipv4_address_scope", nullptr},
                                   {"ipv6_address_scope", nullptr},
                                   {"is_default", false},
                                   {"l2_adjacency", true}},
                                  n);
}

json subnet_json(const openstack::Subnet& s) {
  json pools = json::array();
  for (const auto& p : s.allocation_pools) {
    pools.push_back({{"start", p.start}, {"end", p.end}});
  }
  return with_standard_attributes({{"name", s.name},
                                   {"network_id", s.network_id},
                                   {"cidr", s.cidr},
                                   {"gateway_ip", null_if_empty(s.gateway_ip)},
                                   {"allocation_pools", pools},
                                   {"ip_version", s.ip_version},
                                   {"enable_dhcp", s.enable_dhcp},
                                   {"dns_nameservers", s.dns_nameservers},
                                   {"host_routes", json::array()},
                                   {"ipv6_ra_mode", nullptr},
                                   {"ipv6_address_mode", nullptr},
                                   {"subnetpool_id", nullptr},
                                   {"segment_id", nullptr},
                                   {"service_types", json::array()}},
                                  s);
}

json floating_ip_json(const openstack::FloatingIp& f) {
  return {{"id", f.id},
          {"floating_ip_address", f.floating_ip_address},
          {"floating_network_id", f.floating_network_id},
          {"router_id", null_if_empty(f.router_id)},
          {"port_id", null_if_empty(f.port_id)},
          {"fixed_ip_address", null_if_empty(f.fixed_ip_address)},
          {"status", f.status},
          {"tenant_id", f.project_id},
          {"project_id", f.project_id},
          {"description", f.description},
          {"port_details", nullptr},
          {"tags", json::array()},
          {"created_at", f.created_at},
          {"updated_at", f.created_at},
          {"revision_number", 1}};
}

json router_json(const openstack::Router& r) {
  json gw = nullptr;
  if (!r.external_network_id.empty()) {
    json ips = json::array();
    for (const auto& ip : r.gateway_ips) {
      ips.push_back({{"subnet_id", ip.subnet_id}, {"ip_address", ip.ip_address}});
    }
    gw = {
        {"network_id", r.external_network_id}, {"enable_snat", true}, {"external_fixed_ips", ips}};
  }
  return with_standard_attributes({{"name", r.name},
                                   {"admin_state_up", r.admin_state_up},
                                   {"status", r.status},
                                   {"external_gateway_info", gw},
                                   {"routes", json::array()},
                                   {"ha", false},
                                   {"distributed", false},
                                   {"availability_zone_hints", json::array()},
                                   {"availability_zones", {"nova"}}},
                                  r);
}

std::string collection(const std::string& name) {
  return R"(/v2\.0/)" + name + R"((?:\.json)?/?)";
}
std::string item(const std::string& name) {
  return R"(/v2\.0/)" + name + R"(/([^/.]+)(?:\.json)?/?)";
}

}  // namespace neutron

json neutron_port_json(const openstack::Port& p) {
  json ips = json::array();
  for (const auto& ip : p.fixed_ips) {
    ips.push_back({{"subnet_id", ip.subnet_id}, {"ip_address", ip.ip_address}});
  }
  return neutron::with_standard_attributes(
      {{"name", p.name},
       {"network_id", p.network_id},
       {"mac_address", p.mac_address},
       {"fixed_ips", ips},
       {"device_id", p.device_id},
       {"device_owner", p.device_owner},
       {"admin_state_up", p.admin_state_up},
       {"status", p.status},
       {"security_groups", p.security_groups},
       {"port_security_enabled", p.port_security_enabled},
       {"allowed_address_pairs", json::array()},
       {"extra_dhcp_opts", json::array()},
       {"binding:host_id", p.binding ? p.binding->instance : ""},
       {"binding:vif_type", p.binding ? "ovs" : "unbound"},
       {"binding:vnic_type", "normal"},
       {"binding:profile", json::object()},
       {"binding:vif_details",
        p.binding ? json{{"interface", p.binding->interface}} : json::object()}},
      p);
}

}  // namespace chainlab::endpoints
