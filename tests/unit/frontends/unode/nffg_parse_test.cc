// The NF-FG parser: the Universal Node's examples (../shared/fixtures/nffg-un), the seed's SF-FG
// spelling, round trips through to_json, and the reference's strict rules with errors naming the
// field.
#include "frontends/unode/nffg.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "common/files.h"

namespace chainlab::unode {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const std::string kNffgFixtures = CHAINLAB_SOURCE_DIR "/../shared/fixtures/nffg-un/";

// The passthrough example of the reference (one VNF between two interfaces), inline so that the
// test runs without the fixtures too.
json passthrough_doc() {
  return json::parse(R"({"forwarding-graph": {
    "name": "Forwarding graph",
    "VNFs": [{"id": "00000001", "name": "example",
              "ports": [{"id": "inout:0", "name": "data-port"},
                        {"id": "inout:1", "name": "data-port"}]}],
    "end-points": [
      {"id": "00000002", "name": "ingress", "type": "interface", "interface": {"if-name": "eth0"}},
      {"id": "00000003", "name": "egress", "type": "interface", "interface": {"if-name": "eth1"}}],
    "big-switch": {"flow-rules": [
      {"id": "1", "priority": 1, "match": {"port_in": "endpoint:00000002"},
       "actions": [{"output_to_port": "vnf:00000001:inout:0"}]},
      {"id": "2", "priority": 1, "match": {"port_in": "vnf:00000001:inout:1"},
       "actions": [{"output_to_port": "endpoint:00000003"}]}]}}})");
}

std::string error_of(const json& doc) {
  auto g = parse_nffg(doc);
  EXPECT_FALSE(g.ok()) << doc.dump();
  if (g.ok()) {
    return "";
  }
  EXPECT_EQ(g.error().code, ErrorCode::kInvalidArgument);
  return g.error().message;
}

TEST(NffgParseTest, TheUniversalNodesExamples) {
  for (const char* name : {"simple_passthrough_nffg.json", "passthrough_with_vnf_nffg.json"}) {
    auto text = read_file(kNffgFixtures + name);
    if (!text.ok()) {
      GTEST_SKIP() << "../shared/fixtures/nffg-un not present next to the source tree";
    }
    auto g = parse_nffg(json::parse(*text));
    ASSERT_TRUE(g.ok()) << name << ": " << g.error().message;
    EXPECT_EQ(g->name, "Forwarding graph");
    EXPECT_EQ(g->endpoints.size(), 2u);
    EXPECT_EQ(g->endpoints[0].if_name, "eth0");
    auto again = parse_nffg(to_json(*g));
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(*again, *g) << "to_json then parse gives the same graph";
  }
}

TEST(NffgParseTest, ThePassthroughGraphsModel) {
  auto g = parse_nffg(passthrough_doc());
  ASSERT_TRUE(g.ok()) << g.error().message;
  ASSERT_EQ(g->vnfs.size(), 1u);
  EXPECT_EQ(g->vnfs[0].ports[1].id, "inout:1");
  ASSERT_EQ(g->rules.size(), 2u);
  EXPECT_EQ(g->rules[0].match.port_in.text(), "endpoint:00000002");
  ASSERT_EQ(g->rules[0].outputs().size(), 1u);
  EXPECT_TRUE(g->rules[0].outputs()[0].is_vnf());
  EXPECT_EQ(g->rules[0].outputs()[0].id, "00000001");
  EXPECT_EQ(g->rules[0].outputs()[0].port, "inout:0");
}

