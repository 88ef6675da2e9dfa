// COMPOSER's rule split between LSI-0 and the graph-LSI (seed Table 4, Algorithms 1 and 2), with
// the reference's issues 110 (several VNFs on one internal end-point) and 112 (virtual links
// counted per VNF instead of per port) as regression cases.
#include "frontends/unode/steering.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace chainlab::unode {
namespace {

using nlohmann::json;

Nffg graph_of(const std::string& text) {
  auto g = parse_nffg(json::parse(text));
  EXPECT_TRUE(g.ok()) << (g.ok() ? "" : g.error().message);
  return g.ok() ? *g : Nffg{};
}

// Endpoints: eth0/eth1 interfaces (LSI-0), "int" an internal end-point (LSI-0), "gre" a tunnel
// (graph-LSI). VNFs a (2 ports) and b (1 port).
std::string with_rules(const std::string& rules) {
  return R"({"forwarding-graph": {"name": "g",
    "VNFs": [{"id": "a", "name": "a", "ports": [{"id": "inout:0"}, {"id": "inout:1"}]},
             {"id": "b", "name": "b", "ports": [{"id": "inout:0"}]}],
    "end-points": [
      {"id": "e0", "type": "interface", "interface": {"if-name": "eth0"}},
      {"id": "e1", "type": "interface", "interface": {"if-name": "eth1"}},
      {"id": "int", "type": "internal", "internal": {"internal-group": "g1"}},
      {"id": "gre", "type": "gre-tunnel",
       "gre-tunnel": {"local-ip": "10.0.0.1", "remote-ip": "10.0.0.2", "gre-key": "1"}}],
    "big-switch": {"flow-rules": [)" +
         rules + "]}}}";
}

std::string rule(const std::string& id, const std::string& in, const std::string& out,
                 int priority = 10) {
  return R"({"id": ")" + id + R"(", "priority": )" + std::to_string(priority) +
         R"(, "match": {"port_in": ")" + in + R"("}, "actions": [{"output_to_port": ")" + out +
         R"("}]})";
}

// Follows a frame from an input port through the two LSIs to where it leaves (one hop per rule;
// a link's frame continues on the other LSI). Empty when no rule matches.
std::set<std::string> deliver(const Nffg& g, const Steering& s, const PortRef& in) {
  std::set<std::string> out;
  LsiPort at{in, -1};
  Lsi lsi = owner_of(g, in);
  for (int hops = 0; hops < 4; ++hops) {
    const auto& rules = lsi == Lsi::kZero ? s.lsi0 : s.graph;
    const SteeringRule* hit = nullptr;
    for (const auto& r : rules) {
      if (r.in == at && (hit == nullptr || r.priority > hit->priority)) {
        hit = &r;
      }
    }
    if (hit == nullptr) {
      return out;
    }
    for (const LsiPort& p : hit->outputs) {
      if (p.port) {
        out.insert(p.port->text());
      }
    }
    if (hit->outputs.size() != 1 || hit->outputs[0].port) {
      return out;
    }
    at = LsiPort{std::nullopt, hit->outputs[0].vlink};
    lsi = lsi == Lsi::kZero ? Lsi::kGraph : Lsi::kZero;
  }
  return out;
}

// Every rule of an LSI names only that LSI's own ports or link ends (multi-tenancy: a graph-LSI
// never touches an interface).
void expect_local(const Nffg& g, const Steering& s) {
  for (auto [rules, lsi] : {std::pair{&s.lsi0, Lsi::kZero}, std::pair{&s.graph, Lsi::kGraph}}) {
    for (const auto& r : *rules) {
      if (r.in.port) {
        EXPECT_EQ(owner_of(g, *r.in.port), lsi) << r.id << " in " << r.in.text();
      }
      for (const auto& p : r.outputs) {
        if (p.port) {
          EXPECT_EQ(owner_of(g, *p.port), lsi) << r.id << " out " << p.text();
        }
      }
    }
  }
}

TEST(SteeringTest, TableFourOwners) {
  Nffg g = graph_of(with_rules(rule("1", "endpoint:e0", "endpoint:e1")));
  EXPECT_EQ(owner_of(g, *PortRef::parse("endpoint:e0")), Lsi::kZero);
  EXPECT_EQ(owner_of(g, *PortRef::parse("endpoint:int")), Lsi::kZero);
  EXPECT_EQ(owner_of(g, *PortRef::parse("endpoint:gre")), Lsi::kGraph);
  EXPECT_EQ(owner_of(g, *PortRef::parse("vnf:a:inout:0")), Lsi::kGraph);
}

TEST(SteeringTest, RulesOnOneLsiNeedNoLink) {
  Nffg g = graph_of(with_rules(rule("1", "endpoint:e0", "endpoint:e1") + "," +
                               rule("2", "vnf:a:inout:0", "endpoint:gre")));
  Steering s = split_rules(g);
  EXPECT_TRUE(s.vlinks.empty());
  ASSERT_EQ(s.lsi0.size(), 1u);
  ASSERT_EQ(s.graph.size(), 1u);
  EXPECT_EQ(deliver(g, s, *PortRef::parse("endpoint:e0")), std::set<std::string>{"endpoint:e1"});
  EXPECT_EQ(deliver(g, s, *PortRef::parse("vnf:a:inout:0")), std::set<std::string>{"endpoint:gre"});
}

