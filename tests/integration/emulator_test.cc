// The son-emu conformance checklist (../shared/reference/emulator-api.md) against a real emulation:
// namespaces, the userspace switch, native instances, pings.
#include "emulator/emulation.h"

#include <cstdio>

#include "common/files.h"
#include "emulation_fixture.h"
#include "runtime/image_store.h"
#include "substrate/process.h"
#include "test_util.h"

namespace chainlab::emulator {
namespace {

using namespace std::chrono_literals;

Topology pops_line(std::vector<std::string> nodes, int npops, uint64_t delay_ns = 0) {
  Topology t;
  t.name = "test";
  t.emulator.rest_port = 0;
  for (size_t i = 0; i < nodes.size(); ++i) {
    Status s =
        static_cast<int>(i) < npops ? t.add_pop({nodes[i], {}, {}, {}}) : t.add_switch({nodes[i]});
    EXPECT_TRUE(s.ok()) << s.error().message;
  }
  for (size_t i = 0; i + 1 < nodes.size(); ++i) {
    LinkSpec l;
    l.a = nodes[i];
    l.b = nodes[i + 1];
    l.delay_ns = delay_ns;
    EXPECT_TRUE(t.add_link(l).ok());
  }
  return t;
}

class EmulatorTest : public EmulationFixture {
 protected:
  ChainRequest chain(const std::string& a, const std::string& b, bool bidi = true,
                     uint64_t cookie = 10) {
    ChainRequest c;
    c.src = a;
    c.dst = b;
    c.bidirectional = bidi;
    c.cookie = cookie;
    return c;
  }
};

TEST_F(EmulatorTest, OnePop) {
  start(pops_line({"dc1"}, 1));
  compute("dc1", "vnf1", {{"emu0", "10.0.0.1/24", ""}});
  compute("dc1", "vnf2", {{"emu0", "10.0.0.2/24", ""}});
  EXPECT_FALSE(ping("vnf1", "vnf2"));
  ASSERT_TRUE(emu_->set_chain(chain("vnf1", "vnf2")).ok());
  EXPECT_TRUE(ping("vnf1", "vnf2"));
  EXPECT_TRUE(ping("vnf2", "10.0.0.1"));
}

TEST_F(EmulatorTest, TwoLinkedPopsPingOnlyAfterChainAndNotAfterRemoval) {
  start(pops_line({"dc1", "dc2"}, 2));
  compute("dc1", "vnf1", {{"emu0", "10.0.0.1/24", ""}});
  compute("dc2", "vnf2", {{"emu0", "10.0.0.2/24", ""}});
  EXPECT_FALSE(ping("vnf1", "vnf2")) << "instances in different PoPs must not reach each other";
  auto c = emu_->set_chain(chain("vnf1", "vnf2"));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->path, (std::vector<std::string>{"dc1", "dc2"}));
  EXPECT_GE(c->vlan, 1);
  EXPECT_TRUE(ping("vnf1", "vnf2", 2));
  EXPECT_EQ(emu_->set_chain(chain("vnf1", "vnf2")).error().code, ErrorCode::kAlreadyExists);
  auto removed = emu_->delete_chain(chain("vnf1", "vnf2"));
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1u);
  EXPECT_FALSE(ping("vnf1", "vnf2"));
  EXPECT_EQ(emu_->delete_chain(chain("vnf1", "vnf2")).error().code, ErrorCode::kNotFound);
}

TEST_F(EmulatorTest, PopsAcrossThreeSwitches) {
  Topology t;
  ASSERT_TRUE(t.add_pop({"dc1", {}, {}, {}}).ok());
  ASSERT_TRUE(t.add_pop({"dc2", {}, {}, {}}).ok());
  for (const char* s : {"s1", "s2", "s3"}) {
    ASSERT_TRUE(t.add_switch({s}).ok());
  }
  for (auto [a, b] : std::vector<std::pair<const char*, const char*>>{
           {"dc1", "s1"}, {"s1", "s2"}, {"s2", "s3"}, {"s3", "dc2"}}) {
    LinkSpec l;
    l.a = a;
    l.b = b;
    ASSERT_TRUE(t.add_link(l).ok());
  }
  start(t);
  compute("dc1", "vnf1", {{"emu0", "10.0.0.1/24", ""}});
  compute("dc2", "vnf2", {{"emu0", "10.0.0.2/24", ""}});
  auto c = emu_->set_chain(chain("vnf1", "vnf2"));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->path, (std::vector<std::string>{"dc1", "s1", "s2", "s3", "dc2"}));
  EXPECT_TRUE(ping("vnf1", "vnf2", 2));
}

