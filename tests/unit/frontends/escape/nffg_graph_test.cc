// NFFG request -> ServiceGraph: every request fixture translates and validates; exact fields are
// checked against the fixtures (escape-mn-req*, att-demo-req1, jsac-delfail-req1) by hand.
#include "frontends/escape/nffg_graph.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/files.h"

namespace chainlab::escape {
namespace {

namespace graph = orchestration::graph;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Nffg graph_fixture(const std::string& path) {
  auto text = read_file(CHAINLAB_SOURCE_DIR "/../shared/fixtures/" + path);
  EXPECT_TRUE(text.ok()) << path;
  auto g = read_nffg(text.value_or(""));
  EXPECT_TRUE(g.ok()) << path << ": " << (g.ok() ? "" : g.error().message);
  return g.value_or(Nffg{});
}

graph::ServiceGraph translate(const Nffg& req) {
  auto g = to_service_graph(req);
  EXPECT_TRUE(g.ok()) << (g.ok() ? "" : g.error().message);
  return g.value_or(graph::ServiceGraph{});
}

class NffgGraphFixtureTest : public ::testing::TestWithParam<const char*> {};

TEST_P(NffgGraphFixtureTest, TranslatesAndValidates) {
  Nffg req = graph_fixture(GetParam());
  auto g = to_service_graph(req);
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_TRUE(g->validate().ok());
  EXPECT_EQ(g->functions.size(), req.node_nfs.size());
  EXPECT_EQ(g->saps.size(), req.node_saps.size());
  EXPECT_EQ(g->elines.size(), req.edge_sg_nexthops.size());
  EXPECT_TRUE(g->elans.empty());
  EXPECT_EQ(g->requirements.size(), req.edge_reqs.size());
  for (const graph::Eline& e : g->elines) {
    EXPECT_FALSE(e.bidirectional) << e.id;
  }
  for (const graph::Function& f : g->functions) {
    EXPECT_EQ(f.host, "") << f.id;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Requests, NffgGraphFixtureTest,
    ::testing::Values("nffg-escape/escape-mn-req.nffg", "nffg-escape/escape-mn-req-flowclass.nffg",
                      "nffg-escape/escape-mn-req-update.nffg", "nffg-escape/ReqForNanoTopo.nffg",
                      "nffg-escape/sg1_connectivity_sap12.nffg", "mapping/att-demo-req1.nffg",
                      "mapping/jsac-delfail-req1.nffg"));

// escape-mn-req: NFs fwd, comp, decomp (cpu 1, mem 1, storage 0, port 1), SAP1 and SAP2
// (port 1), hops 5, 2, 3, 1, 4 and requirements 29745296 over [1, 2, 3] and 29745360 over
// [4, 5], both 30 ms and 4.
TEST(NffgGraphTest, MininetRequest) {
  graph::ServiceGraph g = translate(graph_fixture("nffg-escape/escape-mn-req.nffg"));
  EXPECT_EQ(g.id, "SG-request");
  EXPECT_EQ(g.name, "SG-name");
  ASSERT_EQ(g.functions.size(), 3u);
  ASSERT_EQ(g.saps.size(), 2u);
  ASSERT_EQ(g.elines.size(), 5u);
  ASSERT_EQ(g.requirements.size(), 2u);

  const graph::Function* comp = g.function("comp");
  ASSERT_NE(comp, nullptr);
  EXPECT_EQ(comp->name, "COMPRESSOR");
  EXPECT_EQ(comp->image, "headerCompressor");
  EXPECT_EQ(comp->resources, (graph::Resources{1, 1, 0}));
  EXPECT_THAT(comp->ports, ElementsAre(graph::Port{"1", std::nullopt, std::nullopt}));
  EXPECT_EQ(comp->constraints, graph::Constraints{});

  const graph::Sap* sap1 = g.sap("SAP1");
  ASSERT_NE(sap1, nullptr);
  EXPECT_EQ(sap1->name, "SAP1");
  EXPECT_EQ(sap1->binding, (graph::SapBinding{"", ""}));
  ASSERT_EQ(sap1->ports.size(), 1u);
  EXPECT_EQ(sap1->ports[0].id, "1");

  const graph::Eline* hop1 = g.eline("1");
  ASSERT_NE(hop1, nullptr);
  EXPECT_EQ(hop1->src, (graph::PortRef{"SAP1", "1"}));
  EXPECT_EQ(hop1->dst, (graph::PortRef{"comp", "1"}));
  EXPECT_EQ(hop1->match, graph::Match{});
  EXPECT_FALSE(hop1->bidirectional);

  const graph::Requirement& there = g.requirements[0];
  EXPECT_EQ(there.id, "29745296");
  EXPECT_THAT(there.path, ElementsAre("1", "2", "3"));
  EXPECT_EQ(there.max_delay_ms, 30.0);
  EXPECT_EQ(there.min_bandwidth_mbps, 4.0);
  EXPECT_THAT(g.requirements[1].path, ElementsAre("4", "5"));
}

// escape-mn-req-flowclass: hop 5 (fwd:1 -> SAP1:1) carries "dl_src=00:00:00:00:00:01".
TEST(NffgGraphTest, FlowclassBecomesTheMatch) {
  graph::ServiceGraph g = translate(graph_fixture("nffg-escape/escape-mn-req-flowclass.nffg"));
  const graph::Eline* hop5 = g.eline("5");
  ASSERT_NE(hop5, nullptr);
  graph::Match expected;
  expected.eth_src = dataplane::Mac{0, 0, 0, 0, 0, 1};
  EXPECT_EQ(hop5->match, expected);
  EXPECT_EQ(graph::format_match(hop5->match), "dl_src=00:00:00:00:00:01");
  EXPECT_EQ(g.eline("1")->match, graph::Match{});
}

// att-demo-req1: hop 2053 SAPgreen -> 2-SPLITTER:1 matches IPv4 to 192.168.1.156 from
// 9c:5c:8e:af:2e:e0 (2063 is the same for ARP); the two PID helpers are anti-affine.
TEST(NffgGraphTest, AttDemoMatchesAndAntiAffinity) {
  graph::ServiceGraph g = translate(graph_fixture("mapping/att-demo-req1.nffg"));
  EXPECT_EQ(g.id, "d36ada10-ea17-11e6-88f3-3065ec956147");
  EXPECT_EQ(g.name, "Single-BiSBiS-View");
  EXPECT_EQ(g.functions.size(), 3u);
  EXPECT_EQ(g.saps.size(), 4u);
  EXPECT_EQ(g.elines.size(), 8u);
  EXPECT_TRUE(g.requirements.empty());

  const graph::Eline* ip = g.eline("2053");
  ASSERT_NE(ip, nullptr);
  EXPECT_EQ(ip->src, (graph::PortRef{"SAPgreen", "port-SAPgreen"}));
  EXPECT_EQ(ip->dst, (graph::PortRef{"2-SPLITTER", "1"}));
  EXPECT_EQ(ip->match.eth_src, (dataplane::Mac{0x9c, 0x5c, 0x8e, 0xaf, 0x2e, 0xe0}));
  EXPECT_EQ(ip->match.eth_type, dataplane::kEthTypeIpv4);
  ASSERT_TRUE(ip->match.ipv4_dst.has_value());
  EXPECT_EQ(ip->match.ipv4_dst->length, 32);
  EXPECT_EQ(graph::format_match(ip->match),
            graph::format_match(*graph::parse_match(
                "dl_src=9c:5c:8e:af:2e:e0,dl_type=0x0800,nw_dst=192.168.1.156")));
  EXPECT_EQ(g.eline("2063")->match.eth_type, dataplane::kEthTypeArp);

  EXPECT_THAT(g.function("2-PIDHELPER2")->constraints.anti_affinity, ElementsAre("2-PIDHELPER1"));
  EXPECT_THAT(g.function("2-PIDHELPER1")->constraints.anti_affinity, ElementsAre("2-PIDHELPER2"));
  EXPECT_TRUE(g.function("2-SPLITTER")->constraints.anti_affinity.empty());
  EXPECT_EQ(g.function("2-SPLITTER")->image, "splitter");
  EXPECT_EQ(g.function("2-SPLITTER")->ports.size(), 3u);
}

// jsac-delfail-req1: Test-2-SC-0-VNF-7 has cpu 3, mem 625.935..., storage 1.110...: memory and
// storage round up, cpu stays fractional-capable.
TEST(NffgGraphTest, FractionalSizesRoundUp) {
  graph::ServiceGraph g = translate(graph_fixture("mapping/jsac-delfail-req1.nffg"));
  const graph::Function* f = g.function("Test-2-SC-0-VNF-7");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->resources, (graph::Resources{3, 626, 2}));
  EXPECT_EQ(f->image, "G");
  EXPECT_EQ(f->ports[0].id, "f1e2e96e-ec50-11e6-90b7-f8d111b51780");
}

TEST(NffgGraphTest, UnparsableFlowclassNamesTheHop) {
  Nffg req = graph_fixture("nffg-escape/escape-mn-req-flowclass.nffg");
  for (SgHop& hop : req.edge_sg_nexthops) {
    if (hop.id.str() == "2") {
      hop.flowclass = "in_port=1;TAG=SAP1|comp|1";
    }
  }
  auto g = to_service_graph(req);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(g.error().message, HasSubstr("hop 2"));
  EXPECT_THAT(g.error().message, HasSubstr("'in_port=1;TAG=SAP1|comp|1'"));
  EXPECT_THAT(g.error().message, HasSubstr("edge_sg_nexthops[1].flowclass"));
}

TEST(NffgGraphTest, InconsistentFlowclassIsRejected) {
  Nffg req = graph_fixture("nffg-escape/escape-mn-req.nffg");
  req.edge_sg_nexthops[0].flowclass = "dl_type=0x86dd,nw_dst=10.0.0.1";
  auto g = to_service_graph(req);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(g.error().message, HasSubstr("hop 5"));
  EXPECT_THAT(g.error().message, HasSubstr("nw_dst"));
}

TEST(NffgGraphTest, PortAddressesAndHostConstraints) {
  Nffg req = graph_fixture("nffg-escape/escape-mn-req.nffg");
  NodeNf& comp = req.node_nfs[1];
  ASSERT_EQ(comp.id.str(), "comp");
  Addresses a;
  a.l2 = "0a:00:00:00:00:02";
  a.extra["l3"] = nlohmann::json::array(
      {{{"id", "v6"}, {"provided", "fd00::1/64"}},
       {{"id", "v4"}, {"requested", "10.0.0.9/24"}, {"provided", "10.0.0.2/24"}}});
  comp.ports[0].addresses = a;
  Constraints c;
  c.allowed_nodes = *parse_node_list("('EE1', 'EE2')", "");
  c.banned_nodes = *parse_node_list("['EE3']", "");
  c.affinity["1"] = Id("decomp");
  comp.constraints = c;

  graph::ServiceGraph g = translate(req);
  const graph::Function* f = g.function("comp");
  ASSERT_NE(f, nullptr);
  ASSERT_TRUE(f->ports[0].ip.has_value());
  EXPECT_EQ(f->ports[0].ip->to_string(), "10.0.0.2/24");
  ASSERT_TRUE(f->ports[0].mac.has_value());
  EXPECT_EQ(f->ports[0].mac->to_string(), "0a:00:00:00:00:02");
  EXPECT_THAT(f->constraints.allowed_hosts, ElementsAre("EE1", "EE2"));
  EXPECT_THAT(f->constraints.banned_hosts, ElementsAre("EE3"));
  EXPECT_THAT(f->constraints.affinity, ElementsAre("decomp"));

  // No parsable IPv4 address: no ip.
  comp.ports[0].addresses->extra["l3"] = nlohmann::json::array({{{"id", "x"}, {"provided", "x"}}});
  EXPECT_FALSE(translate(req).function("comp")->ports[0].ip.has_value());
}

TEST(NffgGraphTest, SapBindingIsThePop) {
  Nffg req = graph_fixture("nffg-escape/escape-mn-req.nffg");
  req.node_saps[0].binding = "dc1";
  graph::ServiceGraph g = translate(req);
  EXPECT_EQ(g.sap("SAP1")->binding.pop, "dc1");
  EXPECT_EQ(g.sap("SAP2")->binding.pop, "");
}

TEST(NffgGraphTest, NegativeMemoryIsRejected) {
  Nffg req = graph_fixture("nffg-escape/escape-mn-req.nffg");
  req.node_nfs[2].specification->resources->mem = -1;
  auto g = to_service_graph(req);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(g.error().message, HasSubstr("node_nfs[2].specification.resources.mem"));
}

TEST(NffgGraphTest, ValidationErrorsComeBack) {
  Nffg req = graph_fixture("nffg-escape/escape-mn-req.nffg");
  req.edge_reqs[0].sg_path.push_back(Id::number(int64_t{99}));
  auto g = to_service_graph(req);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(g.error().message, HasSubstr("unknown E-Line '99'"));

  req = graph_fixture("mapping/att-demo-req1.nffg");
  req.node_nfs[0].constraints->antiaffinity["2"] = Id("nobody");
  g = to_service_graph(req);
  ASSERT_FALSE(g.ok());
  EXPECT_THAT(g.error().message, HasSubstr("unknown function 'nobody'"));
}

}  // namespace
}  // namespace chainlab::escape
