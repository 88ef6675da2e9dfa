// NF-FGs on a real emulation (root): a unode::Node on PoP dc1 whose SAPs "eth0" and "eth1" are
// LSI-0's interfaces, a native template whose start script bridges its two ports. Traffic goes
// end-point to end-point through the VNF on its graph-LSI; two graphs are isolated except
// through LSI-0; an update that changes one rule's match changes forwarding while a continuous
// ping on an untouched path loses nothing; nothing is left behind.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "bridge_vnf.h"
#include "common/files.h"
#include "emulation_fixture.h"
#include "frontends/unode/node.h"
#include "test_util.h"

namespace chainlab::emulator {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const std::string kFixtures = CHAINLAB_SOURCE_DIR "/../shared/fixtures/nffg-un/";

using testing::kBridgeStart;
using testing::kBridgeUpdate;

json rule(const std::string& id, const std::string& in, const std::string& out,
          const json& extra = json::object()) {
  json match = {{"port_in", in}};
  match.update(extra);
  return {{"id", id}, {"priority", 10}, {"match", match}, {"actions", {{{"output_to_port", out}}}}};
}

// eth0 <-> VNF <-> eth1, as the reference's passthrough_with_vnf example.
json through_vnf(const std::string& a = "eth0", const std::string& b = "eth1") {
  return {{"forwarding-graph",
           {{"name", "through-vnf"},
            {"VNFs",
             {{{"id", "1"},
               {"name", "bridge"},
               {"ports", {{{"id", "inout:0"}}, {{"id", "inout:1"}}}}}}},
            {"end-points",
             {{{"id", "a"}, {"type", "interface"}, {"interface", {{"if-name", a}}}},
              {{"id", "b"}, {"type", "interface"}, {"interface", {{"if-name", b}}}}}},
            {"big-switch",
             {{"flow-rules",
               {rule("1", "endpoint:a", "vnf:1:inout:0"), rule("2", "vnf:1:inout:1", "endpoint:b"),
                rule("3", "endpoint:b", "vnf:1:inout:1"),
                rule("4", "vnf:1:inout:0", "endpoint:a")}}}}}}};
}

class NffgTest : public EmulationFixture {
 protected:
  void SetUp() override {
    EmulationFixture::SetUp();
    if (IsSkipped()) {
      return;
    }
    char tmpl[] = "/tmp/chainlab-nffg-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    write_script("bridge/start", kBridgeStart);
    write_script("bridge/update", kBridgeUpdate);
    write_template("bridge", "bridge");
    write_template("example", "bridge");  // the capability of the reference's fixture
    write_script("broken/start", "#!/bin/sh\nexit 3\n");  // a function whose start fails
    write_template("broken", "broken");
    // "chain": an expandable function, two bridges in series (decompose.h).
    write_template("chain", "chain.nffg", {{"expandable", true}});
    json sub = through_vnf();
    auto& fg = sub["forwarding-graph"];
    fg["VNFs"].push_back(
        {{"id", "2"}, {"name", "bridge"}, {"ports", {{{"id", "inout:0"}}, {{"id", "inout:1"}}}}});
    fg["end-points"][0]["interface"]["if-name"] = "inout:0";
    fg["end-points"][1]["interface"]["if-name"] = "inout:1";
    fg["big-switch"]["flow-rules"] = {
        rule("1", "endpoint:a", "vnf:1:inout:0"),    rule("2", "vnf:1:inout:1", "vnf:2:inout:0"),
        rule("3", "vnf:2:inout:1", "endpoint:b"),    rule("4", "endpoint:b", "vnf:2:inout:1"),
        rule("5", "vnf:2:inout:0", "vnf:1:inout:1"), rule("6", "vnf:1:inout:0", "endpoint:a")};
    ASSERT_TRUE(write_file(dir_ + "/chain.nffg", sub.dump(), true).ok());
    Topology t;
    t.name = "nffg-test";
    t.emulator.rest_port = -1;
    PopSpec pop;
    pop.name = "dc1";
    ASSERT_TRUE(t.add_pop(pop).ok());
    int n = 1;
    for (const char* sap : {"eth0", "eth1", "eth2", "eth3"}) {
      ASSERT_TRUE(t.add_sap({sap, "dc1", "10.9.0." + std::to_string(n++) + "/24"}).ok());
    }
    start(t);
    unode::NodeOptions options;
    options.pop = "dc1";
    options.templates_dir = dir_;
    options.db_path = dir_ + "/users.db";
    options.admin_password = "pw";
    options.users.pbkdf2_iterations = 1000;
    auto node = unode::Node::open(*emu_, options, nullptr, nullptr);
    ASSERT_TRUE(node.ok()) << node.error().message;
    node_ = std::move(node).value();
    auto admin = node_->users().user("admin");
    ASSERT_TRUE(admin.ok());
    admin_ = *admin;
  }
  void TearDown() override {
    node_.reset();
    if (emu_) {
      auto left = emu_->list_compute();  // SAPs are not listed
      ASSERT_TRUE(left.ok());
      EXPECT_TRUE(left->empty()) << "no VNF is left";
    }
    EmulationFixture::TearDown();
    std::filesystem::remove_all(dir_);
  }

