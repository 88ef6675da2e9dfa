// Embedding benchmark (issue 14): chainlab's greedy against a faithful re-implementation of
// hsnlab/mapping's alg1 (scoring and backtracking) and the exact MILP (GLPK), on the same inputs.
//   1. gap:     small random instances (<= 6 NFs, <= 20 infras): how often each algorithm maps
//               what the MILP proves feasible, and its mean cost above the optimum;
//   2. streams: request streams like hsnlab/mapping's simulation (Poisson arrivals, exponential
//               lifetimes, chains of 1-8 NFs, delay 60-220 ms) on pico, gwin and dfn-gwin.gml,
//               at a light, a medium (compute-bound) and a heavy (bandwidth-bound) load:
//               acceptance ratio, runtime per request,
//               revenue/cost; the MILP joins on a short pico stream;
//   3. scale:   a 100-NF chain on a 1,000-node substrate, and 10,000 requests on gwin.
//
//   embedding_bench [--section gap|streams|scale] [--requests N] [--seed S]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <queue>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench/embedding_gen.h"
#include "bench_util.h"
#include "orchestration/placement/embedding/algorithm.h"

namespace {

using namespace chainlab::orchestration::embedding;
using chainlab::bench::since_ms;
using chainlab::bench::StreamParams;

std::unique_ptr<EmbeddingAlgorithm> make(const std::string& name, uint64_t seed) {
  EmbeddingOptions o;
  o.seed = seed;
  o.time_limit_s = 20;
  auto a = EmbeddingRegistry::with_builtins().create(name, o);
  if (!a.ok()) {
    std::fprintf(stderr, "embedding_bench: %s\n", a.error().message.c_str());
    std::exit(1);
  }
  return std::move(a).value();
}

Embedding run(EmbeddingAlgorithm& a, const Substrate& s, const Request& r) {
  auto e = a.embed(s, r);
  if (!e.ok()) {
    std::fprintf(stderr, "embedding_bench: %s: %s\n", a.name().c_str(), e.error().message.c_str());
    std::exit(1);
  }
  return std::move(e).value();
}

// What a request earns if accepted: its NFs' cpu and its hops' bandwidth (hsnlab's revenue).
double revenue(const Request& r) {
  double v = 0;
  for (const auto& nf : r.nfs) {
    v += nf.demand.cpu;
  }
  for (const auto& [hop, bw] : hop_bandwidths(r)) {
    v += bw;
  }
  return v;
}

// 1. The optimality gap on small random instances.
void gap(uint64_t seed, int count) {
  std::printf("\n## gap: %d scarce random instances (8-22 nodes, 1-6 NFs), against the MILP\n\n",
              count);
  std::vector<std::string> names = {"greedy", "alg1"};
  std::map<std::string, int> accepted;
  std::map<std::string, double> gap_sum;
  std::map<std::string, int> gap_n;
  std::map<std::string, double> ms;
  int feasible = 0;
  double milp_ms = 0;
  for (int i = 0; i < count; ++i) {
    uint64_t s_seed = seed * 1000 + static_cast<uint64_t>(i);
    auto s = chainlab::bench::scarce_substrate(8 + static_cast<size_t>(i) % 15, s_seed);
    StreamParams p;
    p.max_bandwidth = 50;
    p.max_cpu = 4;
    p.min_delay_ms = 15;
    p.max_delay_ms = 70;
    auto r = chainlab::bench::random_chain(s, 1 + static_cast<size_t>(i) % 6, s_seed, p);
    auto t = chainlab::bench::Clock::now();
    auto exact = run(*make("milp", s_seed), s, r);
    milp_ms += since_ms(t);
    if (!exact.accepted()) {
      continue;
    }
    ++feasible;
    double best = mapping_cost(s, r, *exact.mapping);
    for (const auto& n : names) {
      t = chainlab::bench::Clock::now();
      auto e = run(*make(n, s_seed), s, r);
      ms[n] += since_ms(t);
      if (e.accepted()) {
        ++accepted[n];
        if (best > 0) {
          gap_sum[n] += mapping_cost(s, r, *e.mapping) / best - 1;
          ++gap_n[n];
        }
      }
    }
  }
  std::printf(
      "| algorithm | maps what the MILP maps | mean cost above optimum | ms per request |\n");
  std::printf("|---|---|---|---|\n");
  for (const auto& n : names) {
    std::printf("| %s | %d of %d (%.1f%%) | %.2f%% | %.3f |\n", n.c_str(), accepted[n], feasible,
                100.0 * accepted[n] / std::max(1, feasible),
                100.0 * gap_sum[n] / std::max(1, gap_n[n]), ms[n] / std::max(1, feasible));
  }
  std::printf("| milp | %d of %d feasible | 0 | %.3f |\n", feasible, count, milp_ms / count);
}

struct StreamResult {
  size_t accepted = 0;
  size_t total = 0;
  double ms = 0;
  double revenue = 0;
  double cost = 0;
};

// One algorithm over a stream: expired requests give their resources back before each arrival.
StreamResult simulate(const std::string& name, Substrate s,
                      const std::vector<chainlab::bench::StreamEvent>& events, uint64_t seed) {
  auto algorithm = make(name, seed);
  using Live = std::pair<double, size_t>;  // expiry, event index
  std::priority_queue<Live, std::vector<Live>, std::greater<>> live;
  std::vector<Mapping> mappings(events.size());
  StreamResult out;
  for (size_t i = 0; i < events.size(); ++i) {
    const auto& ev = events[i];
    while (!live.empty() && live.top().first <= ev.time) {
      release(s, events[live.top().second].request, mappings[live.top().second]);
      live.pop();
    }
    auto e = run(*algorithm, s, ev.request);
    out.ms += e.stats.runtime_ms;
    ++out.total;
    if (e.accepted()) {
      ++out.accepted;
      mappings[i] = *e.mapping;
      reserve(s, ev.request, mappings[i]);
      out.revenue += revenue(ev.request);
      out.cost += mapping_cost(s, ev.request, mappings[i]);
      live.emplace(ev.time + ev.lifetime, i);
    }
  }
  return out;
}

void print_stream(const std::string& substrate, const std::string& load, const std::string& name,
                  const StreamResult& r) {
  std::printf("| %s | %s | %s | %zu/%zu (%.1f%%) | %.3f | %.3f |\n", substrate.c_str(),
              load.c_str(), name.c_str(), r.accepted, r.total,
              100.0 * r.accepted / std::max<size_t>(1, r.total),
              r.ms / std::max<size_t>(1, r.total), r.cost > 0 ? r.revenue / r.cost : 0);
}

void streams(uint64_t seed, size_t count) {
  std::printf("\n## streams: %zu requests each, light, medium and heavy load\n\n", count);
  std::printf("| substrate | load | algorithm | accepted | ms per request | revenue/cost |\n");
  std::printf("|---|---|---|---|---|---|\n");
  auto gml = chainlab::bench::gml_substrate(
      std::string(CHAINLAB_SOURCE_DIR) + "/../shared/fixtures/mapping/dfn-gwin.gml", seed);
  std::vector<std::pair<std::string, Substrate>> substrates = {
      {"pico", chainlab::bench::pico_substrate(seed)},
      {"gwin", chainlab::bench::gwin_substrate(seed)}};
  if (gml.ok()) {
    substrates.emplace_back("dfn-gwin.gml", *gml);
  }
  StreamParams light;
  StreamParams medium;  // compute runs short before bandwidth does
  medium.mean_lifetime = 150;
  medium.max_bandwidth = 5;
  StreamParams heavy;  // the access links saturate
  heavy.mean_lifetime = 400;
  heavy.max_bandwidth = 60;
  for (const auto& [sname, s] : substrates) {
    for (const auto& [lname, params] :
         {std::pair{"light", light}, std::pair{"medium", medium}, std::pair{"heavy", heavy}}) {
      auto events = chainlab::bench::request_stream(s, count, seed, params);
      for (const char* name : {"greedy", "alg1"}) {
        print_stream(sname, lname, name, simulate(name, s, events, seed));
      }
    }
  }
  auto pico = chainlab::bench::pico_substrate(seed);
  auto events = chainlab::bench::request_stream(pico, 200, seed, heavy);
  for (const char* name : {"greedy", "alg1", "milp"}) {
    print_stream("pico", "heavy, 200", name, simulate(name, pico, events, seed));
  }
}

void scale(uint64_t seed) {
  std::printf("\n## scale\n\n");
  auto big = chainlab::bench::random_substrate(1000, seed);
  StreamParams p;
  p.max_delay_ms = 2000;
  p.min_delay_ms = 1000;
  auto chain = chainlab::bench::random_chain(big, 100, seed, p);
  std::vector<double> times;
  auto greedy = make("greedy", seed);
  Embedding e;
  for (int i = 0; i < 5; ++i) {
    e = run(*greedy, big, chain);
    times.push_back(e.stats.runtime_ms);
  }
  std::sort(times.begin(), times.end());
  std::printf("100-NF chain on %zu nodes / %zu links: greedy %s, median %.1f ms of 5 (%lu steps)\n",
              big.nodes.size(), big.links.size(), e.accepted() ? "mapped" : "refused", times[2],
              e.stats.steps);
  auto gwin = chainlab::bench::gwin_substrate(seed);
  auto events = chainlab::bench::request_stream(gwin, 10000, seed);
  auto t = chainlab::bench::Clock::now();
  auto r = simulate("greedy", gwin, events, seed);
  std::printf("10,000 requests on gwin: greedy %.2f s in all, %zu accepted\n", since_ms(t) / 1000,
              r.accepted);
}

}  // namespace

int main(int argc, char** argv) {
  std::string section;
  size_t requests = 2000;
  uint64_t seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--section") == 0) {
      section = argv[i + 1];
    } else if (std::strcmp(argv[i], "--requests") == 0) {
      requests = std::strtoul(argv[i + 1], nullptr, 10);
    } else if (std::strcmp(argv[i], "--seed") == 0) {
      seed = std::strtoull(argv[i + 1], nullptr, 10);
    }
  }
  if (section.empty() || section == "gap") {
    gap(seed, 1000);
  }
  if (section.empty() || section == "streams") {
    streams(seed, requests);
  }
  if (section.empty() || section == "scale") {
    scale(seed);
  }
  return 0;
}