TEST_F(EmulatorTest, SeveralServicesChainedAtOnce) {
  start(pops_line({"dc1", "dc2"}, 2));
  for (int i = 0; i < 3; ++i) {
    compute("dc1", fmt::format("a{}", i), {{"emu0", fmt::format("10.{}.0.1/24", i + 1), ""}});
    compute("dc2", fmt::format("b{}", i), {{"emu0", fmt::format("10.{}.0.2/24", i + 1), ""}});
  }
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(emu_->set_chain(chain(fmt::format("a{}", i), fmt::format("b{}", i))).ok());
  }
  auto chains = emu_->list_chains();
  ASSERT_EQ(chains.size(), 3u);
  EXPECT_NE(chains[0].vlan, chains[1].vlan);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(ping(fmt::format("a{}", i), fmt::format("10.{}.0.2", i + 1)));
  }
  // Isolation: a0 cannot reach b1 (different chain, different VLAN).
  ASSERT_TRUE(emu_->exec("a0", {"ip", "addr", "add", "10.2.0.9/24", "dev", "emu0"}, 5s).ok());
  EXPECT_FALSE(ping("a0", "10.2.0.2"));
}

TEST_F(EmulatorTest, ComputeAddRemoveStatusInterleaved) {
  start(pops_line({"dc1", "dc2"}, 2));
  compute("dc1", "vnf1", {{"input", "10.0.10.1/24", ""}, {"output", "", ""}});
  auto st = emu_->compute_status("vnf1");
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->status.state, runtime::InstanceState::kRunning);
  ASSERT_EQ(st->interfaces.size(), 2u);
  EXPECT_EQ(st->interfaces[0].name, "input");
  EXPECT_EQ(st->interfaces[0].ip, "10.0.10.1/24");
  EXPECT_FALSE(st->interfaces[1].ip.empty()) << "address from the pool";
  auto env = emu_->exec("vnf1", {"sh", "-c", "echo $VNF_NAME"}, 5s);
  EXPECT_EQ(env->output, "vnf1\n");
  // Start and stop commands: the command runs at start, the stop command before the stop.
  const std::string marker = "/tmp/chainlab-stop-" + std::to_string(::getpid());
  ComputeRequest cmds{"dc2", "cmds", "", "echo started > " + marker + ".start; sleep 1000",
                      {},    "tiny", {}, "echo stopped > " + marker + ".stop",
                      {}};
  ASSERT_TRUE(emu_->start_compute(cmds).ok());
  // The shell creates the file before echo writes to it: wait for the content, not the file.
  for (int i = 0; i < 100 && read_file(marker + ".start").value_or("") != "started\n"; ++i) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(read_file(marker + ".start").value_or(""), "started\n");
  ASSERT_TRUE(emu_->stop_compute("dc2", "cmds").ok());
  EXPECT_EQ(read_file(marker + ".stop").value_or(""), "stopped\n");
  ::unlink((marker + ".start").c_str());
  ::unlink((marker + ".stop").c_str());
  compute("dc2", "vnf2", {});
  EXPECT_TRUE(emu_->stop_compute("dc1", "vnf1").ok());
  compute("dc1", "vnf3", {});
  EXPECT_EQ(emu_->compute_status("vnf1").error().code, ErrorCode::kNotFound);
  compute("dc1", "vnf1", {});  // the name is free again
  EXPECT_EQ(emu_->list_compute()->size(), 3u);
  EXPECT_EQ(emu_->list_compute("dc1")->size(), 2u);
  EXPECT_EQ(emu_->stop_compute("dc2", "vnf1").error().code, ErrorCode::kNotFound);
  ComputeRequest bad;
  bad.pop = "dc9";
  bad.name = "x";
  EXPECT_EQ(emu_->start_compute(bad).error().code, ErrorCode::kNotFound);
  bad.pop = "dc1";
  bad.name = "vnf3";
  EXPECT_EQ(emu_->start_compute(bad).error().code, ErrorCode::kAlreadyExists);
  bad.name = "y";
  bad.interfaces = {{.id = "emu0", .ip = "10.0.0.300/24"}};
  EXPECT_EQ(emu_->start_compute(bad).error().code, ErrorCode::kInvalidArgument);
  bad.interfaces = {};
  bad.flavor = "huge";
  EXPECT_EQ(emu_->start_compute(bad).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(emu_->list_compute()->size(), 3u) << "failed requests leave nothing";
  // Hosts resolve by name.
  auto r = emu_->exec("vnf3", {"getent", "hosts", "vnf2"}, 5s);
  EXPECT_EQ(r->exit_code, 0) << r->output;
}

