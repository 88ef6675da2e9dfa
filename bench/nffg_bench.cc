// NF-FG benchmark (issue 13; COMPOSER's figures: a graph deploys in < 1 s with no VNF and in about
// 6.5 min with 500 Docker SFs; its NSF-only node uses 31 MB): on a one-PoP emulation with two SAPs
// as LSI-0's interfaces, a unode::Node deploys a graph of N native VNFs in a chain (SAP a -> vnf1
// -> ... -> vnfN -> SAP b, both directions: 2N + 2 rules), then applies an update changing one
// rule's match, then removes the graph. Each VNF is a native bundle whose start script returns at
// once. Reports the median of --runs and the process's RSS with the largest graph deployed.
//
//   nffg_bench [--vnfs 0,1,10,100,500] [--runs 3]
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench_util.h"
#include "common/files.h"
#include "emulator/emulation.h"
#include "frontends/unode/node.h"

namespace {

using chainlab::bench::since_ms;
using nlohmann::json;
namespace fs = std::filesystem;

[[noreturn]] void die(const chainlab::Error& e) {
  std::fprintf(stderr, "nffg_bench: %s\n", e.message.c_str());
  std::exit(1);
}

json rule(int id, const std::string& in, const std::string& out, const json& extra = {}) {
  json match = {{"port_in", in}};
  if (!extra.is_null()) {
    match.update(extra);
  }
  return {{"id", std::to_string(id)},
          {"priority", 10},
          {"match", match},
          {"actions", {{{"output_to_port", out}}}}};
}

// SAP a -> vnf1 -> ... -> vnfN -> SAP b and back; `arp_only` narrows the first rule's match.
json chain(int n, bool arp_only = false) {
  json vnfs = json::array();
  json rules = json::array();
  std::vector<std::string> hops = {"endpoint:a"};
  for (int i = 1; i <= n; ++i) {
    vnfs.push_back({{"id", std::to_string(i)},
                    {"name", "fwd"},
                    {"ports", {{{"id", "inout:0"}}, {{"id", "inout:1"}}}}});
    hops.push_back(fmt::format("vnf:{}:inout:0", i));
    hops.push_back(fmt::format("vnf:{}:inout:1", i));
  }
  hops.push_back("endpoint:b");
  int id = 1;
  for (size_t h = 0; h + 1 < hops.size(); h += 2) {
    json extra = (h == 0 && arp_only) ? json{{"ether_type", "0x0806"}} : json();
    rules.push_back(rule(id++, hops[h], hops[h + 1], extra));
    rules.push_back(rule(id++, hops[h + 1], hops[h]));
  }
  json fg = {{"name", fmt::format("chain{}", n)},
             {"end-points",
              {{{"id", "a"}, {"type", "interface"}, {"interface", {{"if-name", "sapa"}}}},
               {{"id", "b"}, {"type", "interface"}, {"interface", {{"if-name", "sapb"}}}}}},
             {"big-switch", {{"flow-rules", rules}}}};
  if (n > 0) {
    fg["VNFs"] = vnfs;
  }
  return {{"forwarding-graph", fg}};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::string templates_dir() {
  std::string dir = fs::temp_directory_path() / fmt::format("chainlab-nffg-bench-{}", ::getpid());
  fs::create_directories(dir + "/fwd");
  (void)chainlab::write_file(dir + "/fwd/start", "#!/bin/sh\nexit 0\n", true);
  fs::permissions(dir + "/fwd/start", fs::perms::owner_all);
  json t = {{"functional-capability", "fwd"},
            {"vnf-type", "native"},
            {"uri", "fwd"},
            {"ports", {{{"position", "0-1"}, {"label", "inout"}}}}};
  (void)chainlab::write_file(dir + "/fwd.json", t.dump(), true);
  return dir;
}

}  // namespace

int main(int argc, char** argv) {
  auto [sizes, runs] = chainlab::bench::parse_size_runs(argc, argv, {{0, 1, 10, 100, 500}, 3});
  chainlab::emulator::Topology t;
  t.name = "nffg-bench";
  t.emulator.rest_port = -1;
  chainlab::emulator::PopSpec pop;
  pop.name = "dc1";
  (void)t.add_pop(pop);
  (void)t.add_sap({"sapa", "dc1", "10.8.0.1/24"});
  (void)t.add_sap({"sapb", "dc1", "10.8.0.2/24"});
  auto emu = chainlab::emulator::Emulation::start(t);
  if (!emu.ok()) {
    die(emu.error());
  }
  std::string dir = templates_dir();
  chainlab::unode::NodeOptions options;
  options.pop = "dc1";
  options.templates_dir = dir;
  options.db_path = dir + "/users.db";
  options.admin_password = "bench";
  auto node = chainlab::unode::Node::open(**emu, options, nullptr, nullptr);
  if (!node.ok()) {
    die(node.error());
  }
  auto admin = (*node)->users().user("admin");
  long rss_before = chainlab::bench::rss_kib();
  long rss_largest = 0;
  std::printf(
      "| VNFs | rules | deploy ms | update one rule ms | remove ms "
      "|\n|---:|---:|---:|---:|---:|\n");
  for (int n : sizes) {
    std::vector<double> deploy, update, remove;
    for (int r = 0; r < runs; ++r) {
      auto t0 = chainlab::bench::Clock::now();
      auto id = (*node)->create_graph(*admin, chain(n));
      if (!id.ok()) {
        die(id.error());
      }
      deploy.push_back(since_ms(t0));
      rss_largest = std::max(rss_largest, chainlab::bench::rss_kib());
      t0 = chainlab::bench::Clock::now();
      if (auto s = (*node)->update_graph(*admin, *id, chain(n, true)); !s.ok()) {
        die(s.error());
      }
      update.push_back(since_ms(t0));
      t0 = chainlab::bench::Clock::now();
      if (auto s = (*node)->delete_graph(*admin, *id); !s.ok()) {
        die(s.error());
      }
      remove.push_back(since_ms(t0));
    }
    std::printf("| %d | %d | %.1f | %.1f | %.1f |\n", n, 2 * n + 2, median(deploy), median(update),
                median(remove));
    std::fflush(stdout);
  }
  std::printf(
      "\nRSS of the process: %.1f MB with the emulation and node idle, %.1f MB with the "
      "largest graph deployed (the VNFs' processes are not counted)\n",
      rss_before / 1024.0, rss_largest / 1024.0);
  node->reset();
  fs::remove_all(dir);
  return 0;
}