  // An executable file of the template directory.
  void write_script(const std::string& path, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(dir_ + "/" + path).parent_path());
    ASSERT_TRUE(write_file(dir_ + "/" + path, text, true).ok());
    std::filesystem::permissions(dir_ + "/" + path, std::filesystem::perms::owner_all);
  }
  // A native template for `capability` whose bundle (or sub-graph) is `uri`.
  void write_template(const std::string& capability, const std::string& uri,
                      const json& extra = json::object()) {
    json t = {{"functional-capability", capability},
              {"vnf-type", "native"},
              {"uri", uri},
              {"ports", {{{"position", "0-7"}, {"label", "inout"}}}}};
    t.update(extra);
    ASSERT_TRUE(write_file(dir_ + "/" + capability + ".json", t.dump(), true).ok());
  }

  std::string deploy(const json& graph) {
    auto id = node_->create_graph(admin_, graph);
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : "";
  }
  // Pings until one gets through (the VNF's bridge comes up after its instance starts).
  bool reaches(const std::string& from, const std::string& to) {
    for (int i = 0; i < 25; ++i) {
      if (ping(from, to, 1)) {
        return true;
      }
    }
    return false;
  }

  // Frames SAP `sap` has received (its sap0 in /proc/net/dev of its namespace).
  uint64_t rx_packets(const std::string& sap) {
    auto r = emu_->exec(sap, {"cat", "/proc/net/dev"}, 10s);
    EXPECT_TRUE(r.ok());
    auto pos = r.ok() ? r->output.find("sap0:") : std::string::npos;
    unsigned long long bytes = 0, packets = 0;
    if (pos != std::string::npos) {
      std::sscanf(r->output.c_str() + pos + 5, "%llu %llu", &bytes, &packets);
    }
    return packets;
  }

  std::string dir_;
  std::unique_ptr<unode::Node> node_;
  unode::UserInfo admin_;
};

TEST_F(NffgTest, TrafficCrossesTheVnfOnItsGraphLsi) {
  std::string id = deploy(through_vnf());
  EXPECT_TRUE(reaches("eth0", "10.9.0.2"));
  EXPECT_FALSE(ping("eth0", "10.9.0.3", 1)) << "eth2 is in no graph";
  ASSERT_TRUE(node_->delete_graph(admin_, id).ok());
  EXPECT_FALSE(ping("eth0", "10.9.0.2", 1)) << "the graph is gone";
}

