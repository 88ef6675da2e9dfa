// Recursive functional decomposition (COMPOSER §5.6, Figure 2): the seed's "security" function,
// a firewall and an advertisement blocker in a sub-graph, replaced by them with its ports as
// wires; nesting; and the sub-graphs that cannot be composed, each refused naming why.
#include "frontends/unode/decompose.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "common/files.h"

namespace chainlab::unode {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

json decompose_rule(const std::string& id, const std::string& in, const std::string& out) {
  return {{"id", id},
          {"priority", 10},
          {"match", {{"port_in", in}}},
          {"actions", {{{"output_to_port", out}}}}};
}

json function(const std::string& id, const std::string& name) {
  return {{"id", id}, {"name", name}, {"ports", {{{"id", "inout:0"}}, {{"id", "inout:1"}}}}};
}

json port_endpoint(const std::string& id, const std::string& port) {
  return {{"id", id}, {"type", "interface"}, {"interface", {{"if-name", port}}}};
}

// in (the function's inout:0) -> fw -> adb -> out (its inout:1), and back.
json security_subgraph() {
  return {{"forwarding-graph",
           {{"VNFs", {function("fw", "firewall"), function("adb", "adv-blocker")}},
            {"end-points", {port_endpoint("in", "inout:0"), port_endpoint("out", "inout:1")}},
            {"big-switch",
             {{"flow-rules",
               {decompose_rule("1", "endpoint:in", "vnf:fw:inout:0"),
                decompose_rule("2", "vnf:fw:inout:1", "vnf:adb:inout:0"),
                decompose_rule("3", "vnf:adb:inout:1", "endpoint:out"),
                decompose_rule("4", "endpoint:out", "vnf:adb:inout:1"),
                decompose_rule("5", "vnf:adb:inout:0", "vnf:fw:inout:1"),
                decompose_rule("6", "vnf:fw:inout:0", "endpoint:in")}}}}}}};
}

// eth0 <-> security <-> eth1.
json user_graph(const json& extra_match = json::object()) {
  json first = decompose_rule("1", "endpoint:a", "vnf:s:inout:0");
  first["match"].update(extra_match);
  return {{"forwarding-graph",
           {{"VNFs", {function("s", "security")}},
            {"end-points",
             {{{"id", "a"}, {"type", "interface"}, {"interface", {{"if-name", "eth0"}}}},
              {{"id", "b"}, {"type", "interface"}, {"interface", {{"if-name", "eth1"}}}}}},
            {"big-switch",
             {{"flow-rules",
               {first, decompose_rule("2", "vnf:s:inout:1", "endpoint:b"),
                decompose_rule("3", "endpoint:b", "vnf:s:inout:1"),
                decompose_rule("4", "vnf:s:inout:0", "endpoint:a")}}}}}}};
}

json template_json(const std::string& capability, bool expandable, const std::string& uri) {
  return {{"functional-capability", capability},
          {"vnf-type", "native"},
          {"uri", uri},
          {"expandable", expandable},
          {"ports", {{{"position", "0-1"}, {"label", "inout"}}}}};
}

class DecomposeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/chainlab-decompose-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    add("security", template_json("security", true, "security.json"));
    add("firewall", template_json("firewall", false, "fw"));
    add("adv-blocker", template_json("adv-blocker", false, "adb"));
    write("security.json", security_subgraph());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void add(const std::string& id, const json& t) {
    auto parsed = parse_template(t, id);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    ASSERT_TRUE(repo_.add(*parsed).ok());
  }
  void write(const std::string& file, const json& doc) {
    ASSERT_TRUE(write_file(dir_ + "/" + file, doc.dump(), true).ok());
  }
  Result<Nffg> run(const json& doc) {
    auto g = parse_nffg(doc);
    EXPECT_TRUE(g.ok()) << g.error().message;
    return decompose(*g, {repo_, {}, dir_, {}, 4});
  }
  // "in -> out" of every rule, for compact expectations.
  static std::vector<std::string> wiring(const Nffg& g) {
    std::vector<std::string> out;
    for (const FlowRule& r : g.rules) {
      std::string outs;
      for (const PortRef& p : r.outputs()) {
        outs += (outs.empty() ? "" : ",") + p.text();
      }
      out.push_back(r.id + ": " + r.match.port_in.text() + " -> " + outs);
    }
    return out;
  }

  std::string dir_;
  TemplateRepository repo_;
};

TEST_F(DecomposeTest, AnExpandableFunctionIsReplacedByItsSubGraphWithItsPortsAsWires) {
  auto g = run(user_graph({{"ether_type", "0x800"}}));
  ASSERT_TRUE(g.ok()) << g.error().message;
  ASSERT_EQ(g->vnfs.size(), 2u);
  EXPECT_EQ(g->vnfs[0].id, "s.fw");
  EXPECT_EQ(g->vnfs[1].id, "s.adb");
  EXPECT_THAT(wiring(*g),
              ElementsAre("1: endpoint:a -> vnf:s.fw:inout:0", "3: endpoint:b -> vnf:s.adb:inout:1",
                          "s.2: vnf:s.fw:inout:1 -> vnf:s.adb:inout:0",
                          "s.3: vnf:s.adb:inout:1 -> endpoint:b",
                          "s.5: vnf:s.adb:inout:0 -> vnf:s.fw:inout:1",
                          "s.6: vnf:s.fw:inout:0 -> endpoint:a"));
  EXPECT_EQ(g->rules[0].match.ether_type, 0x800) << "the outer rule keeps its match";
  EXPECT_EQ(g->endpoints.size(), 2u) << "the sub-graph's end-points were only wires";
}

