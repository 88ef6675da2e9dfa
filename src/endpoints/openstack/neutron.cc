#include "endpoints/openstack/neutron.h"

#include <httplib.h>

namespace chainlab::endpoints {
namespace {

using nlohmann::json;
Result<std::vector<std::string>> string_list(const json& obj, const char* key) {
  std::vector<std::string> out;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    return out;
  }
  if (!it->is_array()) {
    return make_error(ErrorCode::kInvalidArgument, "Invalid input for {}: not a list", key);
  }
  for (const auto& v : *it) {
    if (!v.is_string()) {
      return make_error(ErrorCode::kInvalidArgument, "Invalid input for {}: not a string", key);
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace

Result<openstack::NetworkCreate> parse_network_create(const json& n) {
  openstack::NetworkCreate r;
  CL_ASSIGN_OR_RETURN(auto name, opt_string(n, "name"));
  CL_ASSIGN_OR_RETURN(auto up, opt_bool(n, "admin_state_up"));
  CL_ASSIGN_OR_RETURN(auto shared, opt_bool(n, "shared"));
  CL_ASSIGN_OR_RETURN(auto external, opt_bool(n, "router:external"));
  CL_ASSIGN_OR_RETURN(auto mtu, opt_int(n, "mtu", 68, 65535));
  r.name = name.value_or("");
  r.admin_state_up = up.value_or(true);
  r.shared = shared.value_or(false);
  r.external = external.value_or(false);
  if (mtu) {
    r.mtu = static_cast<int>(*mtu);
  }
  return r;
}

Result<openstack::SubnetCreate> parse_subnet_create(const json& s) {
  openstack::SubnetCreate r;
  CL_ASSIGN_OR_RETURN(auto net, opt_string(s, "network_id"));
  CL_ASSIGN_OR_RETURN(auto cidr, opt_string(s, "cidr"));
  if (!net || !cidr) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Invalid input for operation: network_id and cidr are required.");
  }
  r.network_id = *net;
  r.cidr = *cidr;
  CL_ASSIGN_OR_RETURN(auto name, opt_string(s, "name"));
  r.name = name.value_or("");
  if (s.contains("gateway_ip")) {
    if (s["gateway_ip"].is_null()) {
      r.gateway_ip = "";
    } else {
      CL_ASSIGN_OR_RETURN(auto gw, opt_string(s, "gateway_ip"));
      r.gateway_ip = *gw;
    }
  }
  CL_ASSIGN_OR_RETURN(auto version, opt_int(s, "ip_version", 4, 6));
  r.ip_version = static_cast<int>(version.value_or(4));
  CL_ASSIGN_OR_RETURN(auto dhcp, opt_bool(s, "enable_dhcp"));
  r.enable_dhcp = dhcp.value_or(true);
  CL_ASSIGN_OR_RETURN(r.dns_nameservers, string_list(s, "dns_nameservers"));
  if (s.contains("allocation_pools") && !s["allocation_pools"].is_null()) {
    if (!s["allocation_pools"].is_array()) {
      return make_error(ErrorCode::kInvalidArgument, "Invalid input for allocation_pools");
    }
    for (const auto& p : s["allocation_pools"]) {
      if (!p.is_object() || !p.value("start", json()).is_string() ||
          !p.value("end", json()).is_string()) {
        return make_error(ErrorCode::kInvalidArgument,
                          "Invalid input for allocation_pools: start and end are required");
      }
      r.allocation_pools.push_back({p["start"].get<std::string>(), p["end"].get<std::string>()});
    }
  }
  return r;
}

Result<openstack::PortCreate> parse_port_create(const json& p) {
  openstack::PortCreate r;
  CL_ASSIGN_OR_RETURN(auto net, opt_string(p, "network_id"));
  if (!net) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Invalid input for operation: network_id is required.");
  }
  r.network_id = *net;
  CL_ASSIGN_OR_RETURN(auto name, opt_string(p, "name"));
  CL_ASSIGN_OR_RETURN(auto mac, opt_string(p, "mac_address"));
  CL_ASSIGN_OR_RETURN(auto device_id, opt_string(p, "device_id"));
  CL_ASSIGN_OR_RETURN(auto owner, opt_string(p, "device_owner"));
  CL_ASSIGN_OR_RETURN(auto up, opt_bool(p, "admin_state_up"));
  CL_ASSIGN_OR_RETURN(auto sec, opt_bool(p, "port_security_enabled"));
  r.name = name.value_or("");
  r.mac_address = mac.value_or("");
  r.device_id = device_id.value_or("");
  r.device_owner = owner.value_or("");
  r.admin_state_up = up.value_or(true);
  r.port_security_enabled = sec.value_or(true);
  if (p.contains("fixed_ips") && !p["fixed_ips"].is_null()) {
    if (!p["fixed_ips"].is_array()) {
      return make_error(ErrorCode::kInvalidArgument, "Invalid input for fixed_ips: not a list");
    }
    std::vector<openstack::FixedIpRequest> ips;
    for (const auto& f : p["fixed_ips"]) {
      if (!f.is_object()) {
        return make_error(ErrorCode::kInvalidArgument, "Invalid input for fixed_ips");
      }
      CL_ASSIGN_OR_RETURN(auto subnet, opt_string(f, "subnet_id"));
      CL_ASSIGN_OR_RETURN(auto ip, opt_string(f, "ip_address"));
      ips.push_back({subnet.value_or(""), ip.value_or("")});
    }
    r.fixed_ips = ips;
  }
  return r;
}

Result<openstack::NetworkUpdate> parse_network_update(const json& n) {
  openstack::NetworkUpdate u;
  CL_ASSIGN_OR_RETURN(u.name, opt_string(n, "name"));
  CL_ASSIGN_OR_RETURN(u.admin_state_up, opt_bool(n, "admin_state_up"));
  CL_ASSIGN_OR_RETURN(u.shared, opt_bool(n, "shared"));
  CL_ASSIGN_OR_RETURN(u.external, opt_bool(n, "router:external"));
  return u;
}

Result<openstack::SubnetUpdate> parse_subnet_update(const json& s) {
  openstack::SubnetUpdate u;
  CL_ASSIGN_OR_RETURN(u.name, opt_string(s, "name"));
  CL_ASSIGN_OR_RETURN(u.enable_dhcp, opt_bool(s, "enable_dhcp"));
  if (s.contains("dns_nameservers")) {
    CL_ASSIGN_OR_RETURN(u.dns_nameservers, string_list(s, "dns_nameservers"));
  }
  return u;
}

Result<openstack::PortUpdate> parse_port_update(const json& p) {
  openstack::PortUpdate u;
  CL_ASSIGN_OR_RETURN(u.name, opt_string(p, "name"));
  CL_ASSIGN_OR_RETURN(u.admin_state_up, opt_bool(p, "admin_state_up"));
  CL_ASSIGN_OR_RETURN(u.device_id, opt_string(p, "device_id"));
  CL_ASSIGN_OR_RETURN(u.device_owner, opt_string(p, "device_owner"));
  CL_ASSIGN_OR_RETURN(u.port_security_enabled, opt_bool(p, "port_security_enabled"));
  return u;
}

Result<openstack::FloatingIpCreate> parse_floating_ip_create(const json& f) {
  openstack::FloatingIpCreate c;
  CL_ASSIGN_OR_RETURN(auto net, opt_string(f, "floating_network_id"));
  if (!net) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Invalid input for operation: floating_network_id is required.");
  }
  c.floating_network_id = *net;
  CL_ASSIGN_OR_RETURN(auto addr, opt_string(f, "floating_ip_address"));
  CL_ASSIGN_OR_RETURN(auto port_id, opt_string(f, "port_id"));
  CL_ASSIGN_OR_RETURN(auto fixed, opt_string(f, "fixed_ip_address"));
  CL_ASSIGN_OR_RETURN(auto desc, opt_string(f, "description"));
  c.floating_ip_address = addr.value_or("");
  c.port_id = port_id.value_or("");
  c.fixed_ip_address = fixed.value_or("");
  c.description = desc.value_or("");
  return c;
}

}  // namespace chainlab::endpoints
