// son-emu's REST shapes from typed emulator views; expected values copied from son-emu's code
// (node.py getNetworkStatus / Datacenter.getStatus, net.py _chainAddFlow).
#include "endpoints/emulator/sonemu_shapes.h"

#include <gtest/gtest.h>

namespace chainlab::endpoints {
namespace {

using nlohmann::json;

emulator::Topology two_pops_and_a_switch() {
  emulator::Topology t;
  emulator::PopSpec pop;
  pop.name = "datacenter0";
  pop.metadata = {{"unittest_dc", "0"}};
  EXPECT_TRUE(t.add_pop(pop).ok());
  pop.name = "datacenter1";
  pop.metadata.clear();
  EXPECT_TRUE(t.add_pop(pop).ok());
  emulator::SwitchSpec sw;
  sw.name = "s1";
  EXPECT_TRUE(t.add_switch(sw).ok());
  emulator::SapSpec sap;
  sap.name = "h0";
  sap.pop = "datacenter0";
  EXPECT_TRUE(t.add_sap(sap).ok());
  return t;
}

emulator::InterfaceInfo intf(const std::string& name, const std::string& ip,
                             dataplane::PortId port) {
  emulator::InterfaceInfo i;
  i.name = name;
  i.ip = ip;
  i.mac = "02:00:00:00:00:01";
  i.host_ifname = "clxv1";
  i.pop_port = "vnf1:" + name;
  i.port = port;
  return i;
}

TEST(SonemuNamesTest, PopsAreNumberedInTopologyOrderSwitchesKeepTheirNames) {
  SonemuNames names(two_pops_and_a_switch());
  EXPECT_EQ(names.internal_name("datacenter0"), "dc1");
  EXPECT_EQ(names.internal_name("datacenter1"), "dc2");
  EXPECT_EQ(names.switch_name("datacenter1"), "dc2.s1");
  EXPECT_EQ(names.switch_name("s1"), "s1");
}

TEST(SonemuShapesTest, InterfaceIpKeepsItsPrefixAndNetmaskIsThePrefixLength) {
  SonemuNames names(two_pops_and_a_switch());
  auto input = intf("input", "10.0.10.1/24", 3);
  json j = interface_status_json(input, "datacenter0", names);
  EXPECT_EQ(j, json::parse(R"({"intf_name": "input", "ip": "10.0.10.1/24", "netmask": 24,
      "mac": "02:00:00:00:00:01", "up": true, "status": "OK", "dc_portname": "dc1.s1-eth3",
      "host_ifname": "clxv1"})"));

  input.ip = "";
  j = interface_status_json(input, "datacenter0", names);
  EXPECT_EQ(j["ip"], "");
  EXPECT_TRUE(j["netmask"].is_null());
}

TEST(SonemuShapesTest, ComputeStatusHasEverySonemuKey) {
  SonemuNames names(two_pops_and_a_switch());
  emulator::ComputeInfo info;
  info.name = "vnf1";
  info.pop = "datacenter1";
  info.interfaces.push_back(intf("emu0", "10.0.0.1/8", 2));
  json j = compute_status_json(info, names);
  for (const char* key : {"name", "network", "docker_network", "image", "flavor_name", "cpu_quota",
                          "cpu_period", "cpu_shares", "cpuset", "mem_limit", "memswap_limit",
                          "state", "id", "short_id", "hostname", "datacenter"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["network"][0]["ip"], "10.0.0.1/8");
  EXPECT_EQ(j["network"][0]["netmask"], 8);
  EXPECT_EQ(j["network"][0]["dc_portname"], "dc2.s1-eth2");
  EXPECT_EQ(j["datacenter"], "datacenter1");
}

TEST(SonemuShapesTest, PopStatusHasSonemuNamesAndSaps) {
  auto t = two_pops_and_a_switch();
  SonemuNames names(t);
  emulator::PopInfo pop;
  pop.name = "datacenter0";
  pop.internal_name = "cl1-datacenter0";
  pop.metadata = {{"unittest_dc", "0"}};
  pop.instances = {"vnf1", "vnf2"};
  json j = pop_status_json(pop, t, names);
  EXPECT_EQ(j["label"], "datacenter0");
  EXPECT_EQ(j["internalname"], "dc1");
  EXPECT_EQ(j["switch"], "dc1.s1");
  EXPECT_EQ(j["n_running_containers"], 2);
  EXPECT_EQ(j["vnf_list"], json::parse(R"(["vnf1", "vnf2"])"));
  EXPECT_EQ(j["ext SAP list"], json::parse(R"(["h0"])"));
  EXPECT_EQ(j["metadata"], json::parse(R"({"unittest_dc": "0"})"));
  EXPECT_EQ(j["lsi"], "cl1-datacenter0");
}

emulator::ChainInfo chain(bool bidirectional) {
  emulator::ChainInfo c;
  c.request.src = "vnf1";
  c.request.dst = "vnf3";
  c.request.bidirectional = bidirectional;
  c.path = {"datacenter0", "s1", "datacenter1"};
  c.vlan = 7;
  return c;
}

TEST(SonemuShapesTest, ChainAnswerIsSonemusTextWithTheRequestsRawValues) {
  SonemuNames names(two_pops_and_a_switch());
  // What son-emu's CLI sends: query strings, no match.
  json params = {{"vnf_src_name", "vnf1"}, {"priority", "1000"}, {"cookie", "10"}};
  EXPECT_EQ(chain_answer("add-flow", chain(false), params, names),
            "success: add-flow between vnf1 and vnf3 with options: {\n"
            " \"priority\": \"1000\",\n"
            " \"cookie\": \"10\",\n"
            " \"vlan\": 7,\n"
            " \"path\": [\n"
            "  \"dc1.s1\",\n"
            "  \"s1\",\n"
            "  \"dc2.s1\"\n"
            " ],\n"
            " \"match_input\": null\n"
            "}");
}

TEST(SonemuShapesTest, BidirectionalAnswerHasTheReverseLineAndDelFlowsHasNoVlan) {
  SonemuNames names(two_pops_and_a_switch());
  json params = {{"cookie", 11}, {"match", "dl_type=0x0800"}};  // a JSON body: ints stay ints
  std::string text = chain_answer("del-flows", chain(true), params, names);
  std::string one =
      "success: del-flows between vnf1 and vnf3 with options: {\n"
      " \"priority\": null,\n"
      " \"cookie\": 11,\n"
      " \"vlan\": null,\n"
      " \"path\": [\n"
      "  \"dc1.s1\",\n"
      "  \"s1\",\n"
      "  \"dc2.s1\"\n"
      " ],\n"
      " \"match_input\": \"dl_type=0x0800\"\n"
      "}";
  std::string back =
      "success: del-flows between vnf3 and vnf1 with options: {\n"
      " \"priority\": null,\n"
      " \"cookie\": 11,\n"
      " \"vlan\": null,\n"
      " \"path\": [\n"
      "  \"dc2.s1\",\n"
      "  \"s1\",\n"
      "  \"dc1.s1\"\n"
      " ],\n"
      " \"match_input\": \"dl_type=0x0800\"\n"
      "}";
  EXPECT_EQ(text, one + "\n" + back);
}

TEST(SonemuShapesTest, UntaggedChainHasANullVlanAndNonAsciiIsEscapedAsPythonDoes) {
  SonemuNames names(two_pops_and_a_switch());
  auto c = chain(false);
  c.vlan = 0;
  c.path = {"datacenter0"};
  std::string text = chain_answer("add-flow", c, {{"match", "\xc3\xa9"}}, names);
  EXPECT_NE(text.find("\"vlan\": null"), std::string::npos) << text;
  EXPECT_NE(text.find("\"match_input\": \"\\u00e9\""), std::string::npos) << text;
}

}  // namespace
}  // namespace chainlab::endpoints
