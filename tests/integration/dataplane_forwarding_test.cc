// Forwarding scenarios through the userspace switch: real namespaces, real packets.
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/files.h"
#include "dataplane_fixture.h"

namespace chainlab::testing {
namespace {

using dataplane::Action;
using dataplane::RuleSpec;

RuleSpec normal_rule() {
  RuleSpec r;
  r.priority = 1;
  r.actions = {Action::normal()};
  return r;
}

TEST_F(DataplaneTest, PingThroughOneLsiWithLearning) {
  auto sw = lsi("s1");
  host("h1", "10.1.0.1/24", sw);
  host("h2", "10.1.0.2/24", sw);
  EXPECT_FALSE(ping("h1", "10.1.0.2")) << "no rule yet: the switch must not forward";
  rule(sw, normal_rule());
  EXPECT_TRUE(ping("h1", "10.1.0.2", 3));
  EXPECT_TRUE(ping("h2", "10.1.0.1"));
}

// With two workers, flows hash to either; the MACs a learning LSI has seen are the LSI's, not a
// worker's. Static neighbours (no ARP) and one ping teach the LSI h1 and h2 on the ping's worker;
// then 16 one-way UDP flows from h1 to h2 (h2 never answers them) land on both workers, and none
// may be flooded to h3.
TEST_F(DataplaneTest, LearningIsSharedByTheWorkersSoOneWayFlowsAreNotFlooded) {
  engine_.reset();
  dataplane::EngineOptions options;
  options.workers = 2;
  auto engine = dataplane::Engine::start(options);
  ASSERT_TRUE(engine.ok()) << engine.error().message;
  engine_ = std::move(engine).value();
  auto sw = lsi("s1");
  auto p1 = host("h1", "10.1.3.1/24", sw);
  host("h2", "10.1.3.2/24", sw);
  auto p3 = host("h3", "10.1.3.3/24", sw);
  rule(sw, normal_rule());
  auto mac = [&](const std::string& name) {
    auto r = exec(name, {"ip", "-br", "link", "show", "eth0"});
    std::istringstream in(r.output);
    std::string ifname, state, address;
    in >> ifname >> state >> address;
    return address;
  };
  std::string m1 = mac("h1"), m2 = mac("h2");
  ASSERT_EQ(m1.size(), 17u) << m1;
  ASSERT_EQ(
      exec("h1", {"ip", "neigh", "replace", "10.1.3.2", "lladdr", m2, "dev", "eth0"}).exit_code, 0);
  ASSERT_EQ(
      exec("h2", {"ip", "neigh", "replace", "10.1.3.1", "lladdr", m1, "dev", "eth0"}).exit_code, 0);
  ASSERT_TRUE(ping("h1", "10.1.3.2", 1));
  uint64_t before = engine_->port_stats(sw, p3)->counters.tx_packets;
  auto sent = exec("h1", {"python3", "-c",
                          "import socket\n"
                          "for port in range(40000, 40016):\n"
                          "  s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                          "  s.bind(('10.1.3.1', port))\n"
                          "  for i in range(20): s.sendto(b'x' * 64, ('10.1.3.2', 9))\n"});
  ASSERT_EQ(sent.exit_code, 0) << sent.output;
  auto in1 = engine_->port_stats(sw, p1);
  ASSERT_TRUE(in1.ok());
  ASSERT_EQ(in1->rx_by_worker.size(), 2u);
  EXPECT_GT(std::min(in1->rx_by_worker[0], in1->rx_by_worker[1]), 20u)
      << "the 16 flows should reach both workers";
  uint64_t flooded = engine_->port_stats(sw, p3)->counters.tx_packets - before;
  EXPECT_LE(flooded, 4u) << "frames to a learned MAC flooded to h3";
}

TEST_F(DataplaneTest, TcpThroughOneLsiWithOffloadsOn) {
  auto sw = lsi("s1");
  host("h1", "10.2.0.1/24", sw);
  host("srv", "10.2.0.2/24", sw, {"iperf3", "-s"});
  rule(sw, normal_rule());
  ASSERT_TRUE(ping("h1", "10.2.0.2"));
  auto r = exec("h1", {"iperf3", "-c", "10.2.0.2", "-t", "2", "-J"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto j = nlohmann::json::parse(r.output);
  double bps = j["end"]["sum_received"]["bits_per_second"].get<double>();
  std::printf("TCP through one LSI: %.2f Gbit/s\n", bps / 1e9);
  EXPECT_GT(bps, 200e6) << "TCP should be fast with GSO/TSO frames carried whole";
}

TEST_F(DataplaneTest, ChainOfLsisOverVirtualLinks) {
  auto s1 = lsi("s1");
  auto s2 = lsi("s2");
  auto s3 = lsi("s3");
  auto p1 = host("h1", "10.3.0.1/24", s1);
  auto p2 = host("h2", "10.3.0.2/24", s3);
  auto l12 = engine_->connect(s1, s2, 1);
  auto l23 = engine_->connect(s2, s3, 1);
  ASSERT_TRUE(l12.ok() && l23.ok());
  auto [a1, b1] = std::pair{(*l12)[0].a_port, (*l12)[0].b_port};
  auto [a2, b2] = std::pair{(*l23)[0].a_port, (*l23)[0].b_port};
  rule(s1, port_to_port(p1, {Action::output(a1)}));
  rule(s1, port_to_port(a1, {Action::output(p1)}));
  rule(s2, port_to_port(b1, {Action::output(a2)}));
  rule(s2, port_to_port(a2, {Action::output(b1)}));
  rule(s3, port_to_port(b2, {Action::output(p2)}));
  rule(s3, port_to_port(p2, {Action::output(b2)}));
  EXPECT_TRUE(ping("h1", "10.3.0.2", 3));
  auto st = engine_->port_stats(s2, b1);
  ASSERT_TRUE(st.ok());
  EXPECT_GE(st->counters.rx_packets, 3u);
}

TEST_F(DataplaneTest, PriorityAndCookieDeletion) {
  auto sw = lsi("s1");
  host("h1", "10.4.0.1/24", sw);
  host("h2", "10.4.0.2/24", sw);
  rule(sw, normal_rule());
  RuleSpec block;
  block.priority = 2000;
  block.cookie = 7;
  block.match.eth_type = dataplane::kEthTypeIpv4;
  block.match.ip_proto = 1;  // ICMP
  block.actions = {Action::drop()};
  rule(sw, block);
  EXPECT_FALSE(ping("h1", "10.4.0.2"));
  auto gone = engine_->delete_rules_by_cookie(sw, 7);
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(*gone, 1u);
  EXPECT_TRUE(ping("h1", "10.4.0.2"));
  EXPECT_EQ(*engine_->delete_rules_by_cookie(sw, 7), 0u);
}

TEST_F(DataplaneTest, VlanTagsIsolateTwoChainsOverOneLink) {
  // h1 and h2 on switch A, h3 and h4 on switch B, one virtual link between A and B. Chain 1
  // (h1<->h3) uses VLAN 10, chain 2 (h2<->h4) VLAN 20; B picks the output by VLAN id alone.
  auto a = lsi("A");
  auto b = lsi("B");
  auto p1 = host("h1", "10.5.0.1/24", a);
  auto p2 = host("h2", "10.5.0.2/24", a);
  auto p3 = host("h3", "10.5.0.3/24", b);
  auto p4 = host("h4", "10.5.0.4/24", b);
  auto link = engine_->connect(a, b, 1);
  ASSERT_TRUE(link.ok());
  auto la = (*link)[0].a_port;
  auto lb = (*link)[0].b_port;
  auto by_vlan = [](dataplane::PortId in, uint16_t vid, dataplane::PortId out) {
    RuleSpec r;
    r.match.in_port = in;
    r.match.vlan = {dataplane::VlanMatch::Kind::kId, vid};
    r.actions = {Action::pop_vlan(), Action::output(out)};
    return r;
  };
  rule(a, port_to_port(p1, {Action::push_vlan(10), Action::output(la)}));
  rule(a, port_to_port(p2, {Action::push_vlan(20), Action::output(la)}));
  rule(a, by_vlan(la, 10, p1));
  rule(a, by_vlan(la, 20, p2));
  rule(b, port_to_port(p3, {Action::push_vlan(10), Action::output(lb)}));
  rule(b, port_to_port(p4, {Action::push_vlan(20), Action::output(lb)}));
  rule(b, by_vlan(lb, 10, p3));
  rule(b, by_vlan(lb, 20, p4));

  EXPECT_TRUE(ping("h1", "10.5.0.3"));
  EXPECT_TRUE(ping("h2", "10.5.0.4"));
  EXPECT_FALSE(ping("h1", "10.5.0.4")) << "chain 1 must not reach chain 2's host";
  EXPECT_FALSE(ping("h2", "10.5.0.3"));
  // The pings above already prove the hosts get untagged frames: a host answers no tagged frame.
}

TEST_F(DataplaneTest, CountersMatchTheTrafficSent) {
  auto sw = lsi("s1");
  auto p1 = host("h1", "10.6.0.1/24", sw);
  auto p2 = host("h2", "10.6.0.2/24", sw);
  // Static ARP so only the pings cross the switch.
  exec("h1", {"ip", "neigh", "add", "10.6.0.2", "lladdr",
              substrate::MacAddress{macs_["h2"]}.to_string(), "dev", "eth0"});
  exec("h2", {"ip", "neigh", "add", "10.6.0.1", "lladdr",
              substrate::MacAddress{macs_["h1"]}.to_string(), "dev", "eth0"});
  RuleSpec icmp_fwd = port_to_port(p1, {Action::output(p2)});
  icmp_fwd.match.eth_type = dataplane::kEthTypeIpv4;
  icmp_fwd.match.ip_proto = 1;
  auto fwd = rule(sw, icmp_fwd);
  RuleSpec icmp_back = port_to_port(p2, {Action::output(p1)});
  icmp_back.match.eth_type = dataplane::kEthTypeIpv4;
  icmp_back.match.ip_proto = 1;
  auto back = rule(sw, icmp_back);
  auto r = exec("h1", {"ping", "-c", "10", "-i", "0.05", "-s", "100", "-W", "1", "10.6.0.2"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto rules = engine_->dump_rules(sw);
  ASSERT_TRUE(rules.ok());
  for (const auto& rs : *rules) {
    if (rs.id == fwd || rs.id == back) {
      EXPECT_EQ(rs.packets, 10u) << rs.match.to_string();
      EXPECT_EQ(rs.bytes, 10u * (14 + 20 + 8 + 100));
    }
  }
  auto in = engine_->port_stats(sw, p1);
  auto out = engine_->port_stats(sw, p2);
  // The host also sends IPv6 neighbour discovery, which no rule forwards.
  EXPECT_GE(in->counters.rx_packets, 10u);
  EXPECT_EQ(out->counters.tx_packets, 10u);
  EXPECT_EQ(out->counters.tx_bytes, 10u * 142);
}

TEST_F(DataplaneTest, SegmentLearnsAndStopsFlooding) {
  auto sw = lsi("s1");
  auto p1 = host("h1", "10.10.0.1/24", sw);
  auto p2 = host("h2", "10.10.0.2/24", sw);
  auto p3 = host("h3", "10.10.0.3/24", sw);
  dataplane::SegmentSpec seg;
  seg.members = {{p1, false}, {p2, false}, {p3, false}};
  auto sid = engine_->add_segment(sw, seg);
  ASSERT_TRUE(sid.ok()) << sid.error().message;
  for (auto p : {p1, p2, p3}) {
    rule(sw, port_to_port(p, {Action::segment(*sid)}));
  }
  ASSERT_TRUE(ping("h1", "10.10.0.2"));  // learns h1 and h2
  uint64_t before = engine_->port_stats(sw, p3)->counters.tx_packets;
  auto r = exec("h1", {"ping", "-c", "20", "-i", "0.01", "10.10.0.2"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  uint64_t after = engine_->port_stats(sw, p3)->counters.tx_packets;
  EXPECT_LE(after - before, 4u) << "unicast to a learned MAC must not be flooded to h3";
  EXPECT_TRUE(ping("h3", "10.10.0.1"));
  EXPECT_EQ(engine_->add_rule(sw, port_to_port(p1, {Action::segment(99)})).error().code,
            ErrorCode::kNotFound);
  ASSERT_TRUE(engine_->remove_segment(sw, *sid).ok());
  EXPECT_EQ(engine_->remove_segment(sw, *sid).error().code, ErrorCode::kNotFound);
}

TEST_F(DataplaneTest, SegmentMembersChangeAtOnce) {
  // One catch-all rule into the segment (the emulator's learning mode): membership alone decides.
  auto sw = lsi("s1");
  auto p1 = host("h1", "10.11.0.1/24", sw);
  auto p2 = host("h2", "10.11.0.2/24", sw);
  auto p3 = host("h3", "10.11.0.3/24", sw);
  dataplane::SegmentSpec seg;
  seg.members = {{p1, false}, {p2, false}};
  auto sid = engine_->add_segment(sw, seg);
  ASSERT_TRUE(sid.ok()) << sid.error().message;
  RuleSpec all;
  all.priority = 0;
  all.actions = {Action::segment(*sid)};
  rule(sw, all);
  EXPECT_TRUE(ping("h1", "10.11.0.2"));
  EXPECT_FALSE(ping("h1", "10.11.0.3")) << "h3 is not a member";
  seg.members.emplace_back(p3, false);
  ASSERT_TRUE(engine_->update_segment(sw, *sid, seg).ok());
  // 3 echoes: the refused ping above left h1's neighbour entry FAILED, and the kernel may hold
  // the first new echo back while it solicits again.
  EXPECT_TRUE(ping("h1", "10.11.0.3", 3)) << "a member as soon as the call returned";
  seg.members = {{p1, false}, {p3, false}};
  ASSERT_TRUE(engine_->update_segment(sw, *sid, seg).ok());
  EXPECT_FALSE(ping("h2", "10.11.0.1")) << "h2 left (its MAC is still learned: must not matter)";
  EXPECT_TRUE(ping("h3", "10.11.0.1"));

  // Bad updates are refused and change nothing.
  dataplane::SegmentSpec bad = seg;
  bad.members.emplace_back(999, false);
  EXPECT_EQ(engine_->update_segment(sw, *sid, bad).error().code, ErrorCode::kNotFound);
  bad.members = {{p1, false}, {p1, false}};
  EXPECT_EQ(engine_->update_segment(sw, *sid, bad).error().code, ErrorCode::kInvalidArgument);
  bad.members = {{p1, true}};  // a trunk needs a VLAN
  EXPECT_EQ(engine_->update_segment(sw, *sid, bad).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(engine_->update_segment(sw, *sid + 1, seg).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(ping("h3", "10.11.0.1"));
}

TEST_F(DataplaneTest, BadRequestsAreRejected) {
  auto sw = lsi("s1");
  EXPECT_EQ(engine_->create_lsi("s1").error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(engine_->add_port(sw, "x", "no-such-if0").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(engine_->add_port(999, "x", "lo").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(engine_->add_rule(sw, port_to_port(42, {Action::normal()})).error().code,
            ErrorCode::kNotFound);
  RuleSpec bad_vlan;
  bad_vlan.actions = {Action::push_vlan(5000)};
  EXPECT_EQ(engine_->add_rule(sw, bad_vlan).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(engine_->connect(sw, sw, 1).error().code, ErrorCode::kInvalidArgument);
  dataplane::LinkParams bad_link;
  bad_link.loss_percent = 150;
  auto p = host("h1", "10.7.0.1/24", sw);
  EXPECT_EQ(engine_->set_link(sw, p, bad_link).error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(engine_->dump_rules(sw)->empty());
  EXPECT_TRUE(engine_->destroy_lsi(sw).ok());
  EXPECT_EQ(engine_->destroy_lsi(sw).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace chainlab::testing

namespace chainlab::testing {
namespace {

// The policy field (41st) of every thread of this process: 1 = SCHED_FIFO.
int fifo_threads() {
  int n = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    auto stat = read_file(task.path().string() + "/stat");
    if (!stat.ok()) {
      continue;
    }
    // Fields after the command name "(...)": state is field 3, policy field 41.
    std::istringstream in(stat->substr(stat->rfind(')') + 2));
    std::string field;
    for (int i = 3; i <= 41 && in >> field; ++i) {
    }
    n += field == "1" ? 1 : 0;
  }
  return n;
}

TEST_F(DataplaneTest, RealtimeForwardingThreadForwards) {
  engine_.reset();
  int before = fifo_threads();
  dataplane::EngineOptions options;
  options.realtime_priority = 10;
  options.workers = 2;
  auto engine = dataplane::Engine::start(options);
  ASSERT_TRUE(engine.ok()) << engine.error().message;
  engine_ = std::move(engine).value();
  auto sw = lsi("s1");
  host("h1", "10.1.0.1/24", sw);
  host("h2", "10.1.0.2/24", sw);
  rule(sw, normal_rule());
  EXPECT_TRUE(ping("h1", "10.1.0.2", 3));
  EXPECT_EQ(fifo_threads(), before + 2) << "both forwarding threads run SCHED_FIFO";
}

}  // namespace
}  // namespace chainlab::testing