TEST(NffgParseTest, TheSeedsSpellingReadsAsTheSameGraph) {
  json seed = json::parse(R"({"sffg": {
    "id": "0x1", "name": "example graph",
    "SFs": [{"id": "0x1", "name": "firewall", "ports": [{"id": "0xa", "name": "internal port"}]}],
    "saps": [{"id": "0x1", "type": "interface", "interface": {"if-name": "eth1"}},
             {"id": "0x2", "type": "vlan", "vlan": {"vlan-id": "25", "if-name": "eth1"}},
             {"id": "0x3", "type": "gre", "gre": {"local-ip": "10.0.0.1", "remote-ip": "10.0.0.2",
                                                  "gre-key": "0x1"}}],
    "flowrules": [{"id": "0x1", "priority": 1, "match": {"port_in": "service-access-point:0x1"},
                   "actions": {"output_to_port": "sf:0x1:0xa"}}]}})");
  auto g = parse_nffg(seed);
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(g->id, "0x1");
  EXPECT_EQ(g->vnfs[0].name, "firewall");
  EXPECT_EQ(g->endpoints[1].type, EndpointType::kVlan);
  EXPECT_EQ(g->endpoints[1].vlan_id, 25);
  EXPECT_EQ(g->endpoints[2].type, EndpointType::kGreTunnel);
  EXPECT_EQ(g->endpoints[2].remote_ip, "10.0.0.2");
  EXPECT_EQ(g->rules[0].match.port_in.text(), "endpoint:0x1");
  EXPECT_EQ(g->rules[0].outputs()[0].text(), "vnf:0x1:0xa");
  auto reference = parse_nffg(to_json(*g));
  ASSERT_TRUE(reference.ok()) << reference.error().message;
  EXPECT_EQ(*reference, *g);
}

TEST(NffgParseTest, EveryEndpointTypeMatchFieldAndActionRoundTrips) {
  json doc = passthrough_doc();
  auto& fg = doc["forwarding-graph"];
  fg["end-points"].push_back(
      {{"id", "v"}, {"type", "vlan"}, {"vlan", {{"vlan-id", "25"}, {"if-name", "eth0"}}}});
  fg["end-points"].push_back(
      {{"id", "g"},
       {"type", "gre-tunnel"},
       {"gre-tunnel", {{"local-ip", "10.0.0.1"}, {"remote-ip", "10.0.0.2"}, {"gre-key", "1"}}}});
  fg["end-points"].push_back(
      {{"id", "i"}, {"type", "internal"}, {"internal", {{"internal-group", "shared"}}}});
  fg["end-points"].push_back(
      {{"id", "h"},
       {"type", "host-stack"},
       {"host-stack", {{"configuration", "static"}, {"IPv4", "10.9.0.1/24"}}}});
  fg["big-switch"]["flow-rules"].push_back(json::parse(R"({"id": "3", "priority": 65535,
    "match": {"port_in": "endpoint:v", "ether_type": "0x0800", "vlan_id": "25",
              "vlan_priority": "3", "source_mac": "02:00:00:00:00:01",
              "dest_mac": "ff:ff:ff:ff:ff:ff", "source_ip": "10.0.0.0/24", "dest_ip": "10.0.1.1",
              "tos_bits": "4", "source_port": "1000", "dest_port": "80", "protocol": "6",
              "hard_timeout": "30"},
    "actions": [{"pop_vlan": true}, {"push_vlan": "30"}, {"set_vlan_id": "31"},
                {"set_vlan_priority": "2"}, {"set_ethernet_src_address": "02:00:00:00:00:02"},
                {"set_ethernet_dst_address": "02:00:00:00:00:03"},
                {"set_ip_src_address": "10.1.0.1"}, {"set_ip_dst_address": "10.1.0.2"},
                {"set_ip_tos": "8"}, {"set_l4_src_port": "5000"}, {"set_l4_dst_port": "5001"},
                {"output_to_queue": "1"}, {"output_to_controller": true},
                {"output_to_port": "endpoint:g"}]})"));
  fg["big-switch"]["flow-rules"].push_back(json::parse(
      R"({"id": "4", "priority": 2, "match": {"port_in": "endpoint:h"}, "actions": [{"drop": true}]})"));
  auto g = parse_nffg(doc);
  ASSERT_TRUE(g.ok()) << g.error().message;
  const FlowRule& r = g->rules[2];
  EXPECT_EQ(r.match.ether_type, 0x0800);
  EXPECT_EQ(r.match.dest_port, 80);
  EXPECT_EQ(r.actions.size(), 14u);
  EXPECT_EQ(r.actions[1].kind, Action::Kind::kPushVlan);
  EXPECT_EQ(r.actions[1].value, "30");
  EXPECT_EQ(g->rules[3].actions[0].kind, Action::Kind::kDrop);
  EXPECT_EQ(g->endpoints[5].configuration, "static");
  auto again = parse_nffg(to_json(*g));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(*again, *g);
}

