#include "dataplane/flow.h"

#include <arpa/inet.h>

#include <gtest/gtest.h>

// GCC 12 warns about members left out of designated initializers even when they have default
// member initializers; the tests rely on those defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace chainlab::dataplane {
namespace {

uint32_t ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return htonl((uint32_t{a} << 24) | (uint32_t{b} << 16) | (uint32_t{c} << 8) | d);
}

const Mac kMacA = {0x02, 0, 0, 0, 0, 0x0a};
const Mac kMacB = {0x02, 0, 0, 0, 0, 0x0b};

FlowKey tcp_key() {
  FlowKey k;
  k.in_port = 1;
  k.eth_src = kMacA;
  k.eth_dst = kMacB;
  k.eth_type = kEthTypeIpv4;
  k.vlan_id = 10;
  k.ip_proto = 6;
  k.ipv4_src = ip(10, 1, 2, 3);
  k.ipv4_dst = ip(192, 168, 0, 1);
  k.l4_src = 40000;
  k.l4_dst = 80;
  return k;
}

TEST(Ipv4Prefix, Contains) {
  EXPECT_TRUE((Ipv4Prefix{0, 0}).contains(ip(1, 2, 3, 4)));
  EXPECT_TRUE((Ipv4Prefix{0, 0}).contains(0));
  Ipv4Prefix ten{ip(10, 0, 0, 0), 8};
  EXPECT_TRUE(ten.contains(ip(10, 255, 1, 2)));
  EXPECT_FALSE(ten.contains(ip(11, 0, 0, 0)));
  EXPECT_FALSE(ten.contains(ip(9, 255, 255, 255)));
  Ipv4Prefix host{ip(10, 0, 0, 1), 32};
  EXPECT_TRUE(host.contains(ip(10, 0, 0, 1)));
  EXPECT_FALSE(host.contains(ip(10, 0, 0, 2)));
  Ipv4Prefix odd{ip(172, 16, 0, 0), 12};
  EXPECT_TRUE(odd.contains(ip(172, 31, 255, 255)));
  EXPECT_FALSE(odd.contains(ip(172, 32, 0, 0)));
}

TEST(Match, EmptyMatchesEverything) {
  Match m;
  EXPECT_TRUE(m.matches(tcp_key()));
  EXPECT_TRUE(m.matches(FlowKey{}));
  EXPECT_TRUE(m.validate().ok());
  EXPECT_EQ(m.to_string(), "");
}

TEST(Match, EachField) {
  FlowKey k = tcp_key();
  auto check = [&](Match m, auto mutate) {
    EXPECT_TRUE(m.matches(k)) << m.to_string();
    FlowKey other = k;
    mutate(other);
    EXPECT_FALSE(m.matches(other)) << m.to_string();
  };
  check(Match{.in_port = 1}, [](FlowKey& o) { o.in_port = 2; });
  check(Match{.eth_src = kMacA}, [](FlowKey& o) { o.eth_src = kMacB; });
  check(Match{.eth_dst = kMacB}, [](FlowKey& o) { o.eth_dst = kMacA; });
  check(Match{.eth_type = kEthTypeIpv4}, [](FlowKey& o) { o.eth_type = kEthTypeArp; });
  check(Match{.ip_proto = 6}, [](FlowKey& o) { o.ip_proto = 17; });
  check(Match{.ipv4_src = Ipv4Prefix{ip(10, 1, 2, 3), 32}},
        [](FlowKey& o) { o.ipv4_src = ip(10, 1, 2, 4); });
  check(Match{.ipv4_dst = Ipv4Prefix{ip(192, 168, 0, 0), 16}},
        [](FlowKey& o) { o.ipv4_dst = ip(192, 169, 0, 1); });
  check(Match{.l4_src = 40000}, [](FlowKey& o) { o.l4_src = 40001; });
  check(Match{.l4_dst = 80}, [](FlowKey& o) { o.l4_dst = 443; });
}

TEST(Match, Vlan) {
  FlowKey tagged = tcp_key();
  FlowKey untagged = tcp_key();
  untagged.vlan_id = kNoVlan;
  FlowKey priority_tagged = tcp_key();
  priority_tagged.vlan_id = 0;

  Match any;
  EXPECT_TRUE(any.matches(tagged));
  EXPECT_TRUE(any.matches(untagged));
  Match none{.vlan = {VlanMatch::Kind::kNone, 0}};
  EXPECT_FALSE(none.matches(tagged));
  EXPECT_TRUE(none.matches(untagged));
  EXPECT_FALSE(none.matches(priority_tagged));
  Match ten{.vlan = {VlanMatch::Kind::kId, 10}};
  EXPECT_TRUE(ten.matches(tagged));
  EXPECT_FALSE(ten.matches(untagged));
  Match zero{.vlan = {VlanMatch::Kind::kId, 0}};
  EXPECT_TRUE(zero.matches(priority_tagged));
  EXPECT_FALSE(zero.matches(untagged));
}

TEST(Match, Prefixes) {
  FlowKey k = tcp_key();
  Match all{.eth_type = kEthTypeIpv4, .ipv4_src = Ipv4Prefix{0, 0}};
  EXPECT_TRUE(all.matches(k));
  Match eight{.eth_type = kEthTypeIpv4, .ipv4_src = Ipv4Prefix{ip(10, 0, 0, 0), 8}};
  EXPECT_TRUE(eight.matches(k));
  k.ipv4_src = ip(11, 1, 2, 3);
  EXPECT_FALSE(eight.matches(k));
  EXPECT_TRUE(all.matches(k));
}

