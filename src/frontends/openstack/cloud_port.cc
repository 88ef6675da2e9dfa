// Cloud: ports, their binding to server interfaces, and networks realised as E-LANs (see cloud.h).
#include <algorithm>

#include "common/rollback.h"
#include "frontends/openstack/cloud.h"
#include "frontends/openstack/cloud_internal.h"

namespace chainlab::openstack {

Result<Port> Cloud::create_port(const PortCreate& request) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(Port p, create_port_locked(request));
  (void)sync_firewalls_locked();  // its addresses join its groups' remote members
  return p;
}

Result<Port> Cloud::create_port_locked(const PortCreate& request) {
  CL_ASSIGN_OR_RETURN(const Network* net, networks_.get(request.network_id));
  Port p;
  CL_ASSIGN_OR_RETURN(p.security_groups, port_security_groups_locked(request));
  if (!request.mac_address.empty()) {
    auto mac = substrate::MacAddress::parse(request.mac_address);
    if (!mac.ok()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "Invalid input for mac_address: '{}' is not a valid MAC address",
                        request.mac_address);
    }
    p.mac_address = mac->to_string();
    for (const auto& [id, other] : ports_) {
      if (other.network_id == request.network_id && other.mac_address == p.mac_address) {
        return make_error(ErrorCode::kAlreadyExists,
                          "Unable to complete operation for network {}. The mac address {} is in "
                          "use.",
                          request.network_id, p.mac_address);
      }
    }
  } else {
    // fa:16:3e is Neutron's default base MAC.
    uint64_t r = random_u64();
    p.mac_address =
        fmt::format("fa:16:3e:{:02x}:{:02x}:{:02x}", (r >> 16) & 0xff, (r >> 8) & 0xff, r & 0xff);
  }
  std::vector<FixedIpRequest> wanted;
  if (request.fixed_ips) {
    wanted = *request.fixed_ips;
  } else if (!net->subnet_ids.empty()) {
    wanted.push_back({net->subnet_ids.front(), ""});
  }
  Rollback guard;
  for (const auto& w : wanted) {
    std::string subnet_id = w.subnet_id;
    if (subnet_id.empty() && w.ip_address.empty()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "Invalid input for fixed_ips: a subnet_id or an ip_address is needed");
    }
    if (subnet_id.empty()) {
      // The subnet of the network holding this address.
      CL_ASSIGN_OR_RETURN(uint32_t h, parse_ipv4(w.ip_address, "ip_address"));
      for (const auto& sid : net->subnet_ids) {
        auto c = substrate::Cidr::parse(subnets_.find(sid)->cidr);
        uint32_t lo = ipv4_host_order(c->address);
        uint32_t hi = lo | ~(~uint32_t{0} << (32 - c->prefix_len));
        if (h >= lo && h <= hi) {
          subnet_id = sid;
          break;
        }
      }
      if (subnet_id.empty()) {
        return make_error(ErrorCode::kInvalidArgument,
                          "IP address {} is not in any subnet of network {}", w.ip_address,
                          request.network_id);
      }
    }
    CL_ASSIGN_OR_RETURN(const Subnet* sub, subnets_.get(subnet_id));
    if (sub->network_id != request.network_id) {
      return make_error(ErrorCode::kInvalidArgument,
                        "Invalid input for operation: Failed to create port on network {}, "
                        "because fixed_ips included invalid subnet {}.",
                        request.network_id, subnet_id);
    }
    CL_ASSIGN_OR_RETURN(std::string address, allocate_ip(subnet_id, w.ip_address));
    guard.add("release " + address, [this, subnet_id, address] { release_ip(subnet_id, address); });
    p.fixed_ips.push_back({subnet_id, address});
  }
  p.id = new_uuid();
  p.name = request.name;
  p.network_id = request.network_id;
  p.project_id = project_id();
  p.device_id = request.device_id;
  p.device_owner = request.device_owner;
  p.admin_state_up = request.admin_state_up;
  p.port_security_enabled = request.port_security_enabled;
  p.status = p.device_owner.starts_with("network:") ? "ACTIVE" : "DOWN";
  p.created_at = p.updated_at = stamp();
  guard.commit();
  return ports_.put(p);
}

