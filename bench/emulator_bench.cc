// Emulator benchmark: topology build time (10, 100, 1000 PoPs in a line), native instance start
// (100 and 500 in one PoP), chain set-up latency across PoPs, and the process's resident memory
// idle and with the instances running. The process plays the daemon: `chainlab run` does the same
// work in the same way.
//
//   emulator_bench [--pops 10,100,1000] [--instances 100,500] [--chains 200] [--json]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_util.h"
#include "common/files.h"
#include "emulator/emulation.h"

namespace {

using chainlab::bench::rss_kib;
using chainlab::bench::since_ms;

using Clock = std::chrono::steady_clock;
namespace emu = chainlab::emulator;

[[noreturn]] void die(const chainlab::Error& e) {
  std::fprintf(stderr, "emulator_bench: %s\n", e.message.c_str());
  std::exit(1);
}

std::vector<int> int_list(const char* text) {
  std::vector<int> out;
  for (auto part : chainlab::split(text, ',')) {
    out.push_back(std::atoi(std::string(part).c_str()));
  }
  return out;
}

emu::Topology line(int pops) {
  emu::GeneratorOptions g;
  g.shape = emu::Shape::kLine;
  g.pops = pops;
  g.link.delay_ns = 1'000'000;
  auto t = emu::Topology::generate(g);
  if (!t.ok()) {
    die(t.error());
  }
  t->emulator.rest_port = 0;
  return *t;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> pop_counts = {10, 100, 1000};
  std::vector<int> instance_counts = {100, 500};
  int chains = 200;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--pops" && i + 1 < argc) {
      pop_counts = int_list(argv[++i]);
    } else if (a == "--instances" && i + 1 < argc) {
      instance_counts = int_list(argv[++i]);
    } else if (a == "--chains" && i + 1 < argc) {
      chains = std::atoi(argv[++i]);
    } else if (a == "--json") {
      json = true;
    } else {
      std::fprintf(
          stderr, "usage: emulator_bench [--pops N,..] [--instances N,..] [--chains N] [--json]\n");
      return 2;
    }
  }
  if (::geteuid() != 0) {
    std::fprintf(stderr, "emulator_bench: needs root\n");
    return 2;
  }
  nlohmann::json out;
  out["rss_start_kib"] = rss_kib();

  for (int n : pop_counts) {
    emu::Topology t = line(n);
    auto start = Clock::now();
    auto e = emu::Emulation::start(t);
    if (!e.ok()) {
      die(e.error());
    }
    double build_ms = since_ms(start);
    long rss = rss_kib();
    start = Clock::now();
    e->reset();
    double teardown_ms = since_ms(start);
    out["topology"].push_back(
        {{"pops", n}, {"build_ms", build_ms}, {"teardown_ms", teardown_ms}, {"rss_kib", rss}});
    std::fprintf(stderr, "topology %d PoPs: build %.1f ms, teardown %.1f ms, rss %ld KiB\n", n,
                 build_ms, teardown_ms, rss);
  }

  for (int n : instance_counts) {
    auto e = emu::Emulation::start(line(2));
    if (!e.ok()) {
      die(e.error());
    }
    long idle = rss_kib();
    std::vector<double> each;
    auto start = Clock::now();
    for (int i = 0; i < n; ++i) {
      emu::ComputeRequest r;
      r.pop = i % 2 == 0 ? "dc1" : "dc2";
      r.name = "vnf" + std::to_string(i);
      auto t = Clock::now();
      auto info = (*e)->start_compute(r);
      if (!info.ok()) {
        die(info.error());
      }
      each.push_back(since_ms(t));
    }
    double total_ms = since_ms(start);
    long loaded = rss_kib();
    std::sort(each.begin(), each.end());
    double p50 = each[each.size() / 2];
    double p95 = each[std::min(each.size() - 1, each.size() * 95 / 100)];

    nlohmann::json chain_stats;
    if (n == instance_counts.back() && chains > 0) {
      std::vector<double> lat;
      for (int i = 0; i + 1 < n && static_cast<int>(lat.size()) < chains; i += 2) {
        emu::ChainRequest c;
        c.src = "vnf" + std::to_string(i);
        c.dst = "vnf" + std::to_string(i + 1);  // dc1 -> dc2
        c.bidirectional = true;
        auto t = Clock::now();
        auto made = (*e)->set_chain(c);
        if (!made.ok()) {
          die(made.error());
        }
        lat.push_back(since_ms(t));
      }
      std::sort(lat.begin(), lat.end());
      chain_stats = {{"n", lat.size()},
                     {"p50_ms", lat[lat.size() / 2]},
                     {"p95_ms", lat[std::min(lat.size() - 1, lat.size() * 95 / 100)]}};
      std::fprintf(stderr, "chains: %zu bidirectional dc1->dc2, p50 %.3f ms, p95 %.3f ms\n",
                   lat.size(), chain_stats["p50_ms"].get<double>(),
                   chain_stats["p95_ms"].get<double>());
    }
    start = Clock::now();
    e->reset();
    double teardown_ms = since_ms(start);
    out["instances"].push_back({{"n", n},
                                {"total_ms", total_ms},
                                {"p50_ms", p50},
                                {"p95_ms", p95},
                                {"teardown_ms", teardown_ms},
                                {"rss_idle_kib", idle},
                                {"rss_loaded_kib", loaded}});
    if (!chain_stats.is_null()) {
      out["chains"] = chain_stats;
    }
    std::fprintf(stderr,
                 "instances %d: total %.0f ms (p50 %.2f ms, p95 %.2f ms), teardown %.0f ms, "
                 "rss idle %ld KiB, with instances %ld KiB\n",
                 n, total_ms, p50, p95, teardown_ms, idle, loaded);
  }
  if (json) {
    std::printf("%s\n", out.dump(2).c_str());
  }
  return 0;
}