TEST(NffgParseTest, UnknownKeysAreRefusedAtEveryLevel) {
  std::vector<std::pair<json::json_pointer, std::string>> places = {
      {json::json_pointer("/forwarding-graph"), "forwarding-graph.colour"},
      {json::json_pointer("/forwarding-graph/VNFs/0"), "forwarding-graph.VNFs[0].colour"},
      {json::json_pointer("/forwarding-graph/VNFs/0/ports/0"),
       "forwarding-graph.VNFs[0].ports[0].colour"},
      {json::json_pointer("/forwarding-graph/end-points/0"),
       "forwarding-graph.end-points[0].colour"},
      {json::json_pointer("/forwarding-graph/end-points/0/interface"),
       "forwarding-graph.end-points[0].interface.colour"},
      {json::json_pointer("/forwarding-graph/big-switch"), "forwarding-graph.big-switch.colour"},
      {json::json_pointer("/forwarding-graph/big-switch/flow-rules/0"),
       "forwarding-graph.big-switch.flow-rules[0].colour"},
      {json::json_pointer("/forwarding-graph/big-switch/flow-rules/0/match"),
       "forwarding-graph.big-switch.flow-rules[0].match.colour"},
  };
  for (const auto& [where, path] : places) {
    json doc = passthrough_doc();
    doc[where]["colour"] = "red";
    EXPECT_THAT(error_of(doc), HasSubstr(path + ": unknown key")) << path;
  }
  json doc = passthrough_doc();
  doc["forwarding-graph"]["big-switch"]["flow-rules"][0]["actions"][0]["teleport"] = true;
  EXPECT_THAT(error_of(doc), HasSubstr("actions[0].teleport: unknown action"));
  doc = passthrough_doc();
  doc["extra"] = 1;
  EXPECT_THAT(error_of(doc), HasSubstr("extra: unknown key"));
}

TEST(NffgParseTest, MandatoryFieldsAndReferences) {
  auto without = [](const char* pointer, const char* key) {
    json doc = passthrough_doc();
    doc[json::json_pointer(pointer)].erase(key);
    return error_of(doc);
  };
  EXPECT_THAT(without("/forwarding-graph/VNFs/0", "name"), HasSubstr("VNFs[0].name: is required"));
  EXPECT_THAT(without("/forwarding-graph/VNFs/0", "id"), HasSubstr("VNFs[0].id: is required"));
  EXPECT_THAT(without("/forwarding-graph/end-points/0", "type"), HasSubstr("type: is required"));
  EXPECT_THAT(without("/forwarding-graph/big-switch/flow-rules/0/match", "port_in"),
              HasSubstr("port_in: is required"));

  auto with_output = [](const std::string& port) {
    json doc = passthrough_doc();
    doc["forwarding-graph"]["big-switch"]["flow-rules"][0]["actions"][0]["output_to_port"] = port;
    return error_of(doc);
  };
  EXPECT_THAT(with_output("vnf:nope:inout:0"), HasSubstr("no VNF 'nope'"));
  EXPECT_THAT(with_output("vnf:00000001:inout:7"), HasSubstr("has no port 'inout:7'"));
  EXPECT_THAT(with_output("endpoint:nope"), HasSubstr("no end-point 'nope'"));
  EXPECT_THAT(with_output("eth0"), HasSubstr("is not a port"));

  json doc = passthrough_doc();
  doc["forwarding-graph"]["big-switch"]["flow-rules"][0].erase("priority");
  auto defaulted = parse_nffg(doc);
  ASSERT_TRUE(defaulted.ok()) << defaulted.error().message;
  EXPECT_EQ(defaulted->rules[0].priority, 0) << "optional, 0, as in the reference";
  doc["forwarding-graph"]["VNFs"][0]["ports"][0]["trusted"] = true;
  EXPECT_THAT(error_of(doc), HasSubstr("ports[0].trusted: a trusted port needs its mac"));
  doc["forwarding-graph"]["VNFs"][0]["ports"][0]["mac"] = "03:00:00:00:00:01";
  EXPECT_THAT(error_of(doc), HasSubstr("ports[0].mac: expected a unicast MAC"));
  doc["forwarding-graph"]["VNFs"][0]["ports"][0]["mac"] = "02-00-00-00-00-0A";
  auto normalised = parse_nffg(doc);
  ASSERT_TRUE(normalised.ok()) << normalised.error().message;
  EXPECT_EQ(normalised->vnfs[0].ports[0].mac, "02:00:00:00:00:0a");
  doc = passthrough_doc();
  doc["forwarding-graph"]["big-switch"]["flow-rules"][0]["actions"] =
      json::parse(R"([{"set_vlan_id": "5"}])");
  EXPECT_THAT(error_of(doc), HasSubstr("needs an output_to_port"));
  doc["forwarding-graph"]["big-switch"]["flow-rules"][0]["actions"] =
      json::parse(R"([{"drop": true}, {"output_to_port": "endpoint:00000003"}])");
  EXPECT_THAT(error_of(doc), HasSubstr("drop together with output_to_port"));
  doc = passthrough_doc();
  doc["forwarding-graph"]["end-points"][1]["id"] = "00000002";
  EXPECT_THAT(error_of(doc), HasSubstr("two end-points have the id '00000002'"));
}

