// GraphDeployer over the in-memory FakeControl: what an NF-FG becomes (graph-LSI, instances,
// virtual links, rules on both switches), update by diff (add before remove, changed rules
// reinstalled, untouched rules kept, ports added to and removed from a running VNF) and that a
// failure at any step leaves nothing behind (deploy) or the old graph (update).
#include "frontends/unode/graph_deployer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>

#include "../../fakes/fake_control.h"
#include "common/files.h"
#include "nffg_samples.h"

namespace chainlab::unode {
namespace {

using nlohmann::json;
using testing::FakeControl;
using ::testing::HasSubstr;

const std::string kFixtures = CHAINLAB_SOURCE_DIR "/../shared/fixtures/nffg-un/";

using samples::passthrough;

Nffg parsed(const json& doc) {
  auto g = parse_nffg(doc);
  EXPECT_TRUE(g.ok()) << g.error().message;
  return *g;
}

class GraphDeployerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/chainlab-deployer-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::filesystem::create_directories(dir_ + "/example");
    ASSERT_TRUE(write_file(dir_ + "/example/start", "#!/bin/sh\nexit 0\n", true).ok());
    std::filesystem::permissions(dir_ + "/example/start", std::filesystem::perms::owner_all);
    json t = {{"name", "example"},
              {"functional-capability", "example"},
              {"vnf-type", "native"},
              {"uri", "example"},
              {"expandable", false},
              {"memory-size", 0},
              {"ports", {{{"position", "0-2"}, {"label", "inout"}}}}};
    auto parsed_t = parse_template(t, "example");
    ASSERT_TRUE(parsed_t.ok()) << parsed_t.error().message;
    ASSERT_TRUE(repo_.add(*parsed_t).ok());
    fake_.set_pop_interfaces("dc1", {{"eth0", 501}, {"eth1", 502}});
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  GraphDeployer deployer() { return GraphDeployer(fake_, repo_, {"dc1", dir_}); }

  std::string dir_;
  TemplateRepository repo_;
  FakeControl fake_{FakeControl::pops({"dc1"})};
};

TEST_F(GraphDeployerTest, PassthroughBecomesAGraphLsiWithTwoLinksAndEightRules) {
  auto d = deployer();
  auto g = d.deploy(parsed(passthrough()), "g1", 77);
  ASSERT_TRUE(g.ok()) << g.error().message;
  ASSERT_EQ(fake_.graph_lsis().count("g1"), 1u);
  EXPECT_EQ(fake_.lsi_of(g->vnfs.at("00000001").instance), g->lsi.lsi);
  EXPECT_EQ(fake_.graph_links("g1").size(), 2u);  // one per crossing port, per direction pair
  EXPECT_EQ(fake_.rules(g->lsi.lsi0).size(), 4u);
  EXPECT_EQ(fake_.rules(g->lsi.lsi).size(), 4u);
  for (const auto& [id, spec] : fake_.rules(g->lsi.lsi0)) {
    EXPECT_EQ(spec.cookie, 77u);
  }
  const auto& inst = fake_.instances().at(g->vnfs.at("00000001").instance);
  ASSERT_EQ(inst.interfaces.size(), 2u);
  EXPECT_EQ(inst.interfaces[0].name, "eth0");
  ASSERT_TRUE(d.remove(*g).ok());
  EXPECT_TRUE(fake_.empty());
}

TEST_F(GraphDeployerTest, TheReferencesFixtureDeploysWithATemplateNamedAfterTheVnf) {
  std::string text;
  auto read = read_file(kFixtures + "passthrough_with_vnf_nffg.json");
  if (!read.ok()) {
    GTEST_SKIP() << "../shared/fixtures/nffg-un not present next to the source tree";
  }
  auto d = deployer();
  auto g = d.deploy(parsed(json::parse(*read)), "g1", 1);
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(fake_.rule_count(), 8u);
  ASSERT_TRUE(d.remove(*g).ok());
  EXPECT_TRUE(fake_.empty());
}

TEST_F(GraphDeployerTest, ProgressRisesThroughVnfsLinksAndRules) {
  std::vector<int> seen;
  auto d = deployer();
  auto g = d.deploy(parsed(passthrough()), "g1", 1, [&](int p) { seen.push_back(p); });
  ASSERT_TRUE(g.ok());
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front(), 0);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_LT(seen.back(), 100);  // 100 is the caller's: "complete"
  EXPECT_NE(std::find(seen.begin(), seen.end(), 80), seen.end()) << "the links' step";
}

