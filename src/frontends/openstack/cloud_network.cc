// Cloud: networks, subnets and their address allocation (see cloud.h).
#include <algorithm>

#include "frontends/openstack/cloud.h"
#include "frontends/openstack/cloud_internal.h"

namespace chainlab::openstack {
namespace {

std::string now() {
  return iso8601(std::chrono::system_clock::now(), true);
}

template <typename T>
std::vector<T> values(const std::map<std::string, T>& m) {
  std::vector<T> out;
  out.reserve(m.size());
  for (const auto& [id, v] : m) {
    out.push_back(v);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const T& a, const T& b) { return a.created_at < b.created_at; });
  return out;
}

}  // namespace

// ---- networks
// -------------------------------------------------------------------------------------

std::vector<Network> Cloud::list_networks() const {
  std::lock_guard lock(mu_);
  return values(networks_);
}

Result<Network> Cloud::get_network(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = networks_.find(id);
  if (it == networks_.end()) {
    return make_error(ErrorCode::kNotFound, "Network {} could not be found.", id);
  }
  return it->second;
}

Result<Network> Cloud::create_network(const NetworkCreate& request) {
  std::lock_guard lock(mu_);
  if (request.name.size() > 255) {
    return make_error(ErrorCode::kInvalidArgument, "Invalid input for name: too long");
  }
  if (request.mtu && (*request.mtu < 68 || *request.mtu > 9000)) {
    return make_error(ErrorCode::kInvalidArgument, "Invalid input for mtu: {}", *request.mtu);
  }
  Network n;
  n.id = new_uuid();
  n.name = request.name;
  n.project_id = project_id();
  n.admin_state_up = request.admin_state_up;
  n.shared = request.shared;
  n.external = request.external;
  n.mtu = request.mtu.value_or(1500);
  n.created_at = n.updated_at = now();
  networks_[n.id] = n;
  return n;
}

Result<Network> Cloud::update_network(const std::string& id, const NetworkUpdate& update) {
  std::lock_guard lock(mu_);
  auto it = networks_.find(id);
  if (it == networks_.end()) {
    return make_error(ErrorCode::kNotFound, "Network {} could not be found.", id);
  }
  Network& n = it->second;
  if (update.name) {
    n.name = *update.name;
  }
  if (update.admin_state_up) {
    n.admin_state_up = *update.admin_state_up;
  }
  if (update.shared) {
    n.shared = *update.shared;
  }
  if (update.external) {
    n.external = *update.external;
  }
  n.updated_at = now();
  return n;
}

Status Cloud::delete_network(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = networks_.find(id);
  if (it == networks_.end()) {
    return make_error(ErrorCode::kNotFound, "Network {} could not be found.", id);
  }
  for (const auto& [pid, p] : ports_) {
    if (p.network_id == id) {
      return make_error(ErrorCode::kFailedPrecondition,
                        "Unable to complete operation on network {}. There are one or more ports "
                        "still in use on the network.",
                        id);
    }
  }
  for (const auto& [fid, f] : floating_ips_) {
    if (f.floating_network_id == id) {
      return make_error(ErrorCode::kFailedPrecondition,
                        "Unable to complete operation on network {}. There are one or more "
                        "floating IPs still allocated from the network.",
                        id);
    }
  }
  for (const auto& sid : it->second.subnet_ids) {
    subnets_.erase(sid);
    subnet_pools_.erase(sid);
    subnet_extra_ips_.erase(sid);
  }
  if (!it->second.elan.empty()) {
    (void)emulation_.delete_elan(it->second.elan);
  }
  networks_.erase(it);
  return ok_status();
}

// ---- subnets ------------------------------------------------------------------------------------

std::vector<Subnet> Cloud::list_subnets() const {
  std::lock_guard lock(mu_);
  return values(subnets_);
}

Result<Subnet> Cloud::get_subnet(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = subnets_.find(id);
  if (it == subnets_.end()) {
    return make_error(ErrorCode::kNotFound, "Subnet {} could not be found.", id);
  }
  return it->second;
}

