// NFFG <-> embedding problem: substrates and requests from ESCAPE's files, a hand-made mapping
// written as a mapped NFFG and read back, and the service removed again. Expected numbers are
// worked out from the fixtures by hand (see each test).
#include "frontends/escape/nffg_embedding.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/files.h"

namespace chainlab::escape {
namespace {

using embedding::kUnlimited;
using ::testing::HasSubstr;

Nffg embedding_fixture(const std::string& name) {
  auto text = read_file(CHAINLAB_SOURCE_DIR "/../shared/fixtures/nffg-escape/" + name);
  EXPECT_TRUE(text.ok()) << name;
  auto g = read_nffg(text.value_or(""));
  EXPECT_TRUE(g.ok()) << name << ": " << (g.ok() ? "" : g.error().message);
  return g.value_or(Nffg{});
}

const embedding::SubstrateNode& node(const embedding::Substrate& s, std::string_view id) {
  auto i = s.node_index(id);
  EXPECT_TRUE(i.has_value()) << id;
  return s.nodes[i.value_or(0)];
}

size_t link(const embedding::Substrate& s, std::string_view id) {
  for (size_t i = 0; i < s.links.size(); ++i) {
    if (s.links[i].id == id) {
      return i;
    }
  }
  ADD_FAILURE() << "no link " << id;
  return 0;
}

// escape-mn-topo: infras EE1, SW2, SW1, EE2 then SAPs SAP14, SAP1, SAP2 (7 nodes); 6 links, none
// listed both ways, so 12 directed ones, 10 Mbps, 1.5 ms and cost 1 each.
TEST(NffgEmbeddingTest, MininetTopologySubstrate) {
  auto s = to_substrate(embedding_fixture("escape-mn-topo.nffg"));
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->nodes.size(), 7u);
  ASSERT_EQ(s->links.size(), 12u);
  const auto& ee1 = node(*s, "EE1");
  EXPECT_EQ(ee1.kind, embedding::NodeKind::kInfra);
  EXPECT_EQ(ee1.capacity, (embedding::Capacity{5, 5, 20}));
  EXPECT_EQ(ee1.delay_ms, 0.9);
  EXPECT_EQ(ee1.bandwidth, 5000);
  EXPECT_EQ(ee1.cost, 0);
  EXPECT_EQ(ee1.infra_type, "EE");
  EXPECT_EQ(ee1.domain, "INTERNAL");
  EXPECT_EQ(ee1.supported.size(), 3u);
  EXPECT_EQ(node(*s, "SW2").bandwidth, 10000);
  EXPECT_EQ(node(*s, "SW2").capacity, (embedding::Capacity{0, 0, 0}));
  EXPECT_EQ(node(*s, "SAP14").kind, embedding::NodeKind::kSap);
  const auto& l1 = s->links[link(*s, "mn-link1")];
  EXPECT_EQ(s->nodes[l1.src].id, "EE1");
  EXPECT_EQ(s->nodes[l1.dst].id, "SW1");
  EXPECT_EQ(l1.bandwidth, 10);
  EXPECT_EQ(l1.delay_ms, 1.5);
  EXPECT_EQ(l1.cost, 1);
  const auto& back = s->links[link(*s, "mn-link1-back")];
  EXPECT_EQ(s->nodes[back.src].id, "SW1");
  EXPECT_EQ(s->nodes[back.dst].id, "EE1");
  EXPECT_EQ(back.bandwidth, 10);
}

// NanoTopo: 29 infras + 4 SAPs; 56 links, none listed both ways -> 112 directed links. host0:
// cpu 16, mem 64000, storage 150, delay 0.5, bandwidth 1000; pe0 switches 100 Mbps; the first
// link san0 -> fi0 has 0.1 ms and 1000 Mbps.
TEST(NffgEmbeddingTest, NanoTopoSubstrate) {
  auto s = to_substrate(embedding_fixture("NanoTopo.nffg"));
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->nodes.size(), 33u);
  EXPECT_EQ(s->links.size(), 112u);
  EXPECT_EQ(node(*s, "host0").capacity, (embedding::Capacity{16, 64000, 150}));
  EXPECT_EQ(node(*s, "host0").delay_ms, 0.5);
  EXPECT_EQ(node(*s, "host0").bandwidth, 1000);
  EXPECT_EQ(node(*s, "pe0").bandwidth, 100);
  EXPECT_EQ(node(*s, "san0").capacity, (embedding::Capacity{0, 0, 100000}));
  const auto& first = s->links[link(*s, "139745331067666")];
  EXPECT_EQ(s->nodes[first.src].id, "san0");
  EXPECT_EQ(s->nodes[first.dst].id, "fi0");
  EXPECT_EQ(first.delay_ms, 0.1);
  EXPECT_EQ(first.bandwidth, 1000);
  EXPECT_EQ(s->links[link(*s, "139745331067666-back")].src, first.dst);
}

