// Scenario (issue 12): the monitor on real traffic. iperf3 through a chain: the interface
// counters of both ends and the chain's cookie counters match iperf3's datagrams; a busy instance
// under a 20% quota reports 0.2 CPU seconds per second; a 10% loss link drops ~10% of its packets;
// son-emu's monitor API over HTTP starts and stops one metric at a time.
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "emulation_fixture.h"
#include "endpoints/emulator/emulator_endpoint.h"
#include "monitor/alarms.h"
#include "monitor/instance_events.h"
#include "monitor/sampler.h"

namespace chainlab::emulator {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr int kPayload = 1000;
constexpr int kWireBytes = kPayload + 8 + 20 + 14;  // UDP, IPv4, Ethernet headers

Topology two_pops(double loss_percent = 0) {
  Topology t;
  t.name = "monitor-test";
  t.emulator.rest_port = 0;
  EXPECT_TRUE(t.add_pop({"dc1", {}, {}, {}}).ok());
  EXPECT_TRUE(t.add_pop({"dc2", {}, {}, {}}).ok());
  LinkSpec l;
  l.a = "dc1";
  l.b = "dc2";
  l.loss_percent = loss_percent;
  EXPECT_TRUE(t.add_link(l).ok());
  return t;
}

const monitor::InterfaceSample* find_interface(const monitor::Snapshot& s, const std::string& vnf) {
  for (const auto& i : s.interfaces) {
    if (i.instance == vnf) {
      return &i;
    }
  }
  return nullptr;
}

uint64_t flow_bytes(const monitor::Snapshot& s, const std::string& node, uint64_t cookie) {
  for (const auto& f : s.flows) {
    if (f.node == node && f.cookie == cookie) {
      return f.bytes;
    }
  }
  return 0;
}

class MonitorTest : public EmulationFixture {
 protected:
  // client (dc1) -> server (dc2, iperf3 -s) with one chain per direction: cookies 11 and 12.
  void client_server(double loss_percent = 0) {
    start(two_pops(loss_percent));
    compute("dc1", "client", {{"emu0", "10.0.0.1/24", ""}});
    compute("dc2", "server", {{"emu0", "10.0.0.2/24", ""}}, "tiny", "iperf3 -s");
    for (auto [src, dst, cookie] : {std::tuple{"client", "server", 11}, {"server", "client", 12}}) {
      ChainRequest r;
      r.src = src;
      r.dst = dst;
      r.cookie = static_cast<uint64_t>(cookie);
      ASSERT_TRUE(emu_->set_chain(r).ok());
    }
    ASSERT_TRUE(ping("client", "10.0.0.2", 8));  // 8 probes: one gets through a lossy link
  }
  // iperf3 UDP from the client: the JSON of its run (the server may need a moment to listen).
  json udp(const std::string& rate, int seconds) {
    for (int attempt = 0; attempt < 50; ++attempt) {
      auto r = emu_->exec("client",
                          {"iperf3", "-c", "10.0.0.2", "-u", "-b", rate, "-l",
                           std::to_string(kPayload), "-t", std::to_string(seconds), "-J"},
                          60s);
      if (r.ok() && r->exit_code == 0) {
        return json::parse(r->output, nullptr, false);
      }
      std::this_thread::sleep_for(100ms);  // polling for the server's socket
    }
    ADD_FAILURE() << "iperf3 never ran";
    return json();
  }
  monitor::Snapshot snapshot() {
    auto s = emu_->collect();
    EXPECT_TRUE(s.ok()) << s.error().message;
    return s.ok() ? std::move(s).value() : monitor::Snapshot{};
  }
};

TEST_F(MonitorTest, ChainAndInterfaceCountersMatchIperf) {
  client_server();
  monitor::Snapshot before = snapshot();
  json run = udp("20M", 2);
  monitor::Snapshot after = snapshot();
  ASSERT_TRUE(run.contains("end"));
  double sent = run["end"]["sum"]["packets"].get<double>();
  double lost = run["end"]["sum"]["lost_packets"].get<double>();
  ASSERT_GT(sent, 1000);
  double wire = sent * kWireBytes;
  auto delta = [](uint64_t a, uint64_t b) { return static_cast<double>(b - a); };
  const auto *c0 = find_interface(before, "client"), *c1 = find_interface(after, "client");
  const auto *s0 = find_interface(before, "server"), *s1 = find_interface(after, "server");
  ASSERT_TRUE(c0 && c1 && s0 && s1);
  EXPECT_NEAR(delta(c0->tx.bytes, c1->tx.bytes), wire, wire * 0.02) << "client sent";
  EXPECT_NEAR(delta(s0->rx.bytes, s1->rx.bytes), (sent - lost) * kWireBytes, wire * 0.02)
      << "server received";
  EXPECT_NEAR(delta(flow_bytes(before, "dc1", 11), flow_bytes(after, "dc1", 11)), wire, wire * 0.02)
      << "the chain's rules on the client's PoP";
  EXPECT_NEAR(delta(c0->tx.packets, c1->tx.packets), sent, sent * 0.02);
}

TEST_F(MonitorTest, AQuotaOfTwentyPercentReadsAsPointTwoCores) {
  start(two_pops());
  ComputeRequest busy;  // the quota from its first instruction on: nothing to settle
  busy.pop = "dc1";
  busy.name = "busy";
  busy.command = "while :; do :; done";
  busy.limits = substrate::ResourceLimits{};
  busy.limits->cpu_period_us = 100'000;
  busy.limits->cpu_quota_us = 20'000;
  ASSERT_TRUE(emu_->start_compute(busy).ok());
  monitor::SamplerOptions options;
  options.period = 500ms;
  auto sampler = monitor::Sampler::start(*emu_, options);
  ASSERT_TRUE(sampler.ok()) << sampler.error().message;
  auto first = (*sampler)->sample_now();
  std::this_thread::sleep_for(3s);  // the measured interval
  auto last = (*sampler)->sample_now();
  ASSERT_TRUE(first.ok() && last.ok());
  const auto& a = (*first)->snapshot.instances.at(0);
  const auto& b = (*last)->snapshot.instances.at(0);
  double seconds =
      static_cast<double>((*last)->snapshot.mono_ns - (*first)->snapshot.mono_ns) / 1e9;
  double cores = static_cast<double>(b.cpu_ns - a.cpu_ns) / 1e9 / seconds;
  EXPECT_NEAR(cores, 0.20, 0.02);
  EXPECT_NEAR(b.cpu_limit, 0.20, 1e-9);
  EXPECT_EQ(b.state, "running");
  EXPECT_GE(b.processes, 1u);
  EXPECT_FALSE((*sampler)->history("instance/busy/cpu").empty());
}

TEST_F(MonitorTest, ATenPercentLossLinkDropsATenthOfItsPackets) {
  client_server(10);
  monitor::Snapshot before = snapshot();
  // 3000 echo requests, one every 2 ms (no handshake a lost packet could stall, unlike iperf3's);
  // some replies are lost too, so ping's exit code says nothing here.
  auto r =
      emu_->exec("client", {"ping", "-q", "-c", "3000", "-i", "0.002", "-W", "1", "10.0.0.2"}, 60s);
  ASSERT_TRUE(r.ok()) << r.error().message;
  monitor::Snapshot after = snapshot();
  for (const auto& l : after.links) {
    if (l.from != "dc1") {
      continue;
    }
    const auto& o = *std::find_if(before.links.begin(), before.links.end(),
                                  [&](const auto& x) { return x.from == l.from && x.to == l.to; });
    double dropped = static_cast<double>(l.dropped_loss - o.dropped_loss);
    double offered = static_cast<double>(l.packets - o.packets) + dropped;
    ASSERT_GT(offered, 2000);
    EXPECT_NEAR(dropped / offered, 0.10, 0.02) << dropped << " of " << offered;
    EXPECT_DOUBLE_EQ(l.loss_percent, 10);
    EXPECT_EQ(l.dropped_queue - o.dropped_queue, 0u);
  }
}

TEST_F(MonitorTest, SonemuMonitorApiStartsAndStopsOneMetricAtATime) {
  client_server();
  auto sampler = monitor::Sampler::start(*emu_, {});
  ASSERT_TRUE(sampler.ok());
  endpoints::EmulatorEndpoint endpoint(
      *emu_, [] {}, endpoints::MonitorParts{.sampler = sampler->get()});
  auto listener = endpoints::HttpListener::start(endpoints::ListenOptions{}, endpoint);
  ASSERT_TRUE(listener.ok()) << listener.error().message;
  httplib::Client http("127.0.0.1", (*listener)->port());
  auto put = [&](const std::string& q) { return http.Put("/restapi/monitor/" + q); };
  auto del = [&](const std::string& q) { return http.Delete("/restapi/monitor/" + q); };
  auto r = put("interface?vnf_name=client&vnf_interface=emu0&metric=tx_bytes");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "\"Started monitoring: tx_bytes on client:emu0\"\n");
  r = put("interface?vnf_name=client&metric=rx_packets");  // the first interface by default
  EXPECT_EQ(r->body, "\"Started monitoring: rx_packets on client:emu0\"\n");
  r = put("flow?vnf_name=client&vnf_interface=emu0&metric=tx_bytes&cookie=11");
  EXPECT_EQ(r->body, "\"Started monitoring flow:11 tx_bytes on client:emu0\"\n");
  ASSERT_TRUE((*sampler)->sample_now().ok());
  std::string metrics = http.Get("/metrics")->body;
  EXPECT_NE(metrics.find(
                R"(sonemu_tx_count_bytes{vnf_name="client",vnf_interface="emu0",flow_id="None"})"),
            std::string::npos);
  EXPECT_NE(
      metrics.find(R"(sonemu_tx_count_bytes{vnf_name="client",vnf_interface="emu0",flow_id="11"})"),
      std::string::npos);
  r = del("interface?vnf_name=client&vnf_interface=emu0&metric=tx_bytes");
  EXPECT_EQ(r->body, "\"Stopped monitoring: tx_bytes on client:emu0\"\n");
  metrics = http.Get("/metrics")->body;
  EXPECT_EQ(metrics.find(R"(flow_id="None"} )"
                         "\n"),
            std::string::npos);
  EXPECT_NE(metrics.find("sonemu_rx_count_packets{"), std::string::npos) << "the other stays";
  EXPECT_NE(metrics.find(R"(flow_id="11")"), std::string::npos) << "the flow stays";
  EXPECT_EQ(del("interface?vnf_name=client&vnf_interface=emu0&metric=tx_bytes")->status, 404);
  EXPECT_EQ(put("interface?vnf_name=nobody&metric=tx_bytes")->status, 404);
  EXPECT_EQ(put("interface?vnf_name=client&vnf_interface=nope&metric=tx_bytes")->status, 404);
  EXPECT_EQ(put("interface?vnf_name=client&metric=cpu")->status, 400);
  EXPECT_EQ(put("flow?vnf_name=client&metric=tx_bytes&cookie=-1")->status, 400);
  // son-emu's skewness monitor, from the history (no skewmon container), with its answers.
  r = put("skewness?vnf_name=client");
  EXPECT_EQ(r->body, "\"adding to skewness monitor: client cpu starting skewness monitor\"\n");
  r = put("skewness?vnf_name=client&resource_name=mem");
  EXPECT_EQ(r->body, "\"adding to skewness monitor: client mem \"\n");
  EXPECT_EQ(put("skewness?vnf_name=client&resource_name=disk")->status, 400);
  EXPECT_EQ(put("skewness?vnf_name=nobody")->status, 404);
  metrics = http.Get("/metrics")->body;
  EXPECT_NE(metrics.find(R"(skewness{vnf_id="client",vnf_name="client",vnf_metric="cpu"})"),
            std::string::npos)
      << metrics;
  r = del("skewness?vnf_name=client&resource_name=mem");
  EXPECT_EQ(r->body, "\"removing from skewness monitor: client mem \"\n");
  r = del("skewness?vnf_name=client");
  EXPECT_EQ(r->body, "\"removing from skewness monitor: client cpu stopping skewness monitor\"\n");
  EXPECT_EQ(del("skewness?vnf_name=client")->status, 404);
  EXPECT_EQ(http.Get("/metrics")->body.find("skewness{"), std::string::npos);
  EXPECT_EQ(put("term")->status, 501);
  auto view = json::parse(http.Get("/restapi/monitor/interfaces")->body);
  EXPECT_EQ(view["interfaces"].size(), 2u);
  (*listener)->stop();
}

}  // namespace
}  // namespace chainlab::emulator