Result<Subnet> Cloud::create_subnet(const SubnetCreate& request) {
  std::lock_guard lock(mu_);
  auto net = networks_.find(request.network_id);
  if (net == networks_.end()) {
    return make_error(ErrorCode::kNotFound, "Network {} could not be found.", request.network_id);
  }
  if (request.ip_version != 4) {
    return make_error(ErrorCode::kInvalidArgument, "only ip_version 4 is supported, not {}",
                      request.ip_version);
  }
  CL_ASSIGN_OR_RETURN(SubnetPlan plan,
                      plan_subnet(request.cidr, request.gateway_ip, request.allocation_pools));
  // Overlapping subnets on one network are refused, as Neutron does.
  uint32_t net_lo = ipv4_host_order(plan.network.address);
  uint32_t net_hi = net_lo | ~(~uint32_t{0} << (32 - plan.network.prefix_len));
  for (const auto& sid : net->second.subnet_ids) {
    const Subnet& other = subnets_.at(sid);
    auto oc = substrate::Cidr::parse(other.cidr);
    if (!oc.ok()) {
      continue;
    }
    uint32_t lo = ipv4_host_order(oc->address);
    uint32_t hi = lo | ~(~uint32_t{0} << (32 - oc->prefix_len));
    if (lo <= net_hi && net_lo <= hi) {
      return make_error(ErrorCode::kInvalidArgument,
                        "Invalid input for operation: Requested subnet with cidr: {} for network: "
                        "{} overlaps with another subnet.",
                        plan.network.to_string(), request.network_id);
    }
  }
  std::vector<orchestration::HostPool> pools;
  for (const auto& range : plan.pools) {
    CL_ASSIGN_OR_RETURN(orchestration::HostPool pool,
                        orchestration::HostPool::create(plan.network, range.start, range.end));
    pools.push_back(std::move(pool));
  }
  for (const auto& dns : request.dns_nameservers) {
    CL_RETURN_IF_ERROR(parse_ipv4(dns, "dns_nameserver").ok()
                           ? ok_status()
                           : Status(make_error(ErrorCode::kInvalidArgument,
                                               "'{}' is not a valid nameserver", dns)));
  }
  Subnet s;
  s.id = new_uuid();
  s.name = request.name;
  s.network_id = request.network_id;
  s.project_id = project_id();
  s.cidr = plan.network.to_string();
  s.gateway_ip = plan.gateway_ip;
  s.allocation_pools = plan.pools;
  s.ip_version = 4;
  s.enable_dhcp = request.enable_dhcp;
  s.dns_nameservers = request.dns_nameservers;
  s.created_at = s.updated_at = now();
  subnets_[s.id] = s;
  subnet_pools_[s.id] = std::move(pools);
  net->second.subnet_ids.push_back(s.id);
  return s;
}

Result<Subnet> Cloud::update_subnet(const std::string& id, const SubnetUpdate& update) {
  std::lock_guard lock(mu_);
  auto it = subnets_.find(id);
  if (it == subnets_.end()) {
    return make_error(ErrorCode::kNotFound, "Subnet {} could not be found.", id);
  }
  if (update.name) {
    it->second.name = *update.name;
  }
  if (update.enable_dhcp) {
    it->second.enable_dhcp = *update.enable_dhcp;
  }
  if (update.dns_nameservers) {
    it->second.dns_nameservers = *update.dns_nameservers;
  }
  it->second.updated_at = now();
  return it->second;
}

Status Cloud::delete_subnet(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = subnets_.find(id);
  if (it == subnets_.end()) {
    return make_error(ErrorCode::kNotFound, "Subnet {} could not be found.", id);
  }
  for (const auto& [pid, p] : ports_) {
    for (const auto& ip : p.fixed_ips) {
      if (ip.subnet_id == id) {
        return make_error(ErrorCode::kFailedPrecondition,
                          "Unable to complete operation on subnet {}: One or more ports have an "
                          "IP allocation from this subnet.",
                          id);
      }
    }
  }
  for (const auto& [rid, r] : routers_) {
    for (const auto& ri : r.interfaces) {
      if (ri.subnet_id == id) {
        return make_error(ErrorCode::kFailedPrecondition,
                          "Unable to complete operation on subnet {}: it is attached to router {}",
                          id, rid);
      }
    }
  }
  auto net = networks_.find(it->second.network_id);
  if (net != networks_.end()) {
    auto& ids = net->second.subnet_ids;
    ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
  }
  subnets_.erase(it);
  subnet_pools_.erase(id);
  subnet_extra_ips_.erase(id);
  return ok_status();
}