Result<Port> Cloud::update_port(const std::string& id, const PortUpdate& update) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(Port * port, ports_.get(id));
  Port& p = *port;
  const Server* owner = servers_.find(p.binding ? p.binding->server_id : p.device_id);
  if ((update.device_id || update.device_owner) && owner != nullptr) {  // bound or reserved
    if ((update.device_id && *update.device_id != p.device_id) ||
        (update.device_owner && *update.device_owner != p.device_owner)) {
      return make_error(ErrorCode::kFailedPrecondition,
                        "Port {} is bound to server {}: detach it first", id, owner->id);
    }
  }
  std::vector<std::string> groups = p.security_groups;
  if (update.security_groups) {
    CL_ASSIGN_OR_RETURN(groups, resolve_security_groups_locked(*update.security_groups));
  }
  if (!update.port_security_enabled.value_or(p.port_security_enabled) && !groups.empty()) {
    if (update.security_groups) {
      return make_error(ErrorCode::kInvalidArgument,
                        "Port security must be enabled and port must have an IP address in order "
                        "to use security groups.");
    }
    return make_error(ErrorCode::kFailedPrecondition,
                      "Port has security group associated. Cannot disable port security or ip "
                      "address until security group is removed");
  }
  const Port before = p;
  set_if(p.name, update.name);
  set_if(p.admin_state_up, update.admin_state_up);
  set_if(p.device_id, update.device_id);
  set_if(p.device_owner, update.device_owner);
  set_if(p.port_security_enabled, update.port_security_enabled);
  p.security_groups = groups;
  p.updated_at = stamp();
  std::set<std::string> bound;
  if (p.binding) {
    bound.insert(p.binding->instance);
  }
  Status enforced = sync_firewalls_locked(bound);
  if (!enforced.ok()) {
    p = before;
    (void)sync_firewalls_locked();
    return std::move(enforced).error();
  }
  return p;
}

Status Cloud::delete_port(const std::string& id) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(const Port* port, ports_.get(id));
  bool router_owned = port->device_owner == "network:router_interface" ||
                      port->device_owner == "network:router_gateway";
  if (router_owned && routers_.contains(port->device_id)) {
    return make_error(ErrorCode::kFailedPrecondition,
                      "Port {} cannot be deleted directly via the port API: has device owner {}.",
                      id, port->device_owner);
  }
  CL_RETURN_IF_ERROR(delete_port_locked(id));
  return sync_firewalls_locked();  // its addresses leave its groups
}

Status Cloud::delete_port_locked(const std::string& id) {
  CL_ASSIGN_OR_RETURN(Port * port, ports_.get(id));
  Port& p = *port;
  const std::string device_id = p.device_id;  // unbinding clears it
  // Detach from the server first (bound, or reserved by a BUILD server), as Neutron does when a
  // port of a server is deleted.
  if (Server* server = servers_.find(p.binding ? p.binding->server_id : device_id)) {
    auto& ids = server->port_ids;
    ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
  }
  if (p.binding) {
    unplug_port_locked(p);
  }
  std::set<std::string> nat_routers;  // whose floating IPs pointed at the port
  for (auto& [fid, f] : floating_ips_) {
    if (f.port_id == id) {
      nat_routers.insert(f.router_id);
      f.port_id.clear();
      f.fixed_ip_address.clear();
      f.router_id.clear();
      f.status = "DOWN";
    }
  }
  for (const auto& rid : nat_routers) {
    (void)apply_router_nat_locked(rid);
  }
  if (p.device_owner == "network:router_interface") {
    if (Router* router = routers_.find(device_id)) {
      auto& ifs = router->interfaces;
      ifs.erase(std::remove_if(ifs.begin(), ifs.end(),
                               [&](const RouterInterface& ri) { return ri.port_id == id; }),
                ifs.end());
    }
  }
  for (const auto& ip : p.fixed_ips) {
    release_ip(ip.subnet_id, ip.ip_address);
  }
  return ports_.erase(id);
}

