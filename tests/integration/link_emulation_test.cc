// Link emulation accuracy over real traffic: delay, loss, rate and jitter on a virtual link between
// two LSIs, measured with ping and iperf3 from inside native instances.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "dataplane_fixture.h"

namespace chainlab::testing {
namespace {

using dataplane::Action;
using namespace std::chrono_literals;

struct Rtt {
  double min = 0, avg = 0, max = 0, mdev = 0;
  int received = 0;
};

// The per-packet "time=X ms" values of ping's output, sorted.
std::vector<double> sorted_rtts(const std::string& out) {
  std::vector<double> v;
  for (size_t pos = out.find("time="); pos != std::string::npos; pos = out.find("time=", pos + 5)) {
    v.push_back(std::atof(out.c_str() + pos + 5));
  }
  std::sort(v.begin(), v.end());
  return v;
}

// The q-quantile of those values (0 without any): robust to a scheduling hiccup on a loaded
// machine, which a single maximum is not.
double rtt_quantile(const std::string& out, double q) {
  auto v = sorted_rtts(out);
  return v.empty() ? 0 : v[static_cast<size_t>(q * static_cast<double>(v.size() - 1))];
}

double median_rtt(const std::string& out) {
  return rtt_quantile(out, 0.5);
}

Rtt parse_ping(const std::string& out) {
  Rtt r;
  auto pos = out.find("rtt min/avg/max/mdev = ");
  if (pos != std::string::npos) {
    std::sscanf(out.c_str() + pos, "rtt min/avg/max/mdev = %lf/%lf/%lf/%lf", &r.min, &r.avg, &r.max,
                &r.mdev);
  }
  auto rec = out.find(" received");
  if (rec != std::string::npos) {
    auto start = out.rfind(", ", rec);
    r.received = std::atoi(out.c_str() + start + 2);
  }
  return r;
}

class LinkEmulationTest : public DataplaneTest {
 protected:
  void SetUp() override {
    DataplaneTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) {
      return;
    }
    s1_ = lsi("pop1");
    s2_ = lsi("pop2");
    auto p1 = host("h1", "10.8.0.1/24", s1_);
    auto p2 = host("h2", "10.8.0.2/24", s2_, {"iperf3", "-s"});
    auto link = engine_->connect(s1_, s2_, 1);
    ASSERT_TRUE(link.ok());
    a_ = (*link)[0].a_port;
    b_ = (*link)[0].b_port;
    rule(s1_, port_to_port(p1, {Action::output(a_)}));
    rule(s1_, port_to_port(a_, {Action::output(p1)}));
    rule(s2_, port_to_port(b_, {Action::output(p2)}));
    rule(s2_, port_to_port(p2, {Action::output(b_)}));
    ASSERT_TRUE(ping("h1", "10.8.0.2"));
  }
  void set_both(const dataplane::LinkParams& params) {
    ASSERT_TRUE(engine_->set_link(s1_, a_, params).ok());
    ASSERT_TRUE(engine_->set_link(s2_, b_, params).ok());
  }
  dataplane::LsiId s1_ = 0, s2_ = 0;
  dataplane::PortId a_ = 0, b_ = 0;
};

TEST_F(LinkEmulationTest, DelayGivesTwiceTheRtt) {
  // The path's own RTT (two switches, four veths: ~0.1 ms idle, more on a loaded machine) is
  // measured first: the delay is what the emulation adds to it.
  auto base_run = exec("h1", {"ping", "-c", "20", "-i", "0.05", "10.8.0.2"});
  ASSERT_EQ(base_run.exit_code, 0) << base_run.output;
  double base = median_rtt(base_run.output);
  for (double d_ms : {5.0, 20.0}) {
    dataplane::LinkParams p;
    p.delay_ns = static_cast<uint64_t>(d_ms * 1e6);
    set_both(p);
    auto r = exec("h1", {"ping", "-c", "20", "-i", "0.05", "10.8.0.2"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    Rtt rtt = parse_ping(r.output);
    double median = median_rtt(r.output);
    std::printf("delay %.0f ms: rtt median %.3f ms (avg %.3f min %.3f max %.3f, base %.3f)\n", d_ms,
                median, rtt.avg, rtt.min, rtt.max, base);
    double want = 2 * d_ms;
    EXPECT_NEAR(median - base, want, std::max(0.05 * want, 0.2));
  }
}

TEST_F(LinkEmulationTest, RuntimeChangeShowsInRtt) {
  dataplane::LinkParams p;
  p.delay_ns = 10'000'000;
  set_both(p);
  Rtt before = parse_ping(exec("h1", {"ping", "-c", "5", "-i", "0.05", "10.8.0.2"}).output);
  p.delay_ns = 30'000'000;
  set_both(p);
  Rtt after = parse_ping(exec("h1", {"ping", "-c", "5", "-i", "0.05", "10.8.0.2"}).output);
  // The minimum is immune to scheduling hiccups of a loaded machine; the change is what counts.
  EXPECT_NEAR(before.min, 20.0, 1.0);
  EXPECT_NEAR(after.min, 60.0, 1.0);
}

TEST_F(LinkEmulationTest, LossMatchesTheBinomial) {
  // Loss on the request direction only: replies lost = requests lost.
  dataplane::LinkParams p;
  p.loss_percent = 10;
  ASSERT_TRUE(engine_->set_link(s1_, a_, p).ok());
  const int n = 10000;
  auto r = exec("h1", {"ping", "-f", "-c", std::to_string(n), "-W", "1", "10.8.0.2"}, 120s);
  Rtt rtt = parse_ping(r.output);
  double lost = n - rtt.received;
  double mean = n * 0.10;
  double sigma = std::sqrt(n * 0.10 * 0.90);
  std::printf("loss 10%%: %0.f of %d lost (expected %.0f +- %.0f)\n", lost, n, mean, 3 * sigma);
  EXPECT_NEAR(lost, mean, 3 * sigma) << r.output;
  auto st = engine_->port_stats(s1_, a_);
  // The egress also drops some of the host's own chatter (IPv6 neighbour discovery).
  EXPECT_GE(st->egress.dropped_loss, static_cast<uint64_t>(lost));
  EXPECT_LE(st->egress.dropped_loss, static_cast<uint64_t>(lost) + 10);
}

TEST_F(LinkEmulationTest, RateLimitsTcpThroughput) {
  dataplane::LinkParams p;
  p.rate_bps = 100'000'000;
  set_both(p);
  auto r = exec("h1", {"iperf3", "-c", "10.8.0.2", "-t", "4", "-O", "1", "-J"}, 60s);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto j = nlohmann::json::parse(r.output);
  double bps = j["end"]["sum_received"]["bits_per_second"].get<double>();
  std::printf("rate 100 Mbit/s: iperf3 TCP %.2f Mbit/s\n", bps / 1e6);
  // The rate counts Ethernet frames (headers included, like tbf); TCP payload is 1448 of every
  // 1514 bytes, so the best possible goodput of a 100 Mbit/s link is 95.6 Mbit/s.
  const double goodput = 100e6 * 1448.0 / 1514.0;
  EXPECT_NEAR(bps, goodput, 0.05 * goodput);
}

// With several workers, a port's flows spread over them and each worker's copy of the port queues
// its own frames; the rate still holds for the port: the copies share one wire.
TEST_F(LinkEmulationTest, RateHoldsForFlowsSpreadOverWorkers) {
  if (engine_->workers() < 2) {
    GTEST_SKIP() << "the engine runs one worker ($CHAINLAB_DATAPLANE_WORKERS=1)";
  }
  dataplane::LinkParams p;
  p.rate_bps = 100'000'000;
  set_both(p);
  auto r = exec("h1", {"iperf3", "-c", "10.8.0.2", "-t", "4", "-O", "1", "-P", "16", "-J"}, 60s);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto j = nlohmann::json::parse(r.output);
  double bps = j["end"]["sum_received"]["bits_per_second"].get<double>();
  auto st = engine_->port_stats(s1_, a_);
  ASSERT_TRUE(st.ok());
  ASSERT_EQ(st->rx_by_worker.size(), engine_->workers());
  size_t busy = 0;
  for (uint64_t frames : st->rx_by_worker) {
    busy += frames > 1000 ? 1 : 0;
  }
  std::printf("rate 100 Mbit/s, 16 streams over %zu workers (%zu carried them): %.2f Mbit/s\n",
              engine_->workers(), busy, bps / 1e6);
  EXPECT_GE(busy, 2u) << "16 flows, and no worker but one took a thousand of their frames";
  const double goodput = 100e6 * 1448.0 / 1514.0;
  EXPECT_NEAR(bps, goodput, 0.05 * goodput);
}

TEST_F(LinkEmulationTest, JitterSpreadsRtts) {
  dataplane::LinkParams p;
  p.delay_ns = 10'000'000;
  p.jitter_ns = 4'000'000;
  set_both(p);
  auto r = exec("h1", {"ping", "-c", "50", "-i", "0.05", "10.8.0.2"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  Rtt rtt = parse_ping(r.output);
  std::printf("delay 10 ms jitter 4 ms: rtt min %.2f avg %.2f max %.2f mdev %.2f\n", rtt.min,
              rtt.avg, rtt.max, rtt.mdev);
  EXPECT_GE(rtt.min, 2 * 6.0 - 0.2);
  // Each direction adds 10 ± 4 ms, so no RTT may pass 28 ms; the bound is on the 95th percentile
  // (+ 1 ms of slack) since a loaded 2-core machine can stall any one ping by a few ms.
  EXPECT_LE(rtt_quantile(r.output, 0.95), 2 * 14.0 + 1.0) << r.output;
  EXPECT_NEAR(rtt.avg, 20.0, 2.0);
  EXPECT_GT(rtt.mdev, 1.0) << "RTTs should spread";
}

}  // namespace
}  // namespace chainlab::testing