Result<std::string> Cloud::allocate_ip(const std::string& subnet_id, const std::string& address) {
  auto sit = subnets_.find(subnet_id);
  if (sit == subnets_.end()) {
    return make_error(ErrorCode::kNotFound, "Subnet {} could not be found.", subnet_id);
  }
  auto& pools = subnet_pools_[subnet_id];
  if (address.empty()) {
    for (auto& pool : pools) {
      auto taken = pool.take();
      if (taken.ok()) {
        // A fixed address given explicitly outside the pools never lies inside one, so the pool's
        // own bookkeeping is complete.
        return taken->address.to_string();
      }
    }
    return make_error(ErrorCode::kResourceExhausted,
                      "No more IP addresses available on network {}.", sit->second.network_id);
  }
  CL_ASSIGN_OR_RETURN(uint32_t h, parse_ipv4(address, "ip_address"));
  auto cidr = substrate::Cidr::parse(sit->second.cidr);
  if (!cidr.ok()) {
    return make_error(ErrorCode::kInternal, "subnet {} has a bad cidr", subnet_id);
  }
  uint32_t net = ipv4_host_order(cidr->address);
  uint32_t broadcast = net | ~(~uint32_t{0} << (32 - cidr->prefix_len));
  if (h <= net || h >= broadcast) {
    return make_error(ErrorCode::kInvalidArgument,
                      "IP address {} is not a valid IP for the specified subnet.", address);
  }
  std::string bare = ipv4_string(h);
  for (size_t i = 0; i < pools.size(); ++i) {
    auto s = parse_ipv4(sit->second.allocation_pools[i].start, "").value_or(0);
    auto e = parse_ipv4(sit->second.allocation_pools[i].end, "").value_or(0);
    if (h >= s && h <= e) {
      auto a = substrate::IpAddress::parse(bare);
      auto r = pools[i].reserve(*a);
      if (!r.ok()) {
        return make_error(ErrorCode::kAlreadyExists, "IP address {} already allocated in subnet {}",
                          bare, subnet_id);
      }
      return bare;
    }
  }
  if (!subnet_extra_ips_[subnet_id].insert(bare).second) {
    return make_error(ErrorCode::kAlreadyExists, "IP address {} already allocated in subnet {}",
                      bare, subnet_id);
  }
  return bare;
}

void Cloud::release_ip(const std::string& subnet_id, const std::string& address) {
  auto extra = subnet_extra_ips_.find(subnet_id);
  if (extra != subnet_extra_ips_.end() && extra->second.erase(address) > 0) {
    return;
  }
  auto pools = subnet_pools_.find(subnet_id);
  auto a = substrate::IpAddress::parse(address);
  if (pools == subnet_pools_.end() || !a.ok()) {
    return;
  }
  for (auto& pool : pools->second) {
    pool.give_back(*a);
  }
}

// ---- floating IPs -------------------------------------------------------------------------------

std::vector<FloatingIp> Cloud::list_floating_ips() const {
  std::lock_guard lock(mu_);
  return values(floating_ips_);
}

Result<FloatingIp> Cloud::get_floating_ip(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = floating_ips_.find(id);
  if (it == floating_ips_.end()) {
    return make_error(ErrorCode::kNotFound, "Floating IP {} could not be found", id);
  }
  return it->second;
}

Result<FloatingIp> Cloud::create_floating_ip(const FloatingIpCreate& request) {
  std::lock_guard lock(mu_);
  auto net = networks_.find(request.floating_network_id);
  if (net == networks_.end()) {
    return make_error(ErrorCode::kNotFound, "Network {} could not be found.",
                      request.floating_network_id);
  }
  if (net->second.subnet_ids.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Bad floatingip request: Network {} does not contain any IPv4 subnet",
                      request.floating_network_id);
  }
  std::string subnet_id = net->second.subnet_ids.front();
  CL_ASSIGN_OR_RETURN(std::string address, allocate_ip(subnet_id, request.floating_ip_address));
  FloatingIp f;
  f.id = new_uuid();
  f.floating_ip_address = address;
  f.floating_network_id = request.floating_network_id;
  f.project_id = project_id();
  f.description = request.description;
  f.created_at = now();
  floating_ips_[f.id] = f;
  if (!request.port_id.empty()) {
    auto associated = associate_floating_ip_locked(floating_ips_[f.id], request.port_id,
                                                   request.fixed_ip_address);
    if (!associated.ok()) {
      floating_ips_.erase(f.id);
      release_ip(subnet_id, address);
    }
    return associated;
  }
  return f;
}