emulator::InterfaceRequest Cloud::interface_request_locked(const Port& port,
                                                           const std::string& ifname) const {
  emulator::InterfaceRequest r;
  r.id = ifname;
  r.mac = port.mac_address;
  if (!port.fixed_ips.empty()) {
    const FixedIp& ip = port.fixed_ips.front();
    const Subnet* sub = subnets_.find(ip.subnet_id);
    auto cidr = sub == nullptr ? Result<substrate::Cidr>(make_error(ErrorCode::kNotFound, ""))
                               : substrate::Cidr::parse(sub->cidr);
    r.ip = fmt::format("{}/{}", ip.ip_address, cidr.ok() ? cidr->prefix_len : 32);
    // What DHCP would hand out: the default route via the subnet's gateway (not for the port
    // holding the gateway itself, a router's).
    if (sub != nullptr && sub->gateway_ip != ip.ip_address) {
      r.gateway = sub->gateway_ip;
    }
  }
  if (!external_network_id_.empty() && port.network_id == external_network_id_) {
    r.host_bridge = external_bridge_locked();
  }
  return r;
}

void Cloud::mark_bound_locked(Port& port, const Server& server, const std::string& ifname) {
  port.binding = PortBinding{server.id, server.instance, ifname};
  port.device_id = server.id;
  if (port.device_owner.empty()) {
    port.device_owner = "compute:nova";
  }
  port.status = "ACTIVE";
  port.updated_at = stamp();
}

void Cloud::unplug_port_locked(Port& port) {
  if (!port.binding) {
    return;
  }
  const PortBinding b = *port.binding;
  unbind_port_locked(port);
  (void)sync_network_locked(port.network_id);
  (void)emulation_.remove_interface(b.instance, b.interface);
}

void Cloud::unbind_port_locked(Port& port) {
  port.binding.reset();
  port.device_id.clear();
  if (port.device_owner.starts_with("compute:")) {
    port.device_owner.clear();
  }
  port.status = "DOWN";
  port.updated_at = stamp();
}

std::set<std::string> Cloud::interface_names_locked(const Server& server) const {
  std::set<std::string> used;
  for (const auto& pid : server.port_ids) {
    const Port* p = ports_.find(pid);
    if (p != nullptr && p->binding) {
      used.insert(p->binding->interface);
    }
  }
  return used;
}

Status Cloud::sync_network_locked(const std::string& network_id) {
  Network* net = networks_.find(network_id);
  if (net == nullptr || network_id == external_network_id_) {
    return ok_status();  // the external network's ports meet in its host bridge
  }
  std::vector<std::pair<std::string, std::string>> members;
  for (const auto& [id, p] : ports_) {
    if (p.network_id == network_id && p.binding) {
      members.emplace_back(p.binding->instance, p.binding->interface);
    }
  }
  std::sort(members.begin(), members.end());
  Network& n = *net;
  if (members.size() < 2) {
    if (!n.elan.empty()) {
      (void)emulation_.delete_elan(n.elan);
      n.elan.clear();
    }
    return ok_status();
  }
  // E-LAN names hold at most 64 bytes.
  std::string name = fmt::format("os-{}-{}", config_.pop.substr(0, 52), n.id.substr(0, 8));
  auto updated = emulation_.update_elan(name, members);
  if (!updated.ok()) {
    return std::move(updated).error().context(
        fmt::format("connecting the ports of network {}", network_id));
  }
  n.elan = name;
  return ok_status();
}

}  // namespace chainlab::openstack