// passthrough_with_vnf: both ways through the VNF; simple_passthrough: its one rule, eth0 ->
// eth1 only (eth1 receives eth0's ARP requests, its answers go nowhere).
TEST_F(NffgTest, TheReferencesFixturesCarryTraffic) {
  auto with_vnf = read_file(kFixtures + "passthrough_with_vnf_nffg.json");
  auto simple = read_file(kFixtures + "simple_passthrough_nffg.json");
  if (!with_vnf.ok() || !simple.ok()) {
    GTEST_SKIP() << "../shared/fixtures/nffg-un not present next to the source tree";
  }
  std::string id = deploy(json::parse(*with_vnf));
  ASSERT_FALSE(id.empty());
  EXPECT_TRUE(reaches("eth0", "10.9.0.2"));
  EXPECT_TRUE(reaches("eth1", "10.9.0.1"));
  ASSERT_TRUE(node_->delete_graph(admin_, id).ok());

  id = deploy(json::parse(*simple));
  ASSERT_FALSE(id.empty());
  uint64_t at_eth1 = rx_packets("eth1");
  uint64_t at_eth0 = rx_packets("eth0");
  EXPECT_FALSE(ping("eth0", "10.9.0.2", 2)) << "one way only";
  EXPECT_GE(rx_packets("eth1"), at_eth1 + 2) << "eth0's frames reach eth1";
  EXPECT_EQ(rx_packets("eth0"), at_eth0) << "nothing comes back";
  ASSERT_TRUE(node_->delete_graph(admin_, id).ok());
}

TEST_F(NffgTest, TwoGraphsAreIsolatedExceptThroughLsi0) {
  std::string g1 = deploy(through_vnf("eth0", "eth1"));
  std::string g2 = deploy(through_vnf("eth2", "eth3"));
  EXPECT_TRUE(reaches("eth0", "10.9.0.2"));
  EXPECT_TRUE(reaches("eth2", "10.9.0.4"));
  EXPECT_FALSE(ping("eth0", "10.9.0.4", 1));
  EXPECT_FALSE(ping("eth2", "10.9.0.1", 1));
  ASSERT_TRUE(node_->delete_graph(admin_, g1).ok());
  EXPECT_TRUE(ping("eth2", "10.9.0.4", 2)) << "the other graph keeps working";
  ASSERT_TRUE(node_->delete_graph(admin_, g2).ok());
}

// Two paths (eth0<->eth1 through the VNF, eth2<->eth3 direct); the update changes rule "5"'s
// match only: eth2's pings keep flowing, uninterrupted, while the change takes effect.
TEST_F(NffgTest, AnUpdateChangesOneRuleWithoutInterruptingTheOthers) {
  json g = through_vnf();
  auto& rules = g["forwarding-graph"]["big-switch"]["flow-rules"];
  g["forwarding-graph"]["end-points"].push_back(
      {{"id", "c"}, {"type", "interface"}, {"interface", {{"if-name", "eth2"}}}});
  g["forwarding-graph"]["end-points"].push_back(
      {{"id", "d"}, {"type", "interface"}, {"interface", {{"if-name", "eth3"}}}});
  rules.push_back(rule("5", "endpoint:c", "endpoint:d"));
  rules.push_back(rule("6", "endpoint:d", "endpoint:c"));
  std::string id = deploy(g);
  ASSERT_TRUE(reaches("eth0", "10.9.0.2"));
  ASSERT_TRUE(reaches("eth2", "10.9.0.4"));

  // A continuous ping on the untouched path, 5 per second, while the graph is updated.
  std::thread pinger([&] {
    auto r = emu_->exec("eth0", {"ping", "-c", "25", "-i", "0.2", "-W", "1", "10.9.0.2"}, 30s);
    ASSERT_TRUE(r.ok());
    EXPECT_NE(r->output.find(" 0% packet loss"), std::string::npos) << r->output;
  });
  // The update lands mid-stream: once eth1 has seen a few of the pings (waited for up to 10 s,
  // by the clock: how many reads that takes depends on how fast an exec is).
  uint64_t start = rx_packets("eth1");
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (rx_packets("eth1") < start + 3 && std::chrono::steady_clock::now() < deadline) {
  }
  EXPECT_GE(rx_packets("eth1"), start + 3) << "the ping stream never started";
  json next = g;
  next["forwarding-graph"]["big-switch"]["flow-rules"][4]["match"]["ether_type"] = "0x0806";
  ASSERT_TRUE(node_->update_graph(admin_, id, next).ok());
  EXPECT_FALSE(ping("eth2", "10.9.0.4", 2)) << "rule 5 now takes ARP only";
  pinger.join();
  ASSERT_TRUE(node_->delete_graph(admin_, id).ok());
}