TEST(NffgParseTest, MalformedValuesNameTheirField) {
  auto set = [](const char* pointer, json value) {
    json doc = passthrough_doc();
    doc[json::json_pointer(pointer)] = std::move(value);
    return error_of(doc);
  };
  EXPECT_THAT(set("/forwarding-graph/big-switch/flow-rules/0/priority", 70000),
              HasSubstr("flow-rules[0].priority"));
  EXPECT_THAT(set("/forwarding-graph/big-switch/flow-rules/0/match/dest_mac", "zz:00"),
              HasSubstr("match.dest_mac: expected a MAC address"));
  EXPECT_THAT(set("/forwarding-graph/big-switch/flow-rules/0/match/source_ip", "10.0.0.256"),
              HasSubstr("match.source_ip: expected an IPv4"));
  EXPECT_THAT(set("/forwarding-graph/big-switch/flow-rules/0/match/vlan_id", "4095"),
              HasSubstr("match.vlan_id"));
  EXPECT_THAT(set("/forwarding-graph/big-switch/flow-rules/0/match/ether_type", "0x10000"),
              HasSubstr("match.ether_type"));
  EXPECT_THAT(set("/forwarding-graph/end-points/0/type", "wormhole"),
              HasSubstr("unknown end-point type 'wormhole'"));
  EXPECT_THAT(set("/forwarding-graph/VNFs", json::object()), HasSubstr("VNFs: expected a list"));
  EXPECT_THAT(set("/forwarding-graph/VNFs/0/ports/0/mac", "not-a-mac"), HasSubstr("mac"));
  EXPECT_THAT(set("/forwarding-graph/big-switch/flow-rules/0/actions/0/output_to_port", 5),
              HasSubstr("output_to_port"));
  EXPECT_THAT(error_of(json::array()), HasSubstr("expected a JSON object"));
  EXPECT_THAT(error_of(json::object()), HasSubstr("forwarding-graph: is required"));
}

TEST(NffgParseTest, BoundedInput) {
  json doc = passthrough_doc();
  NffgLimits limits;
  limits.vnfs = 1;
  limits.text = 16;
  doc["forwarding-graph"]["VNFs"].push_back(doc["forwarding-graph"]["VNFs"][0]);
  auto g = parse_nffg(doc, limits);
  ASSERT_FALSE(g.ok());
  EXPECT_THAT(g.error().message, HasSubstr("more than 1 items"));
  doc = passthrough_doc();
  doc["forwarding-graph"]["name"] = std::string(17, 'x');
  g = parse_nffg(doc, limits);
  ASSERT_FALSE(g.ok());
  EXPECT_THAT(g.error().message, HasSubstr("name: longer than 16 bytes"));
}

}  // namespace
}  // namespace chainlab::unode