namespace chainlab::emulator {
namespace {

// An alarm on CPU > 0.5 cores for 2 s fires for a busy instance and resolves once it is stopped,
// both read from GET /restapi/events as Server-Sent Events.
TEST(MonitorAlarmTest, CpuAlarmFiresAndResolvesOnTheEventStream) {
  CL_REQUIRE_ROOT();
  monitor::EventLog events;
  EmulationOptions options;
  options.events = &events;
  auto emu = Emulation::start(two_pops(), options);
  ASSERT_TRUE(emu.ok()) << emu.error().message;
  ComputeRequest busy;
  busy.pop = "dc1";
  busy.name = "busy";
  busy.command = "while :; do :; done";
  ASSERT_TRUE((*emu)->start_compute(busy).ok());
  monitor::Alarms alarms(events);
  monitor::InstanceExits exits(events);
  monitor::SamplerOptions sampling;
  sampling.period = 500ms;
  auto sampler = monitor::Sampler::start(**emu, sampling);
  ASSERT_TRUE(sampler.ok());
  (*sampler)->add_listener([&](const monitor::Reading& r) { alarms.evaluate(r); });
  (*sampler)->add_listener([&](const monitor::Reading& r) { exits.observe(r); });
  endpoints::EmulatorEndpoint endpoint(
      **emu, [] {}, {.sampler = sampler->get(), .events = &events, .alarms = &alarms});
  auto listener = endpoints::HttpListener::start(endpoints::ListenOptions{}, endpoint);
  ASSERT_TRUE(listener.ok());
  httplib::Client http("127.0.0.1", (*listener)->port());
  http.set_read_timeout(30, 0);
  auto put =
      http.Put("/restapi/alarms/busy-cpu?metric=cpu&selector=instance/*&op=%3E&value=0.5&for=2s");
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200) << put->body;
  EXPECT_EQ(http.Put("/restapi/alarms/bad?value=x")->status, 400);
  EXPECT_EQ(http.Put("/restapi/alarms/bad?value=1&op=%3D")->status, 400);
  // Hostile arguments of the other new routes: a 400 or 404 naming them, nothing made.
  EXPECT_EQ(http.Put("/restapi/alarms/bad?value=1&for=2h")->status, 400);
  EXPECT_EQ(http.Delete("/restapi/alarms/nobody")->status, 404);
  EXPECT_EQ(http.Get("/restapi/events?since=abc")->status, 400);
  EXPECT_EQ(http.Get("/restapi/events?stream=0&wait=999")->status, 400);
  EXPECT_EQ(http.Get("/restapi/monitor/history?series=instance/busy/cpu&since=-1")->status, 400);
  EXPECT_EQ(http.Get("/restapi/monitor/history?series=no/such/series")->status, 404);
  EXPECT_EQ(http.Get("/restapi/monitor/bogus")->status, 404);
  auto listed = json::parse(http.Get("/restapi/alarms")->body);
  ASSERT_EQ(listed["alarms"].size(), 1u) << listed.dump() << ": only the good rule";
  auto none = json::parse(http.Get("/restapi/events?stream=0&since=0")->body);
  EXPECT_TRUE(none.is_array() && !none.empty()) << "the instance's start is there";

  std::string stream;
  bool stopped = false;
  auto got = http.Get("/restapi/events?since=0", [&](const char* data, size_t n) {
    stream.append(data, n);
    if (!stopped && stream.find("event: alarm.fired") != std::string::npos) {
      stopped = true;
      EXPECT_TRUE((*emu)->stop_compute("dc1", "busy").ok());
    }
    return stream.find("event: alarm.resolved") == std::string::npos;
  });
  (*listener)->stop();
  size_t started = stream.find("event: instance.started");
  size_t fired = stream.find("event: alarm.fired");
  size_t gone = stream.find("event: instance.stopped");
  size_t resolved = stream.find("event: alarm.resolved");
  ASSERT_NE(resolved, std::string::npos) << stream;
  EXPECT_LT(started, fired);
  EXPECT_LT(fired, gone);
  EXPECT_LT(gone, resolved);
  EXPECT_NE(stream.find(R"("series":"instance/busy/cpu")"), std::string::npos) << stream;
  EXPECT_NE(stream.find(R"("reason":"gone")"), std::string::npos) << stream;
}

}  // namespace
}  // namespace chainlab::emulator