Result<FloatingIp> Cloud::associate_floating_ip(const std::string& id, const std::string& port_id,
                                                const std::string& fixed_ip_address) {
  std::lock_guard lock(mu_);
  auto it = floating_ips_.find(id);
  if (it == floating_ips_.end()) {
    return make_error(ErrorCode::kNotFound, "Floating IP {} could not be found", id);
  }
  return associate_floating_ip_locked(it->second, port_id, fixed_ip_address);
}

Result<FloatingIp> Cloud::associate_floating_ip_locked(FloatingIp& f, const std::string& port_id,
                                                       const std::string& fixed_ip_address) {
  if (port_id.empty()) {
    f.port_id.clear();
    f.fixed_ip_address.clear();
    f.router_id.clear();
    f.status = "DOWN";
    return f;
  }
  auto port = ports_.find(port_id);
  if (port == ports_.end()) {
    return make_error(ErrorCode::kNotFound, "Port {} could not be found.", port_id);
  }
  if (port->second.fixed_ips.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Bad floatingip request: Port {} does not have any fixed IP", port_id);
  }
  std::string fixed = port->second.fixed_ips.front().ip_address;
  if (!fixed_ip_address.empty()) {
    auto match = std::find_if(port->second.fixed_ips.begin(), port->second.fixed_ips.end(),
                              [&](const FixedIp& ip) { return ip.ip_address == fixed_ip_address; });
    if (match == port->second.fixed_ips.end()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "Bad floatingip request: Port {} does not have fixed ip {}", port_id,
                        fixed_ip_address);
    }
    fixed = fixed_ip_address;
  }
  f.port_id = port_id;
  f.fixed_ip_address = fixed;
  f.status = "ACTIVE";
  for (const auto& [rid, r] : routers_) {
    if (r.external_network_id == f.floating_network_id) {
      f.router_id = rid;
      break;
    }
  }
  return f;
}

Status Cloud::delete_floating_ip(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = floating_ips_.find(id);
  if (it == floating_ips_.end()) {
    return make_error(ErrorCode::kNotFound, "Floating IP {} could not be found", id);
  }
  auto net = networks_.find(it->second.floating_network_id);
  if (net != networks_.end()) {
    for (const auto& sid : net->second.subnet_ids) {
      release_ip(sid, it->second.floating_ip_address);
    }
  }
  floating_ips_.erase(it);
  return ok_status();
}

// ---- routers (bookkeeping) ----------------------------------------------------------------------

std::vector<Router> Cloud::list_routers() const {
  std::lock_guard lock(mu_);
  return values(routers_);
}

Result<Router> Cloud::get_router(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = routers_.find(id);
  if (it == routers_.end()) {
    return make_error(ErrorCode::kNotFound, "Router {} could not be found", id);
  }
  return it->second;
}

Result<Router> Cloud::create_router(const RouterCreate& request) {
  std::lock_guard lock(mu_);
  if (!request.external_network_id.empty() && networks_.count(request.external_network_id) == 0) {
    return make_error(ErrorCode::kNotFound, "Network {} could not be found.",
                      request.external_network_id);
  }
  Router r;
  r.id = new_uuid();
  r.name = request.name;
  r.project_id = project_id();
  r.admin_state_up = request.admin_state_up;
  r.external_network_id = request.external_network_id;
  r.created_at = r.updated_at = now();
  routers_[r.id] = r;
  return r;
}

Result<Router> Cloud::update_router(const std::string& id, const RouterUpdate& update) {
  std::lock_guard lock(mu_);
  auto it = routers_.find(id);
  if (it == routers_.end()) {
    return make_error(ErrorCode::kNotFound, "Router {} could not be found", id);
  }
  if (update.external_network_id && !update.external_network_id->empty() &&
      networks_.count(*update.external_network_id) == 0) {
    return make_error(ErrorCode::kNotFound, "Network {} could not be found.",
                      *update.external_network_id);
  }
  if (update.name) {
    it->second.name = *update.name;
  }
  if (update.admin_state_up) {
    it->second.admin_state_up = *update.admin_state_up;
  }
  if (update.external_network_id) {
    it->second.external_network_id = *update.external_network_id;
  }
  it->second.updated_at = now();
  return it->second;
}