TEST_F(EmulatorTest, FixedResourceModelExactValuesAndRejection) {
  Topology t;
  ResourceModelSpec fixed{"fixed", 4, 1024};
  ASSERT_TRUE(t.add_pop({"dc1", fixed, {}, {}}).ok());
  ASSERT_TRUE(t.add_pop({"dc2", fixed, {}, {}}).ok());
  ASSERT_TRUE(t.add_link({"dc1", "dc2"}).ok());
  t.emulator.e_cpu = 1.0;
  t.emulator.e_mem_mb = 512;
  start(t);
  // single_cu = 1 / 8; small (1 CU, 128 MB): quota 125000 of 1000000 us; 512/2048*128 = 32 MB.
  compute("dc1", "a", {}, "small");
  auto st = emu_->compute_status("a");
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->status.limits.cpu_period_us, 1000000);
  EXPECT_EQ(st->status.limits.cpu_quota_us, 125000);
  EXPECT_EQ(st->status.limits.memory_bytes, 32ll << 20);
  compute("dc1", "b", {}, "small");
  compute("dc1", "c", {}, "small");
  compute("dc1", "d", {}, "small");
  ComputeRequest over{"dc1", "e", "", "", {}, "small", {}, "", {}};
  auto rejected = emu_->start_compute(over);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(emu_->compute_status("e").error().code, ErrorCode::kNotFound);
  // The other PoP is unaffected; freeing makes room again.
  compute("dc2", "e", {}, "small");
  ASSERT_TRUE(emu_->stop_compute("dc1", "a").ok());
  compute("dc1", "f", {}, "small");
}

TEST_F(EmulatorTest, OverprovisioningRescalesThePop) {
  Topology t;
  ASSERT_TRUE(t.add_pop({"dc1", {"overprovision", 2, 1024}, {}, {}}).ok());
  ASSERT_TRUE(t.add_pop({"dc2", {"overprovision", 2, 1024}, {}, {}}).ok());
  ASSERT_TRUE(t.add_link({"dc1", "dc2"}).ok());
  start(t);
  // single_cu = 1/4: small gets 250000 us until dc1's 2 CU are exceeded.
  compute("dc1", "a", {}, "small");
  compute("dc1", "b", {}, "small");
  compute("dc2", "z", {}, "small");
  EXPECT_EQ(emu_->compute_status("a")->status.limits.cpu_quota_us, 250000);
  compute("dc1", "c", {}, "small");  // 3 CU allocated of 2: factor 2/3
  for (const char* n : {"a", "b", "c"}) {
    EXPECT_EQ(emu_->compute_status(n)->status.limits.cpu_quota_us, 166666) << n;
  }
  EXPECT_EQ(emu_->compute_status("z")->status.limits.cpu_quota_us, 250000) << "other PoP isolated";
  ASSERT_TRUE(emu_->stop_compute("dc1", "c").ok());
  EXPECT_EQ(emu_->compute_status("a")->status.limits.cpu_quota_us, 250000);
}