TEST_F(GraphDeployerTest, AChangedMatchReinstallsThatRuleOnlyAndKeepsTheOthers) {
  auto d = deployer();
  auto g = d.deploy(parsed(passthrough()), "g1", 1);
  ASSERT_TRUE(g.ok());
  std::vector<InstalledRule> before = g->rules;
  json next = passthrough();
  next["forwarding-graph"]["big-switch"]["flow-rules"][0]["match"]["ether_type"] = "0x0800";
  ASSERT_TRUE(d.update(*g, parsed(next)).ok());
  size_t kept = 0;
  for (const auto& r : g->rules) {
    bool was =
        std::any_of(before.begin(), before.end(), [&](const auto& b) { return b.id == r.id; });
    kept += was ? 1 : 0;
    if (r.nffg_rule == "1") {
      EXPECT_FALSE(was) << "rule 1's match changed: it must be reinstalled";
      EXPECT_EQ(r.spec.match.eth_type, 0x0800);
    }
  }
  EXPECT_EQ(kept, 7u);
  EXPECT_EQ(fake_.rule_count(), 8u);  // the old rule 1 is gone
  EXPECT_EQ(fake_.calls(FakeControl::Op::kStartCompute), 1);
}

TEST_F(GraphDeployerTest, PortsAreAddedToAndRemovedFromARunningVnf) {  // reference issue 46
  auto d = deployer();
  auto g = d.deploy(parsed(passthrough()), "g1", 1);
  ASSERT_TRUE(g.ok());
  std::string instance = g->vnfs.at("00000001").instance;
  json next = passthrough();
  next["forwarding-graph"]["VNFs"][0]["ports"].push_back({{"id", "inout:2"}, {"name", "c"}});
  ASSERT_TRUE(d.update(*g, parsed(next)).ok());
  EXPECT_EQ(g->vnfs.at("00000001").instance, instance);
  EXPECT_EQ(fake_.instances().at(instance).interfaces.size(), 3u);
  ASSERT_TRUE(d.update(*g, parsed(passthrough())).ok());
  EXPECT_EQ(fake_.instances().at(instance).interfaces.size(), 2u);
  EXPECT_EQ(fake_.calls(FakeControl::Op::kStartCompute), 1);
}

TEST_F(GraphDeployerTest, MorePortsThanTheTemplateHasIsRefusedAndTheGraphStays) {  // issue 104
  auto d = deployer();
  auto g = d.deploy(parsed(passthrough()), "g1", 1);
  ASSERT_TRUE(g.ok());
  json next = passthrough();
  for (int i = 2; i < 5; ++i) {
    next["forwarding-graph"]["VNFs"][0]["ports"].push_back({{"id", fmt::format("inout:{}", i)}});
  }
  auto s = d.update(*g, parsed(next));
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.error().message, HasSubstr("has 3 ports"));
  EXPECT_EQ(fake_.instances().begin()->second.interfaces.size(), 2u);
  EXPECT_EQ(fake_.rule_count(), 8u);
}

TEST_F(GraphDeployerTest, AFailureAtAnyStepOfDeployLeavesNothing) {
  for (auto op : {FakeControl::Op::kCreateGraphLsi, FakeControl::Op::kStartCompute,
                  FakeControl::Op::kAddGraphLink, FakeControl::Op::kAddRule}) {
    for (int nth = 1; nth <= 3; ++nth) {
      fake_.fail_nth(op, nth);
      auto d = deployer();
      auto g = d.deploy(parsed(passthrough()), "g1", 1);
      if (g.ok()) {
        ASSERT_TRUE(d.remove(*g).ok());
      }
      fake_.clear_failures();
      EXPECT_TRUE(fake_.empty()) << "op " << static_cast<int>(op) << " call " << nth;
    }
  }
}

TEST_F(GraphDeployerTest, AFailedUpdateLeavesTheOldGraph) {
  auto d = deployer();
  auto g = d.deploy(parsed(passthrough()), "g1", 1);
  ASSERT_TRUE(g.ok());
  auto rules_before = fake_.rules(g->lsi.lsi0);
  json next = passthrough();
  next["forwarding-graph"]["VNFs"][0]["name"] = "example";
  next["forwarding-graph"]["VNFs"][0]["unify-env-variables"] = {
      {{"variable", "A=1"}}};  // a new instance
  next["forwarding-graph"]["big-switch"]["flow-rules"][0]["match"]["ether_type"] = "0x0806";
  fake_.fail_nth(FakeControl::Op::kAddRule, 2);
  ASSERT_FALSE(d.update(*g, parsed(next)).ok());
  EXPECT_EQ(fake_.instances().size(), 1u);
  EXPECT_EQ(fake_.rules(g->lsi.lsi0).size(), rules_before.size());
  EXPECT_EQ(fake_.graph_links("g1").size(), 2u);
}