TEST_F(NffgTest, APortAddedToARunningVnfCarriesTraffic) {  // reference issue 46
  json g = through_vnf();
  std::string id = deploy(g);
  ASSERT_TRUE(reaches("eth0", "10.9.0.2"));
  g["forwarding-graph"]["VNFs"][0]["ports"].push_back({{"id", "inout:2"}});
  g["forwarding-graph"]["end-points"].push_back(
      {{"id", "c"}, {"type", "interface"}, {"interface", {{"if-name", "eth2"}}}});
  auto& rules = g["forwarding-graph"]["big-switch"]["flow-rules"];
  rules.push_back(rule("5", "endpoint:c", "vnf:1:inout:2"));
  rules.push_back(rule("6", "vnf:1:inout:2", "endpoint:c"));
  ASSERT_TRUE(node_->update_graph(admin_, id, g).ok());
  auto vnfs = emu_->list_compute("dc1");
  ASSERT_TRUE(vnfs.ok());
  size_t vnf_ports = 0;
  for (const auto& i : *vnfs) {
    vnf_ports = std::max(vnf_ports, i.interfaces.size());
  }
  EXPECT_EQ(vnf_ports, 3u);
  EXPECT_TRUE(reaches("eth0", "10.9.0.2")) << "the old ports still work";
  EXPECT_TRUE(reaches("eth2", "10.9.0.1")) << "the new port is on the VNF's bridge";
  ASSERT_TRUE(node_->delete_graph(admin_, id).ok());
}

// An expandable function (COMPOSER §5.6): "chain" is two bridges in series in a sub-graph; the
// graph names it like any VNF, and traffic crosses both bridges.
TEST_F(NffgTest, AnExpandableFunctionRunsAsItsSubGraph) {
  json g = through_vnf();
  g["forwarding-graph"]["VNFs"][0]["name"] = "chain";
  std::string id = deploy(g);
  ASSERT_FALSE(id.empty());
  auto running = emu_->list_compute();
  ASSERT_TRUE(running.ok());
  EXPECT_EQ(running->size(), 2u) << "the chain's two bridges";
  EXPECT_TRUE(reaches("eth0", "10.9.0.2"));
  auto shown = node_->graph_json(admin_, id);
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ((*shown)["forwarding-graph"]["VNFs"].size(), 1u) << "the user's graph, as sent";
  ASSERT_TRUE(node_->delete_graph(admin_, id).ok());
}

// A native function's start is synchronous, as in the reference: the graph is deployed once its
// VNFs' start scripts are done, and one that fails fails the graph, leaving nothing behind.
TEST_F(NffgTest, AFunctionWhoseStartFailsFailsTheGraph) {
  json g = through_vnf();
  g["forwarding-graph"]["VNFs"][0]["name"] = "broken";
  auto id = node_->create_graph(admin_, g);
  ASSERT_FALSE(id.ok());
  EXPECT_NE(id.error().message.find("its bundle's start exited 3"), std::string::npos)
      << id.error().message;
  auto running = emu_->list_compute();
  ASSERT_TRUE(running.ok());
  EXPECT_TRUE(running->empty());
}

// A host-stack end-point: an address on the host (the emulation's namespace) that the graph
// reaches through its graph-LSI; gone with the graph.
TEST_F(NffgTest, AHostStackEndPointPutsTheHostOnTheGraph) {
  json g = {
      {"forwarding-graph",
       {{"name", "host"},
        {"end-points",
         {{{"id", "a"}, {"type", "interface"}, {"interface", {{"if-name", "eth0"}}}},
          {{"id", "h"},
           {"type", "host-stack"},
           {"host-stack", {{"configuration", "static"}, {"ipv4", "10.9.0.100/24"}}}}}},
        {"big-switch",
         {{"flow-rules",
           {rule("1", "endpoint:a", "endpoint:h"), rule("2", "endpoint:h", "endpoint:a")}}}}}}};
  std::string id = deploy(g);
  ASSERT_FALSE(id.empty());
  EXPECT_TRUE(reaches("eth0", "10.9.0.100"));
  ASSERT_TRUE(node_->delete_graph(admin_, id).ok());
  auto addrs = testing::run_command("ip -o addr show to 10.9.0.100");
  EXPECT_EQ(addrs.output, "") << "the host end went with the graph";
}

