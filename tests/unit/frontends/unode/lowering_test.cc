// NF-FG rules in the data plane's terms: ports through the lookup, every match field and action the
// data plane has, and a refusal naming the rule for the rest (never a silent drop of an action).
#include "frontends/unode/lowering.h"

#include <arpa/inet.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace chainlab::unode {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json graph_with(const json& rule) {
  json g = json::parse(R"({"forwarding-graph": {"name": "g",
    "VNFs": [{"id": "a", "name": "a", "ports": [{"id": "inout:0"}, {"id": "inout:1"}]}],
    "end-points": [{"id": "e0", "type": "interface", "interface": {"if-name": "eth0"}},
                   {"id": "e1", "type": "interface", "interface": {"if-name": "eth1"}}],
    "big-switch": {"flow-rules": []}}})");
  g["forwarding-graph"]["big-switch"]["flow-rules"].push_back(rule);
  return g;
}

json lowering_rule(const json& match, const json& actions) {
  json m = match;
  m["port_in"] = "endpoint:e0";
  return {{"id", "r1"}, {"priority", 7}, {"match", m}, {"actions", actions}};
}

// Ports: e0 = 1, e1 = 2, vnf a = 10 + n, link n = 100 + n.
Result<dataplane::PortId> lookup(const LsiPort& p) {
  if (!p.port) {
    return static_cast<dataplane::PortId>(100 + p.vlink);
  }
  if (p.port->is_vnf()) {
    return static_cast<dataplane::PortId>(10 + (p.port->port == "inout:1" ? 1 : 0));
  }
  return static_cast<dataplane::PortId>(p.port->id == "e0" ? 1 : 2);
}

Result<dataplane::RuleSpec> lowered(const json& match, const json& actions) {
  auto g = parse_nffg(graph_with(lowering_rule(match, actions)));
  EXPECT_TRUE(g.ok()) << (g.ok() ? "" : g.error().message);
  if (!g.ok()) {
    return g.error();
  }
  Steering s = split_rules(*g);
  return lower_rule(s.lsi0.at(0), lookup, 42);
}

TEST(LoweringTest, PortsComeFromTheLookupAndLinksCarryCrossingRules) {
  auto g = parse_nffg(
      graph_with(lowering_rule(json::object(), {{{"output_to_port", "vnf:a:inout:1"}}})));
  ASSERT_TRUE(g.ok()) << g.error().message;
  Steering s = split_rules(*g);
  auto ingress = lower_rule(s.lsi0.at(0), lookup, 42);
  ASSERT_TRUE(ingress.ok()) << ingress.error().message;
  EXPECT_EQ(ingress->match.in_port, 1u);
  ASSERT_EQ(ingress->actions.size(), 1u);
  EXPECT_EQ(ingress->actions[0], dataplane::Action::output(100)) << "to the graph-LSI by link 0";
  EXPECT_EQ(ingress->priority, 7);
  EXPECT_EQ(ingress->cookie, 42u);
  auto egress = lower_rule(s.graph.at(0), lookup, 42);
  ASSERT_TRUE(egress.ok());
  EXPECT_EQ(egress->match.in_port, 100u);
  EXPECT_EQ(egress->actions[0], dataplane::Action::output(11));
}

