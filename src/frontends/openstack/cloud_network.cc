// Cloud: networks, subnets and their address allocation (see cloud.h).
#include <algorithm>

#include "frontends/openstack/cloud.h"
#include "frontends/openstack/cloud_internal.h"

namespace chainlab::openstack {

// ---- networks
// -------------------------------------------------------------------------------------

Result<Network> Cloud::create_network(const NetworkCreate& request) {
  Writing lock(*this);
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
  n.created_at = n.updated_at = stamp();
  return networks_.put(n);
}

Result<Network> Cloud::update_network(const std::string& id, const NetworkUpdate& update) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(Network * n, networks_.get(id));
  set_if(n->name, update.name);
  set_if(n->admin_state_up, update.admin_state_up);
  set_if(n->shared, update.shared);
  set_if(n->external, update.external);
  n->updated_at = stamp();
  return *n;
}

Status Cloud::delete_network(const std::string& id) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(const Network* n, networks_.get(id));
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
  for (const auto& sid : n->subnet_ids) {
    (void)subnets_.erase(sid);
    subnet_pools_.erase(sid);
    subnet_extra_ips_.erase(sid);
  }
  if (!n->elan.empty()) {
    (void)emulation_.delete_elan(n->elan);
  }
  return networks_.erase(id);
}

// ---- subnets ------------------------------------------------------------------------------------

Result<Subnet> Cloud::create_subnet(const SubnetCreate& request) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(Network * net, networks_.get(request.network_id));
  if (request.ip_version != 4) {
    return make_error(ErrorCode::kInvalidArgument, "only ip_version 4 is supported, not {}",
                      request.ip_version);
  }
  CL_ASSIGN_OR_RETURN(SubnetPlan plan,
                      plan_subnet(request.cidr, request.gateway_ip, request.allocation_pools));
  // Overlapping subnets on one network are refused, as Neutron does.
  uint32_t net_lo = ipv4_host_order(plan.network.address);
  uint32_t net_hi = net_lo | ~(~uint32_t{0} << (32 - plan.network.prefix_len));
  for (const auto& sid : net->subnet_ids) {
    const Subnet& other = *subnets_.find(sid);
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
  s.created_at = s.updated_at = stamp();
  subnet_pools_[s.id] = std::move(pools);
  net->subnet_ids.push_back(s.id);
  return subnets_.put(s);
}

Result<Subnet> Cloud::update_subnet(const std::string& id, const SubnetUpdate& update) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(Subnet * s, subnets_.get(id));
  set_if(s->name, update.name);
  set_if(s->enable_dhcp, update.enable_dhcp);
  set_if(s->dns_nameservers, update.dns_nameservers);
  s->updated_at = stamp();
  return *s;
}

Status Cloud::delete_subnet(const std::string& id) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(const Subnet* s, subnets_.get(id));
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
  if (Network* net = networks_.find(s->network_id)) {
    auto& ids = net->subnet_ids;
    ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
  }
  subnet_pools_.erase(id);
  subnet_extra_ips_.erase(id);
  return subnets_.erase(id);
}

Result<std::string> Cloud::allocate_ip(const std::string& subnet_id, const std::string& address) {
  CL_ASSIGN_OR_RETURN(const Subnet* sub, subnets_.get(subnet_id));
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
                      "No more IP addresses available on network {}.", sub->network_id);
  }
  CL_ASSIGN_OR_RETURN(uint32_t h, parse_ipv4(address, "ip_address"));
  auto cidr = substrate::Cidr::parse(sub->cidr);
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
    auto s = parse_ipv4(sub->allocation_pools[i].start, "").value_or(0);
    auto e = parse_ipv4(sub->allocation_pools[i].end, "").value_or(0);
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

}  // namespace chainlab::openstack
