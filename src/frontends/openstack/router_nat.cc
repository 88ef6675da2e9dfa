#include "frontends/openstack/router_nat.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace chainlab::openstack {

std::string nat_ruleset(const RouterNat& nat) {
  std::string out = "table ip chainlab_nat\ndelete table ip chainlab_nat\n";
  if (nat.gateway_interface.empty()) {
    return out;
  }
  out += "table ip chainlab_nat {\n";
  out += "  chain prerouting {\n    type nat hook prerouting priority dstnat; policy accept;\n";
  for (const auto& [floating, fixed] : nat.floating) {
    out += fmt::format("    ip daddr {} dnat to {}\n", floating, fixed);
  }
  out += "  }\n";
  out += "  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n";
  for (const auto& [floating, fixed] : nat.floating) {
    out += fmt::format("    oifname \"{}\" ip saddr {} snat to {}\n", nat.gateway_interface, fixed,
                       floating);
  }
  if (!nat.internal_cidrs.empty()) {
    out += fmt::format("    oifname \"{}\" ip saddr {{ {} }} snat to {}\n", nat.gateway_interface,
                       fmt::join(nat.internal_cidrs, ", "), nat.gateway_address);
  }
  out += "  }\n}\n";
  return out;
}

std::set<std::string> floating_addresses(const RouterNat& nat) {
  std::set<std::string> out;
  for (const auto& [floating, fixed] : nat.floating) {
    out.insert(floating);
  }
  return out;
}

std::string router_nat_script(const RouterNat& nat, const std::set<std::string>& present) {
  std::string out = "set -e\n";
  std::set<std::string> wanted = floating_addresses(nat);
  for (const auto& address : wanted) {
    if (present.count(address) == 0) {
      out += fmt::format("ip -4 addr replace {}/32 dev {}\n", address, nat.gateway_interface);
    }
  }
  for (const auto& address : present) {
    if (wanted.count(address) == 0 && !nat.gateway_interface.empty()) {
      out += fmt::format("ip -4 addr del {}/32 dev {} || true\n", address, nat.gateway_interface);
    }
  }
  out += "nft -f - <<'CHAINLAB_NFT'\n" + nat_ruleset(nat) + "CHAINLAB_NFT\n";
  return out;
}

}  // namespace chainlab::openstack