TEST(SteeringTest, ThePassthroughChainUsesTwoLinksBothWays) {
  Nffg g = graph_of(with_rules(rule("1", "endpoint:e0", "vnf:a:inout:0") + "," +
                               rule("2", "vnf:a:inout:1", "endpoint:e1") + "," +
                               rule("3", "vnf:a:inout:0", "endpoint:e0") + "," +
                               rule("4", "endpoint:e1", "vnf:a:inout:1")));
  Steering s = split_rules(g);
  ASSERT_EQ(s.vlinks.size(), 2u) << "Algorithm 1 shares a link between the two directions";
  EXPECT_EQ(s.vlinks[0].to_graph->text(), "vnf:a:inout:0");
  EXPECT_EQ(s.vlinks[0].to_lsi0->text(), "endpoint:e1");
  EXPECT_EQ(deliver(g, s, *PortRef::parse("endpoint:e0")), std::set<std::string>{"vnf:a:inout:0"});
  EXPECT_EQ(deliver(g, s, *PortRef::parse("vnf:a:inout:1")), std::set<std::string>{"endpoint:e1"});
  EXPECT_EQ(deliver(g, s, *PortRef::parse("vnf:a:inout:0")), std::set<std::string>{"endpoint:e0"});
  EXPECT_EQ(deliver(g, s, *PortRef::parse("endpoint:e1")), std::set<std::string>{"vnf:a:inout:1"});
  expect_local(g, s);
  EXPECT_EQ(s.lsi0.size(), 4u) << "two split halves and one forwarding rule per link end";
  EXPECT_EQ(s.graph.size(), 4u);
}

TEST(SteeringTest, OneLinkPerPortNotPerVnf_Issue112) {
  // Both ports of VNF a receive from LSI-0: two links (the reference made one per VNF and sent
  // both ports' traffic down it).
  Nffg g = graph_of(with_rules(rule("1", "endpoint:e0", "vnf:a:inout:0") + "," +
                               rule("2", "endpoint:e1", "vnf:a:inout:1") + "," +
                               rule("3", "endpoint:int", "vnf:a:inout:0")));
  Steering s = split_rules(g);
  ASSERT_EQ(s.vlinks.size(), 2u);
  EXPECT_EQ(deliver(g, s, *PortRef::parse("endpoint:e0")), std::set<std::string>{"vnf:a:inout:0"});
  EXPECT_EQ(deliver(g, s, *PortRef::parse("endpoint:e1")), std::set<std::string>{"vnf:a:inout:1"});
  EXPECT_EQ(deliver(g, s, *PortRef::parse("endpoint:int")), std::set<std::string>{"vnf:a:inout:0"})
      << "a second rule to the same port reuses its link";
}

TEST(SteeringTest, SeveralVnfsOnOneInternalEndpoint_Issue110) {
  Nffg g = graph_of(with_rules(
      rule("1", "vnf:a:inout:0", "endpoint:int") + "," +
      rule("2", "vnf:b:inout:0", "endpoint:int") + "," +
      R"({"id": "3", "priority": 10, "match": {"port_in": "endpoint:int", "dest_mac": "02:00:00:00:00:0a"},
          "actions": [{"output_to_port": "vnf:a:inout:0"}]},
         {"id": "4", "priority": 10, "match": {"port_in": "endpoint:int", "dest_mac": "02:00:00:00:00:0b"},
          "actions": [{"output_to_port": "vnf:b:inout:0"}]})"));
  Steering s = split_rules(g);
  ASSERT_EQ(s.vlinks.size(), 2u) << "one link towards each VNF port, the first also carries "
                                    "both VNFs' traffic to the internal end-point";
  EXPECT_EQ(deliver(g, s, *PortRef::parse("vnf:a:inout:0")), std::set<std::string>{"endpoint:int"});
  EXPECT_EQ(deliver(g, s, *PortRef::parse("vnf:b:inout:0")), std::set<std::string>{"endpoint:int"});
  // The match on the MAC stays on LSI-0's halves: the two rules from the internal end-point
  // keep their own match and their own link.
  std::map<std::string, const SteeringRule*> by_id;
  for (const auto& r : s.lsi0) {
    by_id[r.id] = &r;
  }
  ASSERT_TRUE(by_id.count("3") && by_id.count("4"));
  EXPECT_EQ(by_id["3"]->match.dest_mac, "02:00:00:00:00:0a");
  EXPECT_NE(by_id["3"]->outputs[0].vlink, by_id["4"]->outputs[0].vlink);
  expect_local(g, s);
}

TEST(SteeringTest, ARuleWithOutputsOnBothLsisSplitsOnlyTheCrossingOnes) {
  Nffg g = graph_of(with_rules(
      R"({"id": "1", "priority": 5, "match": {"port_in": "endpoint:e0"},
          "actions": [{"set_vlan_id": "7"}, {"output_to_port": "endpoint:e1"},
                      {"output_to_port": "vnf:b:inout:0"}]})"));
  Steering s = split_rules(g);
  ASSERT_EQ(s.vlinks.size(), 1u);
  ASSERT_EQ(s.lsi0.size(), 1u);
  EXPECT_EQ(s.lsi0[0].outputs[0].text(), "endpoint:e1");
  EXPECT_EQ(s.lsi0[0].outputs[1].text(), "vlink:0");
  EXPECT_EQ(s.lsi0[0].actions[0].kind, Action::Kind::kSetVlanId)
      << "the ingress half keeps the other actions (Algorithm 2, line 9)";
  ASSERT_EQ(s.graph.size(), 1u);
  EXPECT_EQ(s.graph[0].in.text(), "vlink:0");
  EXPECT_EQ(s.graph[0].outputs[0].text(), "vnf:b:inout:0");
  EXPECT_EQ(s.graph[0].priority, 5);
}

}  // namespace
}  // namespace chainlab::unode
