#include "orchestration/placement/embedding/alg1.h"

#include <gtest/gtest.h>

namespace chainlab::orchestration::embedding {
namespace {

// A small substrate written by hand: nodes by id, links added in both directions.
class Net {
 public:
  Net& infra(const std::string& id, double cap, std::vector<std::string> types = {"X"}) {
    SubstrateNode n;
    n.id = id;
    n.supported = std::move(types);
    n.capacity = {cap, cap, cap};
    n.delay_ms = 0.5;
    s.nodes.push_back(std::move(n));
    return *this;
  }
  Net& sw(const std::string& id) { return infra(id, 0, {}); }
  Net& sap(const std::string& id) {
    SubstrateNode n;
    n.id = id;
    n.kind = NodeKind::kSap;
    s.nodes.push_back(std::move(n));
    return *this;
  }
  Net& link(const std::string& a, const std::string& b, double bw = 100, double delay = 1) {
    for (auto [x, y] : {std::pair{a, b}, std::pair{b, a}}) {
      s.links.push_back({x + "-" + y, *s.node_index(x), *s.node_index(y), delay, bw, 1});
    }
    return *this;
  }
  Substrate s;
};

// sapA -> nf1 -> ... -> sapB, one requirement over the whole chain.
Request alg1_chain(std::vector<std::string> types, double max_delay, std::vector<double> bws = {}) {
  Request r;
  r.id = "req";
  r.saps = {{"sapA", ""}, {"sapB", ""}};
  std::string prev = "sapA";
  Requirement e2e{"e2e", {}, max_delay, 0};
  for (size_t i = 0; i <= types.size(); ++i) {
    std::string next = i < types.size() ? "nf" + std::to_string(i + 1) : "sapB";
    if (i < types.size()) {
      NfRequest nf;
      nf.id = next;
      nf.functional_type = types[i];
      nf.demand = {1, 1, 1};
      r.nfs.push_back(nf);
    }
    HopRequest hop;
    hop.id = "h" + std::to_string(i);
    hop.src = prev;
    hop.dst = next;
    hop.bandwidth = i < bws.size() ? bws[i] : 1;
    r.hops.push_back(hop);
    e2e.path.push_back(hop.id);
    prev = next;
  }
  r.requirements.push_back(e2e);
  return r;
}

std::string host(const Substrate& s, const Embedding& e, const std::string& nf) {
  return s.nodes[e.mapping->nf_node.at(nf)].id;
}

// Every hop joins its ends and the requirement fits: recomputed from problem.h.
void expect_valid(const Substrate& s, const Request& r, const Embedding& e) {
  ASSERT_TRUE(e.accepted()) << e.refusal.constraint << " " << e.refusal.element << ": "
                            << e.refusal.message;
  for (const auto& hop : r.hops) {
    auto src = endpoint_node(s, r, *e.mapping, hop.src);
    auto dst = endpoint_node(s, r, *e.mapping, hop.dst);
    ASSERT_TRUE(src && dst);
    size_t at = *src;
    for (size_t l : e.mapping->hop_links.at(hop.id)) {
      ASSERT_EQ(s.links[l].src, at) << hop.id;
      at = s.links[l].dst;
    }
    EXPECT_EQ(at, *dst) << hop.id;
  }
  auto delays = requirement_delays(s, r, *e.mapping);
  for (const auto& req : r.requirements) {
    EXPECT_LE(delays[req.id], *req.max_delay_ms) << req.id;
  }
}

Embedding run(const Substrate& s, const Request& r, EmbeddingOptions o = {}) {
  auto out = make_alg1(o)->embed(s, r);
  EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().message);
  return out.ok() ? *out : Embedding{};
}

TEST(Alg1Test, NameIsAlg1) {
  EXPECT_EQ(make_alg1({})->name(), "alg1");
}

TEST(Alg1Test, MapsASimpleChain) {
  Net n;
  n.sap("sapA").sap("sapB").sw("s1").infra("host", 10);
  n.link("sapA", "s1").link("s1", "host").link("s1", "sapB");
  Request r = alg1_chain({"X", "X"}, 100);
  Embedding e = run(n.s, r);
  expect_valid(n.s, r, e);
  EXPECT_EQ(host(n.s, e, "nf1"), "host");
  EXPECT_EQ(host(n.s, e, "nf2"), "host");
  EXPECT_TRUE(e.mapping->hop_links.at("h1").empty());  // collocated
  EXPECT_EQ(e.stats.backtracks, 0u);
}

// A roomy host far away scores better than a full one nearby; the delay bound decides.
TEST(Alg1Test, RespectsTheDelayBound) {
  Net n;
  n.sap("sapA").sap("sapB").sw("s1").infra("near", 1).infra("far", 100);
  n.link("sapA", "s1").link("s1", "sapB").link("s1", "near").link("s1", "far", 100, 30);
  Request loose = alg1_chain({"X"}, 1000);
  Embedding e = run(n.s, loose);
  expect_valid(n.s, loose, e);
  EXPECT_EQ(host(n.s, e, "nf1"), "far");

  Request tight = alg1_chain({"X"}, 20);
  e = run(n.s, tight);
  expect_valid(n.s, tight, e);
  EXPECT_EQ(host(n.s, e, "nf1"), "near");
}

// nf1's best host (roomy hA) has only 5 Mbps towards the rest, and nf1 -> nf2 needs 10: the
// greedy step dead-ends on nf2 and backtracking moves nf1 to hB.
Net dead_end() {
  Net n;
  n.sap("sapA").sap("sapB").sw("s1").infra("hA", 100).infra("hB", 1).infra("hY", 100, {"Y"});
  n.link("sapA", "s1").link("s1", "hA", 5).link("s1", "hB").link("hB", "hY").link("hY", "sapB");
  return n;
}

TEST(Alg1Test, BacktracksWhenTheFirstChoiceDeadEnds) {
  Net n = dead_end();
  Request r = alg1_chain({"X", "Y"}, 1000, {1, 10, 1});
  Embedding e = run(n.s, r);
  expect_valid(n.s, r, e);
  EXPECT_EQ(host(n.s, e, "nf1"), "hB");
  EXPECT_EQ(host(n.s, e, "nf2"), "hY");
  EXPECT_GT(e.stats.backtracks, 0u);
}

TEST(Alg1Test, WithoutBacktrackingTheDeadEndIsRefused) {
  Net n = dead_end();
  EmbeddingOptions o;
  o.backtrack_depth = 0;
  Embedding e = run(n.s, alg1_chain({"X", "Y"}, 1000, {1, 10, 1}), o);
  ASSERT_FALSE(e.accepted());
  EXPECT_EQ(e.refusal.constraint, "bandwidth");
  EXPECT_EQ(e.refusal.element, "h1");
}

TEST(Alg1Test, RefusesAnUnknownType) {
  Net n;
  n.sap("sapA").sap("sapB").infra("host", 10);
  n.link("sapA", "host").link("host", "sapB");
  Embedding e = run(n.s, alg1_chain({"Z"}, 100));
  ASSERT_FALSE(e.accepted());
  EXPECT_EQ(e.refusal.constraint, "type");
  EXPECT_EQ(e.refusal.element, "nf1");
}

TEST(Alg1Test, RefusesTooLittleCapacity) {
  Net n;
  n.sap("sapA").sap("sapB").infra("host", 10);
  n.link("sapA", "host").link("host", "sapB");
  Request r = alg1_chain({"X"}, 100);
  r.nfs[0].demand.cpu = 50;
  Embedding e = run(n.s, r);
  ASSERT_FALSE(e.accepted());
  EXPECT_EQ(e.refusal.constraint, "capacity");
  EXPECT_EQ(e.refusal.element, "nf1");
}

TEST(Alg1Test, RefusesADelayBoundTheSapsCannotMeet) {
  Net n;
  n.sap("sapA").sap("sapB").infra("host", 10);
  n.link("sapA", "host", 100, 10).link("host", "sapB", 100, 10);
  Embedding e = run(n.s, alg1_chain({"X"}, 5));
  ASSERT_FALSE(e.accepted());
  EXPECT_EQ(e.refusal.constraint, "delay");
  EXPECT_EQ(e.refusal.element, "e2e");
}

TEST(Alg1Test, MapsBestEffortHopsAndAntiAffinity) {
  Net n;
  n.sap("sapA").sap("sapB").sw("s1").infra("h1", 10).infra("h2", 10);
  n.link("sapA", "s1").link("s1", "sapB").link("s1", "h1").link("s1", "h2");
  Request r = alg1_chain({"X", "X"}, 100);
  r.requirements.clear();  // every hop is best effort
  r.nfs[1].anti_affinity = {"nf1"};
  Embedding e = run(n.s, r);
  ASSERT_TRUE(e.accepted()) << e.refusal.message;
  EXPECT_NE(host(n.s, e, "nf1"), host(n.s, e, "nf2"));
}

TEST(Alg1Test, IsDeterministicForASeed) {
  Net n;
  n.sap("sapA").sap("sapB").sw("s1").infra("h1", 10).infra("h2", 10).infra("h3", 10);
  n.link("sapA", "s1").link("s1", "sapB").link("s1", "h1").link("s1", "h2").link("s1", "h3");
  Request r = alg1_chain({"X", "X", "X"}, 100);
  EmbeddingOptions o;
  o.seed = 7;
  Embedding a = run(n.s, r, o);
  Embedding b = run(n.s, r, o);
  ASSERT_TRUE(a.accepted() && b.accepted());
  EXPECT_EQ(a.mapping->nf_node, b.mapping->nf_node);
  EXPECT_EQ(a.mapping->hop_links, b.mapping->hop_links);
}

}  // namespace
}  // namespace chainlab::orchestration::embedding