TEST_F(EmulatorTest, ElanAcrossPopsInARingDoesNotLoop) {
  Topology t;
  for (const char* p : {"dc1", "dc2", "dc3"}) {
    ASSERT_TRUE(t.add_pop({p, {}, {}, {}}).ok());
  }
  ASSERT_TRUE(t.add_link({"dc1", "dc2"}).ok());
  ASSERT_TRUE(t.add_link({"dc2", "dc3"}).ok());
  ASSERT_TRUE(t.add_link({"dc3", "dc1"}).ok());  // a cycle: naive flooding would loop
  start(t);
  compute("dc1", "v1", {{"lan", "10.9.0.1/24", ""}});
  compute("dc2", "v2", {{"lan", "10.9.0.2/24", ""}});
  compute("dc3", "v3", {{"lan", "10.9.0.3/24", ""}});
  compute("dc3", "v4", {{"lan", "10.9.0.4/24", ""}});
  auto elan = emu_->create_elan("lan1", {{"v1", "lan"}, {"v2", "lan"}, {"v3", "lan"}, {"v4", ""}});
  ASSERT_TRUE(elan.ok()) << elan.error().message;
  for (const char* from : {"v1", "v2", "v3", "v4"}) {
    for (int to = 1; to <= 4; ++to) {
      if (std::string(from) != fmt::format("v{}", to)) {
        EXPECT_TRUE(ping(from, fmt::format("10.9.0.{}", to))) << from << " -> " << to;
      }
    }
  }
  // A broadcast must not circulate around the ring: a loop would deliver thousands of copies in
  // half a second (IPv6 neighbour discovery of the members adds a few packets).
  auto rx = [&] {
    // /proc/net/dev is per network namespace: "lan: rx_bytes rx_packets ...".
    auto r = emu_->exec("v2", {"sh", "-c", "awk -F'[: ]+' '/lan:/ {print $4}' /proc/net/dev"}, 5s);
    EXPECT_TRUE(r.ok() && r->exit_code == 0) << (r.ok() ? r->output : r.error().message);
    return r.ok() && r->exit_code == 0 ? std::stol(r->output) : 0L;
  };
  long before = rx();
  ASSERT_TRUE(
      emu_->exec("v1", {"arping", "-c", "1", "-w", "1", "-I", "lan", "10.9.0.99"}, 5s).ok());
  std::this_thread::sleep_for(500ms);
  long delta = rx() - before;
  EXPECT_LE(delta, 30) << "a broadcast storm delivers many copies";
  ASSERT_TRUE(emu_->delete_elan("lan1").ok());
  EXPECT_FALSE(ping("v1", "10.9.0.2"));
}

TEST_F(EmulatorTest, InterfacesAddedAndRemovedAtRuntime) {
  start(pops_line({"dc1", "dc2"}, 2));
  compute("dc1", "vnf1", {{"emu0", "10.0.0.1/24", ""}});
  compute("dc2", "vnf2", {{"emu0", "10.0.0.2/24", ""}});
  auto added = emu_->add_interface("vnf1", {"extra", "10.20.0.1/24", ""});
  ASSERT_TRUE(added.ok()) << added.error().message;
  ASSERT_TRUE(emu_->add_interface("vnf2", {"extra", "10.20.0.2/24", ""}).ok());
  EXPECT_EQ(emu_->add_interface("vnf1", {"extra", "", ""}).error().code, ErrorCode::kAlreadyExists);
  ChainRequest c = chain("vnf1", "vnf2");
  c.src_intf = "extra";
  c.dst_intf = "extra";
  ASSERT_TRUE(emu_->set_chain(c).ok());
  EXPECT_TRUE(ping("vnf1", "10.20.0.2"));
  EXPECT_FALSE(ping("vnf1", "10.0.0.2")) << "the emu0 interfaces are not chained";
  ASSERT_TRUE(emu_->delete_chain(c).ok());
  ASSERT_TRUE(emu_->remove_interface("vnf1", "extra").ok());
  auto links = emu_->exec("vnf1", {"ip", "-o", "link"}, 5s);
  EXPECT_EQ(links->output.find("extra"), std::string::npos);
  EXPECT_EQ(emu_->remove_interface("vnf1", "extra").error().code, ErrorCode::kNotFound);
}

TEST_F(EmulatorTest, AHostBridgeJoinsInstanceInterfacesToTheHost) {
  start(pops_line({"dc1"}, 1));
  compute("dc1", "edge", {{.id = "emu0", .ip = "10.0.0.1/24"}});
  compute("dc1", "edge2", {{.id = "emu0", .ip = "10.0.0.2/24"}});
  HostBridgeRequest bridge{"ext-test", "172.31.250.1/24"};
  auto added = emu_->add_interface(
      "edge",
      {.id = "ext", .ip = "172.31.250.2/24", .gateway = "172.31.250.1", .host_bridge = bridge});
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_EQ(added->host_bridge, "ext-test");
  EXPECT_EQ(added->port, 0u) << "not on the switch";
  EXPECT_EQ(testing::run_command("ping -c 1 -W 2 172.31.250.2").status, 0)
      << "the host reaches the instance over the bridge";
  auto route = emu_->exec("edge", {"ip", "route", "show", "default"}, 5s);
  ASSERT_TRUE(route.ok());
  EXPECT_NE(route->output.find("via 172.31.250.1 dev ext"), std::string::npos) << route->output;

  auto other =
      emu_->add_interface("edge2", {.id = "ext",
                                    .ip = "172.31.250.3/24",
                                    .host_bridge = HostBridgeRequest{"ext-test", "1.2.3.4/8"}});
  ASSERT_FALSE(other.ok()) << "one bridge, one address";
  EXPECT_EQ(other.error().code, ErrorCode::kInvalidArgument);
  ASSERT_TRUE(
      emu_->add_interface("edge2", {.id = "ext", .ip = "172.31.250.3/24", .host_bridge = bridge})
          .ok());
  EXPECT_TRUE(ping("edge2", "172.31.250.2")) << "both are on the bridge";
  ChainRequest c = chain("edge", "edge2");
  c.src_intf = "ext";
  c.dst_intf = "ext";
  auto chained = emu_->set_chain(c);
  ASSERT_FALSE(chained.ok()) << "no switch port to chain";
  EXPECT_EQ(chained.error().code, ErrorCode::kFailedPrecondition);

  ASSERT_TRUE(emu_->remove_interface("edge", "ext").ok());
  EXPECT_EQ(testing::run_command("ip -o addr show | grep -q 172.31.250.1/24").status, 0)
      << "the bridge stays while a member is left";
  ASSERT_TRUE(emu_->stop_compute("dc1", "edge2").ok());
  EXPECT_NE(testing::run_command("ip -o addr show | grep -q 172.31.250.1/24").status, 0)
      << "the last member took the bridge with it";
}

