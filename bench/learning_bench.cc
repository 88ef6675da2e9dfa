// Learning-mode benchmark: how soon two instances ping each other after they start (no chain), and
// what the learning segment costs when a PoP holds many instances: start time of N instances in one
// PoP under `none` and under `learning`, and ping round trips with N members (first ping: an ARP
// broadcast flooded to every member).
//
//   learning_bench [--instances 200] [--samples 10] [--json]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_util.h"
#include "emulator/emulation.h"

namespace {

using chainlab::bench::since_ms;

using Clock = std::chrono::steady_clock;
namespace emu = chainlab::emulator;
using namespace std::chrono_literals;

[[noreturn]] void die(const chainlab::Error& e) {
  std::fprintf(stderr, "learning_bench: %s\n", e.message.c_str());
  std::exit(1);
}

emu::Topology two_pops(emu::Connectivity mode) {
  emu::Topology t;
  t.name = "learning-bench";
  t.emulator.rest_port = 0;
  t.emulator.connectivity = mode;
  for (const char* p : {"dc1", "dc2"}) {
    if (auto s = t.add_pop({p, {}, {}, {}}); !s.ok()) {
      die(s.error());
    }
  }
  if (auto s = t.add_link({"dc1", "dc2"}); !s.ok()) {
    die(s.error());
  }
  return t;
}

std::unique_ptr<emu::Emulation> start(emu::Connectivity mode) {
  auto e = emu::Emulation::start(two_pops(mode));
  if (!e.ok()) {
    die(e.error());
  }
  return std::move(e).value();
}

void compute(emu::Emulation& e, const std::string& pop, const std::string& name,
             const std::string& ip) {
  emu::ComputeRequest r;
  r.pop = pop;
  r.name = name;
  r.interfaces = {{"emu0", ip, ""}};
  if (auto info = e.start_compute(r); !info.ok()) {
    die(info.error());
  }
}

// Round trip of one ping in ms (from ping's own report), or -1 when it failed.
double ping_ms(emu::Emulation& e, const std::string& from, const std::string& to) {
  auto r = e.exec(from, {"ping", "-c", "1", "-W", "2", to}, 10s);
  if (!r.ok() || r->exit_code != 0) {
    return -1;
  }
  auto pos = r->output.find("time=");
  return pos == std::string::npos ? -1 : std::strtod(r->output.c_str() + pos + 5, nullptr);
}

long rx_packets(emu::Emulation& e, const std::string& name) {
  auto r = e.exec(name, {"sh", "-c", "awk -F'[: ]+' '/emu0:/ {print $4}' /proc/net/dev"}, 5s);
  return r.ok() ? std::strtol(r->output.c_str(), nullptr, 10) : -1;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double p95(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, v.size() * 95 / 100)];
}

// Time from the start of start_compute("b") to the end of b's first successful ping from a, over
// `samples` rounds (b in the other PoP, stopped after each round); and ping's own first RTT.
nlohmann::json ping_after_start(int samples) {
  auto e = start(emu::Connectivity::kLearning);
  compute(*e, "dc1", "a", "10.0.0.1/16");
  std::vector<double> start_ms;
  std::vector<double> reach_ms;
  std::vector<double> first_rtt;
  int first_try = 0;
  for (int i = 0; i < samples; ++i) {
    // A new address each round: a's ARP cache would keep the previous instance's MAC.
    std::string ip = "10.0." + std::to_string(1 + i / 250) + "." + std::to_string(i % 250 + 1);
    auto t = Clock::now();
    compute(*e, "dc2", "b", ip + "/16");
    start_ms.push_back(since_ms(t));
    double rtt = ping_ms(*e, "a", ip);
    first_try += rtt >= 0 ? 1 : 0;
    while (rtt < 0 && since_ms(t) < 10'000) {
      rtt = ping_ms(*e, "a", ip);
    }
    reach_ms.push_back(since_ms(t));
    first_rtt.push_back(rtt);
    if (auto s = e->stop_compute("dc2", "b"); !s.ok()) {
      die(s.error());
    }
  }
  std::fprintf(stderr,
               "ping after start (learning, 2 PoPs, %d rounds): start_compute p50 %.2f ms; start "
               "to first ping answered p50 %.1f ms, p95 %.1f ms; first probe answered %d/%d; its "
               "RTT (with ARP) p50 %.3f ms\n",
               samples, median(start_ms), median(reach_ms), p95(reach_ms), first_try, samples,
               median(first_rtt));
  return {{"samples", samples},
          {"start_compute_p50_ms", median(start_ms)},
          {"start_to_ping_p50_ms", median(reach_ms)},
          {"start_to_ping_p95_ms", p95(reach_ms)},
          {"first_probe_answered", first_try},
          {"first_rtt_p50_ms", median(first_rtt)}};
}