TEST_F(GraphDeployerTest, AnInterfaceTheNodeLacksIsRefusedNamingIt) {
  json doc = passthrough();
  doc["forwarding-graph"]["end-points"][1]["interface"]["if-name"] = "wlan9";
  auto d = deployer();
  auto g = d.deploy(parsed(doc), "g1", 1);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(g.error().message, HasSubstr("no interface 'wlan9' (it has: eth0, eth1)"));
  EXPECT_TRUE(fake_.empty());
}

TEST_F(GraphDeployerTest, EnvironmentThatWouldChangeWhatTheBundleRunsIsRefused) {
  for (const char* kv : {"LD_PRELOAD=/tmp/x.so", "PATH=/tmp", "UN_BUNDLE=/tmp", "A-B=1", "1A=2"}) {
    json doc = passthrough();
    doc["forwarding-graph"]["VNFs"][0]["unify-env-variables"] = {{{"variable", kv}}};
    auto d = deployer();
    auto g = d.deploy(parsed(doc), "g1", 1);
    ASSERT_FALSE(g.ok()) << kv;
    EXPECT_EQ(g.error().code, ErrorCode::kInvalidArgument) << kv;
    EXPECT_THAT(g.error().message, HasSubstr("may not set")) << kv;
    EXPECT_TRUE(fake_.empty()) << kv;
  }
  json doc = passthrough();
  doc["forwarding-graph"]["VNFs"][0]["unify-env-variables"] = {{{"variable", "MODE=fast"}}};
  auto d = deployer();
  auto g = d.deploy(parsed(doc), "g1", 1);
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(fake_.instances().begin()->second.command.find("MODE"), std::string::npos);
}

