#include "orchestration/graph/service_graph.h"

#include <gtest/gtest.h>

namespace chainlab::orchestration::graph {
namespace {

Port make_port(std::string id) {
  return Port{std::move(id), std::nullopt, std::nullopt};
}

// fw (in, out) and dpi (in) between two SAPs; an E-Line per hop, an E-LAN for management.
ServiceGraph sample() {
  ServiceGraph g;
  g.id = "svc";
  g.name = "web chain";
  Function fw{
      "fw", "firewall", "chainlab/fw", "", "", {1.5, 512, 1}, {make_port("in"), make_port("out")},
      {},   "dc1"};
  fw.ports[0].ip = *substrate::Cidr::parse("10.0.0.1/24");
  fw.ports[0].mac = *substrate::MacAddress::parse("02:00:00:00:00:01");
  fw.constraints.anti_affinity = {"dpi"};
  fw.constraints.allowed_hosts = {"dc1", "dc2"};
  Function dpi{
      "dpi", "dpi", "chainlab/dpi", "", "", {1, 256, 0}, {make_port("in"), make_port("mgmt")},
      {},    "dc2"};
  dpi.constraints.banned_hosts = {"dc3"};
  g.functions = {fw, dpi};
  g.saps = {Sap{"client", "client", {"dc1", ""}, {make_port("p")}},
            Sap{"server", "server", {"dc2", "eth1"}, {make_port("p")}}};
  g.elines = {Eline{"l1", {"client", "p"}, {"fw", "in"}, *parse_match("tcp,tp_dst=80"), true},
              Eline{"l2", {"fw", "out"}, {"dpi", "in"}, {}, true},
              Eline{"l3", {"dpi", "in"}, {"server", "p"}, {}, false}};
  g.elans = {Elan{"mgmt", {{"fw", "out"}, {"dpi", "mgmt"}}}};
  g.requirements = {Requirement{"e2e", {"l1", "l2", "l3"}, 20.0, 100.0}};
  return g;
}

void expect_invalid(const ServiceGraph& g, const std::string& message) {
  Status s = g.validate();
  ASSERT_FALSE(s.ok()) << "expected: " << message;
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().message, message);
}

TEST(ServiceGraph, SampleIsValid) {
  Status s = sample().validate();
  EXPECT_TRUE(s.ok()) << s.error().message;
}

TEST(ServiceGraph, LookupsFindElementsAndPorts) {
  ServiceGraph g = sample();
  ASSERT_NE(g.function("dpi"), nullptr);
  EXPECT_EQ(g.function("dpi")->name, "dpi");
  EXPECT_EQ(g.function("client"), nullptr);
  ASSERT_NE(g.sap("server"), nullptr);
  EXPECT_EQ(g.sap("server")->binding.host_interface, "eth1");
  ASSERT_NE(g.port({"fw", "in"}), nullptr);
  EXPECT_EQ(g.port({"fw", "in"})->ip->to_string(), "10.0.0.1/24");
  EXPECT_EQ(g.port({"fw", "nope"}), nullptr);
  EXPECT_EQ(g.port({"nope", "in"}), nullptr);
  ASSERT_NE(g.eline("l2"), nullptr);
}

TEST(ServiceGraph, DuplicateIdsAreNamed) {
  ServiceGraph g = sample();
  g.functions[1].id = "fw";
  g.functions[0].constraints = {};
  expect_invalid(g, "function 'fw': id used twice");

  g = sample();
  g.saps[0].id = "dpi";  // functions and SAPs share one id space
  expect_invalid(g, "SAP 'dpi': id used twice");

  g = sample();
  g.functions[0].ports[1].id = "in";
  expect_invalid(g, "function 'fw': port 'in': id used twice");

  g = sample();
  g.elans[0].id = "l2";  // E-Lines and E-LANs share one id space
  expect_invalid(g, "E-LAN 'l2': id used twice");

  g = sample();
  g.requirements.push_back(g.requirements[0]);
  expect_invalid(g, "requirement 'e2e': id used twice");

  g = sample();
  g.functions[0].id = "";
  expect_invalid(g, "function with an empty id");
}

TEST(ServiceGraph, DanglingPortReferencesAreNamed) {
  ServiceGraph g = sample();
  g.elines[1].dst = {"ids", "in"};
  expect_invalid(g, "E-Line 'l2': port 'ids:in' names unknown node 'ids'");

  g = sample();
  g.elines[0].src = {"client", "q"};
  expect_invalid(g, "E-Line 'l1': node 'client' has no port 'q'");

  g = sample();
  g.elans[0].members.push_back({"dpi", "eth9"});
  expect_invalid(g, "E-LAN 'mgmt': node 'dpi' has no port 'eth9'");
}

TEST(ServiceGraph, LinkShapesAreChecked) {
  ServiceGraph g = sample();
  g.elines[1].dst = g.elines[1].src;
  expect_invalid(g, "E-Line 'l2': goes from port 'fw:out' to itself");

  g = sample();
  g.elans[0].members.resize(1);
  expect_invalid(g, "E-LAN 'mgmt': 1 member(s), at least 2 needed");

  g = sample();
  g.elans[0].members[1] = g.elans[0].members[0];
  expect_invalid(g, "E-LAN 'mgmt': port 'fw:out' is a member twice");

  g = sample();
  g.elines[0].match.in_port = 3;
  expect_invalid(g, "E-Line 'l1': match sets in_port (the source port is the hop's input)");

  g = sample();
  g.elines[0].match = {};
  g.elines[0].match.l4_dst = 80;  // an L4 port without IPv4
  Status s = g.validate();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message.rfind("E-Line 'l1': match: ", 0), 0u) << s.error().message;
}