// Median RTTs between pairs of the n instances v0..v(n-1) (10.1.0.0/16): the first ping after the
// ARP cache was flushed (its ARP request is flooded to every member), then a second one.
std::pair<double, double> pings(emu::Emulation& e, int n, int samples) {
  std::vector<double> first;
  std::vector<double> then;
  for (int i = 0; i < samples; ++i) {
    std::string from = "v" + std::to_string(2 * i % n);
    int to = (2 * i + 1) % n;
    std::string to_ip = "10.1." + std::to_string(to / 250) + "." + std::to_string(to % 250 + 1);
    (void)e.exec(from, {"ip", "neigh", "flush", "all"}, 5s);
    first.push_back(ping_ms(e, from, to_ip));
    then.push_back(ping_ms(e, from, to_ip));
  }
  return {median(first), median(then)};
}

// N instances in dc1: total start time; then pings between two of them (first with ARP, then
// paced) and a stop of everything.
nlohmann::json many_in_one_pop(emu::Connectivity mode, int n, int samples) {
  auto e = start(mode);
  std::vector<double> each;
  auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) {
    auto t = Clock::now();
    compute(*e, "dc1", "v" + std::to_string(i),
            "10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1) + "/16");
    each.push_back(since_ms(t));
  }
  double total = since_ms(t0);
  nlohmann::json out = {{"connectivity", std::string(emu::to_string(mode))},
                        {"instances", n},
                        {"start_total_ms", total},
                        {"start_p50_ms", median(each)},
                        {"start_p95_ms", p95(each)},
                        {"start_last10_p50_ms",
                         median(std::vector<double>(each.end() - std::min(n, 10), each.end()))}};
  std::fprintf(stderr,
               "%d instances in one PoP, %s: start total %.0f ms (p50 %.2f ms, p95 %.2f ms, last "
               "10 p50 %.2f ms)\n",
               n, std::string(emu::to_string(mode)).c_str(), total, median(each), p95(each),
               out["start_last10_p50_ms"].get<double>());
  // What the floods cost a member: frames the first instance received while the others started
  // (IPv6 neighbour discovery and MLD of each new instance reach every member).
  long v0_rx = rx_packets(*e, "v0");
  out["first_instance_rx_packets"] = v0_rx;
  std::fprintf(stderr, "  v0 received %ld frames while the others started\n", v0_rx);
  if (mode == emu::Connectivity::kLearning && n >= 2) {
    auto [first, then] = pings(*e, n, samples);
    out["first_ping_rtt_p50_ms"] = first;
    out["ping_rtt_p50_ms"] = then;
    std::fprintf(stderr,
                 "  ping among %d members right after: first (ARP flooded) p50 %.3f ms, then "
                 "%.3f ms\n",
                 n, first, then);
    // The instances' own start-up traffic (IPv6 router solicitations, MLD reports) goes on for
    // seconds; wait until v0 hears nothing for 2 s (at most 60 s), then measure again.
    auto t = Clock::now();
    long last = rx_packets(*e, "v0");
    auto quiet_since = Clock::now();
    while (since_ms(quiet_since) < 2000 && since_ms(t) < 60'000) {
      std::this_thread::sleep_for(250ms);
      long now = rx_packets(*e, "v0");
      if (now != last) {
        last = now;
        quiet_since = Clock::now();
      }
    }
    double settle_ms = since_ms(t) - 2000;
    auto [first_quiet, then_quiet] = pings(*e, n, samples);
    out["quiet_after_ms"] = settle_ms;
    out["quiet_first_ping_rtt_p50_ms"] = first_quiet;
    out["quiet_ping_rtt_p50_ms"] = then_quiet;
    std::fprintf(stderr,
                 "  quiet %.0f ms later (v0 then had %ld frames): first p50 %.3f ms, then %.3f "
                 "ms\n",
                 settle_ms, last, first_quiet, then_quiet);
  }
  auto t = Clock::now();
  e.reset();
  out["teardown_ms"] = since_ms(t);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int instances = 200;
  int samples = 10;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--instances" && i + 1 < argc) {
      instances = std::atoi(argv[++i]);
    } else if (a == "--samples" && i + 1 < argc) {
      samples = std::atoi(argv[++i]);
    } else if (a == "--json") {
      json = true;
    } else {
      std::fprintf(stderr, "usage: learning_bench [--instances N] [--samples N] [--json]\n");
      return 2;
    }
  }
  if (::geteuid() != 0) {
    std::fprintf(stderr, "learning_bench: needs root\n");
    return 2;
  }
  nlohmann::json out;
  out["ping_after_start"] = ping_after_start(samples);
  for (auto mode : {emu::Connectivity::kNone, emu::Connectivity::kLearning}) {
    out["many_in_one_pop"].push_back(many_in_one_pop(mode, instances, samples));
  }
  // The same ping figures with two members, for comparison.
  out["two_in_one_pop"] = many_in_one_pop(emu::Connectivity::kLearning, 2, samples);
  if (json) {
    std::printf("%s\n", out.dump(2).c_str());
  }
  return 0;
}
