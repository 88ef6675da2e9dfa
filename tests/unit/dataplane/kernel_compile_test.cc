// The compiler from flow tables to the kernel fast path's tables: the program's lookup (modelled
// here line by line after fastpath.bpf.c: fallback keys, first match in order) must pick the rule
// the userspace classifier picks, for every frame; and actions flatten as the program expects.
#include "dataplane/kernel/compile.h"

#include <arpa/inet.h>

#include <cstring>
#include <random>

#include <gtest/gtest.h>

#include "dataplane/flow_table.h"

namespace chainlab::dataplane::kernel {
namespace {

// fastpath.bpf.c's find_table.
const cl_table* find_table(const std::map<TableKey, cl_table>& tables, uint32_t port,
                           uint32_t vlan) {
  auto at = [&](uint32_t p, uint32_t v) -> const cl_table* {
    auto it = tables.find({p, v});
    return it == tables.end() ? nullptr : &it->second;
  };
  if (const auto* t = at(port, vlan)) {
    return t;
  }
  if (vlan != CL_VLAN_NONE) {
    if (const auto* t = at(port, CL_VLAN_OTHER)) {
      return t;
    }
  }
  if (const auto* t = at(CL_PORT_ANY, vlan)) {
    return t;
  }
  return vlan == CL_VLAN_NONE ? nullptr : at(CL_PORT_ANY, CL_VLAN_OTHER);
}

// fastpath.bpf.c's matches.
bool kernel_matches(const cl_rule& r, const FlowKey& f) {
  uint32_t m = r.fields;
  uint16_t vlan = f.vlan_id == kNoVlan ? CL_VLAN_NONE : f.vlan_id;
  return !((m & CL_M_IN_PORT) && r.in_port != f.in_port) &&
         !((m & CL_M_ETH_SRC) && std::memcmp(r.eth_src, f.eth_src.data(), 6) != 0) &&
         !((m & CL_M_ETH_DST) && std::memcmp(r.eth_dst, f.eth_dst.data(), 6) != 0) &&
         !((m & CL_M_ETH_TYPE) && r.eth_type != f.eth_type) &&
         !((m & CL_M_VLAN_NONE) && vlan != CL_VLAN_NONE) &&
         !((m & CL_M_VLAN_ID) && vlan != r.vlan_id) &&
         !((m & CL_M_IP_PROTO) && r.ip_proto != f.ip_proto) &&
         !((m & CL_M_IPV4_SRC) && (f.ipv4_src & r.ipv4_src_mask) != r.ipv4_src) &&
         !((m & CL_M_IPV4_DST) && (f.ipv4_dst & r.ipv4_dst_mask) != r.ipv4_dst) &&
         !((m & CL_M_L4_SRC) && r.l4_src != f.l4_src) &&
         !((m & CL_M_L4_DST) && r.l4_dst != f.l4_dst);
}

// The slot (= rule id here) the program would count, 0 for a miss; -1 for "userspace".
int64_t kernel_lookup(const std::map<TableKey, cl_table>& tables, const FlowKey& key) {
  uint32_t vlan = key.vlan_id == kNoVlan ? CL_VLAN_NONE : key.vlan_id;
  const cl_table* t = find_table(tables, key.in_port, vlan);
  if (t == nullptr) {
    return 0;
  }
  if (t->flags & CL_TABLE_SLOW) {
    return -1;
  }
  for (uint32_t i = 0; i < t->count; ++i) {
    if (kernel_matches(t->rules[i], key)) {
      return t->rules[i].slot;
    }
  }
  return 0;
}

struct Random {
  std::mt19937 gen{42};
  uint32_t below(uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(gen); }
  bool coin() { return below(2) == 0; }
};

Match random_match(Random& r) {
  Match m;
  if (r.coin()) {
    m.in_port = 1 + r.below(4);
  }
  switch (r.below(4)) {
    case 0:
      m.vlan.kind = VlanMatch::Kind::kNone;
      break;
    case 1:
      m.vlan = {VlanMatch::Kind::kId, static_cast<uint16_t>(10 * (1 + r.below(3)))};
      break;
    default:
      break;
  }
  if (r.below(3) == 0) {
    m.eth_type = kEthTypeIpv4;
    if (r.coin()) {
      m.ip_proto = r.coin() ? kProtoUdp : kProtoTcp;
    }
    if (r.coin()) {
      m.ipv4_dst = Ipv4Prefix{htonl(0x0a000000u | (r.below(2) << 8)), 24};
    }
    if (m.ip_proto && r.coin()) {
      m.l4_dst = static_cast<uint16_t>(80 + r.below(2));
    }
  }
  if (r.below(4) == 0) {
    m.eth_src = Mac{0, 0, 0, 0, 0, static_cast<uint8_t>(1 + r.below(2))};
  }
  return m;
}

FlowKey random_key(Random& r) {
  FlowKey k;
  k.in_port = 1 + r.below(5);
  uint32_t v = r.below(5);
  k.vlan_id = v == 0 ? kNoVlan : static_cast<uint16_t>(10 * v);
  k.eth_src = Mac{0, 0, 0, 0, 0, static_cast<uint8_t>(1 + r.below(3))};
  k.eth_type = r.coin() ? kEthTypeIpv4 : kEthTypeArp;
  k.ip_proto = r.coin() ? kProtoUdp : kProtoTcp;
  k.ipv4_dst = htonl(0x0a000000u | (r.below(3) << 8) | 7);
  k.l4_dst = static_cast<uint16_t>(79 + r.below(3));
  return k;
}

TEST(KernelCompile, LookupPicksTheRuleTheClassifierPicks) {
  Random r;
  for (int round = 0; round < 200; ++round) {
    std::vector<std::shared_ptr<const Rule>> rules;
    size_t n = 1 + r.below(24);
    for (size_t i = 0; i < n; ++i) {
      auto rule = std::make_shared<Rule>();
      rule->id = i + 1;
      rule->priority = static_cast<uint16_t>(r.below(4));
      rule->match = random_match(r);
      rule->actions = {Action::output(1)};
      rules.push_back(rule);
    }
    auto tables =
        compile_tables(rules, [](const Rule& rule) { return static_cast<uint32_t>(rule.id); });
    FlowTable classifier(rules, 1);
    for (int k = 0; k < 200; ++k) {
      FlowKey key = random_key(r);
      const Rule* want = classifier.lookup(key);
      ASSERT_EQ(kernel_lookup(tables, key), want == nullptr ? 0 : static_cast<int64_t>(want->id))
          << "round " << round << " in_port " << key.in_port << " vlan " << key.vlan_id;
    }
  }
}

TEST(KernelCompile, OnlyTablesThatDifferFromTheirFallbackAreWritten) {
  auto rule = [](uint64_t id, std::optional<PortId> port, VlanMatch vlan) {
    auto r = std::make_shared<Rule>();
    r->id = id;
    r->match.in_port = port;
    r->match.vlan = vlan;
    r->actions = {Action::output(9)};
    return std::shared_ptr<const Rule>(r);
  };
  VlanMatch any;
  VlanMatch ten{VlanMatch::Kind::kId, 10};
  // A chain's rules name a port and a VID each: one table per rule, nothing else.
  auto tables = compile_tables({rule(1, 1, ten), rule(2, 2, ten), rule(3, 3, any)},
                               [](const Rule&) { return 1u; });
  std::vector<TableKey> keys;
  for (const auto& [key, table] : tables) {
    keys.push_back(key);
  }
  EXPECT_EQ(keys, (std::vector<TableKey>{{1, 10}, {2, 10}, {3, CL_VLAN_OTHER}, {3, CL_VLAN_NONE}}));
}

TEST(KernelCompile, ALongTableGoesToUserspace) {
  std::vector<std::shared_ptr<const Rule>> rules;
  for (uint64_t i = 1; i <= CL_MAX_TABLE_RULES + 1; ++i) {
    auto r = std::make_shared<Rule>();
    r->id = i;
    r->match.in_port = 1;
    r->match.eth_type = kEthTypeIpv4;
    r->match.l4_dst = static_cast<uint16_t>(i);
    r->match.ip_proto = kProtoUdp;
    r->actions = {Action::output(2)};
    rules.push_back(r);
  }
  auto tables = compile_tables(rules, [](const Rule&) { return 1u; });
  ASSERT_TRUE(tables.contains({1, CL_VLAN_NONE}));
  EXPECT_EQ(tables.at({1, CL_VLAN_NONE}).flags & CL_TABLE_SLOW, CL_TABLE_SLOW);
}

cl_rule actions_of(std::vector<Action> actions) {
  Rule rule;
  rule.actions = std::move(actions);
  return compile_rule(rule, 7);
}

TEST(KernelCompile, ActionsFlattenToHeaderChangesAndOneTarget) {
  cl_rule r = actions_of({Action::pop_vlan(), Action::set_eth_dst(Mac{2, 0, 0, 0, 0, 1}),
                          Action::push_vlan(20), Action::output(3)});
  EXPECT_EQ(r.actions & CL_A_SLOW, 0u);
  EXPECT_EQ(r.vlan_ops[0], CL_V_POP);
  EXPECT_EQ(r.vlan_ops[1], CL_V_PUSH);
  EXPECT_EQ(r.vlan_args[1], 20);
  EXPECT_EQ(r.vlan_ops[2], 0);
  EXPECT_EQ(r.actions & CL_A_ETH_DST, CL_A_ETH_DST);
  EXPECT_EQ(r.new_dst[5], 1);
  EXPECT_EQ(r.target, static_cast<uint32_t>(CL_T_OUTPUT));
  EXPECT_EQ(r.target_id, 3u);
  EXPECT_EQ(r.slot, 7u);

  cl_rule select = actions_of({Action::select(4), Action::pop_vlan()});
  EXPECT_EQ(select.target, static_cast<uint32_t>(CL_T_SELECT));
  EXPECT_EQ(select.target_id, 4u);
  EXPECT_EQ(select.vlan_ops[0], 0) << "changes after the one output do nothing";
  EXPECT_EQ(actions_of({}).target, static_cast<uint32_t>(CL_T_DROP));
  EXPECT_EQ(actions_of({Action::drop(), Action::output(1)}).target,
            static_cast<uint32_t>(CL_T_DROP));
}

TEST(KernelCompile, WhatNeedsCopiesOrLearningStaysInUserspace) {
  EXPECT_EQ(actions_of({Action::output(1), Action::output(2)}).actions & CL_A_SLOW, CL_A_SLOW);
  EXPECT_EQ(actions_of({Action::normal()}).actions & CL_A_SLOW, CL_A_SLOW);
  EXPECT_EQ(actions_of({Action::flood()}).actions & CL_A_SLOW, CL_A_SLOW);
  EXPECT_EQ(actions_of({Action::segment(1)}).actions & CL_A_SLOW, CL_A_SLOW);
  std::vector<Action> five(CL_MAX_VLAN_OPS + 1, Action::set_vlan(5));
  five.push_back(Action::output(1));
  EXPECT_EQ(actions_of(five).actions & CL_A_SLOW, CL_A_SLOW);
  EXPECT_EQ(actions_of({Action::output(1), Action::drop()}).actions & CL_A_SLOW, 0u);
  // No counter slot left: the engine takes the rule's frames, so they are counted.
  auto r = std::make_shared<Rule>();
  r->id = 1;
  r->actions = {Action::output(2)};
  auto tables = compile_tables({r}, [](const Rule&) { return 0u; });
  ASSERT_TRUE(tables.contains({CL_PORT_ANY, CL_VLAN_NONE}));
  EXPECT_EQ(tables.at({CL_PORT_ANY, CL_VLAN_NONE}).rules[0].actions & CL_A_SLOW, CL_A_SLOW);
}

}  // namespace
}  // namespace chainlab::dataplane::kernel
