// The "chainlab-node" domain (frontends/escape/mdo/node_adapter.h, node_translate.h): settings,
// the view from a node's description, a service's part as an NF-FG the node's own parser takes
// (edge SAPs untagged, a border SAP with the hop's VLAN on both sides), create then update then
// delete through the API, and live view updates from a real description bus (ZeroMQ).
#include "frontends/escape/mdo/node_adapter.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "common/files.h"
#include "common/json_bounded.h"
#include "frontends/escape/mdo/description_feed.h"
#include "frontends/escape/mdo/orchestrator.h"
#include "frontends/unode/description_bus.h"
#include "frontends/unode/nffg.h"

namespace chainlab::escape {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

const std::string kDescription =
    std::string(CHAINLAB_SOURCE_DIR) + "/../shared/fixtures/nffg-un/un-resource-description.json";

// A node's NF-FG API in memory: a fake behind our own interface.
class FakeNodeApi final : public NodeApi {
 public:
  explicit FakeNodeApi(json description) : description_(std::move(description)) {}
  Result<std::string> create_graph(const json& nffg) override {
    if (fail) {
      return make_error(ErrorCode::kFailedPrecondition, "Graph-Manager: no template");
    }
    std::string id = "g" + std::to_string(++next_);
    graphs[id] = nffg;
    if (lose_answer) {
      return make_error(ErrorCode::kUnavailable, "POST /NF-FG/: read timeout");
    }
    return id;
  }
  Status update_graph(const std::string& id, const json& nffg) override {
    if (graphs.count(id) == 0) {
      return make_error(ErrorCode::kNotFound, "no graph");
    }
    graphs[id] = nffg;
    ++updates;
    return ok_status();
  }
  Status delete_graph(const std::string& id) override {
    return graphs.erase(id) != 0 ? ok_status()
                                 : Status(make_error(ErrorCode::kNotFound, "no graph"));
  }
  Result<json> description() override { return description_; }
  Result<std::optional<std::string>> graph_named(const std::string& name) override {
    for (const auto& [id, g] : graphs) {
      if (g["forwarding-graph"]["name"] == name) {
        return std::optional(id);
      }
    }
    return std::optional<std::string>();
  }

  std::map<std::string, json> graphs;
  int updates = 0;
  bool fail = false;
  bool lose_answer = false;  // the graph is made, its answer lost

