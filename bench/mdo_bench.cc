// The multi-domain orchestrator (docs/mdo.md), in process over real HTTP: request-to-deployed
// time for a chain of 1, 10 and 50 NFs over 2 and 4 static domains, the orchestrator's start
// included (reading the domains' NFFG files, merging, the listener) as ESCAPE's test cases time
// it (5-20 s each there); then 100 requests posted back to back: how long each POST takes to be
// answered 202, and `status` latency (p50, p99) while the orchestrator works through them.
//
//   mdo_bench [--vnfs 1,10,50] [--runs 3]
#include <httplib.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bench/bench_util.h"
#include "endpoints/escape/escape_endpoint.h"
#include "frontends/escape/mdo/static_adapter.h"

namespace chainlab::bench {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr int kEesPerDomain = 4;

// Domain d of `n`: kEesPerDomain EEs on a switch; SAP "border-d" to the next domain, "border-(d-1)"
// to the one before; SAP1 in the first domain, SAP2 in the last.
json domain_view(int d, int n, int nfs) {
  json infras = json::array();
  json links = json::array();
  json saps = json::array();
  std::string sw = fmt::format("d{}-sw", d);
  json sw_ports = json::array();
  auto link = [&](const std::string& id, const std::string& a, int ap, const std::string& b, int bp,
                  double delay) {
    links.push_back({{"id", id},
                     {"src_node", a},
                     {"src_port", ap},
                     {"dst_node", b},
                     {"dst_port", bp},
                     {"delay", delay},
                     {"bandwidth", 10000}});
  };
  double cpu = 1.5 * nfs / (n * kEesPerDomain) + 1;
  for (int e = 0; e < kEesPerDomain; ++e) {
    std::string ee = fmt::format("d{}-ee{}", d, e);
    infras.push_back(
        {{"id", ee},
         {"type", "EE"},
         {"supported", {"fw"}},
         {"ports", {{{"id", 1}}}},
         {"resources",
          {{"cpu", cpu}, {"mem", cpu}, {"storage", cpu}, {"delay", 0.1}, {"bandwidth", 10000}}}});
    sw_ports.push_back({{"id", e + 1}});
    link(ee + "-l", ee, 1, sw, e + 1, 0.5);
  }
  std::vector<std::string> edge_saps;
  if (d == 0)
    edge_saps.push_back("SAP1");
  if (d == n - 1)
    edge_saps.push_back("SAP2");
  if (d > 0)
    edge_saps.push_back(fmt::format("border-{}", d - 1));
  if (d < n - 1)
    edge_saps.push_back(fmt::format("border-{}", d));
  int port = kEesPerDomain + 1;
  for (const auto& sap : edge_saps) {
    saps.push_back({{"id", sap}, {"ports", {{{"id", 1}}}}});
    sw_ports.push_back({{"id", port}});
    link(fmt::format("d{}-{}", d, sap), sw, port++, sap, 1, 1);
  }
  infras.push_back(
      {{"id", sw},
       {"type", "SDN-SWITCH"},
       {"ports", sw_ports},
       {"resources",
        {{"cpu", 0}, {"mem", 0}, {"storage", 0}, {"delay", 0.01}, {"bandwidth", 100000}}}});
  return {{"parameters", {{"id", fmt::format("dom{}", d)}, {"version", "1.0"}}},
          {"node_infras", infras},
          {"node_saps", saps},
          {"edge_links", links}};
}

json chain(const std::string& id, int nfs, int hop_base) {
  json nodes = json::array();
  json hops = json::array();
  std::string prev = "SAP1";
  for (int i = 0; i < nfs; ++i) {
    std::string nf = fmt::format("{}-nf{}", id, i);
    nodes.push_back({{"id", nf},
                     {"functional_type", "fw"},
                     {"ports", {{{"id", 1}}}},
                     {"specification", {{"resources", {{"cpu", 1}, {"mem", 1}, {"storage", 1}}}}}});
    hops.push_back({{"id", hop_base + i},
                    {"src_node", prev},
                    {"src_port", 1},
                    {"dst_node", nf},
                    {"dst_port", 1}});
    prev = nf;
  }
  hops.push_back({{"id", hop_base + nfs},
                  {"src_node", prev},
                  {"src_port", 1},
                  {"dst_node", "SAP2"},
                  {"dst_port", 1}});
  return {
      {"parameters", {{"id", id}, {"version", "1.0"}}},
      {"node_nfs", nodes},
      {"node_saps",
       {{{"id", "SAP1"}, {"ports", {{{"id", 1}}}}}, {{"id", "SAP2"}, {"ports", {{{"id", 1}}}}}}},
      {"edge_sg_nexthops", hops}};
}

struct Mdo {
  std::unique_ptr<escape::MdoService> service;
  std::unique_ptr<endpoints::EscapeEndpoint> endpoint;
  std::unique_ptr<endpoints::HttpListener> listener;
};

// The orchestrator over the domain files in `dir`, serving on a free loopback port.
Mdo start(const std::string& dir, int domains) {
  std::vector<std::unique_ptr<escape::DomainAdapter>> adapters;
  for (int d = 0; d < domains; ++d) {
    auto a = escape::StaticAdapter::from_file(fmt::format("dom{}", d),
                                              fmt::format("{}/dom{}.nffg", dir, d));
    if (!a.ok()) {
      std::fprintf(stderr, "%s\n", a.error().message.c_str());
      std::exit(1);
    }
    adapters.push_back(std::move(*a));
  }
  auto o = escape::Orchestrator::create(std::move(adapters), {});
  if (!o.ok()) {
    std::fprintf(stderr, "%s\n", o.error().message.c_str());
    std::exit(1);
  }
  Mdo m;
  m.service = std::make_unique<escape::MdoService>(std::move(*o), escape::ViewMode::kGlobal,
                                                   RandomIds::instance(), nullptr);
  m.endpoint = std::make_unique<endpoints::EscapeEndpoint>(*m.service, "escape");
  endpoints::ListenOptions listen;
  m.listener = std::move(endpoints::HttpListener::start(listen, *m.endpoint)).value();
  return m;
}

// Polls status until the request is done; its final code.
int wait_done(httplib::Client& c, const std::string& id) {
  for (;;) {
    auto r = c.Get("/escape/service/status?message-id=" + id);
    if (!r || r->status != 202) {
      return r ? r->status : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void request_to_deployed(const std::string& dir, const std::vector<int>& sizes, int runs) {
  std::printf("%-8s %-5s %12s %12s %12s  (ms, median of %d; ESCAPE's cases: 5000-20000)\n",
              "domains", "NFs", "start", "deployed", "total", runs);
  for (int domains : {2, 4}) {
    for (int nfs : sizes) {
      for (int d = 0; d < domains; ++d) {
        std::ofstream(fmt::format("{}/dom{}.nffg", dir, d)) << domain_view(d, domains, nfs).dump();
      }
      std::vector<double> starts, deploys;
      for (int r = 0; r < runs; ++r) {
        auto t0 = Clock::now();
        Mdo m = start(dir, domains);
        starts.push_back(since_ms(t0));
        httplib::Client c("127.0.0.1", m.listener->port());
        auto t1 = Clock::now();
        auto res = c.Post("/escape/service/sg", chain("svc", nfs, 1).dump(), "application/json");
        int code =
            res && res->status == 202 ? wait_done(c, res->get_header_value("message-id")) : -1;
        deploys.push_back(since_ms(t1));
        if (code != 200) {
          std::printf("  domains %d NFs %d: request failed (%d)\n", domains, nfs, code);
        }
      }
      std::sort(starts.begin(), starts.end());
      std::sort(deploys.begin(), deploys.end());
      double s = starts[starts.size() / 2], dep = deploys[deploys.size() / 2];
      std::printf("%-8d %-5d %12.1f %12.1f %12.1f\n", domains, nfs, s, dep, s + dep);
    }
  }
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

void back_to_back(const std::string& dir) {
  for (int d = 0; d < 2; ++d) {
    std::ofstream(fmt::format("{}/dom{}.nffg", dir, d)) << domain_view(d, 2, 400).dump();
  }
  Mdo m = start(dir, 2);
  httplib::Client c("127.0.0.1", m.listener->port());
  httplib::Client probe("127.0.0.1", m.listener->port());
  std::vector<double> posts, statuses;
  std::vector<std::string> ids;
  std::atomic<bool> done{false};
  auto post = [&](int i) {
    auto t = Clock::now();
    auto r = c.Post("/escape/service/sg", chain(fmt::format("s{}", i), 3, 10 * i + 1).dump(),
                    "application/json");
    posts.push_back(since_ms(t));
    ids.push_back(r ? r->get_header_value("message-id") : "");
  };
  auto t0 = Clock::now();
  post(0);
  std::thread watcher([&, first = ids.front()] {  // asks about the first while the rest queue
    while (!done) {
      auto t = Clock::now();
      auto r = probe.Get("/escape/service/status?message-id=" + first);
      statuses.push_back(since_ms(t));
    }
  });
  for (int i = 1; i < 100; ++i) {
    post(i);
  }
  double accepted = since_ms(t0);
  int ok = 0;
  for (const auto& id : ids) {
    ok += wait_done(c, id) == 200 ? 1 : 0;
  }
  double all = since_ms(t0);
  done = true;
  watcher.join();
  std::printf(
      "100 requests of 3 NFs back to back over 2 domains: all answered 202 in %.1f ms "
      "(POST p50 %.2f ms, p99 %.2f ms); %d/100 deployed after %.0f ms\n",
      accepted, percentile(posts, 0.5), percentile(posts, 0.99), ok, all);
  std::printf("status meanwhile: %zu calls, p50 %.2f ms, p99 %.2f ms (target p50 < 5 ms)\n",
              statuses.size(), percentile(statuses, 0.5), percentile(statuses, 0.99));
}

}  // namespace
}  // namespace chainlab::bench

int main(int argc, char** argv) {
  using namespace chainlab::bench;
  SizeRuns opt = parse_size_runs(argc, argv, {{1, 10, 50}, 3});
  std::string dir = fs::temp_directory_path() / fmt::format("mdo-bench-{}", ::getpid());
  fs::create_directories(dir);
  request_to_deployed(dir, opt.sizes, opt.runs);
  back_to_back(dir);
  fs::remove_all(dir);
  return 0;
}
