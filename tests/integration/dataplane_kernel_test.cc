// The kernel fast path (dataplane/kernel/): which frames it forwards and which it leaves to the
// userspace engine, told apart by PortStats::kernel (the kernel's share of the counters). The
// rest of the data-plane suite runs on both paths (ctest `dataplane_userspace_path`).
#include <gtest/gtest.h>

#include "dataplane/capture.h"
#include "dataplane_fixture.h"

namespace chainlab::testing {
namespace {

using dataplane::Action;
using dataplane::RuleSpec;

// Only IPv4: the hosts' IPv6 neighbour discovery crosses no rule and counts nowhere.
RuleSpec ipv4(RuleSpec r) {
  r.match.eth_type = dataplane::kEthTypeIpv4;
  return r;
}

class KernelPathTest : public DataplaneTest {
 protected:
  void SetUp() override {
    DataplaneTest::SetUp();
    if (!HasFatalFailure() && !engine_->kernel_path()) {
      GTEST_SKIP() << "the engine runs in userspace: " << engine_->path_description();
    }
  }
  dataplane::PortStats stats(dataplane::LsiId lsi, dataplane::PortId port) {
    auto st = engine_->port_stats(lsi, port);
    EXPECT_TRUE(st.ok()) << st.error().message;
    return st.ok() ? *st : dataplane::PortStats{};
  }
  // Static neighbours: only the test's frames cross the switch.
  void neighbours(const std::string& a, const std::string& a_ip, const std::string& b,
                  const std::string& b_ip) {
    exec(a, {"ip", "neigh", "replace", b_ip, "lladdr", macs_[b].to_string(), "dev", "eth0"});
    exec(b, {"ip", "neigh", "replace", a_ip, "lladdr", macs_[a].to_string(), "dev", "eth0"});
  }
  // h1 (NET.1) on LSI s1 and h2 (NET.2) on s2, one virtual link between the LSIs, no rules.
  struct Linked {
    dataplane::LsiId s1, s2;
    dataplane::PortId p1, p2, l1, l2;
  };
  Linked linked(const std::string& net) {
    Linked t{lsi("s1"), lsi("s2"), 0, 0, 0, 0};
    t.p1 = host("h1", net + ".1/24", t.s1);
    t.p2 = host("h2", net + ".2/24", t.s2);
    neighbours("h1", net + ".1", "h2", net + ".2");
    auto link = engine_->connect(t.s1, t.s2, 1);
    EXPECT_TRUE(link.ok());
    if (link.ok()) {
      t.l1 = (*link)[0].a_port;
      t.l2 = (*link)[0].b_port;
    }
    return t;
  }
};

TEST_F(KernelPathTest, AChainOverTwoLsisIsForwardedByTheKernelWithItsCounters) {
  auto [s1, s2, p1, p2, l1, l2] = linked("10.40.0");
  ASSERT_NE(l1, 0u);
  auto tagged = [](dataplane::PortId in, uint16_t vid, dataplane::PortId out) {
    RuleSpec r = ipv4(port_to_port(in, {Action::pop_vlan(), Action::output(out)}));
    r.match.vlan = {dataplane::VlanMatch::Kind::kId, vid};
    return r;
  };
  auto out = rule(s1, ipv4(port_to_port(p1, {Action::push_vlan(30), Action::output(l1)})));
  rule(s1, tagged(l1, 31, p1));
  rule(s2, tagged(l2, 30, p2));
  rule(s2, ipv4(port_to_port(p2, {Action::push_vlan(31), Action::output(l2)})));
  auto r = exec("h1", {"ping", "-c", "10", "-i", "0.05", "-s", "100", "-W", "1", "10.40.0.2"});
  ASSERT_EQ(r.exit_code, 0) << r.output;

  // Every ping crossed in the kernel: the port counters are all the kernel's, frame for frame,
  // with the tag counted on the link (142 bytes untagged, 146 tagged), as the engine counts.
  auto in = stats(s1, p1);
  EXPECT_GE(in.kernel.rx_packets, 10u) << "and the host's IPv6 neighbour discovery, no rule's";
  EXPECT_EQ(in.counters.rx_packets, in.kernel.rx_packets) << "the engine saw none of them";
  EXPECT_EQ(in.kernel.tx_packets, 10u);
  auto across = stats(s1, l1);
  EXPECT_EQ(across.kernel.tx_packets, 10u);
  EXPECT_EQ(across.kernel.tx_bytes, 10u * 146);
  EXPECT_EQ(across.kernel.rx_packets, 10u);
  auto far = stats(s2, p2);
  EXPECT_EQ(far.kernel.tx_packets, 10u);
  EXPECT_EQ(far.kernel.tx_bytes, 10u * 142);
  auto rules = engine_->dump_rules(s1);
  ASSERT_TRUE(rules.ok());
  for (const auto& rs : *rules) {
    if (rs.id == out) {
      EXPECT_EQ(rs.packets, 10u);
      EXPECT_EQ(rs.bytes, 10u * 142);
    }
  }
}

TEST_F(KernelPathTest, AShapedLinkTakesTheEnginesPathAndItsDelay) {
  auto [s1, s2, p1, p2, l1, l2] = linked("10.41.0");
  ASSERT_NE(l1, 0u);
  rule(s1, ipv4(port_to_port(p1, {Action::output(l1)})));
  rule(s1, ipv4(port_to_port(l1, {Action::output(p1)})));
  rule(s2, ipv4(port_to_port(l2, {Action::output(p2)})));
  rule(s2, ipv4(port_to_port(p2, {Action::output(l2)})));
  dataplane::LinkParams slow;
  slow.delay_ns = 30'000'000;
  ASSERT_TRUE(engine_->set_link(s1, l1, slow).ok());  // only h1 -> h2 is delayed
  auto r = exec("h1", {"ping", "-c", "5", "-i", "0.05", "-W", "2", "10.41.0.2"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("min/avg/max"), std::string::npos);
  double min_ms = 0;
  ASSERT_EQ(std::sscanf(r.output.substr(r.output.find(" = ") + 3).c_str(), "%lf", &min_ms), 1);
  EXPECT_GE(min_ms, 29.0) << r.output;

  auto requests = stats(s1, l1);
  EXPECT_EQ(requests.kernel.tx_packets, 0u) << "a shaped link is the engine's";
  EXPECT_EQ(requests.counters.tx_packets, 5u);
  auto replies = stats(s2, l2);
  EXPECT_EQ(replies.kernel.tx_packets, 5u) << "the unshaped way back stays in the kernel";

  ASSERT_TRUE(engine_->set_link(s1, l1, dataplane::LinkParams{}).ok());
  EXPECT_TRUE(ping("h1", "10.41.0.2", 2));
  EXPECT_EQ(stats(s1, l1).kernel.tx_packets, 2u) << "transparent again: back in the kernel";
}

TEST_F(KernelPathTest, LearningAndFloodsStayInUserspace) {
  auto sw = lsi("s1");
  RuleSpec learn;  // first: a frame before it would be a miss, which the kernel drops and counts
  learn.actions = {Action::normal()};
  rule(sw, learn);
  auto p1 = host("h1", "10.42.0.1/24", sw);
  host("h2", "10.42.0.2/24", sw);
  EXPECT_TRUE(ping("h1", "10.42.0.2", 3));
  auto st = stats(sw, p1);
  EXPECT_GE(st.counters.rx_packets, 3u);
  EXPECT_EQ(st.kernel.rx_packets, 0u);
}

TEST_F(KernelPathTest, AGroupSpreadsFlowsInTheKernelAsTheEngineWould) {
  auto sw = lsi("s1");
  auto src = host("client", "10.43.0.1/24", sw);
  std::vector<dataplane::PortId> members;
  for (int i = 0; i < 3; ++i) {
    std::string name = "m" + std::to_string(i);
    members.push_back(host(name, "10.43.0.2/24", sw));
  }
  auto group = engine_->add_group(sw, dataplane::GroupSpec{members, {}});
  ASSERT_TRUE(group.ok()) << group.error().message;
  RuleSpec udp = ipv4(port_to_port(src, {Action::select(*group)}));
  udp.match.ip_proto = 17;
  rule(sw, udp);
  exec("client",
       {"ip", "neigh", "replace", "10.43.0.2", "lladdr", "02:00:00:00:00:02", "dev", "eth0"});
  // 60 UDP flows (source ports 30000..30059), one datagram each.
  auto r = exec("client", {"sh", "-c",
                           "for p in $(seq 30000 30059); do echo x | socat -u - "
                           "UDP4-SENDTO:10.43.0.2:9,sourceport=$p; done"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  uint64_t total = 0;
  for (auto m : members) {
    auto st = stats(sw, m);
    EXPECT_EQ(st.counters.tx_packets, st.kernel.tx_packets);
    EXPECT_GT(st.kernel.tx_packets, 5u) << "member " << m;
    total += st.kernel.tx_packets;
  }
  EXPECT_EQ(total, 60u);
}

// The frames a capture sees until it is quiet for 500 ms: {inbound, outbound}.
std::pair<int, int> drain(dataplane::PortCapture& capture) {
  std::pair<int, int> seen{0, 0};
  for (;;) {
    auto frame = capture.next(std::chrono::milliseconds(500));
    if (!frame.ok() || !frame->has_value()) {
      return seen;
    }
    ++((*frame)->direction == dataplane::CaptureDirection::kInbound ? seen.first : seen.second);
  }
}

TEST_F(KernelPathTest, ACaptureSeesBothDirectionsOfAPortTheKernelForwards) {
  auto sw = lsi("s1");
  auto p1 = host("h1", "10.44.0.1/24", sw);
  auto p2 = host("h2", "10.44.0.2/24", sw);
  neighbours("h1", "10.44.0.1", "h2", "10.44.0.2");
  rule(sw, ipv4(port_to_port(p1, {Action::output(p2)})));
  rule(sw, ipv4(port_to_port(p2, {Action::output(p1)})));
  auto tap = engine_->tap_port(sw, p2);
  ASSERT_TRUE(tap.ok()) << tap.error().message;
  dataplane::CaptureOptions icmp;
  icmp.filter = "icmp";
  auto capture = dataplane::PortCapture::open(stats(sw, p2).ifname, icmp);
  ASSERT_TRUE(capture.ok()) << capture.error().message;
  ASSERT_TRUE(ping("h1", "10.44.0.2", 3));
  EXPECT_EQ(drain(*capture), std::make_pair(3, 3)) << "replies sent by h2, requests sent to it";
  EXPECT_EQ(stats(sw, p2).kernel.tx_packets, 3u) << "and the kernel still forwarded them";

  // Without the tap the program sends straight into h2's namespace, past the host end.
  tap->reset();
  ASSERT_TRUE(ping("h1", "10.44.0.2", 2));
  EXPECT_EQ(drain(*capture), std::make_pair(2, 0));
}

// The CLI's new switches refuse what they cannot mean, before building anything.
TEST(DataplaneCli, BadPathsAndOddPatchesAreRefused) {
  auto bogus = run_command(std::string(CHAINLAB_BINARY) + " run --dataplane bogus --duration 1");
  EXPECT_EQ(bogus.status, 1);
  EXPECT_NE(bogus.output.find("expected auto, kernel or userspace"), std::string::npos)
      << bogus.output;
  auto odd = run_command(std::string(CHAINLAB_BINARY) + " switch --patch no-such-if");
  EXPECT_EQ(odd.status, 1);
  EXPECT_NE(odd.output.find("an even number"), std::string::npos) << odd.output;
  auto env = run_command("CHAINLAB_DATAPLANE=fast " + std::string(CHAINLAB_BINARY) +
                         " switch --patch no-such-a no-such-b");
  EXPECT_EQ(env.status, 1);
  EXPECT_NE(env.output.find("data plane 'fast'"), std::string::npos) << env.output;
  for (const char* workers : {"0", "65", "-1", "2x", "99999999999"}) {
    auto bad = run_command(std::string(CHAINLAB_BINARY) + " run --dataplane-workers " + workers +
                           " --duration 1");
    EXPECT_EQ(bad.status, 1) << workers;
    EXPECT_NE(bad.output.find("expected auto or 1..64"), std::string::npos) << bad.output;
  }
  auto env_workers = run_command("CHAINLAB_DATAPLANE_WORKERS=many " + std::string(CHAINLAB_BINARY) +
                                 " switch --patch no-a no-b");
  EXPECT_EQ(env_workers.status, 1);
  EXPECT_NE(env_workers.output.find("workers 'many'"), std::string::npos) << env_workers.output;
}

}  // namespace
}  // namespace chainlab::testing