TEST_F(EmulatorTest, SapIsReachableThroughAChain) {
  Topology t = pops_line({"dc1", "dc2"}, 2);
  ASSERT_TRUE(t.add_sap({"internet", "dc1", "10.30.0.254/24"}).ok());
  start(t);
  compute("dc2", "web", {{"emu0", "10.30.0.1/24", ""}});
  EXPECT_EQ(emu_->list_compute()->size(), 1u) << "SAPs are not compute instances";
  EXPECT_TRUE(emu_->pop_status("dc1")->instances.empty()) << "nor in the PoP's vnf_list";
  ASSERT_TRUE(emu_->set_chain(chain("internet", "web")).ok());
  EXPECT_TRUE(ping("internet", "web"));
}

TEST_F(EmulatorTest, ImageInTheStoreRunsAsAContainer) {
  if (!substrate::find_executable("runc").ok()) {
    GTEST_SKIP() << "runc is not installed (scripts/install-deps.sh installs it)";
  }
  char tmpl[] = "/tmp/chainlab-images-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  auto store = runtime::ImageStore::open(tmpl);
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto img = (*store)->build_from_host("tools", {"sh", "sleep", "ping", "cat", "hostname"});
  ASSERT_TRUE(img.ok()) << img.error().message;
  start(pops_line({"dc1", "dc2"}, 2), store->get());
  ComputeRequest c{"dc1", "box", "tools", "sleep 1000", {{"emu0", "10.0.0.1/24", ""}}, "tiny",
                   {},    "",    {}};
  auto info = emu_->start_compute(c);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->status.driver, "oci");
  compute("dc2", "host", {{"emu0", "10.0.0.2/24", ""}});
  EXPECT_EQ(emu_->compute_status("host")->status.driver, "native");
  ASSERT_TRUE(emu_->set_chain(chain("box", "host")).ok());
  EXPECT_TRUE(ping("box", "host"));
  EXPECT_TRUE(ping("host", "box"));
  auto r = emu_->exec("box", {"hostname"}, 5s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->output, "box\n");
  emu_.reset();
  store->reset();
  testing::run_command(std::string("rm -rf ") + tmpl);
}

TEST_F(EmulatorTest, RuntimeLinkChangeShowsInRtt) {
  start(pops_line({"dc1", "dc2"}, 2, 10'000'000));
  compute("dc1", "vnf1", {{"emu0", "10.0.0.1/24", ""}});
  compute("dc2", "vnf2", {{"emu0", "10.0.0.2/24", ""}});
  ASSERT_TRUE(emu_->set_chain(chain("vnf1", "vnf2")).ok());
  auto rtt = [&]() { return min_rtt_ms("vnf1", "10.0.0.2"); };
  ASSERT_TRUE(ping("vnf1", "10.0.0.2"));  // resolve ARP first: it would add a round trip
  // The delay is a floor; a loaded machine adds scheduling time on top (never 10 ms more).
  double before = rtt();
  EXPECT_GE(before, 19.0);
  EXPECT_LT(before, 30.0);
  LinkChange change;
  change.delay_ns = 30'000'000;
  ASSERT_TRUE(emu_->set_link("dc1", "dc2", change).ok());
  double after = rtt();
  EXPECT_GE(after, 59.0);
  EXPECT_LT(after, 70.0);
  EXPECT_EQ(emu_->set_link("dc1", "nowhere", change).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace chainlab::emulator
