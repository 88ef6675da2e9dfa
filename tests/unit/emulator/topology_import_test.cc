#include <chrono>
#include <cmath>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "common/files.h"
#include "emulator/topology.h"

namespace chainlab::emulator {
namespace {

const std::string kExamples = std::string(CHAINLAB_SOURCE_DIR) + "/examples/topologies";
const std::string kDfnGwin =
    std::string(CHAINLAB_SOURCE_DIR "/../shared/fixtures/mapping/dfn-gwin.gml");

const LinkSpec* find_link(const Topology& t, const std::string& a, const std::string& b) {
  for (const LinkSpec& l : t.links()) {
    if ((l.a == a && l.b == b) || (l.a == b && l.b == a)) {
      return &l;
    }
  }
  return nullptr;
}

std::string graphml(const std::string& body) {
  return R"(<?xml version="1.0"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key attr.name="Latitude" for="node" id="lat"/>
  <key attr.name="Longitude" for="node" id="lon"/>
  <key attr.name="label" for="node" id="l"/>
  <graph>)" +
         body + "</graph></graphml>";
}

std::string graphml_error(const std::string& text) {
  auto r = Topology::from_graphml(text, ImportOptions{}, "t.graphml");
  return r.ok() ? std::string("ok") : r.error().message;
}

std::string gml_error(const std::string& text) {
  auto r = Topology::from_gml(text, ImportOptions{}, "t.gml");
  return r.ok() ? std::string("ok") : r.error().message;
}

TEST(TopologyImportTest, SmallZooGraphml) {
  auto t = Topology::load_file(kExamples + "/small-zoo.graphml");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->name, "SmallZoo");
  ASSERT_EQ(t->pops().size(), 4u);
  EXPECT_NE(t->find_pop("Paderborn"), nullptr);
  ASSERT_NE(t->find_pop("M-nchen"), nullptr);  // "ü" is one character, one '-'
  EXPECT_EQ(t->find_pop("M-nchen")->metadata.at("label"), "München");
  EXPECT_EQ(t->find_pop("Berlin")->metadata.at("latitude"), "52.52");
  ASSERT_EQ(t->links().size(), 4u);
  // Paderborn (51.7191 N, 8.7575 E) - Berlin (52.52 N, 13.405 E): by the spherical law of
  // cosines 329.50 km; at 200 km/ms that is 1.6475 ms.
  const LinkSpec* pb = find_link(*t, "Paderborn", "Berlin");
  ASSERT_NE(pb, nullptr);
  EXPECT_NEAR(static_cast<double>(pb->delay_ns), 1'647'500, 16'475);
  EXPECT_DOUBLE_EQ(pb->bw_mbps, 10'000);  // LinkSpeedRaw 1e10 bit/s
  const LinkSpec* bm = find_link(*t, "Berlin", "M-nchen");
  ASSERT_NE(bm, nullptr);
  EXPECT_NEAR(static_cast<double>(bm->delay_ns), 504.415 / 200 * 1e6, 25'000);
  EXPECT_DOUBLE_EQ(bm->bw_mbps, 1'000);  // LinkSpeed 1 G
  EXPECT_EQ(find_link(*t, "Berlin", "Hamburg")->bw_mbps, 0);
}

TEST(TopologyImportTest, ImportOptions) {
  auto text = read_file(kExamples + "/small-zoo.graphml");
  ASSERT_TRUE(text.ok());
  ImportOptions o;
  o.km_per_ms = 100;
  o.bw_mbps = 50;
  auto t = Topology::from_graphml(*text, o);
  ASSERT_TRUE(t.ok()) << t.error().message;
  const LinkSpec* pb = find_link(*t, "Paderborn", "Berlin");
  EXPECT_NEAR(static_cast<double>(pb->delay_ns), 3'295'000, 33'000);
  EXPECT_EQ(pb->bw_mbps, 50);
  o.km_per_ms = 0;
  EXPECT_FALSE(Topology::from_graphml(*text, o).ok());
}

TEST(TopologyImportTest, GraphmlNamesLoopsAndDefaults) {
  auto t = Topology::from_graphml(graphml(R"(
    <node id="a"><data key="l">New York</data><data key="lat">40.7</data><data key="lon">-74</data></node>
    <node id="b"><data key="l">New York</data></node>
    <node id="c"><data key="l">New/York</data></node>
    <node id="d"><data key="l">(Hub)</data></node>
    <node id="e"/>
    <edge source="a" target="b"/>
    <edge source="b" target="a"/>
    <edge source="a" target="a"/>
    <edge source="c" target="d"/>
    <edge source="d" target="e"/>)"),
                                  ImportOptions{});
  ASSERT_TRUE(t.ok()) << t.error().message;
  std::vector<std::string> names;
  for (const PopSpec& p : t->pops()) {
    names.push_back(p.name);
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"New-York", "New-York-2", "New-York-3", "n-Hub-", "ne"}));
  ASSERT_EQ(t->links().size(), 3u);  // duplicate a-b and self-loop a-a skipped
  EXPECT_EQ(t->links()[0].delay_ns, ImportOptions{}.default_delay_ns);  // b has no coordinates
}

TEST(TopologyImportTest, GraphmlErrors) {
  EXPECT_EQ(
      graphml_error("<graphml><graph><node id='a'>").rfind("t.graphml: line 1: broken XML", 0), 0u)
      << graphml_error("<graphml><graph><node id='a'>");
  EXPECT_EQ(graphml_error(""), "t.graphml: line 1: broken XML: No document element found");
  EXPECT_EQ(graphml_error("<svg/>"), "t.graphml: not GraphML (no <graphml> root element)");
  EXPECT_EQ(graphml_error("<graphml/>"), "t.graphml: <graphml> has no <graph>");
  EXPECT_EQ(graphml_error(graphml("")), "t.graphml: the graph has no nodes");
  EXPECT_EQ(graphml_error(graphml("<node/>")), "t.graphml: node #0 has no id attribute");
  EXPECT_EQ(graphml_error(graphml("<node id='a'/><edge source='a'/>")),
            "t.graphml: edge #0 lacks a source or target attribute");
  EXPECT_EQ(graphml_error(graphml("<node id='a'/><edge source='a' target='z'/>")),
            "t.graphml: edge 0 (a -> z): unknown node 'z'");
  EXPECT_EQ(graphml_error(graphml("<node id='a'/><node id='a'/>")),
            "t.graphml: node id 'a' appears twice");
  EXPECT_EQ(graphml_error(graphml("<node id='a'><data key='lat'>north</data></node>")),
            "t.graphml: node 'a': Latitude: 'north' is not a number");
  EXPECT_EQ(graphml_error(graphml("<node id='a'><data key='lat'>91</data></node>")),
            "t.graphml: node 'a': latitude 91 is out of range");
  std::string huge(65u << 20, ' ');
  EXPECT_NE(graphml_error(huge).find("too large"), std::string::npos);
}

TEST(TopologyImportTest, Gml) {
  auto t = Topology::from_gml(R"(
# a comment
Creator "hand"
graph [
  directed 0
  Network "Tiny &amp; Co"
  node [ id 0 label "Paderborn" Latitude 51.7191 Longitude 8.7575 ]
  node [ id 1 label "Berlin" Latitude 52.52 Longitude 13.405
         graphics [ x 1.5 y -2e3 ] ]
  node [ id 2 label "Nowhere" ]
  edge [ source 0 target 1 LinkSpeed "100" LinkSpeedUnits "M" ]
  edge [ source 1 target 0 ]
  edge [ source 2 target 2 ]
  edge [ source 1 target 2 ]
]
)",
                              ImportOptions{}, "t.gml");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->name, "Tiny---Co");
  ASSERT_EQ(t->pops().size(), 3u);
  ASSERT_EQ(t->links().size(), 2u);
  EXPECT_NEAR(static_cast<double>(t->links()[0].delay_ns), 1'647'500, 16'475);
  EXPECT_EQ(t->links()[0].bw_mbps, 100);
  EXPECT_EQ(t->links()[1].delay_ns, 1'000'000u);
}

TEST(TopologyImportTest, GmlErrors) {
  EXPECT_EQ(gml_error("graph [ node [ id 0 ]"),
            "t.gml: line 1: broken GML: unterminated '[' list at end of file");
  EXPECT_EQ(gml_error("graph [ node [ id 0 label \"x ] ]"),
            "t.gml: line 1: broken GML: unterminated string for key 'label'");
  EXPECT_EQ(gml_error("graph [\n node [ id 0 ] ] ]"), "t.gml: line 2: broken GML: unexpected ']'");
  EXPECT_EQ(gml_error("graph [ 5 ]"), "t.gml: line 1: broken GML: expected a key, found '5'");
  EXPECT_EQ(gml_error("graph [ node [ id ] ]"),
            "t.gml: line 1: broken GML: key 'id': ']' is not a number, string or list");
  EXPECT_EQ(gml_error("graph [ node [ id 0 ] edge [ source 0 target 3 ] ]"),
            "t.gml: edge 0 (0 -> 3): unknown node '3'");
  EXPECT_EQ(gml_error("Creator \"x\""), "t.gml: no 'graph [ ... ]' list");
  EXPECT_EQ(gml_error("graph [ node [ label \"x\" ] ]"), "t.gml: node #0 has no id");
  EXPECT_EQ(gml_error("graph [ node [ id 0 Latitude \"x\" ] ]"),
            "t.gml: node 0: Latitude: 'x' is not a number");
  std::string deep;
  for (int i = 0; i < 100000; ++i) {
    deep += "a [ ";
  }
  EXPECT_EQ(gml_error(deep), "t.gml: line 1: broken GML: lists nested deeper than 64");
}

// Labels reach the REST answers (JSON) through names and metadata: invalid UTF-8 is refused
// (found by fuzzing: datacenter listings would fail on such a label).
TEST(TopologyImportTest, InvalidUtf8Refused) {
  EXPECT_EQ(graphml_error(graphml("<node id='a'><data key='l'>Pade\xffrborn</data></node>")),
            "t.graphml: node 0: not valid UTF-8");
  EXPECT_EQ(gml_error("graph [ label \"\xc3\" node [ id 0 ] ]"),
            "t.gml: graph label: not valid UTF-8");
  EXPECT_EQ(gml_error("graph [ node [ id 0 ] node [ id 1 ] edge [ source 0 target \"1\xe2\" ] ]"),
            "t.gml: edge 0: not valid UTF-8");
  EXPECT_EQ(graphml_error(graphml("<node id='a'><data key='l'>M\xc3\xbcnchen</data></node>")),
            "ok");
}

TEST(TopologyImportTest, DfnGwinFixture) {
  if (!std::filesystem::exists(kDfnGwin)) {
    GTEST_SKIP() << "fixture " << kDfnGwin << " is absent (it lives outside this repository)";
  }
  auto t = Topology::load_file(kDfnGwin);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->pops().size(), 11u);
  EXPECT_NE(t->find_pop("Leipzig"), nullptr);
  EXPECT_NE(t->find_pop("Hamburg"), nullptr);
  EXPECT_FALSE(t->links().empty());
  for (const LinkSpec& l : t->links()) {
    EXPECT_EQ(l.delay_ns, ImportOptions{}.default_delay_ns);  // no coordinates in SNDlib files
    EXPECT_NE(l.a, l.b);
  }
  // Round trip through YAML.
  auto back = Topology::from_yaml(t->to_yaml());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, *t);
}

