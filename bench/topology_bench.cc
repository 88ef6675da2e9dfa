// Topology scaling benchmark: for 1,000 / 10,000 / 100,000 nodes, generates a Topology Zoo-like
// GML file (every node with a label and coordinates; a ring plus one chord per two nodes, so
// ~1.5 edges per node, and one hub joined to every 100th node), then times parsing it
// (Topology::from_gml), building the emulation (Emulation::start: one LSI per node, one virtual
// link per edge with its delay) and tearing it down. The per-node cost shows the scaling: flat
// per-node times mean O(n) (O(n log n) with the maps), a per-node time growing with n means a
// quadratic step. Also interrupts a build half-way through and reports how fast it stopped.
//
//   topology_bench [--nodes 1000,10000,100000] [--json]      (root: the run's state dir)
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_util.h"
#include "common/files.h"
#include "emulator/emulation.h"

namespace {

using chainlab::bench::since_ms;

using Clock = std::chrono::steady_clock;
namespace emu = chainlab::emulator;

[[noreturn]] void die(const chainlab::Error& e) {
  std::fprintf(stderr, "topology_bench: %s\n", e.message.c_str());
  std::exit(1);
}

// Node i sits on a spiral around Europe; edges: ring i -> i+1, chord i -> (7i + 3) mod n for even
// i, and node 0 as a hub to every 100th node.
std::string make_gml(int n) {
  std::string out = "graph [\n  label \"bench\"\n";
  out.reserve(static_cast<size_t>(n) * 160);
  for (int i = 0; i < n; ++i) {
    double lat = 40 + 15 * std::sin(i * 0.001);
    double lon = 10 + 20 * std::cos(i * 0.0013);
    out += fmt::format("  node [ id {} label \"City {}\" Latitude {:.4f} Longitude {:.4f} ]\n", i,
                       i, lat, lon);
  }
  auto edge = [&](int a, int b) {
    if (a != b) {
      out += fmt::format("  edge [ source {} target {} LinkSpeedRaw 1000000000 ]\n", a, b);
    }
  };
  for (int i = 0; i < n; ++i) {
    edge(i, (i + 1) % n);
    if (i % 2 == 0) {
      edge(i, static_cast<int>((7LL * i + 3) % n));
    }
    if (i % 100 == 50) {
      edge(0, i);
    }
  }
  return out + "]\n";
}

std::vector<int> int_list(const char* text) {
  std::vector<int> out;
  for (auto part : chainlab::split(text, ',')) {
    out.push_back(std::atoi(std::string(part).c_str()));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes = {1000, 10000, 100000};
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--nodes" && i + 1 < argc) {
      sizes = int_list(argv[++i]);
    } else if (a == "--json") {
      json = true;
    } else {
      std::fprintf(stderr, "usage: topology_bench [--nodes N,..] [--json]\n");
      return 2;
    }
  }
  if (::geteuid() != 0) {
    std::fprintf(stderr, "topology_bench: needs root\n");
    return 2;
  }
  char tmpl[] = "/tmp/chainlab-topobench-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  emu::EmulationOptions options;
  options.state_dir = tmpl;
  nlohmann::json out = nlohmann::json::array();
  std::printf("| nodes | edges | GML MiB | parse ms | build ms | teardown ms | build us/node |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  for (int n : sizes) {
    std::string gml = make_gml(n);
    auto t = Clock::now();
    auto topology = emu::Topology::from_gml(gml, emu::ImportOptions{}, "bench.gml");
    double parse_ms = since_ms(t);
    if (!topology.ok()) {
      die(topology.error());
    }
    topology->emulator.rest_port = 0;
    t = Clock::now();
    auto e = emu::Emulation::start(*topology, options);
    double build_ms = since_ms(t);
    if (!e.ok()) {
      die(e.error());
    }
    t = Clock::now();
    e->reset();
    double teardown_ms = since_ms(t);
    size_t edges = topology->links().size();
    double mib = static_cast<double>(gml.size()) / (1 << 20);
    std::printf("| %d | %zu | %.1f | %.0f | %.0f | %.0f | %.1f |\n", n, edges, mib, parse_ms,
                build_ms, teardown_ms, build_ms * 1000 / n);
    std::fflush(stdout);
    out.push_back({{"nodes", n},
                   {"edges", edges},
                   {"gml_bytes", gml.size()},
                   {"parse_ms", parse_ms},
                   {"build_ms", build_ms},
                   {"teardown_ms", teardown_ms}});
  }
  // Interruption: a stop requested once half the nodes are built.
  int n = sizes.back();
  auto topology = emu::Topology::from_gml(make_gml(n), emu::ImportOptions{}, "bench.gml");
  if (!topology.ok()) {
    die(topology.error());
  }
  std::atomic<long> polls{0};
  long stop_after = n / 2 / 64;  // Emulation::start polls every 64 nodes
  Clock::time_point stop_requested{};
  chainlab::Cancel cancel([&] {
    if (polls.fetch_add(1) == stop_after) {
      stop_requested = Clock::now();
    }
    return polls.load() > stop_after;
  });
  auto e = emu::Emulation::start(*topology, options, cancel);
  double stop_ms = since_ms(stop_requested);
  if (e.ok()) {
    std::fprintf(stderr, "topology_bench: the interrupted build did not stop\n");
    return 1;
  }
  auto runs = chainlab::list_dir(std::string(tmpl) + "/runs");
  size_t left = runs.ok() ? runs->size() : 0;
  std::printf(
      "\ninterrupted at ~%d of %d nodes: stopped and cleaned up %.0f ms after the request "
      "(%s); run directories left: %zu\n",
      n / 2, n, stop_ms, e.error().message.c_str(), left);
  ::rmdir((std::string(tmpl) + "/runs").c_str());
  ::rmdir(tmpl);
  if (json) {
    std::printf("%s\n",
                nlohmann::json({{"sizes", out}, {"interrupt_stop_ms", stop_ms}}).dump(2).c_str());
  }
  return left == 0 ? 0 : 1;
}
