// Cloud: ports, their binding to server interfaces, and networks realised as E-LANs (see cloud.h).
#include <algorithm>

#include "frontends/openstack/cloud.h"
#include "frontends/openstack/cloud_internal.h"

namespace chainlab::openstack {
namespace {

std::string now() {
  return iso8601(std::chrono::system_clock::now(), true);
}

}  // namespace

std::vector<Port> Cloud::list_ports() const {
  std::lock_guard lock(mu_);
  std::vector<Port> out;
  for (const auto& [id, p] : ports_) {
    out.push_back(p);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Port& a, const Port& b) { return a.created_at < b.created_at; });
  return out;
}

Result<Port> Cloud::get_port(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = ports_.find(id);
  if (it == ports_.end()) {
    return make_error(ErrorCode::kNotFound, "Port {} could not be found.", id);
  }
  return it->second;
}

Result<Port> Cloud::create_port(const PortCreate& request) {
  std::lock_guard lock(mu_);
  return create_port_locked(request);
}

Result<Port> Cloud::create_port_locked(const PortCreate& request) {
  auto net = networks_.find(request.network_id);
  if (net == networks_.end()) {
    return make_error(ErrorCode::kNotFound, "Network {} could not be found.", request.network_id);
  }
  Port p;
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
  } else if (!net->second.subnet_ids.empty()) {
    wanted.push_back({net->second.subnet_ids.front(), ""});
  }
  auto undo = [&](Error e) -> Error {
    for (const auto& ip : p.fixed_ips) {
      release_ip(ip.subnet_id, ip.ip_address);
    }
    return e;
  };
  for (const auto& w : wanted) {
    std::string subnet_id = w.subnet_id;
    if (subnet_id.empty() && w.ip_address.empty()) {
      return undo(
          make_error(ErrorCode::kInvalidArgument,
                     "Invalid input for fixed_ips: a subnet_id or an ip_address is needed"));
    }
    if (subnet_id.empty()) {
      // The subnet of the network holding this address.
      auto h = parse_ipv4(w.ip_address, "ip_address");
      if (!h.ok()) {
        return undo(std::move(h).error());
      }
      for (const auto& sid : net->second.subnet_ids) {
        auto c = substrate::Cidr::parse(subnets_.at(sid).cidr);
        uint32_t lo = ipv4_host_order(c->address);
        uint32_t hi = lo | ~(~uint32_t{0} << (32 - c->prefix_len));
        if (*h >= lo && *h <= hi) {
          subnet_id = sid;
          break;
        }
      }
      if (subnet_id.empty()) {
        return undo(make_error(ErrorCode::kInvalidArgument,
                               "IP address {} is not in any subnet of network {}", w.ip_address,
                               request.network_id));
      }
    }
    auto sub = subnets_.find(subnet_id);
    if (sub == subnets_.end()) {
      return undo(make_error(ErrorCode::kNotFound, "Subnet {} could not be found.", subnet_id));
    }
    if (sub->second.network_id != request.network_id) {
      return undo(make_error(ErrorCode::kInvalidArgument,
                             "Invalid input for operation: Failed to create port on network {}, "
                             "because fixed_ips included invalid subnet {}.",
                             request.network_id, subnet_id));
    }
    auto address = allocate_ip(subnet_id, w.ip_address);
    if (!address.ok()) {
      return undo(std::move(address).error());
    }
    p.fixed_ips.push_back({subnet_id, *address});
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
  p.created_at = p.updated_at = now();
  ports_[p.id] = p;
  return p;
}