// ReqForNanoTopo: 3 NFs (comp needs cpu 8, mem 10000), SAPs sap1/sap2 bound to themselves, 5
// hops without bandwidth, 2 requirements of 40 ms and 4 Mbps on [1, 2, 3] and [4, 5].
TEST(NffgEmbeddingTest, NanoTopoRequest) {
  auto r = to_request(embedding_fixture("ReqForNanoTopo.nffg"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->id, "NFV-SDN-demo-req");
  ASSERT_EQ(r->nfs.size(), 3u);
  EXPECT_EQ(r->nfs[1].id, "comp");
  EXPECT_EQ(r->nfs[1].functional_type, "headerCompressor");
  EXPECT_EQ(r->nfs[1].demand, (embedding::Capacity{8, 10000, 0}));
  ASSERT_EQ(r->saps.size(), 2u);
  EXPECT_EQ(r->saps[0].binding, "sap1");
  ASSERT_EQ(r->hops.size(), 5u);
  EXPECT_EQ(r->hops[0].id, "5");
  EXPECT_EQ(r->hops[0].src, "fwd");
  EXPECT_EQ(r->hops[0].dst, "sap1");
  EXPECT_EQ(r->hops[0].bandwidth, 0);
  EXPECT_FALSE(r->hops[0].max_delay_ms.has_value());
  ASSERT_EQ(r->requirements.size(), 2u);
  EXPECT_EQ(r->requirements[0].id, "29745296");
  EXPECT_EQ(r->requirements[0].path, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(r->requirements[0].max_delay_ms, 40);
  EXPECT_EQ(r->requirements[0].bandwidth, 4);
  EXPECT_EQ(embedding::hop_bandwidths(*r).at("5"), 4);
}

TEST(NffgEmbeddingTest, RequestConstraints) {
  auto g = read_nffg(R"js({"node_nfs": [
      {"id": "a", "ports": [{"id": 1}], "constraints": {"affinity": {"1": "b"},
       "constraint": {"allowed_nodes": "('EE2', 'EE1')", "banned_nodes": "['SW1']"}}},
      {"id": "b", "ports": [{"id": 1}], "constraints": {"antiaffinity": {"1": "a"}}}],
    "node_saps": [{"id": "s", "binding": "SAP1", "ports": [{"id": 1}]}],
    "edge_sg_nexthops": [{"id": "h1", "src_node": "s", "src_port": 1, "dst_node": "a",
       "dst_port": 1, "delay": 5, "bandwidth": 2,
       "constraints": {"antiaffinity": {"1": "h2"}}},
      {"id": "h2", "src_node": "a", "src_port": 1, "dst_node": "b", "dst_port": 1}]})js");
  ASSERT_TRUE(g.ok()) << g.error().message;
  auto r = to_request(*g);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->nfs[0].affinity, std::vector<std::string>{"b"});
  EXPECT_EQ(r->nfs[0].allowed_nodes, (std::vector<std::string>{"EE2", "EE1"}));
  EXPECT_EQ(r->nfs[0].banned_nodes, std::vector<std::string>{"SW1"});
  EXPECT_EQ(r->nfs[1].anti_affinity, std::vector<std::string>{"a"});
  EXPECT_EQ(r->saps[0].binding, "SAP1");
  EXPECT_EQ(r->hops[0].max_delay_ms, 5);
  EXPECT_EQ(r->hops[0].bandwidth, 2);
  EXPECT_EQ(r->hops[0].anti_affinity, std::vector<std::string>{"h2"});

  Nffg bad = *g;
  bad.node_nfs[0].constraints->affinity["1"] = Id("ghost");
  auto e = to_request(bad);
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(e.error().message, HasSubstr("node_nfs[0].constraints.affinity: no NF ghost"));
}