TEST(Match, ValidateAcceptsConsistentMatches) {
  Match m{.in_port = 3,
          .eth_type = kEthTypeIpv4,
          .vlan = {VlanMatch::Kind::kId, 4095},
          .ip_proto = 17,
          .ipv4_src = Ipv4Prefix{ip(10, 0, 0, 0), 8},
          .ipv4_dst = Ipv4Prefix{ip(10, 0, 0, 1), 32},
          .l4_src = 53,
          .l4_dst = 53};
  EXPECT_TRUE(m.validate().ok()) << m.validate().error().message;
  EXPECT_TRUE((Match{.eth_type = kEthTypeArp, .ipv4_dst = Ipv4Prefix{ip(10, 0, 0, 1), 32}})
                  .validate()
                  .ok());
  EXPECT_TRUE((Match{.eth_type = kEthTypeIpv6, .ip_proto = 58}).validate().ok());
  EXPECT_TRUE((Match{.eth_type = kEthTypeIpv4, .ip_proto = 1, .l4_src = 8}).validate().ok());
}

void expect_invalid(const Match& m, std::string_view field) {
  Status s = m.validate();
  ASSERT_FALSE(s.ok()) << m.to_string();
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(s.error().message.find(field), std::string::npos) << s.error().message;
}

TEST(Match, ValidateErrors) {
  expect_invalid(Match{.vlan = {VlanMatch::Kind::kId, 4096}}, "dl_vlan");
  expect_invalid(Match{.eth_type = kEthTypeIpv4, .ipv4_src = Ipv4Prefix{0, 33}}, "nw_src");
  expect_invalid(Match{.eth_type = kEthTypeIpv4, .ipv4_dst = Ipv4Prefix{ip(10, 0, 0, 1), 8}},
                 "nw_dst");
  expect_invalid(Match{.ip_proto = 6}, "nw_proto");
  expect_invalid(Match{.eth_type = kEthTypeArp, .ip_proto = 1}, "nw_proto");
  expect_invalid(Match{.ipv4_src = Ipv4Prefix{ip(10, 0, 0, 1), 32}}, "nw_src");
  expect_invalid(Match{.eth_type = kEthTypeIpv6, .ipv4_dst = Ipv4Prefix{0, 0}}, "nw_dst");
  expect_invalid(Match{.eth_type = kEthTypeIpv4, .l4_dst = 80}, "tp_dst");
  expect_invalid(Match{.eth_type = kEthTypeIpv4, .ip_proto = 47, .l4_src = 1}, "tp_src");
  expect_invalid(Match{.eth_type = kEthTypeIpv6, .ip_proto = 6, .l4_dst = 80}, "tp_dst");
  expect_invalid(Match{.eth_type = kEthTypeIpv4, .ip_proto = 1, .l4_src = 256}, "tp_src");
}

TEST(Match, ToString) {
  Match m{.in_port = 1,
          .eth_src = kMacA,
          .eth_type = kEthTypeIpv4,
          .vlan = {VlanMatch::Kind::kId, 10},
          .ip_proto = 6,
          .ipv4_dst = Ipv4Prefix{ip(10, 0, 0, 0), 8},
          .l4_dst = 80};
  EXPECT_EQ(m.to_string(),
            "in_port=1,dl_src=02:00:00:00:00:0a,dl_vlan=10,dl_type=0x0800,nw_dst=10.0.0.0/8,"
            "nw_proto=6,tp_dst=80");
  Match n{.eth_type = kEthTypeIpv4,
          .vlan = {VlanMatch::Kind::kNone, 0},
          .ip_proto = 1,
          .ipv4_src = Ipv4Prefix{ip(1, 2, 3, 4), 32},
          .l4_src = 8,
          .l4_dst = 0};
  EXPECT_EQ(n.to_string(),
            "dl_vlan=0xffff,dl_type=0x0800,nw_src=1.2.3.4,nw_proto=1,icmp_type=8,icmp_code=0");
}

TEST(Action, ToString) {
  EXPECT_EQ(Action::output(3).to_string(), "output:3");
  EXPECT_EQ(Action::push_vlan(10).to_string(), "push_vlan:10");
  EXPECT_EQ(Action::pop_vlan().to_string(), "pop_vlan");
  EXPECT_EQ(Action::set_vlan(20).to_string(), "mod_vlan_vid:20");
  EXPECT_EQ(Action::set_eth_src(kMacA).to_string(), "mod_dl_src:02:00:00:00:00:0a");
  EXPECT_EQ(Action::set_eth_dst(kMacB).to_string(), "mod_dl_dst:02:00:00:00:00:0b");
  EXPECT_EQ(Action::drop().to_string(), "drop");
  EXPECT_EQ(Action::normal().to_string(), "normal");
  EXPECT_EQ(Action::flood().to_string(), "flood");
}

TEST(Action, Validate) {
  EXPECT_TRUE(validate_actions({}).ok());
  EXPECT_TRUE(
      validate_actions({Action::push_vlan(1), Action::set_vlan(4094), Action::output(2)}).ok());
  for (uint16_t bad : {0, 4095, 4096}) {
    Status s = validate_actions({Action::output(1), Action::push_vlan(bad)});
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("actions[1]"), std::string::npos) << s.error().message;
    EXPECT_FALSE(validate_actions({Action::set_vlan(bad)}).ok());
  }
  EXPECT_TRUE(validate_actions(std::vector<Action>(16, Action::output(1))).ok());
  Status many = validate_actions(std::vector<Action>(17, Action::output(1)));
  ASSERT_FALSE(many.ok());
  EXPECT_EQ(many.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(validate_actions({Action::output(kNoPort)}).ok());
}

}  // namespace
}  // namespace chainlab::dataplane