TEST_F(DecomposeTest, AGraphWithoutExpandableFunctionsIsUnchanged) {
  json doc = user_graph();
  doc["forwarding-graph"]["VNFs"][0]["name"] = "firewall";
  auto g = run(doc);
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(*g, *parse_nffg(doc));
}

// security = [fw, inner], inner = [adb] (expandable within expandable).
TEST_F(DecomposeTest, FunctionsWithinFunctionsAreDecomposedRecursively) {
  add("inner", template_json("inner", true, "inner.json"));
  json sub = security_subgraph();
  sub["forwarding-graph"]["VNFs"][1] = function("adb", "inner");
  write("security.json", sub);
  json inner = security_subgraph();
  inner["forwarding-graph"]["VNFs"] = json::array({function("x", "adv-blocker")});
  inner["forwarding-graph"]["big-switch"]["flow-rules"] = {
      decompose_rule("1", "endpoint:in", "vnf:x:inout:0"),
      decompose_rule("2", "vnf:x:inout:1", "endpoint:out"),
      decompose_rule("3", "endpoint:out", "vnf:x:inout:1"),
      decompose_rule("4", "vnf:x:inout:0", "endpoint:in")};
  write("inner.json", inner);
  auto g = run(user_graph());
  ASSERT_TRUE(g.ok()) << g.error().message;
  ASSERT_EQ(g->vnfs.size(), 2u);
  EXPECT_EQ(g->vnfs[1].id, "s.adb.x");
  EXPECT_THAT(wiring(*g), ::testing::Contains("s.2: vnf:s.fw:inout:1 -> vnf:s.adb.x:inout:0"));
  EXPECT_THAT(wiring(*g), ::testing::Contains("s.adb.2: vnf:s.adb.x:inout:1 -> endpoint:b"));
}

TEST_F(DecomposeTest, ATemplateThatContainsItselfIsRefused) {
  json sub = security_subgraph();
  sub["forwarding-graph"]["VNFs"][1] = function("adb", "security");
  write("security.json", sub);
  auto g = run(user_graph());
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(g.error().message, HasSubstr("nested deeper than 4 levels"));
}

TEST_F(DecomposeTest, SubGraphsThatCannotBeComposedAreRefusedNamingWhy) {
  struct Case {
    std::function<void(json&)> change;
    std::string why;
  };
  std::vector<Case> cases = {
      {[](json& s) {
         s["forwarding-graph"]["big-switch"]["flow-rules"][0]["match"]["ether_type"] = "0x800";
       },
       "rule 1 takes traffic from its port inout:0 and so may only match port_in and output"},
      {[](json& s) { s["forwarding-graph"]["big-switch"]["flow-rules"].erase(0); },
       "traffic to its port inout:0 from outside goes nowhere"},
      {[](json& s) {
         s["forwarding-graph"]["end-points"][0] = {
             {"id", "in"}, {"type", "internal"}, {"internal", {{"internal-group", "g"}}}};
       },
       "sub-graph end-point 'in' is of type internal"},
      {[](json& s) {
         s["forwarding-graph"]["big-switch"]["flow-rules"].push_back(
             decompose_rule("7", "endpoint:in", "vnf:adb:inout:0"));
       },
       "two rules take traffic from its port inout:0 inside"},
  };
  for (const Case& c : cases) {
    json sub = security_subgraph();
    c.change(sub);
    write("security.json", sub);
    auto g = run(user_graph());
    ASSERT_FALSE(g.ok()) << c.why;
    EXPECT_EQ(g.error().code, ErrorCode::kInvalidArgument) << c.why;
    EXPECT_THAT(g.error().message, HasSubstr("function s (expandable): " + c.why));
  }
}

TEST_F(DecomposeTest, AMissingOrBrokenSubGraphFileIsAPreconditionFailure) {
  for (const char* text : {"", "{\"forwarding-graph\": {\"VNFs\": 7}}", "not json"}) {
    ASSERT_TRUE(write_file(dir_ + "/security.json", text, true).ok());
    auto g = run(user_graph());
    ASSERT_FALSE(g.ok()) << text;
    EXPECT_EQ(g.error().code, ErrorCode::kFailedPrecondition) << text;
    EXPECT_THAT(g.error().message, HasSubstr("template 'security': sub-graph")) << text;
  }
  std::filesystem::remove(dir_ + "/security.json");
  EXPECT_EQ(run(user_graph()).error().code, ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace chainlab::unode