TEST(ServiceGraph, RequirementsAndConstraintsNameKnownElements) {
  ServiceGraph g = sample();
  g.requirements[0].path.push_back("l9");
  expect_invalid(g, "requirement 'e2e': path names unknown E-Line 'l9'");

  g = sample();
  g.requirements[0].path.clear();
  expect_invalid(g, "requirement 'e2e': empty path");

  g = sample();
  g.requirements[0].max_delay_ms = -1;
  expect_invalid(g, "requirement 'e2e': max delay -1 ms is negative");

  g = sample();
  g.functions[0].constraints.affinity = {"nat"};
  expect_invalid(g, "function 'fw': affinity names unknown function 'nat'");

  g = sample();
  g.functions[0].resources.cpu = -2;
  expect_invalid(g, "function 'fw': cpu -2 is negative");
}

TEST(ServiceGraphMatch, ParsesSonEmuChainMatchIntoTypedFields) {
  auto m = parse_match("dl_type=0x0800,nw_proto=6,tp_dst=80");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->eth_type, 0x0800);
  EXPECT_EQ(m->ip_proto, 6);
  EXPECT_EQ(m->l4_dst, 80);
  EXPECT_FALSE(m->l4_src.has_value());
  EXPECT_FALSE(m->in_port.has_value());

  auto prefixed = parse_match("nw_src=10.0.0.0/8,nw_dst=192.168.1.7,dl_vlan=12");
  ASSERT_TRUE(prefixed.ok()) << prefixed.error().message;
  ASSERT_TRUE(prefixed->ipv4_src.has_value());
  EXPECT_EQ(prefixed->ipv4_src->length, 8);
  EXPECT_EQ(prefixed->ipv4_dst->length, 32);
  EXPECT_EQ(prefixed->vlan.id, 12);
}

TEST(ServiceGraphMatch, FormatRoundTrips) {
  for (const char* text :
       {"dl_type=0x0800,nw_proto=6,tp_dst=80", "udp,tp_src=53",
        "nw_src=10.1.0.0/16,nw_dst=10.2.3.4", "dl_dst=02:00:00:00:00:0a", "arp", ""}) {
    auto m = parse_match(text);
    ASSERT_TRUE(m.ok()) << text << ": " << m.error().message;
    auto again = parse_match(format_match(*m));
    ASSERT_TRUE(again.ok()) << format_match(*m);
    EXPECT_EQ(*again, *m) << text;
  }
  EXPECT_EQ(format_match(*parse_match("dl_type=0x0800,nw_proto=6,tp_dst=80")),
            "dl_type=0x0800,nw_proto=6,tp_dst=80");
}

TEST(ServiceGraphMatch, BadMatchIsAnErrorNamingTheField) {
  auto m = parse_match("tp_dst=99999");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(m.error().message.find("tp_dst"), std::string::npos) << m.error().message;
  EXPECT_FALSE(parse_match("colour=red").ok());
}

}  // namespace
}  // namespace chainlab::orchestration::graph