// A gre-tunnel end-point is a VXLAN tunnel here (UDP 4789; this kernel has no GRE demux): eth0
// reaches an address behind a plain Linux VXLAN device with the same key on another "machine" (a
// namespace across a veth), all a peer node needs. The device goes with the graph.
TEST_F(NffgTest, AGreTunnelEndPointCarriesTrafficToAPeerOverVxlan) {
  std::string peer = testing::unique_name("vxp");
  std::string under = testing::unique_name("vxu");
  auto sh = [](const std::string& cmd) {
    auto r = testing::run_command(cmd);
    EXPECT_EQ(r.status, 0) << cmd << ": " << r.output;
  };
  struct Gone {
    std::string ns;
    ~Gone() { testing::run_command("ip netns del " + ns); }  // the veth and VXLAN go with it
  } gone{peer};
  sh("ip netns add " + peer);
  sh("ip link add " + under + " type veth peer name eth9 netns " + peer);
  sh("ip addr add 192.168.77.1/24 dev " + under + " && ip link set " + under + " up");
  sh("ip -n " + peer + " addr add 192.168.77.2/24 dev eth9 && ip -n " + peer + " link set eth9 up");
  sh("ip -n " + peer + " link add vx0 type vxlan id 4660 local 192.168.77.2 remote 192.168.77.1 " +
     "dstport 4789 && ip -n " + peer + " addr add 10.9.0.200/24 dev vx0 && ip -n " + peer +
     " link set vx0 up");
  json gre = {{"local-ip", "192.168.77.1"}, {"remote-ip", "192.168.77.2"}, {"gre-key", "0x1234"}};
  json g = {
      {"forwarding-graph",
       {{"name", "tunnel"},
        {"end-points",
         {{{"id", "a"}, {"type", "interface"}, {"interface", {{"if-name", "eth0"}}}},
          {{"id", "t"}, {"type", "gre-tunnel"}, {"gre-tunnel", gre}}}},
        {"big-switch",
         {{"flow-rules",
           {rule("1", "endpoint:a", "endpoint:t"), rule("2", "endpoint:t", "endpoint:a")}}}}}}};
  std::string id = deploy(g);
  ASSERT_FALSE(id.empty());
  EXPECT_TRUE(reaches("eth0", "10.9.0.200"));
  ASSERT_TRUE(node_->delete_graph(admin_, id).ok());
  EXPECT_EQ(testing::run_command("ip -o link show type vxlan").output, "")
      << "the tunnel went with the graph";
}

// Internal end-points: two graphs naming the same internal group meet there (eth0 of one graph
// reaches eth1 of the other); a third graph on another group does not see them.
TEST_F(NffgTest, GraphsMeetOnTheirInternalGroupOnly) {
  auto via = [](const std::string& sap, const std::string& group) {
    return json{
        {"forwarding-graph",
         {{"name", "via-" + group},
          {"end-points",
           {{{"id", "s"}, {"type", "interface"}, {"interface", {{"if-name", sap}}}},
            {{"id", "i"}, {"type", "internal"}, {"internal", {{"internal-group", group}}}}}},
          {"big-switch",
           {{"flow-rules",
             {rule("1", "endpoint:s", "endpoint:i"), rule("2", "endpoint:i", "endpoint:s")}}}}}}};
  };
  std::string g1 = deploy(via("eth0", "blue"));
  std::string g2 = deploy(via("eth1", "blue"));
  std::string g3 = deploy(via("eth2", "red"));
  EXPECT_TRUE(reaches("eth0", "10.9.0.2"));
  EXPECT_FALSE(ping("eth0", "10.9.0.3", 1)) << "red is another group";
  ASSERT_TRUE(node_->delete_graph(admin_, g2).ok());
  EXPECT_FALSE(ping("eth0", "10.9.0.2", 1)) << "eth1's graph left the group";
  ASSERT_TRUE(node_->delete_graph(admin_, g1).ok());
  ASSERT_TRUE(node_->delete_graph(admin_, g3).ok());
}