// 30,000 nodes with one label: each name is found in O(1) ("x", "x-2", ... "x-30000"); the old
// retry loop from "-2" upwards made this quadratic (minutes).
TEST(TopologyImportScale, ManyNodesWithOneLabelStayLinear) {
  std::string gml = "graph [\n";
  constexpr int kNodes = 30'000;
  for (int i = 0; i < kNodes; ++i) {
    gml += "node [ id " + std::to_string(i) + " label \"x\" ]\n";
  }
  gml += "node [ id 99999999 label \"x-2\" ]\n]\n";  // a literal name the suffixes must skip
  auto start = std::chrono::steady_clock::now();
  auto t = Topology::from_gml(gml, ImportOptions{}, "same.gml");
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(t.ok()) << t.error().message;
  ASSERT_EQ(t->pops().size(), static_cast<size_t>(kNodes + 1));
  EXPECT_EQ(t->pops()[0].name, "x");
  EXPECT_EQ(t->pops()[1].name, "x-2");
  EXPECT_EQ(t->pops()[kNodes - 1].name, "x-" + std::to_string(kNodes));
  EXPECT_EQ(t->pops()[kNodes].name, "x-2-2");  // "x-2" was taken by node 1
  EXPECT_LT(took, std::chrono::seconds(10));
}

TEST(TopologyImportScale, ReadersStopWhenCancelled) {
  std::string gml = "graph [\n";
  std::string xml;
  for (int i = 0; i < 5000; ++i) {
    gml += "node [ id " + std::to_string(i) + " ]\n";
    xml += "<node id=\"n" + std::to_string(i) + "\"/>";
  }
  gml += "]\n";
  int polls = 0;
  Cancel after_three([&polls] { return ++polls > 3; });
  auto g = Topology::from_gml(gml, ImportOptions{}, "big.gml", after_three);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(g.error().message, "big.gml: interrupted");
  EXPECT_EQ(polls, 4);  // stopped at the first poll that saw the request
  Cancel now([] { return true; });
  auto x = Topology::from_graphml(graphml(xml), ImportOptions{}, "big.graphml", now);
  ASSERT_FALSE(x.ok());
  EXPECT_EQ(x.error().message, "big.graphml: interrupted");
  EXPECT_TRUE(Topology::from_gml(gml, ImportOptions{}, "big.gml").ok());
}

}  // namespace
}  // namespace chainlab::emulator