TEST(LoweringTest, EveryFieldTheDataPlaneHas) {
  auto r = lowered({{"ether_type", "0x0800"},
                    {"vlan_id", "25"},
                    {"source_mac", "02:00:00:00:00:01"},
                    {"dest_mac", "ff:ff:ff:ff:ff:ff"},
                    {"source_ip", "10.0.0.0/24"},
                    {"dest_ip", "10.0.1.1"},
                    {"protocol", "17"},
                    {"source_port", "1000"},
                    {"dest_port", "53"}},
                   {{{"pop_vlan", true}},
                    {{"push_vlan", "30"}},
                    {{"set_vlan_id", "31"}},
                    {{"set_ethernet_src_address", "02:00:00:00:00:02"}},
                    {{"set_ethernet_dst_address", "02:00:00:00:00:03"}},
                    {{"output_to_port", "endpoint:e1"}}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->match.eth_type, 0x0800);
  EXPECT_EQ(r->match.vlan.kind, dataplane::VlanMatch::Kind::kId);
  EXPECT_EQ(r->match.vlan.id, 25);
  EXPECT_EQ((*r->match.eth_src)[5], 1);
  EXPECT_EQ(r->match.ipv4_src->length, 24);
  EXPECT_EQ(r->match.ipv4_dst->address, ::inet_addr("10.0.1.1"));
  EXPECT_EQ(r->match.ip_proto, 17);
  EXPECT_EQ(r->match.l4_dst, 53);
  ASSERT_EQ(r->actions.size(), 6u);
  EXPECT_EQ(r->actions[0], dataplane::Action::pop_vlan());
  EXPECT_EQ(r->actions[1], dataplane::Action::push_vlan(30));
  EXPECT_EQ(r->actions[2], dataplane::Action::set_vlan(31));
  EXPECT_EQ(r->actions[5], dataplane::Action::output(2)) << "interface to interface: LSI-0 only";

  auto implied = lowered({{"dest_ip", "10.0.0.1"}}, {{{"output_to_port", "endpoint:e1"}}});
  ASSERT_TRUE(implied.ok()) << implied.error().message;
  EXPECT_EQ(implied->match.eth_type, 0x0800) << "an IPv4 field implies IPv4";
  auto untagged = lowered({{"vlan_id", "0"}}, {{{"output_to_port", "endpoint:e1"}}});
  ASSERT_TRUE(untagged.ok());
  EXPECT_EQ(untagged->match.vlan.kind, dataplane::VlanMatch::Kind::kNone);
  auto dropped = lowered(json::object(), {{{"drop", true}}});
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(dropped->actions, std::vector<dataplane::Action>{dataplane::Action::drop()});
}

TEST(LoweringTest, WhatTheDataPlaneCannotDoIsRefusedNamingRuleAndField) {
  json out = {{"output_to_port", "endpoint:e1"}};
  for (const auto& [action, value] :
       std::vector<std::pair<std::string, json>>{{"set_vlan_priority", "3"},
                                                 {"set_ip_src_address", "10.0.0.1"},
                                                 {"set_ip_dst_address", "10.0.0.1"},
                                                 {"set_ip_tos", "4"},
                                                 {"set_l4_src_port", "1"},
                                                 {"set_l4_dst_port", "1"},
                                                 {"output_to_queue", "1"},
                                                 {"output_to_controller", true}}) {
    auto r = lowered(json::object(), {{{action, value}}, out});
    ASSERT_FALSE(r.ok()) << action;
    EXPECT_THAT(r.error().message,
                HasSubstr("flow rule r1: action " + action + " is not supported"));
  }
  for (const auto& [field, value] :
       std::vector<std::pair<std::string, std::string>>{{"vlan_priority", "1"},
                                                        {"tos_bits", "4"},
                                                        {"arp_spa", "10.0.0.1"},
                                                        {"hard_timeout", "30"}}) {
    auto r = lowered({{field, value}}, {out});
    ASSERT_FALSE(r.ok()) << field;
    EXPECT_THAT(r.error().message, HasSubstr("flow rule r1: match " + field));
  }
  auto ports = lowered({{"dest_port", "80"}}, {out});
  EXPECT_THAT(ports.error().message, HasSubstr("need a protocol"));
  auto g = parse_nffg(graph_with(lowering_rule(json::object(), {{{"set_ip_tos", "4"}}, out})));
  ASSERT_TRUE(g.ok());
  EXPECT_THAT(check_lowerable(*g).error().message, HasSubstr("set_ip_tos"));
}

}  // namespace
}  // namespace chainlab::unode

namespace chainlab::unode {
namespace {

// e0 is a vlan end-point with id 30: a rule from it matches the tag and pops it; an output to it
// pushes the tag for that output only.
TEST(LoweringTest, VlanEndPointsAreTaggedOnLsi0) {
  json g = graph_with(lowering_rule(json::object(), {{{"output_to_port", "endpoint:e1"}}}));
  g["forwarding-graph"]["big-switch"]["flow-rules"].push_back(
      {{"id", "r2"},
       {"priority", 7},
       {"match", {{"port_in", "endpoint:e1"}}},
       {"actions", {{{"output_to_port", "endpoint:e0"}}, {{"output_to_port", "vnf:a:inout:0"}}}}});
  auto parsed = parse_nffg(g);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  Steering s = split_rules(*parsed);
  TagLookup tags = [](const LsiPort& p) -> std::optional<uint16_t> {
    return p.port && p.port->id == "e0" ? std::optional<uint16_t>(30) : std::nullopt;
  };
  auto from_vlan = lower_rule(s.lsi0.at(0), lookup, 1, tags);
  ASSERT_TRUE(from_vlan.ok()) << from_vlan.error().message;
  EXPECT_EQ(from_vlan->match.vlan, (dataplane::VlanMatch{dataplane::VlanMatch::Kind::kId, 30}));
  EXPECT_EQ(from_vlan->actions, (std::vector<dataplane::Action>{dataplane::Action::pop_vlan(),
                                                                dataplane::Action::output(2)}));
  auto to_vlan = lower_rule(s.lsi0.at(1), lookup, 1, tags);
  ASSERT_TRUE(to_vlan.ok()) << to_vlan.error().message;
  EXPECT_EQ(to_vlan->match.vlan.kind, dataplane::VlanMatch::Kind::kAny);
  EXPECT_EQ(to_vlan->actions, (std::vector<dataplane::Action>{
                                  dataplane::Action::push_vlan(30), dataplane::Action::output(1),
                                  dataplane::Action::pop_vlan(), dataplane::Action::output(100)}));
}

TEST(LoweringTest, AVlanIdMatchThatContradictsTheEndPointIsRefused) {
  auto parsed = parse_nffg(
      graph_with(lowering_rule({{"vlan_id", "31"}}, {{{"output_to_port", "endpoint:e1"}}})));
  ASSERT_TRUE(parsed.ok());
  TagLookup tags = [](const LsiPort& p) -> std::optional<uint16_t> {
    return p.port && p.port->id == "e0" ? std::optional<uint16_t>(30) : std::nullopt;
  };
  auto r = lower_rule(split_rules(*parsed).lsi0.at(0), lookup, 1, tags);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("contradicts"));
}

}  // namespace
}  // namespace chainlab::unode