TEST_F(GraphDeployerTest, AStaticHostStackIsAPortOfTheGraphLsiAndDhcpIsRefused) {
  json doc = passthrough();
  doc["forwarding-graph"]["end-points"].push_back(
      {{"id", "h"},
       {"type", "host-stack"},
       {"host-stack", {{"configuration", "static"}, {"ipv4", "192.0.2.1/24"}}}});
  doc["forwarding-graph"]["big-switch"]["flow-rules"].push_back(
      {{"id", "9"},
       {"priority", 1},
       {"match", {{"port_in", "endpoint:h"}}},
       {"actions", {{{"output_to_port", "vnf:00000001:inout:0"}}}}});
  auto d = deployer();
  auto g = d.deploy(parsed(doc), "g1", 1);
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(fake_.host_stacks("g1").size(), 1u);
  EXPECT_EQ(fake_.host_stacks("g1").begin()->second, "192.0.2.1/24");
  ASSERT_TRUE(d.update(*g, parsed(passthrough())).ok());
  EXPECT_TRUE(fake_.host_stacks("g1").empty()) << "gone with its end-point";
  ASSERT_TRUE(d.remove(*g).ok());

  doc["forwarding-graph"]["end-points"][2]["host-stack"] = {{"configuration", "DHCP"}};
  auto dhcp = d.deploy(parsed(doc), "g2", 1);
  ASSERT_FALSE(dhcp.ok());
  EXPECT_EQ(dhcp.error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(fake_.empty());
}

// A native VNF's start is synchronous (start_barrier.h): one that exits non-zero fails the
// deployment, which leaves nothing behind.
TEST_F(GraphDeployerTest, AStartThatFailsFailsTheDeployment) {
  fake_.set_start_exit_code(3);
  auto d = deployer();
  auto g = d.deploy(parsed(passthrough()), "g1", 1);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(g.error().message, HasSubstr("VNF 00000001: its bundle's start exited 3"));
  EXPECT_TRUE(fake_.empty());
}

// A gre-tunnel is a VXLAN device here: its gre-key (decimal or 0x hex, as Open vSwitch takes it)
// is the network id, which has 24 bits; secure (IPsec) tunnels are refused.
TEST_F(GraphDeployerTest, AGreTunnelIsAVxlanPortOfTheGraphLsi) {
  auto with_tunnel = [](json gre) {
    json doc = passthrough();
    doc["forwarding-graph"]["end-points"].push_back(
        {{"id", "t"}, {"type", "gre-tunnel"}, {"gre-tunnel", std::move(gre)}});
    doc["forwarding-graph"]["big-switch"]["flow-rules"].push_back(
        {{"id", "9"},
         {"priority", 1},
         {"match", {{"port_in", "endpoint:t"}}},
         {"actions", {{{"output_to_port", "vnf:00000001:inout:0"}}}}});
    return doc;
  };
  json gre = {{"local-ip", "192.0.2.1"}, {"remote-ip", "192.0.2.2"}, {"gre-key", "0x10"}};
  auto d = deployer();
  auto g = d.deploy(parsed(with_tunnel(gre)), "g1", 1);
  ASSERT_TRUE(g.ok()) << g.error().message;
  ASSERT_EQ(fake_.host_stacks("g1").size(), 1u);
  EXPECT_EQ(fake_.host_stacks("g1").begin()->second, "tunnel 192.0.2.1 192.0.2.2 16");
  ASSERT_TRUE(d.update(*g, parsed(passthrough())).ok());
  EXPECT_TRUE(fake_.host_stacks("g1").empty()) << "gone with its end-point";
  ASSERT_TRUE(d.remove(*g).ok());

  for (const char* key : {"16777216", "0x1000000"}) {  // a GRE key, but not a VXLAN id
    gre["gre-key"] = key;
    auto bad = d.deploy(parsed(with_tunnel(gre)), "g2", 1);
    ASSERT_FALSE(bad.ok()) << key;
    EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument) << key;
    EXPECT_THAT(bad.error().message, HasSubstr("is beyond 24 bits")) << key;
    EXPECT_TRUE(fake_.empty()) << key;
  }
  for (const char* key : {"0x", "-1", "1e3", "0x100000000", "abc"}) {  // not a GRE key at all
    gre["gre-key"] = key;
    auto bad = parse_nffg(with_tunnel(gre));
    ASSERT_FALSE(bad.ok()) << key;
    EXPECT_THAT(bad.error().message, HasSubstr("gre-tunnel.gre-key")) << key;
  }
  gre["gre-key"] = "7";
  gre["secure"] = true;
  auto secure = d.deploy(parsed(with_tunnel(gre)), "g3", 1);
  ASSERT_FALSE(secure.ok());
  EXPECT_EQ(secure.error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(fake_.empty());
}

// COMPOSER's native functions come as .tgz bundles: unpacked once into the cache, then run.
TEST_F(GraphDeployerTest, ATgzBundleIsUnpackedOnceIntoTheCache) {
  ASSERT_EQ(std::system(("tar -C " + dir_ + "/example -czf " + dir_ + "/fw.tgz start").c_str()), 0);
  json t = {{"functional-capability", "fw"},
            {"vnf-type", "native"},
            {"uri", "fw.tgz"},
            {"ports", {{{"position", "0-2"}, {"label", "inout"}}}}};
  auto parsed_t = parse_template(t, "fw");
  ASSERT_TRUE(parsed_t.ok());
  ASSERT_TRUE(repo_.add(*parsed_t).ok());
  json doc = passthrough();
  doc["forwarding-graph"]["VNFs"][0]["name"] = "fw";
  GraphDeployer d(fake_, repo_, {"dc1", dir_, nullptr, dir_ + "/cache"});
  auto g = d.deploy(parsed(doc), "g1", 1);
  ASSERT_TRUE(g.ok()) << g.error().message;
  std::vector<std::string> unpacked;
  for (const auto& e : std::filesystem::directory_iterator(dir_ + "/cache")) {
    unpacked.push_back(e.path().filename());
  }
  ASSERT_EQ(unpacked.size(), 1u);
  EXPECT_EQ(unpacked[0].rfind("fw-", 0), 0u) << unpacked[0];
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/cache/" + unpacked[0] + "/start"));
  ASSERT_TRUE(d.remove(*g).ok());
  auto again = d.deploy(parsed(doc), "g2", 1);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(d.remove(*again).ok());

  GraphDeployer no_cache(fake_, repo_, {"dc1", dir_});
  auto refused = no_cache.deploy(parsed(doc), "g3", 1);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message, HasSubstr("fw.tgz"));
  EXPECT_TRUE(fake_.empty());
}

TEST_F(GraphDeployerTest, TheNativeBundleRunsItsStartWithThePortsAndTheNameInTheEnvironment) {
  auto d = deployer();
  auto g = d.deploy(parsed(passthrough()), "g1", 1);
  ASSERT_TRUE(g.ok());
  const auto& inst = fake_.instances().at(g->vnfs.at("00000001").instance);
  EXPECT_THAT(inst.command, HasSubstr("./start"));
  EXPECT_THAT(inst.command, ::testing::Not(HasSubstr("example")));  // untrusted text: env only
}

}  // namespace
}  // namespace chainlab::unode
