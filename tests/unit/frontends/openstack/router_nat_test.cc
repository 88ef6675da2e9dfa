// The NAT a router's namespace gets (router_nat.h): the nftables table and the script around it.
#include "frontends/openstack/router_nat.h"

#include <gtest/gtest.h>

namespace chainlab::openstack {
namespace {

RouterNat gateway_with_one_floating_ip() {
  RouterNat nat;
  nat.gateway_interface = "qg-0123456789a";
  nat.gateway_address = "172.24.4.2";
  nat.internal_cidrs = {"10.0.0.0/24", "10.0.1.0/24"};
  nat.floating = {{"172.24.4.10", "10.0.0.5"}};
  return nat;
}

TEST(RouterNat, FloatingIpsAreDnattedAndTheSubnetsSnatted) {
  std::string rules = nat_ruleset(gateway_with_one_floating_ip());
  EXPECT_EQ(rules.rfind("table ip chainlab_nat\ndelete table ip chainlab_nat\n", 0), 0u)
      << "the table is replaced in one transaction:\n"
      << rules;
  EXPECT_NE(rules.find("type nat hook prerouting priority dstnat"), std::string::npos);
  EXPECT_NE(rules.find("ip daddr 172.24.4.10 dnat to 10.0.0.5"), std::string::npos) << rules;
  size_t floating = rules.find("oifname \"qg-0123456789a\" ip saddr 10.0.0.5 snat to 172.24.4.10");
  size_t subnets = rules.find(
      "oifname \"qg-0123456789a\" ip saddr { 10.0.0.0/24, 10.0.1.0/24 } snat to 172.24.4.2");
  ASSERT_NE(floating, std::string::npos) << rules;
  ASSERT_NE(subnets, std::string::npos) << rules;
  EXPECT_LT(floating, subnets) << "a floating IP's own SNAT comes before the router's";
}

TEST(RouterNat, NoGatewayOnlyDeletesTheTable) {
  EXPECT_EQ(nat_ruleset(RouterNat{}), "table ip chainlab_nat\ndelete table ip chainlab_nat\n");
}

TEST(RouterNat, TheScriptAddsAndRemovesOnlyWhatChanged) {
  RouterNat nat = gateway_with_one_floating_ip();
  std::string script = router_nat_script(nat, {"172.24.4.10", "172.24.4.11"});
  EXPECT_EQ(script.find("addr replace 172.24.4.10/32"), std::string::npos) << "already there";
  EXPECT_NE(script.find("ip -4 addr del 172.24.4.11/32 dev qg-0123456789a"), std::string::npos)
      << script;
  EXPECT_NE(script.find("nft -f - <<'CHAINLAB_NFT'\n" + nat_ruleset(nat) + "CHAINLAB_NFT\n"),
            std::string::npos)
      << script;
  EXPECT_EQ(floating_addresses(nat), (std::set<std::string>{"172.24.4.10"}));
  script = router_nat_script(nat, {});
  EXPECT_NE(script.find("ip -4 addr replace 172.24.4.10/32 dev qg-0123456789a"), std::string::npos);
}

}  // namespace
}  // namespace chainlab::openstack
