// OS::Neutron::SecurityGroup properties: Heat's defaults (ingress, IPv4), remote_mode, and
// Neutron's checks of each rule reported at the rule's path.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "frontends/openstack/hot_resources.h"

namespace chainlab::openstack {
namespace {

using nlohmann::json;

TEST(HotSecurityGroup, RulesTakeHeatsDefaultsAndRemoteModes) {
  json props = {{"name", "web"},
                {"rules",
                 {{{"protocol", "tcp"}, {"port_range_min", 80}, {"port_range_max", 80}},
                  {{"protocol", "icmp"}, {"remote_mode", "remote_group_id"}},
                  {{"direction", "egress"}, {"remote_ip_prefix", "10.0.0.0/8"}}}}};
  auto s = parse_security_group(props, "resources.sg.properties");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->name, "web");
  ASSERT_EQ(s->rules.size(), 3u);
  EXPECT_EQ(s->rules[0].rule.direction, "ingress");
  EXPECT_EQ(s->rules[0].rule.ethertype, "IPv4");
  EXPECT_EQ(s->rules[0].rule.port_range_min, 80);
  EXPECT_TRUE(s->rules[1].remote_self);
  EXPECT_FALSE(s->rules[2].remote_self);
  EXPECT_EQ(s->rules[2].rule.remote_ip_prefix, "10.0.0.0/8");
}

TEST(HotSecurityGroup, ABadRuleIsRefusedAtItsPath) {
  auto bad = [](json rule) {
    auto s = parse_security_group({{"rules", {rule}}}, "resources.sg.properties");
    return s.ok() ? std::string() : s.error().message;
  };
  EXPECT_NE(bad({{"protocol", "bogus"}}).find("resources.sg.properties.rules[0]"),
            std::string::npos);
  EXPECT_NE(bad({{"protocol", "tcp"}, {"port_range_min", 90}, {"port_range_max", 80}})
                .find("port_range_min must be <= port_range_max"),
            std::string::npos);
  EXPECT_NE(bad({{"remote_mode", "anywhere"}}).find("remote_mode"), std::string::npos);
  EXPECT_NE(bad({{"port_range_min", 70000}}), "");
  EXPECT_NE(bad({{"colour", "red"}}).find("unknown property 'colour'"), std::string::npos);
}

}  // namespace
}  // namespace chainlab::openstack
