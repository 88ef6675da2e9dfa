#include "orchestration/deploy/deployer.h"

#include <gtest/gtest.h>

#include "../../fakes/fake_control.h"

namespace chainlab::orchestration {
namespace {

using testing::FakeControl;
using Op = FakeControl::Op;

graph::Port port(std::string id) {
  return graph::Port{std::move(id), std::nullopt, std::nullopt};
}

graph::Function function(std::string id, std::string host, std::vector<graph::Port> ports) {
  graph::Function f;
  f.id = std::move(id);
  f.name = f.id;
  f.image = "chainlab/" + f.id;
  f.command = "sleep 1000";
  f.resources = {0.5, 256, 0};
  f.ports = std::move(ports);
  f.host = std::move(host);
  return f;
}

// client SAP -> fw -> dpi, fw in dc1, dpi in dc2; a management E-LAN over fw and dpi.
graph::ServiceGraph placed() {
  graph::ServiceGraph g;
  g.id = "svc1";
  g.functions = {function("fw", "dc1", {port("in"), port("out"), port("mgmt")}),
                 function("dpi", "dc2", {port("in"), port("mgmt")})};
  g.functions[1].ports[1].ip = *substrate::Cidr::parse("192.168.7.5/24");
  g.saps = {graph::Sap{"client", "client", {"dc1", ""}, {port("p")}}};
  g.elines = {
      graph::Eline{"l1", {"client", "p"}, {"fw", "in"}, *graph::parse_match("tcp,tp_dst=80"), true},
      graph::Eline{"l2", {"fw", "out"}, {"dpi", "in"}, {}, false}};
  g.elans = {graph::Elan{"mgmt", {{"fw", "mgmt"}, {"dpi", "mgmt"}}}};
  return g;
}

class DeployerTest : public ::testing::Test {
 protected:
  FakeControl control{FakeControl::pops({"dc1", "dc2"})};
  LinkPools pools;
  Deployer deployer{control, pools};

