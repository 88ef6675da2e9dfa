// ESCAPE's NFFG model: every fixture written back as it was read, the Python-literal node lists,
// and hostile input refused cleanly.
#include "frontends/escape/nffg.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "common/files.h"

namespace chainlab::escape {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const std::string kJsonFixtures = CHAINLAB_SOURCE_DIR "/../shared/fixtures/";

std::string fixture_text(const std::string& name) {
  auto text = read_file(kJsonFixtures + name, size_t{4} << 20);
  EXPECT_TRUE(text.ok()) << name;
  return text.value_or("");
}

std::vector<std::string> nffg_fixtures() {
  std::vector<std::string> out;
  for (const char* dir : {"nffg-escape", "mapping"}) {
    for (const auto& e : std::filesystem::directory_iterator(kJsonFixtures + dir)) {
      if (e.path().extension() == ".nffg") {
        out.push_back(std::string(dir) + "/" + e.path().filename().string());
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Error read_error(std::string_view text) {
  auto g = read_nffg(text);
  EXPECT_FALSE(g.ok()) << text.substr(0, 200);
  return g.ok() ? Error{ErrorCode::kInternal, "parsed"} : g.error();
}

TEST(NffgJsonTest, EveryFixtureRoundTrips) {
  std::vector<std::string> files = nffg_fixtures();
  ASSERT_GE(files.size(), 16u);
  for (const std::string& name : files) {
    std::string text = fixture_text(name);
    auto g = read_nffg(text);
    ASSERT_TRUE(g.ok()) << name << ": " << g.error().message;
    EXPECT_EQ(to_json(*g), json::parse(text)) << name;
    // Twice: what we write reads back to the same.
    auto again = read_nffg(to_json(*g).dump());
    ASSERT_TRUE(again.ok()) << name;
    EXPECT_EQ(to_json(*again), to_json(*g)) << name;
  }
}

TEST(NffgJsonTest, MappedTopologyIsModelled) {
  auto g = read_nffg(fixture_text("nffg-escape/escape-mn-mapped-topo.nffg"));
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(g->node_nfs.size(), 3u);
  EXPECT_EQ(g->node_saps.size(), 4u);
  ASSERT_EQ(g->node_infras.size(), 2u);
  EXPECT_EQ(g->edge_links.size(), 16u);
  const NodeInfra& bisbis = g->node_infras[0];
  EXPECT_EQ(bisbis.type, "BiSBiS");
  EXPECT_EQ(bisbis.resources->bandwidth, 160000.0);
  const Port* p = bisbis.port("port-SAP1");
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(p->flowrules.size(), 1u);
  EXPECT_EQ(p->flowrules[0].hop_id, Id::number(int64_t{1}));
  EXPECT_EQ(p->flowrules[0].match, "in_port=port-SAP1;TAG=SAP1|comp|1");
  EXPECT_EQ(p->flowrules[0].bandwidth, 4.0);
  // Ids remember their JSON type: port 1 and port "1" differ.
  const NodeSap* sap1 = g->sap("SAP1");
  ASSERT_NE(sap1, nullptr);
  EXPECT_NE(sap1->port(Id::number(int64_t{1})), nullptr);
  EXPECT_EQ(sap1->port("1"), nullptr);
  EXPECT_TRUE(g->edge_links[0].id.is_number());
  EXPECT_EQ(g->edge_links[0].id.str(), "139774264897187");
  EXPECT_EQ(g->edge_links[0].backward, true);
}

TEST(NffgJsonTest, ConstraintsAndModeAreModelled) {
  auto req = read_nffg(fixture_text("mapping/att-demo-req1.nffg"));
  ASSERT_TRUE(req.ok()) << req.error().message;
  EXPECT_EQ(req->mode(), Mode::kAdd);
  const NodeNf& nf = req->node_nfs[0];
  ASSERT_TRUE(nf.constraints.has_value());
  EXPECT_EQ(nf.constraints->antiaffinity.at("2"), Id("2-PIDHELPER1"));
  auto del = read_nffg(fixture_text("mapping/jsac-delfail-req1.nffg"));
  ASSERT_TRUE(del.ok());
  EXPECT_EQ(del->mode(), Mode::kDelete);
}

const char* kAllowedNodes = R"js({
  "parameters": {"id": "SG-request", "version": "1.0", "mode": "ADD"},
  "node_nfs": [
    {"id": "fwd", "ports": [{"id": 1}], "functional_type": "simpleForwarder",
     "constraints": {"constraint": {"allowed_nodes": "['EE2']"}, "variable": {"x": 1}}},
    {"id": "comp", "ports": [{"id": 1}],
     "constraints": {"constraint": {"allowed_nodes": "('EE2', 'EE1')",
                                    "banned_nodes": ["SW1"], "other": "kept"}}},
    {"id": "decomp", "ports": [{"id": 1}],
     "constraints": {"constraint": {"allowed_nodes": "('EE1',)"}, "antiaffinity": true}}
  ]
})js";

TEST(NffgJsonTest, PythonLiteralNodeListsParseAndRoundTrip) {
  auto g = read_nffg(kAllowedNodes);
  ASSERT_TRUE(g.ok()) << g.error().message;
  const Constraints& fwd = *g->node_nfs[0].constraints;
  EXPECT_EQ(fwd.allowed_nodes->nodes, std::vector<std::string>{"EE2"});
  const Constraints& comp = *g->node_nfs[1].constraints;
  EXPECT_EQ(comp.allowed_nodes->nodes, (std::vector<std::string>{"EE2", "EE1"}));
  EXPECT_EQ(comp.allowed_nodes->form, NodeList::Form::kPythonTuple);
  EXPECT_EQ(comp.banned_nodes->nodes, std::vector<std::string>{"SW1"});
  EXPECT_EQ(g->node_nfs[2].constraints->allowed_nodes->nodes, std::vector<std::string>{"EE1"});
  EXPECT_EQ(to_json(*g), json::parse(kAllowedNodes));

  // Changed lists are written in the same form, as Python's repr would.
  Nffg changed = *g;
  changed.node_nfs[1].constraints->allowed_nodes->nodes = {"EE3"};
  changed.node_nfs[0].constraints->allowed_nodes->nodes = {"EE1", "EE2"};
  json j = to_json(changed);
  EXPECT_EQ(j["node_nfs"][1]["constraints"]["constraint"]["allowed_nodes"], "('EE3',)");
  EXPECT_EQ(j["node_nfs"][0]["constraints"]["constraint"]["allowed_nodes"], "['EE1', 'EE2']");
}

TEST(NffgJsonTest, NodeListParser) {
  EXPECT_EQ(parse_node_list("[]", "x")->nodes.size(), 0u);
  EXPECT_EQ(parse_node_list("('EE2')", "x")->nodes, std::vector<std::string>{"EE2"});
  EXPECT_EQ(parse_node_list(R"(["a", 'b',])", "x")->nodes, (std::vector<std::string>{"a", "b"}));
  for (const char* bad : {"", "EE2", "['EE2'", "['a' 'b']", "[1]", "['a'] x", "{'a'}"}) {
    auto r = parse_node_list(bad, "node_nfs[0].constraints.constraint.allowed_nodes");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_THAT(r.error().message, HasSubstr("node_nfs[0].constraints.constraint.allowed_nodes"));
  }
}

TEST(NffgJsonTest, WrongFieldsNameTheirPath) {
  struct Case {
    const char* body;
    const char* message;
  };
  const Case cases[] = {
      {R"({"node_nfs": [{"id": "a"}, {"id": "b"}, {"id": "c", "specification":
          {"resources": {"cpu": "NaN"}}}]})",
       "node_nfs[2].specification.resources.cpu: not a number"},
      {R"({"node_infras": [{"id": "i", "type": "EE", "resources": {"mem": -1}}]})",
       "node_infras[0].resources.mem: not a finite number >= 0"},
      {R"({"node_infras": [{"id": "i"}]})", "node_infras[0].type: is required"},
      {R"({"node_saps": [{"id": 1.5}]})", "node_saps[0].id: not an id"},
      {R"({"node_saps": [{"name": "x"}]})", "node_saps[0].id: is required"},
      {R"({"node_saps": [{"id": "s", "ports": {}}]})", "node_saps[0].ports: not a list"},
      {R"({"node_saps": [{"id": "s", "ports": [{"id": 1}, {"id": 1}]}]})",
       "node_saps[0].ports[1].id: duplicate port id 1"},
      {R"({"node_saps": [{"id": "s"}], "node_nfs": [{"id": "s"}]})",
       "node_saps[0].id: duplicate node id s"},
      {R"({"node_saps": [{"id": "s", "ports": [{"id": 1}]}], "edge_links": [{"id": "l",
          "src_node": "s", "src_port": 1, "dst_node": "t", "dst_port": 1}]})",
       "edge_links[0].dst_node: no node t"},
      {R"({"node_saps": [{"id": "s", "ports": [{"id": 1}]}], "edge_links": [{"id": "l",
          "src_node": "s", "src_port": "1", "dst_node": "s", "dst_port": 1}]})",
       "edge_links[0].src_port: node s has no port 1"},
      {R"({"parameters": {"mode": "UPSERT"}})", "parameters.mode: expected ADD"},
      {R"({"node_nfs": [{"id": "a", "status": "BROKEN"}]})", "node_nfs[0].status: expected"},
      {R"({"node_infras": [{"id": "i", "type": "EE", "ports": [{"id": 1, "flowrules":
          [{"id": 1, "bandwidth": true}]}]}]})",
       "node_infras[0].ports[0].flowrules[0].bandwidth: not a number"},
      {R"({"edge_reqs": [{"id": 1, "sg_path": [{}]}]})", "edge_reqs[0].src_node: is required"},
      {R"([1, 2])", "not an object"},
  };
  for (const Case& c : cases) {
    Error e = read_error(c.body);
    EXPECT_EQ(e.code, ErrorCode::kInvalidArgument) << c.body;
    EXPECT_THAT(e.message, HasSubstr(c.message)) << c.body;
  }
}