Result<Port> Cloud::update_port(const std::string& id, const PortUpdate& update) {
  std::lock_guard lock(mu_);
  auto it = ports_.find(id);
  if (it == ports_.end()) {
    return make_error(ErrorCode::kNotFound, "Port {} could not be found.", id);
  }
  Port& p = it->second;
  if ((update.device_id || update.device_owner) && p.binding) {
    if ((update.device_id && *update.device_id != p.device_id) ||
        (update.device_owner && *update.device_owner != p.device_owner)) {
      return make_error(ErrorCode::kFailedPrecondition,
                        "Port {} is bound to server {}: detach it first", id, p.binding->server_id);
    }
  }
  if (update.name) {
    p.name = *update.name;
  }
  if (update.admin_state_up) {
    p.admin_state_up = *update.admin_state_up;
  }
  if (update.device_id) {
    p.device_id = *update.device_id;
  }
  if (update.device_owner) {
    p.device_owner = *update.device_owner;
  }
  if (update.port_security_enabled) {
    p.port_security_enabled = *update.port_security_enabled;
  }
  p.updated_at = now();
  return p;
}

Status Cloud::delete_port(const std::string& id) {
  std::lock_guard lock(mu_);
  return delete_port_locked(id);
}

Status Cloud::delete_port_locked(const std::string& id) {
  auto it = ports_.find(id);
  if (it == ports_.end()) {
    return make_error(ErrorCode::kNotFound, "Port {} could not be found.", id);
  }
  Port& p = it->second;
  if (p.binding) {
    // Detach from the server first, as Neutron does when a bound port is deleted.
    PortBinding b = *p.binding;
    auto server = servers_.find(b.server_id);
    if (server != servers_.end()) {
      auto& ids = server->second.port_ids;
      ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
    }
    unbind_port_locked(p);
    (void)sync_network_locked(p.network_id);
    (void)emulation_.remove_interface(b.instance, b.interface);
  }
  for (auto& [fid, f] : floating_ips_) {
    if (f.port_id == id) {
      f.port_id.clear();
      f.fixed_ip_address.clear();
      f.status = "DOWN";
    }
  }
  if (p.device_owner == "network:router_interface") {
    auto router = routers_.find(p.device_id);
    if (router != routers_.end()) {
      auto& ifs = router->second.interfaces;
      ifs.erase(std::remove_if(ifs.begin(), ifs.end(),
                               [&](const RouterInterface& ri) { return ri.port_id == id; }),
                ifs.end());
    }
  }
  for (const auto& ip : p.fixed_ips) {
    release_ip(ip.subnet_id, ip.ip_address);
  }
  ports_.erase(it);
  return ok_status();
}

emulator::InterfaceRequest Cloud::interface_request_locked(const Port& port,
                                                           const std::string& ifname) const {
  emulator::InterfaceRequest r;
  r.id = ifname;
  r.mac = port.mac_address;
  if (!port.fixed_ips.empty()) {
    const FixedIp& ip = port.fixed_ips.front();
    auto sub = subnets_.find(ip.subnet_id);
    auto cidr = sub == subnets_.end()
                    ? Result<substrate::Cidr>(make_error(ErrorCode::kNotFound, ""))
                    : substrate::Cidr::parse(sub->second.cidr);
    r.ip = fmt::format("{}/{}", ip.ip_address, cidr.ok() ? cidr->prefix_len : 32);
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
  port.updated_at = now();
}

void Cloud::unbind_port_locked(Port& port) {
  port.binding.reset();
  port.device_id.clear();
  if (port.device_owner.starts_with("compute:")) {
    port.device_owner.clear();
  }
  port.status = "DOWN";
  port.updated_at = now();
}

std::set<std::string> Cloud::interface_names_locked(const Server& server) const {
  std::set<std::string> used;
  for (const auto& pid : server.port_ids) {
    auto p = ports_.find(pid);
    if (p != ports_.end() && p->second.binding) {
      used.insert(p->second.binding->interface);
    }
  }
  return used;
}

Status Cloud::sync_network_locked(const std::string& network_id) {
  auto net = networks_.find(network_id);
  if (net == networks_.end()) {
    return ok_status();
  }
  std::vector<std::pair<std::string, std::string>> members;
  for (const auto& [id, p] : ports_) {
    if (p.network_id == network_id && p.binding) {
      members.emplace_back(p.binding->instance, p.binding->interface);
    }
  }
  std::sort(members.begin(), members.end());
  Network& n = net->second;
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