 private:
  json description_;
  int next_ = 0;
};

json description(std::vector<std::string> capabilities, int cores = 4) {
  json caps = json::array();
  for (const auto& c : capabilities) {
    caps.push_back({{"name", c}, {"type", c}, {"ready", true}});
  }
  return {{"netgroup-domain:informations",
           {{"id", "00000001"},
            {"capabilities", {{"functional-capabilities", {{"functional-capability", caps}}}}},
            {"netgroup-domain:resources",
             {{"cpu", {{"free-cores", cores}, {"total-cores", cores}}},
              {"memory", {{"free-mb", 4096}, {"total-mb", 4096}}}}}}}};
}

AdapterSpec node_spec(const std::string& name, json saps) {
  return {name, "chainlab-node",
          json{{"url", "http://127.0.0.1:8080"}, {"password", "pw"}, {"saps", std::move(saps)}},
          "."};
}

NodeSettings settings_of(const AdapterSpec& s) {
  auto r = read_node_settings(s);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? *r : NodeSettings{};
}

json nf(const std::string& id) {
  return {{"id", id},
          {"functional_type", "bridge"},
          {"ports", {{{"id", 1}}, {{"id", 2}}}},
          {"specification", {{"resources", {{"cpu", 3}, {"mem", 1}, {"storage", 0}}}}}};
}

json hop(int id, const std::string& from, int from_port, const std::string& to, int to_port) {
  return {{"id", id},
          {"src_node", from},
          {"src_port", from_port},
          {"dst_node", to},
          {"dst_port", to_port}};
}

// SAP1 -> a -> b -> SAP2 and back; a and b take 3 of a node's 4 cores: one per node.
Nffg two_nf_request() {
  json req = {
      {"parameters", {{"id", "svc"}, {"version", "1.0"}}},
      {"node_nfs", {nf("a"), nf("b")}},
      {"node_saps",
       {{{"id", "SAP1"}, {"ports", {{{"id", 1}}}}}, {{"id", "SAP2"}, {"ports", {{{"id", 1}}}}}}},
      {"edge_sg_nexthops",
       {hop(1, "SAP1", 1, "a", 1), hop(2, "a", 2, "b", 1), hop(3, "b", 2, "SAP2", 1),
        hop(4, "SAP2", 1, "b", 2), hop(5, "b", 1, "a", 2), hop(6, "a", 1, "SAP1", 1)}}};
  auto r = nffg_from_json(req);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? *r : Nffg{};
}

TEST(NodeAdapterTest, SettingsAreTypedAndRefusedByPath) {
  NodeSettings s = settings_of(node_spec(
      "un1", {{"SAP1", {{"interface", "eth1"}}},
              {"x",
               {{"gre", {{"local-ip", "10.0.0.1"}, {"remote-ip", "10.0.0.2"}, {"key", 7}}},
                {"border", true}}}}));
  EXPECT_EQ(s.infra, "un1");
  EXPECT_EQ(s.user, "admin");
  EXPECT_EQ(s.saps.at("SAP1").if_name, "eth1");
  EXPECT_TRUE(s.saps.at("x").border);
  EXPECT_EQ(s.saps.at("x").key, "7");
  struct Case {
    json settings;
    const char* says;
  };
  for (const Case& c : {
           Case{{{"password", "pw"}}, "domains.un1.url"},
           Case{{{"url", "http://x:1"}}, "password or password_file"},
           Case{{{"url", "http://x:1"}, {"password", "p"}, {"colour", 1}}, "colour: unknown key"},
           Case{{{"url", "http://x:1"}, {"password", "p"}, {"saps", {{"S", {{"border", true}}}}}},
                "saps.S: give one of interface or gre"},
           Case{{{"url", "http://x:1"}, {"password", "p"}, {"delay", -1}}, "delay"},
           Case{{{"url", "http://x:1"}, {"password", "p"}, {"resources", {{"cpu", "many"}}}},
                "resources.cpu"},
       }) {
    auto r = read_node_settings({"un1", "chainlab-node", c.settings, "."});
    ASSERT_FALSE(r.ok()) << c.settings.dump();
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << r.error().message;
  }
}

TEST(NodeAdapterTest, TheViewComesFromTheDescription) {
  auto d = parse_json(*read_file(kDescription), "fixture");
  ASSERT_TRUE(d.ok());
  NodeSettings s = settings_of(node_spec("un1", {{"SAP1", {{"interface", "eth1"}}}}));
  auto v = node_view(*d, s);
  ASSERT_TRUE(v.ok()) << v.error().message;
  ASSERT_EQ(v->node_infras.size(), 1u);
  EXPECT_EQ(v->node_infras[0].type, "BiSBiS");
  EXPECT_EQ(*v->node_infras[0].supported, (std::vector<std::string>{"nat", "dhcp"}));
  ASSERT_EQ(v->node_saps.size(), 1u);
  EXPECT_EQ(v->edge_links.size(), 1u);
  // It reads back as an NFFG and merges like any view.
  EXPECT_TRUE(read_nffg(to_json(*v).dump()).ok());
  auto live = node_view(description({"bridge"}, 6), s);
  EXPECT_EQ(*live->node_infras[0].resources->cpu, 6);
}

// A node's description of any shape is a view (without what it lacks), never a crash.
TEST(NodeAdapterTest, AnyDescriptionShapeIsAView) {
  NodeSettings s = settings_of(node_spec("un1", json::object()));
  const char* kInfo = R"({"netgroup-domain:informations": )";
  for (std::string d : {std::string("[]"), std::string(R"("x")"), kInfo + std::string("7}"),
                        kInfo + std::string(R"({"capabilities": {"functional-capabilities":
                            {"functional-capability": "nat"}}, "netgroup-domain:resources":
                            {"cpu": {"total-cores": "4"}}}})"),
                        kInfo + std::string(R"({"netgroup-domain:resources":
                            {"cpu": {"total-cores": -2}}}})")}) {
    auto v = node_view(json::parse(d), s);
    ASSERT_TRUE(v.ok()) << d;
    EXPECT_FALSE(v->node_infras[0].resources->cpu.has_value()) << d;
  }
  auto v = node_view(json::parse(kInfo + std::string(R"({"capabilities": {"functional-capabilities":
      {"functional-capability": [7, {"name": 3}, {"name": "ok"}]}}}})")),
                     s);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v->node_infras[0].supported, std::vector<std::string>{"ok"});
}