// escape-mn-req onto escape-mn-topo by hand: comp and fwd on EE1, decomp on EE2. Directed links
// (to_substrate's order): 0 EE1>SW1, 1 SW1>EE1, 2 SW2>SAP14, 3 back, 4 SW2>SAP2, 5 SAP2>SW2,
// 6 SW1>SW2, 7 SW2>SW1, 8 SW1>SAP1, 9 SAP1>SW1, 10 EE2>SW2, 11 SW2>EE2. Every hop carries its
// requirement's 4 Mbps.
embedding::Mapping hand_mapping(const embedding::Substrate& s) {
  embedding::Mapping m;
  m.nf_node["comp"] = *s.node_index("EE1");
  m.nf_node["fwd"] = *s.node_index("EE1");
  m.nf_node["decomp"] = *s.node_index("EE2");
  m.hop_links["1"] = {9, 1};      // SAP1 > SW1 > EE1
  m.hop_links["2"] = {0, 6, 11};  // EE1 > SW1 > SW2 > EE2
  m.hop_links["3"] = {10, 4};     // EE2 > SW2 > SAP2
  m.hop_links["4"] = {5, 7, 1};   // SAP2 > SW2 > SW1 > EE1
  m.hop_links["5"] = {0, 8};      // EE1 > SW1 > SAP1
  return m;
}

class MappedNffgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    topo_ = embedding_fixture("escape-mn-topo.nffg");
    req_ = embedding_fixture("escape-mn-req.nffg");
    auto s = to_substrate(topo_);
    auto r = to_request(req_);
    ASSERT_TRUE(s.ok() && r.ok());
    substrate_ = *s;
    request_ = *r;
    ASSERT_EQ(substrate_.links[6].id, "mn-link3");
    mapping_ = hand_mapping(substrate_);
    mapped_ = mapped_nffg(topo_, req_, substrate_, request_, mapping_);
  }

  // What the mapped NFFG reads back as.
  Nffg reread(const Nffg& g) {
    auto back = read_nffg(to_json(g).dump(2));
    EXPECT_TRUE(back.ok()) << (back.ok() ? "" : back.error().message);
    return back.value_or(Nffg{});
  }

  const Flowrule& rule(const Nffg& g, const Id& infra, const Id& port, std::string_view hop) {
    const Port* p = g.infra(infra)->port(port);
    EXPECT_NE(p, nullptr) << infra.str() << " " << port.str();
    for (const Flowrule& f : p->flowrules) {
      if (f.hop_id && f.hop_id->str() == hop) {
        return f;
      }
    }
    ADD_FAILURE() << "no rule for hop " << hop << " on " << infra.str() << ":" << port.str();
    return p->flowrules.front();
  }

  Nffg topo_, req_, mapped_;
  embedding::Substrate substrate_;
  embedding::Request request_;
  embedding::Mapping mapping_;
};

