// The greedy embedding (orchestration/placement/embedding/greedy.h): hand-made cases for each
// constraint and refusal, and a property test over random instances checked by the independent
// checker (mapping_checker.h).
#include "orchestration/placement/embedding/greedy.h"

#include <gtest/gtest.h>

#include "mapping_checker.h"
#include "random_instances.h"

namespace chainlab::orchestration::embedding {
namespace {

using testing::check_mapping;

// sap0 - a - b - c - sap1, links of `delay` ms each; every infra runs fw and nat.
Substrate line(double delay = 1, double bw = 100) {
  Substrate s;
  for (const char* id : {"a", "b", "c"}) {
    SubstrateNode n;
    n.id = id;
    n.supported = {"fw", "nat"};
    n.capacity = {4, 4096, 100};
    s.nodes.push_back(n);
  }
  for (const char* id : {"sap0", "sap1"}) {
    SubstrateNode n;
    n.id = id;
    n.kind = NodeKind::kSap;
    s.nodes.push_back(n);
  }
  auto both = [&](size_t x, size_t y) {
    s.links.push_back({fmt::format("{}-{}", x, y), x, y, delay, bw, 1});
    s.links.push_back({fmt::format("{}-{}", y, x), y, x, delay, bw, 1});
  };
  both(3, 0);
  both(0, 1);
  both(1, 2);
  both(2, 4);
  return s;
}

// sap0 -> fw -> nat -> sap1 with `delay` ms end to end.
Request chain(double delay = 100, double cpu = 1) {
  Request r;
  r.id = "r";
  r.saps = {{"sap0", ""}, {"sap1", ""}};
  r.nfs = {{"fw1", "fw", {cpu, 512, 1}, {}, {}, {}, {}},
           {"nat1", "nat", {cpu, 512, 1}, {}, {}, {}, {}}};
  r.hops = {{"h1", "sap0", "fw1", 10, std::nullopt, {}, {}, {}},
            {"h2", "fw1", "nat1", 10, std::nullopt, {}, {}, {}},
            {"h3", "nat1", "sap1", 10, std::nullopt, {}, {}, {}}};
  r.requirements = {{"e2e", {"h1", "h2", "h3"}, delay, 10}};
  return r;
}

Embedding embed(const Substrate& s, const Request& r, EmbeddingOptions o = {}) {
  auto e = make_greedy(o)->embed(s, r);
  EXPECT_TRUE(e.ok()) << e.error().message;
  return e.ok() ? *e : Embedding{};
}

TEST(GreedyTest, MapsAChainAtTheLeastCost) {
  auto s = line();
  auto r = chain();
  auto e = embed(s, r);
  ASSERT_TRUE(e.accepted()) << e.refusal.message;
  EXPECT_TRUE(check_mapping(s, r, *e.mapping).empty());
  // Four links from sap0 to sap1 whatever the placement: 10 Mbps x 4 links x cost 1.
  EXPECT_DOUBLE_EQ(mapping_cost(s, r, *e.mapping), 40);
}

TEST(GreedyTest, ADelayBoundBelowThePathIsRefusedAsDelay) {
  auto s = line(10);
  auto e = embed(s, chain(30));  // 4 links of 10 ms
  ASSERT_FALSE(e.accepted());
  EXPECT_EQ(e.refusal.constraint, "delay") << e.refusal.message;
  EXPECT_NE(e.refusal.message.find("e2e"), std::string::npos) << e.refusal.message;
}

TEST(GreedyTest, AnUnknownTypeIsRefusedAsType) {
  auto s = line();
  auto r = chain();
  r.nfs[1].functional_type = "dpi";
  auto e = embed(s, r);
  ASSERT_FALSE(e.accepted());
  EXPECT_EQ(e.refusal.constraint, "type");
  EXPECT_EQ(e.refusal.element, "nat1");
}

TEST(GreedyTest, CapacitySpreadsNfsOverNodes) {
  auto s = line();
  auto r = chain(100, 3);  // 3 cpu each on 4-cpu nodes: never two on one node
  auto e = embed(s, r);
  ASSERT_TRUE(e.accepted()) << e.refusal.message;
  EXPECT_NE(e.mapping->nf_node.at("fw1"), e.mapping->nf_node.at("nat1"));
  EXPECT_TRUE(check_mapping(s, r, *e.mapping).empty());
}

TEST(GreedyTest, TooBigAnNfIsRefusedAsTypeOrCapacity) {
  auto s = line();
  auto e = embed(s, chain(100, 5));
  ASSERT_FALSE(e.accepted());
  EXPECT_EQ(e.refusal.constraint, "type");  // no node could ever host 5 cpu
  EXPECT_NE(e.refusal.message.find("5 cpu"), std::string::npos) << e.refusal.message;
}

TEST(GreedyTest, AntiAffinityAndBannedNodesHold) {
  auto s = line();
  auto r = chain();
  r.nfs[0].anti_affinity = {"nat1"};
  r.nfs[1].banned_nodes = {"c"};
  auto e = embed(s, r);
  ASSERT_TRUE(e.accepted()) << e.refusal.message;
  EXPECT_NE(e.mapping->nf_node.at("fw1"), e.mapping->nf_node.at("nat1"));
  EXPECT_NE(e.mapping->nf_node.at("nat1"), 2u);
  EXPECT_TRUE(check_mapping(s, r, *e.mapping).empty());
}

TEST(GreedyTest, AffinityKeepsNfsTogether) {
  auto s = line();
  auto r = chain();
  r.nfs[1].affinity = {"fw1"};
  r.nfs[0].allowed_nodes = {"c"};
  auto e = embed(s, r);
  ASSERT_TRUE(e.accepted()) << e.refusal.message;
  EXPECT_EQ(e.mapping->nf_node.at("nat1"), 2u);
}

TEST(GreedyTest, BandwidthShortageIsRefusedAsBandwidth) {
  auto s = line(1, 5);  // links of 5 Mbps, hops of 10
  auto e = embed(s, chain());
  ASSERT_FALSE(e.accepted());
  EXPECT_EQ(e.refusal.constraint, "bandwidth") << e.refusal.message;
}

TEST(GreedyTest, BacktracksWhenTheCheapFirstChoiceDeadEnds) {
  // fw1 fits on a (cheapest, next to sap0) but nat1 is then only possible on b, and a hop bound
  // on h2 forbids a -> b... unless fw1 goes to b as well: the search must undo fw1 on a.
  auto s = line(10);
  auto r = chain();
  s.nodes[0].supported = {"fw"};
  s.nodes[2].supported = {"fw"};
  r.hops[1].max_delay_ms = 0;  // fw1 and nat1 on one node with no crossing delay
  r.nfs[0].banned_nodes = {};
  auto e = embed(s, r);
  ASSERT_TRUE(e.accepted()) << e.refusal.message;
  EXPECT_EQ(e.mapping->nf_node.at("fw1"), 1u);
  EXPECT_EQ(e.mapping->nf_node.at("nat1"), 1u);
  EXPECT_GT(e.stats.backtracks, 0u);
  EXPECT_TRUE(check_mapping(s, r, *e.mapping).empty());
}

TEST(GreedyTest, HopAntiAffinityGivesDisjointPaths) {
  // A square a-b-c-d-a with the SAPs on a and c: two hops sap0 -> sap1 must take both sides.
  Substrate s;
  for (const char* id : {"a", "b", "c", "d"}) {
    SubstrateNode n;
    n.id = id;
    n.capacity = {4, 4096, 100};
    s.nodes.push_back(n);
  }
  for (const char* id : {"sap0", "sap1"}) {
    SubstrateNode n;
    n.id = id;
    n.kind = NodeKind::kSap;
    s.nodes.push_back(n);
  }
  auto both = [&](size_t x, size_t y, double cost) {
    s.links.push_back({fmt::format("{}-{}", x, y), x, y, 1, 100, cost});
    s.links.push_back({fmt::format("{}-{}", y, x), y, x, 1, 100, cost});
  };
  both(4, 0, 1);
  both(0, 1, 1);
  both(1, 2, 1);
  both(2, 3, 5);
  both(3, 0, 5);
  both(2, 5, 1);
  Request r;
  r.saps = {{"sap0", ""}, {"sap1", ""}};
  r.hops = {{"x", "sap0", "sap1", 10, std::nullopt, {}, {}, {"y"}},
            {"y", "sap0", "sap1", 10, std::nullopt, {}, {}, {}}};
  auto e = embed(s, r);
  // Both hops must leave sap0 over its one link: anti-affinity cannot hold.
  ASSERT_FALSE(e.accepted());
  EXPECT_EQ(e.refusal.constraint, "bandwidth");
  // With two links from each SAP it can.
  both(4, 0, 1);
  both(2, 5, 1);
  e = embed(s, r);
  ASSERT_TRUE(e.accepted()) << e.refusal.message;
  EXPECT_TRUE(check_mapping(s, r, *e.mapping).empty());
}

TEST(GreedyTest, ABadRequestIsAnError) {
  auto s = line();
  auto r = chain();
  r.hops[0].dst = "nobody";
  auto e = make_greedy({})->embed(s, r);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("nobody"), std::string::npos);
}

// The checker is not vacuous: each broken mapping is caught.
TEST(GreedyTest, TheCheckerCatchesBrokenMappings) {
  auto s = line(10);
  auto r = chain(100);
  auto e = embed(s, r);
  ASSERT_TRUE(e.accepted());
  ASSERT_TRUE(check_mapping(s, r, *e.mapping).empty());
  auto broken = *e.mapping;
  broken.nf_node["fw1"] = 3;  // a SAP
  EXPECT_FALSE(check_mapping(s, r, broken).empty());
  broken = *e.mapping;
  broken.hop_links["h2"].push_back(0);  // a link that does not continue the path
  EXPECT_FALSE(check_mapping(s, r, broken).empty());
  broken = *e.mapping;
  broken.hop_links.erase("h3");
  EXPECT_FALSE(check_mapping(s, r, broken).empty());
  auto tight = chain(30);
  EXPECT_FALSE(check_mapping(s, tight, *e.mapping).empty());  // 40 ms over a 30 ms bound
  auto fat = r;
  fat.requirements[0].bandwidth = 101;  // links of 100 Mbps
  EXPECT_FALSE(check_mapping(s, fat, *e.mapping).empty());
}

// Property: on random instances, every mapping the greedy accepts passes the independent checker.
TEST(GreedyTest, EveryAcceptedRandomMappingSatisfiesEveryConstraint) {
  size_t accepted = 0;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    testing::InstanceMaker maker(seed);
    testing::InstanceShape shape{5 + seed % 16, 3, 1 + seed % 6, 0.6};
    auto s = maker.substrate(shape);
    auto r = maker.chain(s, shape);
    auto e = embed(s, r, {10, 3, seed, 60});
    if (e.accepted()) {
      ++accepted;
      auto v = check_mapping(s, r, *e.mapping);
      EXPECT_TRUE(v.empty()) << "seed " << seed << ": " << v.front();
    } else {
      EXPECT_FALSE(e.refusal.constraint.empty()) << "seed " << seed;
      EXPECT_FALSE(e.refusal.message.empty()) << "seed " << seed;
    }
  }
  EXPECT_GT(accepted, 100u);  // the instances are not all impossible
}

}  // namespace
}  // namespace chainlab::orchestration::embedding