  size_t subnets_in_use() const { return pools.eline.used() + pools.elan.used(); }
  const emulator::InterfaceInfo& intf(const std::string& instance, const std::string& name) {
    for (const auto& i : control.instances().at(instance).interfaces) {
      if (i.name == name) {
        return i;
      }
    }
    ADD_FAILURE() << instance << " has no interface " << name;
    static emulator::InterfaceInfo none;
    return none;
  }
};

TEST_F(DeployerTest, DeploysInstancesChainsAndElans) {
  auto dep = deployer.deploy(placed());
  ASSERT_TRUE(dep.ok()) << dep.error().message;
  ASSERT_EQ(control.instances().size(), 3u);
  const auto& fw = control.instances().at("svc1-fw");
  EXPECT_EQ(fw.pop, "dc1");
  EXPECT_EQ(fw.image, "chainlab/fw");
  EXPECT_EQ(fw.command, "sleep 1000");
  EXPECT_EQ(fw.status.limits.cpu_quota_us, 500000);
  EXPECT_EQ(fw.status.limits.memory_bytes, 256 * 1024 * 1024);
  EXPECT_EQ(control.instances().at("svc1-dpi").pop, "dc2");
  EXPECT_EQ(control.instances().at("svc1-client").pop, "dc1");

  // Addresses: E-Line ends .1/.2 of a 20.0.x.0/24; the E-LAN numbered in dpi's static subnet.
  EXPECT_EQ(intf("svc1-client", "p").ip, "20.0.0.1/24");
  EXPECT_EQ(intf("svc1-fw", "in").ip, "20.0.0.2/24");
  EXPECT_EQ(intf("svc1-fw", "out").ip, "20.0.1.1/24");
  EXPECT_EQ(intf("svc1-dpi", "in").ip, "20.0.1.2/24");
  EXPECT_EQ(intf("svc1-dpi", "mgmt").ip, "192.168.7.5/24");
  EXPECT_EQ(intf("svc1-fw", "mgmt").ip, "192.168.7.1/24");
  EXPECT_EQ(pools.eline.used(), 2u);
  EXPECT_EQ(pools.elan.used(), 0u);

  auto chains = control.list_chains();
  ASSERT_EQ(chains.size(), 2u);
  const auto& l1 = dep->chains.at("l1");
  EXPECT_EQ(l1.src, "svc1-client");
  EXPECT_EQ(l1.src_intf, "p");
  EXPECT_EQ(l1.dst, "svc1-fw");
  EXPECT_EQ(l1.dst_intf, "in");
  EXPECT_TRUE(l1.bidirectional);
  EXPECT_EQ(l1.match, "dl_type=0x0800,nw_proto=6,tp_dst=80");
  EXPECT_FALSE(dep->chains.at("l2").bidirectional);
  EXPECT_NE(l1.cookie, dep->chains.at("l2").cookie);

  ASSERT_EQ(control.elans().count("svc1-mgmt"), 1u);
  EXPECT_EQ(control.elans().at("svc1-mgmt").members,
            (std::vector<std::pair<std::string, std::string>>{{"svc1-fw", "mgmt"},
                                                              {"svc1-dpi", "mgmt"}}));

  ASSERT_TRUE(deployer.remove(*dep).ok());
  EXPECT_TRUE(control.empty());
  EXPECT_EQ(subnets_in_use(), 0u);
  EXPECT_TRUE(dep->nodes.empty());
}

// A failure at every step leaves the fake empty and the pools as they were.
TEST_F(DeployerTest, FailureAtEveryStepLeavesNothing) {
  const graph::ServiceGraph g = placed();
  std::vector<std::pair<Op, int>> steps;
  for (int i = 1; i <= 3; ++i) {
    steps.emplace_back(Op::kStartCompute, i);  // fw, dpi, client
  }
  steps.emplace_back(Op::kSetChain, 1);
  steps.emplace_back(Op::kSetChain, 2);
  steps.emplace_back(Op::kCreateElan, 1);
  for (auto [op, nth] : steps) {
    SCOPED_TRACE(::testing::Message() << "op " << static_cast<int>(op) << " call " << nth);
    control.fail_nth(op, nth);
    auto dep = deployer.deploy(g);
    ASSERT_FALSE(dep.ok());
    EXPECT_EQ(dep.error().code, ErrorCode::kInternal);
    EXPECT_NE(dep.error().message.find("injected failure"), std::string::npos);
    EXPECT_TRUE(control.empty());
    EXPECT_EQ(subnets_in_use(), 0u);
  }
  // Every step was hit once by its injected failure (the step count is the graph's size).
  auto ok = deployer.deploy(g);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(control.instances().size(), 3u);
  EXPECT_EQ(control.list_chains().size(), 2u);
  EXPECT_EQ(control.elans().size(), 1u);
}

TEST_F(DeployerTest, StaticAddressInAPoolRangeTakesItsSubnet) {
  graph::ServiceGraph g = placed();
  g.functions[0].ports[0].ip = *substrate::Cidr::parse("20.0.0.7/24");  // fw:in, on l1
  auto dep = deployer.deploy(g);
  ASSERT_TRUE(dep.ok()) << dep.error().message;
  EXPECT_EQ(intf("svc1-fw", "in").ip, "20.0.0.7/24");
  EXPECT_EQ(intf("svc1-client", "p").ip, "20.0.0.1/24");  // numbered in fw:in's subnet
  EXPECT_EQ(intf("svc1-fw", "out").ip, "20.0.1.1/24");    // the pool skips 20.0.0.0/24
  EXPECT_EQ(pools.eline.used(), 2u);
  ASSERT_TRUE(deployer.remove(*dep).ok());
  EXPECT_EQ(subnets_in_use(), 0u);

  control.fail_nth(Op::kStartCompute, 1);
  ASSERT_FALSE(deployer.deploy(g).ok());
  EXPECT_EQ(subnets_in_use(), 0u);  // the reservation is undone too
}

TEST_F(DeployerTest, ErrorsNameTheStep) {
  control.fail_nth(Op::kSetChain, 2);
  auto dep = deployer.deploy(placed());
  ASSERT_FALSE(dep.ok());
  EXPECT_EQ(dep.error().message, "E-Line 'l2': injected failure of call 2");

  control.fail_nth(Op::kStartCompute, 3);  // the fake counts calls from its start: call 6
  dep = deployer.deploy(placed());
  ASSERT_FALSE(dep.ok());
  EXPECT_EQ(dep.error().message,
            "starting SAP 'client' as 'svc1-client': injected failure of call 6");
}

TEST_F(DeployerTest, InvalidGraphsChangeNothing) {
  graph::ServiceGraph g = placed();
  g.functions[1].host = "";
  auto dep = deployer.deploy(g);
  ASSERT_FALSE(dep.ok());
  EXPECT_EQ(dep.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(dep.error().message, "function 'dpi' is not placed (no host)");

  g = placed();
  g.saps[0].binding.host_interface = "eth1";
  dep = deployer.deploy(g);
  ASSERT_FALSE(dep.ok());
  EXPECT_EQ(dep.error().message, "SAP 'client': binding to host interface 'eth1' is not supported");

  g = placed();
  g.elines[0].dst.port = "nope";
  dep = deployer.deploy(g);
  ASSERT_FALSE(dep.ok());
  EXPECT_EQ(dep.error().message, "E-Line 'l1': node 'fw' has no port 'nope'");

  g = placed();
  g.functions[0].constraints.banned_hosts = {g.functions[0].host};
  dep = deployer.deploy(g);
  ASSERT_FALSE(dep.ok()) << "placed against its constraints";
  EXPECT_NE(dep.error().message.find("a banned host"), std::string::npos) << dep.error().message;

  g = placed();
  g.functions[0].host = "dc9";  // placed on a PoP the domain does not have
  dep = deployer.deploy(g);
  ASSERT_FALSE(dep.ok());
  EXPECT_EQ(dep.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(control.empty());
  EXPECT_EQ(subnets_in_use(), 0u);
  EXPECT_EQ(control.calls(Op::kStartCompute), 1);  // only the last one got that far
}

TEST_F(DeployerTest, UpdateAppliesTheDiff) {
  auto dep = deployer.deploy(placed());
  ASSERT_TRUE(dep.ok()) << dep.error().message;
  graph::ServiceGraph next = placed();
  next.elines[0].match = *graph::parse_match("udp,tp_dst=53");  // l1 replaced
  next.functions.push_back(function("nat", "dc2", {port("in")}));
  next.elines.push_back(graph::Eline{"l3", {"dpi", "in"}, {"nat", "in"}, {}, true});
  next.elans.clear();
  ASSERT_TRUE(deployer.update(*dep, next).ok());
  EXPECT_EQ(dep->graph, next);
  EXPECT_EQ(control.instances().size(), 4u);
  EXPECT_TRUE(control.elans().empty());
  ASSERT_EQ(control.list_chains().size(), 3u);
  EXPECT_EQ(dep->chains.at("l1").match, "dl_type=0x0800,nw_proto=17,tp_dst=53");
  // nat's end is numbered inside dpi's existing E-Line subnet (fw:out .1, dpi:in .2).
  EXPECT_EQ(intf("svc1-nat", "in").ip, "20.0.1.3/24");
  EXPECT_EQ(control.calls(Op::kStartCompute), 4);  // fw, dpi, client untouched

  ASSERT_TRUE(deployer.remove(*dep).ok());
  EXPECT_TRUE(control.empty());
  EXPECT_EQ(subnets_in_use(), 0u);
}

TEST_F(DeployerTest, ReplacedFunctionIsRestartedWithItsLinks) {
  auto dep = deployer.deploy(placed());
  ASSERT_TRUE(dep.ok());
  graph::ServiceGraph next = placed();
  next.functions[0].host = "dc2";  // fw moves
  ASSERT_TRUE(deployer.update(*dep, next).ok());
  EXPECT_EQ(control.instances().at("svc1-fw").pop, "dc2");
  EXPECT_EQ(control.list_chains().size(), 2u);
  EXPECT_EQ(control.elans().size(), 1u);
  EXPECT_EQ(control.calls(Op::kStopCompute), 1);
  EXPECT_EQ(intf("svc1-fw", "mgmt").ip, "192.168.7.1/24");
  ASSERT_TRUE(deployer.remove(*dep).ok());
  EXPECT_TRUE(control.empty());
  EXPECT_EQ(subnets_in_use(), 0u);
}

TEST_F(DeployerTest, FailedUpdateUndoesItsAdditions) {
  auto dep = deployer.deploy(placed());
  ASSERT_TRUE(dep.ok());
  graph::ServiceGraph next = placed();
  next.functions.push_back(function("nat", "dc2", {port("in")}));
  next.elines.push_back(graph::Eline{"l3", {"dpi", "in"}, {"nat", "in"}, {}, true});
  control.fail_nth(Op::kSetChain, 1);
  Status s = deployer.update(*dep, next);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "E-Line 'l3': injected failure of call 3");
  EXPECT_EQ(dep->graph, placed());
  EXPECT_EQ(control.instances().count("svc1-nat"), 0u);
  EXPECT_EQ(control.instances().size(), 3u);
  EXPECT_EQ(control.list_chains().size(), 2u);
  EXPECT_EQ(pools.eline.used(), 2u);

  graph::ServiceGraph other = placed();
  other.id = "svc2";
  s = deployer.update(*dep, other);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "graph 'svc2' cannot update graph 'svc1'");
  ASSERT_TRUE(deployer.remove(*dep).ok());
  EXPECT_TRUE(control.empty());
}

}  // namespace
}  // namespace chainlab::orchestration
