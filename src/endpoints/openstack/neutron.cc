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

// A string member without which a create request is refused.
Result<std::string> required_string(const json& obj, const char* key) {
  CL_ASSIGN_OR_RETURN(auto value, opt_string(obj, key));
  if (!value) {
    return make_error(ErrorCode::kInvalidArgument, "Invalid input for operation: {} is required.",
                      key);
  }
  return *std::move(value);
}

// What a network's create request (R = NetworkCreate) and its update share; unset fields are
// left as R has them.
template <typename R>
Result<R> read_network(const json& n) {
  R r;
  CL_RETURN_IF_ERROR(set_if(r.name, opt_string(n, "name")));
  CL_RETURN_IF_ERROR(set_if(r.admin_state_up, opt_bool(n, "admin_state_up")));
  CL_RETURN_IF_ERROR(set_if(r.shared, opt_bool(n, "shared")));
  CL_RETURN_IF_ERROR(set_if(r.external, opt_bool(n, "router:external")));
  return r;
}

// A router's create request or update: all their fields are shared.
template <typename R>
Result<R> read_router(const json& body) {
  R r;
  CL_RETURN_IF_ERROR(set_if(r.name, opt_string(body, "name")));
  CL_RETURN_IF_ERROR(set_if(r.admin_state_up, opt_bool(body, "admin_state_up")));
  if (auto gateway = gateway_of(body)) {
    r.external_network_id = *gateway;
  }
  return r;
}

}  // namespace

Result<openstack::NetworkCreate> parse_network_create(const json& n) {
  CL_ASSIGN_OR_RETURN(openstack::NetworkCreate r, read_network<openstack::NetworkCreate>(n));
  CL_ASSIGN_OR_RETURN(auto mtu, opt_int(n, "mtu", 68, 65535));
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
  CL_ASSIGN_OR_RETURN(r.network_id, required_string(p, "network_id"));
  CL_RETURN_IF_ERROR(set_if(r.name, opt_string(p, "name")));
  CL_RETURN_IF_ERROR(set_if(r.mac_address, opt_string(p, "mac_address")));
  CL_RETURN_IF_ERROR(set_if(r.device_id, opt_string(p, "device_id")));
  CL_RETURN_IF_ERROR(set_if(r.device_owner, opt_string(p, "device_owner")));
  CL_RETURN_IF_ERROR(set_if(r.admin_state_up, opt_bool(p, "admin_state_up")));
  CL_RETURN_IF_ERROR(set_if(r.port_security_enabled, opt_bool(p, "port_security_enabled")));
  if (p.contains("security_groups")) {
    CL_ASSIGN_OR_RETURN(r.security_groups, string_list(p, "security_groups"));
  }
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
  return read_network<openstack::NetworkUpdate>(n);
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
  if (p.contains("security_groups")) {
    CL_ASSIGN_OR_RETURN(u.security_groups, string_list(p, "security_groups"));
  }
  return u;
}

Result<openstack::FloatingIpCreate> parse_floating_ip_create(const json& f) {
  openstack::FloatingIpCreate c;
  CL_ASSIGN_OR_RETURN(c.floating_network_id, required_string(f, "floating_network_id"));
  CL_RETURN_IF_ERROR(set_if(c.floating_ip_address, opt_string(f, "floating_ip_address")));
  CL_RETURN_IF_ERROR(set_if(c.port_id, opt_string(f, "port_id")));
  CL_RETURN_IF_ERROR(set_if(c.fixed_ip_address, opt_string(f, "fixed_ip_address")));
  CL_RETURN_IF_ERROR(set_if(c.description, opt_string(f, "description")));
  return c;
}

Result<openstack::RouterCreate> parse_router_create(const json& r) {
  return read_router<openstack::RouterCreate>(r);
}

Result<openstack::RouterUpdate> parse_router_update(const json& r) {
  return read_router<openstack::RouterUpdate>(r);
}

}  // namespace chainlab::endpoints