TEST(NffgJsonTest, HostileInputIsRefused) {
  std::string deep(100000, '[');
  EXPECT_EQ(read_error(deep).code, ErrorCode::kInvalidArgument);
  std::string deep_ok =
      "{\"parameters\": {\"metadata\": " + std::string(70, '[') + std::string(70, ']') + "}}";
  EXPECT_THAT(read_error(deep_ok).message, HasSubstr("nested deeper"));
  EXPECT_EQ(read_error("{\"parameters\": {\"name\": \"\xff\xfe\"}}").code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(read_error(R"({"node_nfs": [{"id": "a", "specification": {"resources":
      {"cpu": 1e400}}}]})")
                .code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(read_error(R"({"node_nfs": [{"id": 123456789012345678901234567890}]})").code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(read_error(R"({"node_nfs": [{"id": "a", "specification": {"resources":
      {"cpu": NaN}}}]})")
                .code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(read_error("").code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(read_error("{\"parameters\": ").code, ErrorCode::kInvalidArgument);

  std::string big = "{\"parameters\": {\"name\": \"" + std::string(17u << 20, 'a') + "\"}}";
  EXPECT_EQ(read_error(big).code, ErrorCode::kTooLarge);
}

TEST(NffgJsonTest, EmptyListsAndUnknownKeysSurvive) {
  const char* text = R"({"parameters": {"id": 7, "future": [1]}, "node_nfs": [],
      "node_saps": [{"id": "s", "ports": [], "x-vendor": {"a": null}}], "other": true})";
  auto g = read_nffg(text);
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(g->parameters.id, Id::number(int64_t{7}));
  EXPECT_EQ(to_json(*g), json::parse(text));
}

}  // namespace
}  // namespace chainlab::escape
