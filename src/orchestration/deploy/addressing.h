// Address rules of the Deployer, in one place. Applied to the ports of the nodes being started:
// - a port with a static address keeps it; when that address lies in a pool's range, its
//   subnet is leased from the pool like a taken one;
// - an E-Line's ends get .1 and .2 of a fresh /24 from the E-Line pool (20.0.0.0/8); when one
//   end already has an address (static, or an instance that runs), the other end is numbered
//   inside that end's subnet;
// - an E-LAN's members get consecutive hosts of a fresh /24 from the E-LAN pool (30.0.0.0/8), or
//   of the subnet of its first member that has an address;
// - a port on no link gets the emulator's default address.
// A subnet taken from a pool is a lease whose users are the ports numbered in it; it goes back
// to its pool when the last of them is gone (its node removed), not when a link is, so replacing
// an E-Line between two running instances keeps their addresses valid.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/rollback.h"
#include "orchestration/deploy/subnet_pool.h"
#include "orchestration/graph/service_graph.h"

namespace chainlab::orchestration {

struct LinkPools {
  SubnetPool eline = *SubnetPool::create("20.0.0.0/8", 24);
  SubnetPool elan = *SubnetPool::create("30.0.0.0/8", 24);
};

struct SubnetLease {
  bool elan = false;  // else the E-Line pool
  substrate::Cidr subnet;
  std::set<graph::PortRef> users;
};

using PortAddresses = std::map<graph::PortRef, substrate::Cidr>;

// Numbers the ports of the nodes in `starting` by the rules above. `addresses` holds the ports
// numbered before (running nodes) and receives the new ones; `leases` receives new leases and
// users. Every subnet taken is given back through `guard` unless it commits.
// ResourceExhausted when a pool or a subnet is full, naming the link.
Status assign_addresses(const graph::ServiceGraph& g, const std::set<std::string>& starting,
                        PortAddresses& addresses, std::vector<SubnetLease>& leases,
                        LinkPools& pools, Rollback& guard);

// Forgets the ports of node `node`: their addresses, and their use of leases; leases left with
// no user go back to their pool.
void release_addresses(const std::string& node, PortAddresses& addresses,
                       std::vector<SubnetLease>& leases, LinkPools& pools);

}  // namespace chainlab::orchestration
