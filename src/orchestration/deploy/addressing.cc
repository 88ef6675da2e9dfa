#include "orchestration/deploy/addressing.h"

#include <algorithm>

namespace chainlab::orchestration {
namespace {

using graph::PortRef;

struct Numbering {
  const std::set<std::string>& starting;
  PortAddresses& addresses;
  std::vector<SubnetLease>& leases;
  LinkPools& pools;
  Rollback& guard;

  bool wants_address(const PortRef& ref) const {
    return starting.count(ref.node) > 0 && addresses.count(ref) == 0;
  }

  SubnetLease* lease_of(const substrate::Cidr& subnet) {
    auto it = std::find_if(leases.begin(), leases.end(),
                           [&](const SubnetLease& l) { return l.subnet == subnet; });
    return it == leases.end() ? nullptr : &*it;
  }

  // A static address inside a pool's range takes its subnet out of the pool (a lease shared
  // with the ports numbered in it later), so the pool never hands it to another link.
  void claim_static(const PortRef& ref, const substrate::Cidr& ip) {
    substrate::Cidr subnet = ip.network();
    if (SubnetLease* lease = lease_of(subnet)) {
      lease->users.insert(ref);
      return;
    }
    for (bool elan : {false, true}) {
      SubnetPool& pool = elan ? pools.elan : pools.eline;
      if (pool.reserve(subnet).ok()) {
        guard.add(fmt::format("give back subnet {}", subnet.to_string()),
                  [&pool, subnet] { pool.give_back(subnet); });
        leases.push_back({elan, subnet, {ref}});
        return;
      }
    }
  }

  // A subnet for ends of a link: the first numbered end's, else a fresh lease from `pool`.
  Result<substrate::Cidr> subnet_for(const std::vector<PortRef>& ends, bool elan,
                                     const std::string& link) {
    for (const PortRef& e : ends) {
      auto it = addresses.find(e);
      if (it != addresses.end()) {
        return it->second.network();
      }
    }
    SubnetPool& pool = elan ? pools.elan : pools.eline;
    auto subnet = pool.take();
    if (!subnet.ok()) {
      return std::move(subnet).error().context(link);
    }
    guard.add(fmt::format("give back subnet {}", subnet->to_string()),
              [&pool, s = *subnet] { pool.give_back(s); });
    leases.push_back({elan, *subnet, {}});
    return *subnet;
  }

  Status number(const std::vector<PortRef>& ends, bool elan, const std::string& link) {
    if (std::none_of(ends.begin(), ends.end(),
                     [&](const PortRef& e) { return wants_address(e); })) {
      return ok_status();
    }
    CL_ASSIGN_OR_RETURN(substrate::Cidr subnet, subnet_for(ends, elan, link));
    CL_ASSIGN_OR_RETURN(HostPool hosts, HostPool::create(subnet));
    for (const auto& [ref, address] : addresses) {
      if (address.network() == subnet) {
        (void)hosts.reserve(address.address);  // taken already; outside ones do not matter
      }
    }
    SubnetLease* lease = lease_of(subnet);
    for (const PortRef& e : ends) {
      if (!wants_address(e)) {
        continue;
      }
      auto host = hosts.take();
      if (!host.ok()) {
        return std::move(host).error().context(fmt::format("{}: port '{}'", link, e.to_string()));
      }
      addresses[e] = *host;
      if (lease != nullptr) {
        lease->users.insert(e);
      }
    }
    return ok_status();
  }
};

}  // namespace

Status assign_addresses(const graph::ServiceGraph& g, const std::set<std::string>& starting,
                        PortAddresses& addresses, std::vector<SubnetLease>& leases,
                        LinkPools& pools, Rollback& guard) {
  Numbering n{starting, addresses, leases, pools, guard};
  auto statics = [&](const std::string& node, const std::vector<graph::Port>& ports) {
    for (const graph::Port& p : ports) {
      if (starting.count(node) > 0 && p.ip.has_value()) {
        addresses[{node, p.id}] = *p.ip;
        n.claim_static({node, p.id}, *p.ip);
      }
    }
  };
  for (const auto& f : g.functions) {
    statics(f.id, f.ports);
  }
  for (const auto& s : g.saps) {
    statics(s.id, s.ports);
  }
  for (const auto& l : g.elines) {
    CL_RETURN_IF_ERROR(n.number({l.src, l.dst}, false, fmt::format("E-Line '{}'", l.id)));
  }
  for (const auto& l : g.elans) {
    CL_RETURN_IF_ERROR(n.number(l.members, true, fmt::format("E-LAN '{}'", l.id)));
  }
  return ok_status();
}

void release_addresses(const std::string& node, PortAddresses& addresses,
                       std::vector<SubnetLease>& leases, LinkPools& pools) {
  std::erase_if(addresses, [&](const auto& entry) { return entry.first.node == node; });
  for (SubnetLease& lease : leases) {
    std::erase_if(lease.users, [&](const graph::PortRef& r) { return r.node == node; });
  }
  std::erase_if(leases, [&](const SubnetLease& lease) {
    if (!lease.users.empty()) {
      return false;
    }
    (lease.elan ? pools.elan : pools.eline).give_back(lease.subnet);
    return true;
  });
}

}  // namespace chainlab::orchestration
