// What a router's namespace does for its external gateway (cloud_router.cc): SNAT of its
// internal subnets to the gateway's address, and for each floating IP a DNAT to the fixed address
// (plus the SNAT back), with the floating addresses held on the gateway interface so that the
// host's ARP finds them — Neutron's legacy L3 agent, in nftables. Pure: unit-tested.
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace chainlab::openstack {

struct RouterNat {
  std::string gateway_interface;            // "qg-...", "" = no gateway: no NAT at all
  std::string gateway_address;              // bare IPv4 address of the gateway port
  std::vector<std::string> internal_cidrs;  // SNAT'ed to gateway_address
  std::vector<std::pair<std::string, std::string>> floating;  // floating -> fixed address
};

// The nftables script that replaces the table `ip chainlab_nat` with `nat`'s rules in one
// transaction (only deletes it when there is no gateway).
std::string nat_ruleset(const RouterNat& nat);

// The shell script run inside the router: adds the floating addresses missing from `present` to
// the gateway interface (as /32), removes those no longer wanted, then loads nat_ruleset.
std::string router_nat_script(const RouterNat& nat, const std::set<std::string>& present);

// The floating addresses `nat` holds on its gateway interface.
std::set<std::string> floating_addresses(const RouterNat& nat);

}  // namespace chainlab::openstack