TEST_F(MappedNffgTest, FollowsEscapeConventions) {
  Nffg g = reread(mapped_);
  EXPECT_EQ(g.mode(), Mode::kAdd);
  EXPECT_EQ(g.node_nfs.size(), 3u);
  // 6 static links + a pair per NF port.
  EXPECT_EQ(g.edge_links.size(), 12u);
  const NodeInfra* ee1 = g.infra("EE1");
  ASSERT_NE(ee1->port("EE1|comp|1"), nullptr);
  ASSERT_NE(ee1->port("EE1|fwd|1"), nullptr);
  ASSERT_NE(g.infra("EE2")->port("EE2|decomp|1"), nullptr);
  // Hop 1, SAP1 -> comp: tagged through SW1 (in from SAP1 on port 3, out on port 1 to EE1),
  // untagged into comp on EE1.
  const Flowrule& sw1 = rule(g, "SW1", Id::number(int64_t{3}), "1");
  EXPECT_EQ(sw1.match, "in_port=3;TAG=SAP1|comp|1");
  EXPECT_EQ(sw1.action, "output=1");
  EXPECT_EQ(sw1.bandwidth, 4);
  const Flowrule& ee1_in = rule(g, "EE1", Id::number(int64_t{1}), "1");
  EXPECT_EQ(ee1_in.match, "in_port=1;TAG=SAP1|comp|1");
  EXPECT_EQ(ee1_in.action, "output=EE1|comp|1;UNTAG");
  // Hop 2, comp -> decomp: tagged leaving comp's infra, untagged into decomp.
  const Flowrule& first = rule(g, "EE1", "EE1|comp|1", "2");
  EXPECT_EQ(first.match, "in_port=EE1|comp|1");
  EXPECT_EQ(first.action, "output=1;TAG=comp|decomp|2");
  const Flowrule& last = rule(g, "EE2", Id::number(int64_t{1}), "2");
  EXPECT_EQ(last.match, "in_port=1;TAG=comp|decomp|2");
  EXPECT_EQ(last.action, "output=EE2|decomp|1;UNTAG");
  // Hop 5, fwd -> SAP1 leaves SW1 still tagged.
  EXPECT_EQ(rule(g, "SW1", Id::number(int64_t{1}), "5").action, "output=3");
  // The dynamic links, both ways, the NF -> infra one marked backward.
  size_t dynamic = 0;
  for (const EdgeLink& l : g.edge_links) {
    if (l.src_node == Id("comp") || l.dst_node == Id("comp")) {
      ++dynamic;
      EXPECT_EQ(l.backward.value_or(false), l.src_node == Id("comp"));
    }
  }
  EXPECT_EQ(dynamic, 2u);
  EXPECT_EQ(g.edge_sg_nexthops.size(), 5u);
  EXPECT_EQ(g.edge_reqs.size(), 2u);
}

// Capacities after the mapping, by hand: EE1 hosts comp + fwd (cpu/mem 1 each), EE2 decomp.
// Node bandwidth: 4 Mbps per rule: EE1 4 rules (hops 1, 2, 4, 5), EE2 2 (2, 3), SW1 4 (1, 2, 4,
// 5), SW2 3 (2, 3, 4). Links: EE1>SW1 hops 2, 5; SW1>EE1 hops 1, 4; the rest one hop each but
// the SAP14 pair (untouched).
TEST_F(MappedNffgTest, ReducesTheSubstrate) {
  auto s = to_substrate(reread(mapped_));
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->nodes.size(), 7u);
  ASSERT_EQ(s->links.size(), 12u);
  EXPECT_EQ(node(*s, "EE1").capacity, (embedding::Capacity{3, 3, 20}));
  EXPECT_EQ(node(*s, "EE2").capacity, (embedding::Capacity{4, 4, 20}));
  EXPECT_EQ(node(*s, "EE1").bandwidth, 5000 - 16);
  EXPECT_EQ(node(*s, "EE2").bandwidth, 5000 - 8);
  EXPECT_EQ(node(*s, "SW1").bandwidth, 10000 - 16);
  EXPECT_EQ(node(*s, "SW2").bandwidth, 10000 - 12);
  const double expected[12] = {2, 2, 10, 10, 6, 6, 6, 6, 6, 6, 6, 6};
  for (size_t i = 0; i < 12; ++i) {
    EXPECT_EQ(s->links[i].bandwidth, expected[i]) << s->links[i].id;
  }
}