struct TwoNodes {
  FakeNodeApi* api1 = nullptr;
  FakeNodeApi* api2 = nullptr;
  NodeAdapter* node1 = nullptr;
  std::unique_ptr<Orchestrator> mdo;
};

// un1 (SAP1) and un2 (SAP2) joined by the border SAP "wire" (an interface on each side).
TwoNodes two_nodes() {
  TwoNodes t;
  auto api1 = std::make_unique<FakeNodeApi>(description({"bridge"}));
  auto api2 = std::make_unique<FakeNodeApi>(description({"bridge"}));
  t.api1 = api1.get();
  t.api2 = api2.get();
  json border = {{"interface", "veth-w"}, {"border", true}};
  auto n1 = std::make_unique<NodeAdapter>(
      "un1", settings_of(node_spec("un1", {{"SAP1", {{"interface", "eth1"}}}, {"wire", border}})),
      std::move(api1));
  auto n2 = std::make_unique<NodeAdapter>(
      "un2", settings_of(node_spec("un2", {{"SAP2", {{"interface", "eth2"}}}, {"wire", border}})),
      std::move(api2));
  t.node1 = n1.get();
  std::vector<std::unique_ptr<DomainAdapter>> domains;
  domains.push_back(std::move(n1));
  domains.push_back(std::move(n2));
  auto mdo = Orchestrator::create(std::move(domains), {});
  EXPECT_TRUE(mdo.ok()) << mdo.error().message;
  t.mdo = std::move(mdo).value();
  return t;
}

// The rules of `graph` that take traffic in at `port_in`.
std::vector<json> rules_from(const json& graph, const std::string& port_in) {
  std::vector<json> out;
  for (const auto& r : graph["forwarding-graph"]["big-switch"]["flow-rules"]) {
    if (r["match"]["port_in"] == port_in) {
      out.push_back(r);
    }
  }
  return out;
}

TEST(NodeAdapterTest, AServiceAcrossTwoNodesIsTwoNffgsJoinedByVlans) {
  TwoNodes t = two_nodes();
  ASSERT_TRUE(t.mdo->execute(two_nf_request()).ok());
  ASSERT_EQ(t.api1->graphs.size(), 1u);
  ASSERT_EQ(t.api2->graphs.size(), 1u);
  json g1 = t.api1->graphs.begin()->second;
  json g2 = t.api2->graphs.begin()->second;
  // Both parse with the node's own strict parser.
  auto p1 = unode::parse_nffg(g1);
  ASSERT_TRUE(p1.ok()) << p1.error().message << "\n" << g1.dump(2);
  ASSERT_TRUE(unode::parse_nffg(g2).ok());
  EXPECT_EQ(g1["forwarding-graph"]["VNFs"].size(), 1u);
  std::string a_host = t.mdo->mapping("svc")->nf_infra.at("a");
  json& ga = a_host == "un1" ? g1 : g2;
  json& gb = a_host == "un1" ? g2 : g1;
  // Edge SAP traffic is untagged; hop 2 (a -> b) leaves a's node with VLAN 2 on the border and
  // b's node takes VLAN 2 off the border and pops it into b.
  auto from_sap =
      rules_from(a_host == "un1" ? g1 : g2, a_host == "un1" ? "endpoint:SAP1" : "endpoint:SAP2");
  ASSERT_FALSE(from_sap.empty());
  EXPECT_FALSE(from_sap[0]["match"].contains("vlan_id"));
  auto out_of_a = rules_from(ga, "vnf:a:inout:1");
  ASSERT_EQ(out_of_a.size(), 1u);
  EXPECT_EQ(out_of_a[0]["actions"][0], json({{"push_vlan", 2}})) << out_of_a[0].dump();
  EXPECT_EQ(out_of_a[0]["actions"][1], json({{"output_to_port", "endpoint:wire"}}));
  bool found = false;
  for (const auto& r : rules_from(gb, "endpoint:wire")) {
    if (r["match"].value("vlan_id", 0) == 2) {
      found = true;
      EXPECT_EQ(r["actions"][0], json({{"pop_vlan", true}}));
      EXPECT_EQ(r["actions"][1], json({{"output_to_port", "vnf:b:inout:0"}}));
    }
  }
  EXPECT_TRUE(found) << gb.dump(2);
}