Status Cloud::delete_router(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = routers_.find(id);
  if (it == routers_.end()) {
    return make_error(ErrorCode::kNotFound, "Router {} could not be found", id);
  }
  if (!it->second.interfaces.empty()) {
    return make_error(ErrorCode::kFailedPrecondition, "Router {} still has ports", id);
  }
  for (auto& [fid, f] : floating_ips_) {
    if (f.router_id == id) {
      f.router_id.clear();
    }
  }
  routers_.erase(it);
  return ok_status();
}

Result<RouterInterface> Cloud::add_router_interface(const std::string& router_id,
                                                    const RouterInterface& request) {
  std::lock_guard lock(mu_);
  auto it = routers_.find(router_id);
  if (it == routers_.end()) {
    return make_error(ErrorCode::kNotFound, "Router {} could not be found", router_id);
  }
  if (request.subnet_id.empty() == request.port_id.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Bad router request: Cannot specify both subnet-id and port-id, or neither");
  }
  RouterInterface ri;
  if (!request.subnet_id.empty()) {
    auto sub = subnets_.find(request.subnet_id);
    if (sub == subnets_.end()) {
      return make_error(ErrorCode::kNotFound, "Subnet {} could not be found.", request.subnet_id);
    }
    for (const auto& existing : it->second.interfaces) {
      if (existing.subnet_id == request.subnet_id) {
        return make_error(ErrorCode::kInvalidArgument,
                          "Bad router request: Router already has a port on subnet {}",
                          request.subnet_id);
      }
    }
    if (sub->second.gateway_ip.empty()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "Bad router request: Subnet {} does not have a gateway IP",
                        request.subnet_id);
    }
    PortCreate pc;
    pc.network_id = sub->second.network_id;
    pc.fixed_ips = std::vector<FixedIpRequest>{{request.subnet_id, sub->second.gateway_ip}};
    pc.device_id = router_id;
    pc.device_owner = "network:router_interface";
    CL_ASSIGN_OR_RETURN(Port port, create_port_locked(pc));
    ri.subnet_id = request.subnet_id;
    ri.port_id = port.id;
  } else {
    auto port = ports_.find(request.port_id);
    if (port == ports_.end()) {
      return make_error(ErrorCode::kNotFound, "Port {} could not be found.", request.port_id);
    }
    if (port->second.binding || !port->second.device_id.empty()) {
      return make_error(ErrorCode::kFailedPrecondition, "Port {} is in use", request.port_id);
    }
    if (port->second.fixed_ips.empty()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "Bad router request: Router port must have at least one fixed IP");
    }
    port->second.device_id = router_id;
    port->second.device_owner = "network:router_interface";
    port->second.status = "ACTIVE";
    ri.port_id = request.port_id;
    ri.subnet_id = port->second.fixed_ips.front().subnet_id;
  }
  it->second.interfaces.push_back(ri);
  return ri;
}

Result<RouterInterface> Cloud::remove_router_interface(const std::string& router_id,
                                                       const RouterInterface& request) {
  std::lock_guard lock(mu_);
  auto it = routers_.find(router_id);
  if (it == routers_.end()) {
    return make_error(ErrorCode::kNotFound, "Router {} could not be found", router_id);
  }
  auto& ifs = it->second.interfaces;
  auto match = std::find_if(ifs.begin(), ifs.end(), [&](const RouterInterface& ri) {
    return (!request.port_id.empty() && ri.port_id == request.port_id) ||
           (request.port_id.empty() && ri.subnet_id == request.subnet_id);
  });
  if (match == ifs.end()) {
    return make_error(ErrorCode::kNotFound, "Router {} has no interface on {}", router_id,
                      request.port_id.empty() ? request.subnet_id : request.port_id);
  }
  RouterInterface removed = *match;
  ifs.erase(match);
  (void)delete_port_locked(removed.port_id);
  return removed;
}

}  // namespace chainlab::openstack