// Two PoPs as two nodes, joined by their link: each graph tags its traffic with VLAN 100 on the
// link (a vlan end-point on LSI-0) and untags what comes back, so h1 (dc1) reaches h2 (dc2); a
// graph on the other side that expects VLAN 101 carries nothing.
class NffgVlanTest : public EmulationFixture {
 protected:
  void SetUp() override {
    EmulationFixture::SetUp();
    if (IsSkipped()) {
      return;
    }
    char tmpl[] = "/tmp/chainlab-nffg-vlan-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    Topology t;
    t.name = "nffg-vlan";
    t.emulator.rest_port = -1;
    for (const char* name : {"dc1", "dc2"}) {
      PopSpec pop;
      pop.name = name;
      ASSERT_TRUE(t.add_pop(pop).ok());
    }
    LinkSpec link;
    link.a = "dc1";
    link.b = "dc2";
    ASSERT_TRUE(t.add_link(link).ok());
    ASSERT_TRUE(t.add_sap({"h1", "dc1", "10.9.1.1/24"}).ok());
    ASSERT_TRUE(t.add_sap({"h2", "dc2", "10.9.1.2/24"}).ok());
    start(t);
    for (int i = 0; i < 2; ++i) {
      unode::NodeOptions options;
      options.pop = i == 0 ? "dc1" : "dc2";
      options.db_path = dir_ + "/" + options.pop + ".db";
      options.admin_password = "pw";
      options.users.pbkdf2_iterations = 1000;
      auto node = unode::Node::open(*emu_, options, nullptr, nullptr);
      ASSERT_TRUE(node.ok()) << node.error().message;
      nodes_[i] = std::move(node).value();
    }
  }
  void TearDown() override {
    nodes_[0].reset();
    nodes_[1].reset();
    EmulationFixture::TearDown();
    std::filesystem::remove_all(dir_);
  }
  // host <-> (vlan `vlan` on the link to `peer`).
  static json tagging(const std::string& host, const std::string& peer, int vlan) {
    return {
        {"forwarding-graph",
         {{"name", "tag"},
          {"end-points",
           {{{"id", "h"}, {"type", "interface"}, {"interface", {{"if-name", host}}}},
            {{"id", "v"},
             {"type", "vlan"},
             {"vlan", {{"if-name", peer}, {"vlan-id", std::to_string(vlan)}}}}}},
          {"big-switch",
           {{"flow-rules",
             {rule("1", "endpoint:h", "endpoint:v"), rule("2", "endpoint:v", "endpoint:h")}}}}}}};
  }
  std::string deploy(int node, const json& graph) {
    auto admin = nodes_[node]->users().user("admin");
    auto id = nodes_[node]->create_graph(*admin, graph);
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : "";
  }

  std::string dir_;
  std::unique_ptr<unode::Node> nodes_[2];
};

TEST_F(NffgVlanTest, VlanEndPointsCarryTaggedTrafficBetweenTwoNodes) {
  deploy(0, tagging("h1", "dc2", 100));
  std::string other = deploy(1, tagging("h2", "dc1", 101));
  EXPECT_FALSE(ping("h1", "10.9.1.2", 1)) << "VLAN 100 sent, 101 expected";
  auto admin = nodes_[1]->users().user("admin");
  ASSERT_TRUE(nodes_[1]->update_graph(*admin, other, tagging("h2", "dc1", 100)).ok());
  bool reached = false;
  for (int i = 0; i < 10 && !reached; ++i) {
    reached = ping("h1", "10.9.1.2", 1);
  }
  EXPECT_TRUE(reached);
  auto description = nodes_[0]->description();
  auto interfaces = description["netgroup-domain:informations"]["hardware-informations"]
                               ["interfaces"]["interface"];
  bool shown = false;
  for (const auto& i : interfaces) {
    if (i["name"] == "dc2") {
      shown = i["netgroup-vlan:free-vlans"] == "1-99,101-4094";
    }
  }
  EXPECT_TRUE(shown) << description.dump();
}

}  // namespace
}  // namespace chainlab::emulator