TEST(NodeAdapterTest, UpdateThenDeleteAndAFailingNodeLeavesNothing) {
  TwoNodes t = two_nodes();
  t.api2->fail = true;
  ASSERT_FALSE(t.mdo->execute(two_nf_request()).ok());
  EXPECT_TRUE(t.api1->graphs.empty());  // un1's graph was deleted again
  EXPECT_TRUE(t.api2->graphs.empty());
  t.api2->fail = false;
  ASSERT_TRUE(t.mdo->execute(two_nf_request()).ok());
  ASSERT_TRUE(t.mdo->execute(two_nf_request()).ok());  // again: an update of both graphs
  EXPECT_EQ(t.api1->updates + t.api2->updates, 2);
  Nffg del = two_nf_request();
  del.parameters.mode = Mode::kDelete;
  ASSERT_TRUE(t.mdo->execute(del).ok());
  EXPECT_TRUE(t.api1->graphs.empty());
  EXPECT_TRUE(t.api2->graphs.empty());
}

TEST(NodeAdapterTest, ACreateWhoseAnswerIsLostLeavesNoGraph) {
  TwoNodes t = two_nodes();
  t.api2->lose_answer = true;
  Status s = t.mdo->execute(two_nf_request());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("timeout"), std::string::npos) << s.error().message;
  EXPECT_TRUE(t.api1->graphs.empty());
  EXPECT_TRUE(t.api2->graphs.empty()) << "found by its name mdo-svc and deleted";
}

TEST(NodeAdapterTest, TagsBecomeVlansTheSameWayOnBothSides) {
  EXPECT_EQ(tag_vlan("SAP1|comp|1"), 1);
  EXPECT_EQ(tag_vlan("a|b|4094"), 4094);
  uint16_t h = tag_vlan("a|b|565f4fec-42ac");
  EXPECT_GE(h, 1);
  EXPECT_LE(h, 4094);
  EXPECT_EQ(h, tag_vlan("a|b|565f4fec-42ac"));
  EXPECT_NE(tag_vlan("a|b|4095"), 4095);
}

// Two hops leaving over the border whose tags hash to one VLAN id are refused, not mixed.
TEST(NodeAdapterTest, TwoTagsOnOneVlanAreRefused) {
  std::string other;
  for (int n = 0; other.empty(); ++n) {  // a hop id whose tag hashes to hop 2's VLAN
    std::string id = "x" + std::to_string(n);
    if (tag_vlan("a|b|" + id) == 2) {
      other = id;
    }
  }
  TwoNodes t = two_nodes();
  json req = to_json(two_nf_request());
  req["edge_sg_nexthops"] = {hop(1, "SAP1", 1, "a", 1), hop(2, "a", 2, "b", 1),
                             hop(3, "b", 2, "SAP2", 1)};
  req["edge_sg_nexthops"].push_back(
      {{"id", other}, {"src_node", "a"}, {"src_port", 2}, {"dst_node", "b"}, {"dst_port", 2}});
  auto r = nffg_from_json(req);
  ASSERT_TRUE(r.ok()) << r.error().message;
  Status s = t.mdo->execute(*r);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("would share VLAN 2"), std::string::npos) << s.error().message;
  EXPECT_TRUE(t.api1->graphs.empty());
  EXPECT_TRUE(t.api2->graphs.empty());
}

// A real description bus: the orchestrator's view follows what the node publishes.
TEST(NodeAdapterTest, TheViewFollowsTheNodesDescriptionBus) {
  auto bus = unode::DescriptionBus::bind("tcp://127.0.0.1:*");
  ASSERT_TRUE(bus.ok()) << bus.error().message;
  (*bus)->publish(description({"bridge"}));
  TwoNodes t = two_nodes();
  auto feed = DescriptionFeed::connect((*bus)->endpoint(),
                                       [n = t.node1](json d) { n->set_description(std::move(d)); });
  ASSERT_TRUE(feed.ok());
  t.node1->keep_feed(std::shared_ptr<DescriptionFeed>(std::move(*feed)));
  (*bus)->publish(description({"bridge", "nat"}, 8));
  auto deadline = std::chrono::steady_clock::now() + 10s;
  auto cpu = [&] { return *t.mdo->view().infra(Id("un1"))->resources->cpu; };
  while (cpu() != 8 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(cpu(), 8);
  EXPECT_GE(t.mdo->refreshes(), 1u);
  EXPECT_EQ(t.mdo->view().infra(Id("un1"))->supported->size(), 2u);
}

}  // namespace
}  // namespace chainlab::escape
