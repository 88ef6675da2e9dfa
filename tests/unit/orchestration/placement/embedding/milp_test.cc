#include "orchestration/placement/embedding/milp.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace chainlab::orchestration::embedding {
namespace {

// Tiny instances whose optimum is known by hand. Node costs are per cpu, link costs per Mbps.

SubstrateNode infra(std::string id, double cost = 1, double cpu = 4) {
  SubstrateNode n;
  n.id = std::move(id);
  n.infra_type = "EE";
  n.supported = {"fw", "nat"};
  n.capacity = {cpu, 1024, 10};
  n.cost = cost;
  return n;
}

SubstrateNode sap(std::string id) {
  SubstrateNode n;
  n.id = std::move(id);
  n.kind = NodeKind::kSap;
  return n;
}

struct LinkSpec {
  double delay_ms = 0;
  double cost = 1;
  double bandwidth = kUnlimited;
};

// A bidirectional link: "a-b" then "b-a".
void connect(Substrate& s, const std::string& a, const std::string& b, LinkSpec spec = {}) {
  size_t ia = *s.node_index(a);
  size_t ib = *s.node_index(b);
  s.links.push_back({a + "-" + b, ia, ib, spec.delay_ms, spec.bandwidth, spec.cost});
  s.links.push_back({b + "-" + a, ib, ia, spec.delay_ms, spec.bandwidth, spec.cost});
}

// The link ids of a hop's path, for readable expectations.
std::vector<std::string> path_of(const Substrate& s, const Mapping& m, const std::string& hop) {
  std::vector<std::string> ids;
  for (size_t l : m.hop_links.at(hop)) {
    ids.push_back(s.links[l].id);
  }
  return ids;
}

std::string node_of(const Substrate& s, const Mapping& m, const std::string& nf) {
  return s.nodes[m.nf_node.at(nf)].id;
}

NfRequest nf(std::string id, double cpu = 1, std::string type = "fw") {
  NfRequest n;
  n.id = std::move(id);
  n.functional_type = std::move(type);
  n.demand = {cpu, 64, 1};
  return n;
}

HopRequest hop(std::string id, std::string src, std::string dst, double bandwidth = 10) {
  HopRequest h;
  h.id = std::move(id);
  h.src = std::move(src);
  h.dst = std::move(dst);
  h.bandwidth = bandwidth;
  return h;
}

// s1 -> f1 -> f2 -> s2 with hops h1, h2, h3.
Request chain_of_two(double cpu = 1) {
  Request r;
  r.id = "req";
  r.nfs = {nf("f1", cpu), nf("f2", cpu, "nat")};
  r.saps = {{"s1", ""}, {"s2", ""}};
  r.hops = {hop("h1", "s1", "f1"), hop("h2", "f1", "f2"), hop("h3", "f2", "s2")};
  return r;
}

// s1 - a - b - ... - s2 in a line.
Substrate milp_line(std::vector<SubstrateNode> infras, LinkSpec spec = {}) {
  Substrate s;
  s.nodes.push_back(sap("s1"));
  for (auto& n : infras) {
    s.nodes.push_back(std::move(n));
  }
  s.nodes.push_back(sap("s2"));
  for (size_t i = 0; i + 1 < s.nodes.size(); ++i) {
    connect(s, s.nodes[i].id, s.nodes[i + 1].id, spec);
  }
  return s;
}

Embedding milp_embed(const Substrate& s, const Request& r) {
  auto e = make_milp({})->embed(s, r);
  EXPECT_TRUE(e.ok()) << e.error().message;
  return e.ok() ? *e : Embedding{};
}

TEST(Milp, IsNamedMilp) {
  EXPECT_EQ(make_milp({})->name(), "milp");
}

TEST(Milp, LineOfThreePutsBothNfsOnTheCheapestInfra) {
  Substrate s = milp_line({infra("i1", 5), infra("i2", 1), infra("i3", 5)});
  Request r = chain_of_two();
  Embedding e = milp_embed(s, r);
  ASSERT_TRUE(e.accepted()) << e.refusal.message;
  EXPECT_EQ(node_of(s, *e.mapping, "f1"), "i2");
  EXPECT_EQ(node_of(s, *e.mapping, "f2"), "i2");
  EXPECT_EQ(path_of(s, *e.mapping, "h1"), (std::vector<std::string>{"s1-i1", "i1-i2"}));
  EXPECT_TRUE(path_of(s, *e.mapping, "h2").empty());
  EXPECT_EQ(path_of(s, *e.mapping, "h3"), (std::vector<std::string>{"i2-i3", "i3-s2"}));
  EXPECT_DOUBLE_EQ(mapping_cost(s, r, *e.mapping), 10 * 4 + 2 * 1);
}

// s1 - a, then a -> s2 either via b (cheap, slow) or via c (expensive, fast).
Substrate slow_or_fast() {
  Substrate s;
  s.nodes = {sap("s1"), infra("a"), infra("b"), infra("c"), sap("s2")};
  connect(s, "s1", "a", {1, 1});
  connect(s, "a", "b", {10, 1});
  connect(s, "b", "s2", {10, 1});
  connect(s, "a", "c", {1, 5});
  connect(s, "c", "s2", {1, 5});
  s.nodes[2].supported.clear();  // only a hosts NFs: b and c forward
  s.nodes[3].supported.clear();
  return s;
}

Request one_nf_with_requirement(std::optional<double> max_delay_ms) {
  Request r;
  r.id = "req";
  r.nfs = {nf("f1")};
  r.saps = {{"s1", ""}, {"s2", ""}};
  r.hops = {hop("h1", "s1", "f1"), hop("h2", "f1", "s2")};
  r.requirements = {{"e2e", {"h1", "h2"}, max_delay_ms, 0}};
  return r;
}

TEST(Milp, TakesTheCheapSlowPathWithoutADelayBound) {
  Substrate s = slow_or_fast();
  Request r = one_nf_with_requirement(std::nullopt);
  Embedding e = milp_embed(s, r);
  ASSERT_TRUE(e.accepted());
  EXPECT_EQ(node_of(s, *e.mapping, "f1"), "a");
  EXPECT_EQ(path_of(s, *e.mapping, "h2"), (std::vector<std::string>{"a-b", "b-s2"}));
  EXPECT_DOUBLE_EQ(mapping_cost(s, r, *e.mapping), 10 * (1 + 1 + 1) + 1);
  EXPECT_DOUBLE_EQ(requirement_delays(s, r, *e.mapping)["e2e"], 21);
}

TEST(Milp, TakesTheFastExpensivePathUnderADelayBound) {
  Substrate s = slow_or_fast();
  Request r = one_nf_with_requirement(10);
  Embedding e = milp_embed(s, r);
  ASSERT_TRUE(e.accepted());
  EXPECT_EQ(path_of(s, *e.mapping, "h1"), (std::vector<std::string>{"s1-a"}));
  EXPECT_EQ(path_of(s, *e.mapping, "h2"), (std::vector<std::string>{"a-c", "c-s2"}));
  EXPECT_DOUBLE_EQ(mapping_cost(s, r, *e.mapping), 10 * (1 + 5 + 5) + 1);
  EXPECT_DOUBLE_EQ(requirement_delays(s, r, *e.mapping)["e2e"], 3);
}

TEST(Milp, HopDelayCountsEveryNodeCrossedBothEndsIncluded) {
  // s1 -> i1 -> s2, every node 1 ms, every link 1 ms: each hop crosses 2 nodes and 1 link.
  Substrate s = milp_line({infra("i1")}, {1, 1});
  for (auto& n : s.nodes) {
    n.delay_ms = 1;
  }
  Request r = one_nf_with_requirement(6);
  Embedding e = milp_embed(s, r);
  ASSERT_TRUE(e.accepted());
  EXPECT_DOUBLE_EQ(requirement_delays(s, r, *e.mapping)["e2e"], 6);

  r.requirements[0].max_delay_ms = 5.9;
  EXPECT_EQ(milp_embed(s, r).refusal.constraint, "infeasible");
  r.requirements.clear();
  r.hops[1].max_delay_ms = 2.9;  // a hop's own bound
  EXPECT_EQ(milp_embed(s, r).refusal.constraint, "infeasible");
}

TEST(Milp, CapacityForcesASplitAlongTheChain) {
  Substrate s = milp_line({infra("i1", 1, 2), infra("i2", 2, 2)});
  Request r = chain_of_two(2);
  Embedding e = milp_embed(s, r);
  ASSERT_TRUE(e.accepted());
  EXPECT_EQ(node_of(s, *e.mapping, "f1"), "i1");
  EXPECT_EQ(node_of(s, *e.mapping, "f2"), "i2");
  EXPECT_EQ(path_of(s, *e.mapping, "h2"), (std::vector<std::string>{"i1-i2"}));
  EXPECT_DOUBLE_EQ(mapping_cost(s, r, *e.mapping), 10 * 3 + 2 * 1 + 2 * 2);
}

TEST(Milp, AntiAffinityKeepsNfsApart) {
  Substrate s = milp_line({infra("i1", 1), infra("i2", 2)});
  Request r = chain_of_two();
  Embedding together = milp_embed(s, r);
  ASSERT_TRUE(together.accepted());
  EXPECT_EQ(node_of(s, *together.mapping, "f2"), "i1");

  r.nfs[1].anti_affinity = {"f1"};
  Embedding apart = milp_embed(s, r);
  ASSERT_TRUE(apart.accepted());
  EXPECT_EQ(node_of(s, *apart.mapping, "f1"), "i1");
  EXPECT_EQ(node_of(s, *apart.mapping, "f2"), "i2");
  EXPECT_DOUBLE_EQ(mapping_cost(s, r, *apart.mapping), 10 * 3 + 1 + 2);
}

TEST(Milp, AffinityPullsAnNfToItsPartner) {
  Substrate s = milp_line({infra("i1", 1), infra("i2", 2)});
  Request r = chain_of_two();
  r.nfs[0].allowed_nodes = {"i2"};
  r.nfs[1].affinity = {"f1"};
  Embedding e = milp_embed(s, r);
  ASSERT_TRUE(e.accepted());
  EXPECT_EQ(node_of(s, *e.mapping, "f1"), "i2");
  EXPECT_EQ(node_of(s, *e.mapping, "f2"), "i2");
}

// s1 -> s2 via a (links cost 1) or via b (links cost 3); SAP-to-SAP hops.
Substrate diamond() {
  Substrate s;
  s.nodes = {sap("s1"), infra("a"), infra("b"), sap("s2")};
  connect(s, "s1", "a", {0, 1});
  connect(s, "a", "s2", {0, 1});
  connect(s, "s1", "b", {0, 3});
  connect(s, "b", "s2", {0, 3});
  return s;
}

Request two_sap_hops() {
  Request r;
  r.id = "req";
  r.saps = {{"s1", ""}, {"s2", ""}};
  r.hops = {hop("big", "s1", "s2", 10), hop("small", "s1", "s2", 1)};
  return r;
}

TEST(Milp, HopAntiAffinityForcesDisjointPaths) {
  Substrate s = diamond();
  Request r = two_sap_hops();
  r.hops[1].anti_affinity = {"big"};
  Embedding e = milp_embed(s, r);
  ASSERT_TRUE(e.accepted());
  EXPECT_EQ(path_of(s, *e.mapping, "big"), (std::vector<std::string>{"s1-a", "a-s2"}));
  EXPECT_EQ(path_of(s, *e.mapping, "small"), (std::vector<std::string>{"s1-b", "b-s2"}));
  EXPECT_DOUBLE_EQ(mapping_cost(s, r, *e.mapping), 10 * 2 + 1 * 6);
}

TEST(Milp, LinkBandwidthDivertsAHop) {
  Substrate s = diamond();
  s.links[0].bandwidth = 10.5;  // s1-a: room for big, not for both
  Request r = two_sap_hops();
  Embedding e = milp_embed(s, r);
  ASSERT_TRUE(e.accepted());
  EXPECT_EQ(path_of(s, *e.mapping, "big"), (std::vector<std::string>{"s1-a", "a-s2"}));
  EXPECT_EQ(path_of(s, *e.mapping, "small"), (std::vector<std::string>{"s1-b", "b-s2"}));
}

TEST(Milp, NodeSwitchingBandwidthDivertsAHop) {
  Substrate s = diamond();
  s.nodes[1].bandwidth = 5;  // a switches the small hop only
  Request r = two_sap_hops();
  Embedding e = milp_embed(s, r);
  ASSERT_TRUE(e.accepted());
  EXPECT_EQ(path_of(s, *e.mapping, "big"), (std::vector<std::string>{"s1-b", "b-s2"}));
  EXPECT_EQ(path_of(s, *e.mapping, "small"), (std::vector<std::string>{"s1-a", "a-s2"}));
  EXPECT_DOUBLE_EQ(mapping_cost(s, r, *e.mapping), 10 * 6 + 1 * 2);
}

TEST(Milp, RequirementBandwidthRaisesItsHops) {
  Substrate s = diamond();
  s.links[0].bandwidth = 10.5;
  Request r = two_sap_hops();
  r.requirements = {{"wide", {"small"}, std::nullopt, 20}};  // small now needs 20
  Embedding e = milp_embed(s, r);
  ASSERT_TRUE(e.accepted());
  EXPECT_EQ(path_of(s, *e.mapping, "small"), (std::vector<std::string>{"s1-b", "b-s2"}));
  EXPECT_DOUBLE_EQ(mapping_cost(s, r, *e.mapping), 10 * 2 + 20 * 6);
}

TEST(Milp, BannedNodesOfAHopAreAvoided) {
  Substrate s = diamond();
  Request r = two_sap_hops();
  r.hops[0].banned_nodes = {"a"};
  Embedding e = milp_embed(s, r);
  ASSERT_TRUE(e.accepted());
  EXPECT_EQ(path_of(s, *e.mapping, "big"), (std::vector<std::string>{"s1-b", "b-s2"}));
}

void expect_infeasible(const Embedding& e) {
  EXPECT_FALSE(e.accepted());
  EXPECT_EQ(e.refusal.constraint, "infeasible");
  EXPECT_EQ(e.refusal.element, "req");
  EXPECT_EQ(e.refusal.message, "no mapping satisfies every constraint (MILP proved)");
}

TEST(Milp, RefusesWhenNoPathMeetsTheDelay) {
  expect_infeasible(milp_embed(slow_or_fast(), one_nf_with_requirement(2.5)));
}

TEST(Milp, RefusesWhenNoNodeRunsTheType) {
  Request r = chain_of_two();
  r.nfs[0].functional_type = "dpi";
  expect_infeasible(milp_embed(milp_line({infra("i1"), infra("i2")}), r));
}

TEST(Milp, RefusesWhenCapacityCannotHoldEveryNf) {
  Request r = chain_of_two(3);
  expect_infeasible(milp_embed(milp_line({infra("i1", 1, 4)}), r));
}

TEST(Milp, HopsOfSapsOnOneNodeNeedNoLinks) {
  Substrate s = milp_line({infra("i1")});
  Request r;
  r.id = "req";
  r.saps = {{"a", "s1"}, {"b", "s1"}};
  r.hops = {hop("h", "a", "b")};
  Embedding e = milp_embed(s, r);
  ASSERT_TRUE(e.accepted());
  EXPECT_TRUE(path_of(s, *e.mapping, "h").empty());
}

TEST(Milp, CountsBranchAndBoundNodesAndRuntime) {
  Substrate s = milp_line({infra("i1", 5), infra("i2", 1), infra("i3", 5)});
  Embedding e = milp_embed(s, chain_of_two());
  EXPECT_GE(e.stats.runtime_ms, 0);
  EXPECT_EQ(e.stats.backtracks, 0u);
}

TEST(Milp, ReturnsTheValidationErrorOfABadRequest) {
  Request r = chain_of_two();
  r.hops[0].dst = "nobody";
  auto e = make_milp({})->embed(milp_line({infra("i1")}), r);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.error().message, "hop h1: dst 'nobody' is neither an NF nor a SAP");
}

}  // namespace
}  // namespace chainlab::orchestration::embedding