TEST_F(MappedNffgTest, RemoveServiceRestoresTheTopology) {
  auto removed = remove_service(reread(mapped_), req_);
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  auto before = to_substrate(topo_);
  auto after = to_substrate(*removed);
  ASSERT_TRUE(before.ok() && after.ok());
  ASSERT_EQ(after->nodes.size(), before->nodes.size());
  for (size_t i = 0; i < before->nodes.size(); ++i) {
    EXPECT_EQ(after->nodes[i].capacity, before->nodes[i].capacity) << before->nodes[i].id;
    EXPECT_EQ(after->nodes[i].bandwidth, before->nodes[i].bandwidth) << before->nodes[i].id;
  }
  ASSERT_EQ(after->links.size(), before->links.size());
  for (size_t i = 0; i < before->links.size(); ++i) {
    EXPECT_EQ(after->links[i].bandwidth, before->links[i].bandwidth) << before->links[i].id;
  }
  EXPECT_TRUE(removed->node_nfs.empty());
  EXPECT_TRUE(removed->edge_sg_nexthops.empty());
  EXPECT_EQ(removed->edge_links.size(), topo_.edge_links.size());
  EXPECT_EQ(removed->infra("EE1")->ports.size(), 1u);
  // The infras are as they were (the SAPs' added SG ports stay).
  EXPECT_EQ(to_json(*removed)["node_infras"], to_json(topo_)["node_infras"]);

  // Removing it again: its NFs are gone.
  auto again = remove_service(*removed, req_);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
}

// REMAP = remove, then map again: the second mapping sees the full capacities.
TEST_F(MappedNffgTest, RemapOnTheFreedTopology) {
  auto removed = remove_service(mapped_, req_);
  ASSERT_TRUE(removed.ok());
  auto s = to_substrate(*removed);
  ASSERT_TRUE(s.ok());
  Nffg again = mapped_nffg(*removed, req_, *s, request_, hand_mapping(*s));
  // The same ports, links and rules (ids included) as the first time.
  EXPECT_EQ(to_json(again)["node_infras"], to_json(mapped_)["node_infras"]);
  EXPECT_EQ(to_json(again)["edge_links"], to_json(mapped_)["edge_links"]);
  auto s2 = to_substrate(again);
  ASSERT_TRUE(s2.ok());
  EXPECT_EQ(node(*s2, "EE1").capacity, (embedding::Capacity{3, 3, 20}));
}

TEST(NffgEmbeddingTest, BadGraphsAreRefused) {
  auto topo = read_nffg(R"js({"node_saps": [{"id": "a", "ports": [{"id": 1}]},
      {"id": "b", "ports": [{"id": 1}]}], "edge_links": [{"id": "l", "src_node": "a",
      "src_port": 1, "dst_node": "b", "dst_port": 1, "cost": 0}]})js");
  ASSERT_TRUE(topo.ok());
  auto s = to_substrate(*topo);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.error().message, HasSubstr("edge_links[0].cost: must be > 0"));

  auto req = read_nffg(R"js({"node_infras": [{"id": "i", "type": "EE", "ports": [{"id": 1}]}],
      "node_saps": [{"id": "a", "ports": [{"id": 1}]}],
      "edge_sg_nexthops": [{"id": 1, "src_node": "a", "src_port": 1, "dst_node": "i",
        "dst_port": 1}],
      "edge_reqs": [{"id": 9, "src_node": "a", "src_port": 1, "dst_node": "a", "dst_port": 1,
        "sg_path": [1, 2]}]})js");
  ASSERT_TRUE(req.ok());
  auto r = to_request(*req);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("edge_sg_nexthops[0].dst_node: not an NF or a SAP"));
  req->edge_sg_nexthops.clear();
  req->edge_reqs[0].sg_path = {Id::number(int64_t{2})};
  r = to_request(*req);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("edge_reqs[0].sg_path[0]: no hop 2"));
}

}  // namespace
}  // namespace chainlab::escape
