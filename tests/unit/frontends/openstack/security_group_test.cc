// Security group rules: Neutron's checks and messages, and the nftables text that enforces them
// (what `nft` accepts is checked by the integration test, which loads it).
#include "frontends/openstack/security_group.h"

#include <gtest/gtest.h>

namespace chainlab::openstack {
namespace {

SecurityGroupRuleCreate rule(const std::string& direction, const std::string& protocol = "",
                             std::optional<int> min = {}, std::optional<int> max = {}) {
  SecurityGroupRuleCreate r;
  r.security_group_id = "g";
  r.direction = direction;
  r.protocol = protocol;
  r.port_range_min = min;
  r.port_range_max = max;
  return r;
}

std::string refused(const SecurityGroupRuleCreate& r) {
  auto n = normalize_rule(r);
  return n.ok() ? "" : n.error().message;
}

TEST(SecurityGroupRuleTest, NormalisesWhatNeutronAccepts) {
  auto r = rule("ingress", "TCP", 80, 80);
  r.ethertype = "ipv4";
  r.remote_ip_prefix = "10.0.0.7/24";
  auto n = normalize_rule(r);
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(n->direction, "ingress");
  EXPECT_EQ(n->ethertype, "IPv4");
  EXPECT_EQ(n->protocol, "tcp");
  EXPECT_EQ(n->remote_ip_prefix, "10.0.0.0/24");
  EXPECT_EQ(normalize_rule(rule("egress", "any"))->protocol, "");
  EXPECT_EQ(normalize_rule(rule("egress", "006"))->protocol, "6");
  EXPECT_TRUE(normalize_rule(rule("ingress", "icmp", 8)).ok());  // a type, any code
}

TEST(SecurityGroupRuleTest, RefusesWhatNeutronRefuses) {
  EXPECT_NE(refused(rule("inbound")).find("'inbound' is not in [ingress, egress]"),
            std::string::npos);
  EXPECT_NE(refused(rule("INGRESS")), "");  // only the ethertype may be in any case
  auto v6_only = rule("egress", "ipv6-icmp");
  EXPECT_EQ(refused(v6_only), "Invalid ethertype IPv4 for protocol ipv6-icmp.");
  v6_only.ethertype = "IPv6";
  EXPECT_EQ(refused(v6_only), "");
  auto bad_ethertype = rule("ingress");
  bad_ethertype.ethertype = "IPv5";
  EXPECT_NE(refused(bad_ethertype), "");
  EXPECT_NE(refused(rule("ingress", "bogus")).find("protocol bogus not supported"),
            std::string::npos);
  EXPECT_NE(refused(rule("ingress", "256")), "");
  EXPECT_EQ(refused(rule("ingress", "", 80, 80)),
            "Must also specify protocol if port range is given.");
  EXPECT_EQ(refused(rule("ingress", "tcp", 90, 80)),
            "For TCP/UDP protocols, port_range_min must be <= port_range_max");
  EXPECT_EQ(refused(rule("ingress", "tcp", 0, 80)), "Invalid value for port 0");
  EXPECT_EQ(refused(rule("ingress", "udp", 1, 65536)), "Invalid value for port 65536");
  EXPECT_NE(refused(rule("ingress", "gre", 1, 2)).find("Invalid protocol gre for port range"),
            std::string::npos);
  EXPECT_NE(refused(rule("ingress", "icmp", 256)).find("ICMP type (port_range_min) 256"),
            std::string::npos);
  EXPECT_NE(refused(rule("ingress", "icmp", {}, 0)).find("ICMP type (port-range-min) is missing"),
            std::string::npos);
  auto both = rule("ingress");
  both.remote_ip_prefix = "10.0.0.0/8";
  both.remote_group_id = "g";
  EXPECT_EQ(refused(both), "Only remote_ip_prefix or remote_group_id may be provided.");
  auto bad_prefix = rule("ingress");
  bad_prefix.remote_ip_prefix = "10.0.0.300/8";
  EXPECT_NE(refused(bad_prefix).find("is not a valid IP subnet"), std::string::npos);
  auto v6_in_v4 = rule("ingress");
  v6_in_v4.remote_ip_prefix = "fd00::/64";
  EXPECT_EQ(refused(v6_in_v4), "Conflicting value ethertype IPv4 for CIDR fd00::/64");
}

TEST(SecurityGroupRuleTest, TheSameRuleIsTheSameWhateverTheProtocolSpelling) {
  SecurityGroupRule stored;
  stored.security_group_id = "g";
  stored.direction = "ingress";
  stored.protocol = "tcp";
  stored.port_range_min = stored.port_range_max = 22;
  EXPECT_TRUE(same_rule(stored, *normalize_rule(rule("ingress", "6", 22, 22))));
  EXPECT_FALSE(same_rule(stored, *normalize_rule(rule("ingress", "tcp", 22, 23))));
  EXPECT_FALSE(same_rule(stored, *normalize_rule(rule("egress", "tcp", 22, 22))));
  SecurityGroupRule icmp6;
  icmp6.security_group_id = "g";
  icmp6.direction = "ingress";
  icmp6.ethertype = "IPv6";
  icmp6.protocol = "icmp";
  auto v6 = rule("ingress", "ipv6-icmp");
  v6.ethertype = "IPv6";
  EXPECT_TRUE(same_rule(icmp6, *normalize_rule(v6)));
}

ResolvedRule resolved(SecurityGroupRuleCreate r, std::vector<std::string> remote = {}) {
  auto n = normalize_rule(std::move(r));
  EXPECT_TRUE(n.ok());
  SecurityGroupRule rule;
  static_cast<SecurityGroupRuleCreate&>(rule) = n.ok() ? *n : SecurityGroupRuleCreate{};
  return ResolvedRule{rule, std::move(remote)};
}

TEST(SecurityRulesetTest, EachFilteredInterfaceGetsItsChainsEndingInDrop) {
  auto from_group = rule("ingress");
  from_group.remote_group_id = "g";
  auto web = rule("ingress", "tcp", 80, 80);
  web.remote_ip_prefix = "0.0.0.0/0";
  std::string text = security_ruleset(
      {{"eth0",
        true,
        {resolved(web), resolved(rule("ingress", "icmp", 8, 0)),
         resolved(from_group, {"10.0.0.3", "10.0.0.4", "fd00::3"}), resolved(rule("egress"))}},
       {"free", false, {}}});
  EXPECT_EQ(text.find("delete table inet chainlab_sg"), text.find("table inet chainlab_sg\n") + 23);
  EXPECT_NE(text.find("iifname \"eth0\" jump in_0"), std::string::npos);
  EXPECT_NE(text.find("oifname \"eth0\" jump out_0"), std::string::npos);
  EXPECT_EQ(text.find("free"), std::string::npos);  // port security off: not filtered
  EXPECT_NE(text.find("meta nfproto ipv4 meta l4proto 6 th dport 80 accept"), std::string::npos);
  EXPECT_NE(text.find("meta l4proto 1 icmp type 8 icmp code 0 accept"), std::string::npos);
  EXPECT_NE(text.find("ip saddr { 10.0.0.3, 10.0.0.4 } accept"), std::string::npos);
  EXPECT_EQ(text.find("fd00::3"), std::string::npos);  // an IPv4 rule: IPv4 members only
  EXPECT_NE(text.find("ct state established,related accept"), std::string::npos);
  size_t in = text.find("chain in_0");
  size_t out = text.find("chain out_0");
  ASSERT_NE(in, std::string::npos);
  ASSERT_NE(out, std::string::npos);
  EXPECT_NE(text.substr(out).find("meta nfproto ipv4 accept"), std::string::npos);
  EXPECT_NE(text.substr(in, out - in).find("    drop\n"), std::string::npos);
}

TEST(SecurityRulesetTest, AnEmptyRemoteGroupAllowsNothingAndNoFilterMeansNoTable) {
  auto from_group = rule("ingress");
  from_group.remote_group_id = "g";
  std::string text = security_ruleset({{"eth0", true, {resolved(from_group, {})}}});
  EXPECT_EQ(text.find("saddr"), std::string::npos);
  EXPECT_EQ(security_ruleset({{"eth0", false, {}}}),
            "table inet chainlab_sg\ndelete table inet chainlab_sg\n");
}

TEST(SecurityRulesetTest, RangesAndEgressPrefixes) {
  auto range = rule("egress", "udp", 1000, 2000);
  range.remote_ip_prefix = "192.168.0.0/16";
  auto v6 = rule("ingress", "icmp");
  v6.ethertype = "IPv6";
  std::string text = security_ruleset({{"p", true, {resolved(range), resolved(v6)}}});
  EXPECT_NE(text.find("ip daddr 192.168.0.0/16 meta l4proto 17 th dport 1000-2000 accept"),
            std::string::npos);
  EXPECT_NE(text.find("meta nfproto ipv6 meta l4proto 58 accept"), std::string::npos);
}

}  // namespace
}  // namespace chainlab::openstack
