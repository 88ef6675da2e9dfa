// Monitor benchmark (issue 12): what the monitor costs with 500 instances and 500 chains.
// Native instances (`sleep infinity`, one interface each) spread over a line of PoPs, one chain
// (its own cookie) from each instance to the next, son-emu watches on some interfaces; then:
//   (a) sampling cost: process CPU time (user + sys, every thread: the data plane answers the
//       counter reads) of Emulation::collect alone and of a whole Sampler reading (collect, rates,
//       history), minus the idle emulation's own CPU, as % of one core at a 1 s period; and the
//       same measured live: a Sampler at 1 s for --live-seconds;
//   (b) memory of the History after --samples readings (Sampler::history_bytes and the process
//       RSS before/after);
//   (c) GET /metrics: building the exposition from the latest reading, and the whole request
//       over HTTP (the emulator endpoint on a loopback port), p50/p99.
// The process plays the daemon: `chainlab run` does the same work in the same way.
//
//   monitor_bench [--instances 500] [--pops 5] [--chains 500] [--watches 100] [--samples 600]
//                 [--requests 200] [--live-seconds 20] [--json]
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "bench_util.h"
#include "common/files.h"
#include "emulator/emulation.h"
#include "endpoints/emulator/emulator_endpoint.h"
#include "endpoints/http/http.h"
#include "monitor/exposition.h"
#include "monitor/history_series.h"
#include "monitor/sampler.h"

namespace {

using chainlab::bench::cpu_ms;
using chainlab::bench::rss_kib;
using chainlab::bench::since_ms;

using Clock = std::chrono::steady_clock;
namespace emu = chainlab::emulator;
namespace mon = chainlab::monitor;

struct Options {
  int instances = 500;
  int pops = 5;
  int chains = 500;
  int watches = 100;
  int samples = 600;
  int requests = 200;
  int live_seconds = 20;
  bool json = false;
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "monitor_bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T ok_or_die(chainlab::Result<T> r, const char* what) {
  if (!r.ok()) {
    die(std::string(what) + ": " + r.error().message);
  }
  return std::move(r).value();
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

std::string vnf(int i) {
  return "vnf" + std::to_string(i);
}

// A line of PoPs, the instances round-robin over them, chain i: vnf i -> vnf i+1 (cookie 1000+i).
std::unique_ptr<emu::Emulation> build(const Options& o) {
  emu::GeneratorOptions g;
  g.shape = emu::Shape::kLine;
  g.pops = o.pops;
  g.link.delay_ns = 1'000'000;
  emu::Topology t = ok_or_die(emu::Topology::generate(g), "topology");
  t.emulator.rest_port = 0;
  auto e = ok_or_die(emu::Emulation::start(t), "emulation");
  for (int i = 0; i < o.instances; ++i) {
    emu::ComputeRequest r;
    r.pop = "dc" + std::to_string(i % o.pops + 1);
    r.name = vnf(i);  // no command: `sleep infinity`
    ok_or_die(e->start_compute(r), "start_compute");
  }
  for (int i = 0; i < o.chains; ++i) {
    emu::ChainRequest c;
    c.src = vnf(i % o.instances);
    c.dst = vnf((i + 1) % o.instances);
    c.cookie = 1000 + static_cast<uint64_t>(i);
    ok_or_die(e->set_chain(c), "set_chain");
  }
  return e;
}

// The CPU the emulation uses on its own (data plane threads) per second of wall time.
double idle_cpu_ms_per_s(double seconds) {
  double c0 = cpu_ms();
  auto t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  return (cpu_ms() - c0) / (since_ms(t0) / 1e3);
}

// CPU time of the calling thread, in ms.
double thread_cpu_ms() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

struct Cost {
  double cpu_ms = 0;     // per call, the whole process, idle CPU subtracted
  double caller_ms = 0;  // per call, the calling thread alone (the rest: data plane threads)
  double wall_p50 = 0;   // ms
  double wall_p99 = 0;
};

// `n` calls of `f` back to back: CPU per call (minus the idle rate), wall p50/p99.
template <typename F>
Cost measure(int n, double idle_rate, F&& f) {
  std::vector<double> wall;
  double c0 = cpu_ms();
  double own0 = thread_cpu_ms();
  auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) {
    auto t = Clock::now();
    f();
    wall.push_back(since_ms(t));
  }
  double cpu = cpu_ms() - c0 - idle_rate * since_ms(t0) / 1e3;
  double own = thread_cpu_ms() - own0;
  return {std::max(0.0, cpu) / n, own / n, percentile(wall, 0.5), percentile(wall, 0.99)};
}

nlohmann::json cost_json(const Cost& c) {
  return {{"cpu_ms", c.cpu_ms},
          {"caller_cpu_ms", c.caller_ms},
          {"wall_p50_ms", c.wall_p50},
          {"wall_p99_ms", c.wall_p99}};
}

// son-emu watches on the first `n` instances' interfaces (rx_bytes), through the REST API.
void add_watches(httplib::Client& api, int n, int instances) {
  for (int i = 0; i < std::min(n, instances); ++i) {
    auto r = api.Put("/restapi/monitor/interface?vnf_name=" + vnf(i) + "&metric=rx_bytes", "",
                     "text/plain");
    if (!r || r->status != 200) {
      die("PUT /restapi/monitor/interface: " + (r ? r->body : std::string("no answer")));
    }
  }
}

// ---- where the sampling time goes: the instances' cgroup files --------------------------------

// The cgroup directory of `pid` per v1 hierarchy, by its first controller ("cpu", "memory", ...);
// a v2 host has one entry "" (the unified tree).
std::map<std::string, std::string> cgroup_dirs(pid_t pid) {
  std::map<std::string, std::string> out;
  auto text = chainlab::read_file("/proc/" + std::to_string(pid) + "/cgroup");
  if (!text.ok()) {
    return out;
  }
  for (auto line : chainlab::split(*text, '\n')) {
    auto parts = chainlab::split(line, ':');
    if (parts.size() != 3) {
      continue;
    }
    std::string controllers(parts[1]);
    std::string first = controllers.substr(0, controllers.find(','));
    if (first.starts_with("name=")) {
      first = first.substr(5);
    }
    std::string mount = first.empty() ? "/sys/fs/cgroup" : "/sys/fs/cgroup/" + first;
    out[first] = mount + std::string(parts[2]);
  }
  return out;
}

struct FileSets {
  std::vector<std::string> status_reads;   // what NativeInstance::status() reads (cgroup v1)
  std::vector<std::string> monitor_needs;  // CPU time, memory, processes: one file each
};

// The files, for every running instance. v1 only (this host); empty on a v2 host.
FileSets file_sets(emu::Emulation& e, int instances) {
  FileSets f;
  for (int i = 0; i < instances; ++i) {
    auto info = e.compute_status(vnf(i));
    if (!info.ok() || info->status.pid <= 0) {
      continue;
    }
    auto d = cgroup_dirs(info->status.pid);
    if (!d.contains("cpu") || !d.contains("cpuacct") || !d.contains("cpuset") ||
        !d.contains("memory") || !d.contains("freezer") || !d.contains("pids")) {
      return {};
    }
    for (const char* knob : {"cfs_quota_us", "cfs_period_us", "shares"}) {
      f.status_reads.push_back(d["cpu"] + "/cpu." + knob);
    }
    f.status_reads.push_back(d["cpuset"] + "/cpuset.cpus");
    f.status_reads.push_back(d["memory"] + "/memory.limit_in_bytes");
    f.status_reads.push_back(d["cpuacct"] + "/cpuacct.usage");
    f.status_reads.push_back(d["cpu"] + "/cpu.stat");
    f.status_reads.push_back(d["memory"] + "/memory.usage_in_bytes");
    // The process count: cgroup.procs of every hierarchy chainlab makes a cgroup in
    // (substrate/cgroup.cc).
    for (const char* h : {"cpu", "cpuacct", "cpuset", "memory", "freezer", "pids"}) {
      f.status_reads.push_back(d[h] + "/cgroup.procs");
    }
    f.monitor_needs.push_back(d["cpuacct"] + "/cpuacct.usage");
    f.monitor_needs.push_back(d["memory"] + "/memory.usage_in_bytes");
    f.monitor_needs.push_back(d["pids"] + "/pids.current");
  }
  return f;
}

struct FileCosts {
  size_t status_files = 0;
  size_t needed_files = 0;
  Cost status_reads;  // open, read, close each file status() reads
  Cost needed_reads;  // the same for the three files the monitor needs
  Cost needed_pread;  // those three kept open, re-read with pread at offset 0
};

FileCosts file_costs(emu::Emulation& e, int instances, double idle) {
  FileSets f = file_sets(e, instances);
  FileCosts c{f.status_reads.size(), f.monitor_needs.size(), {}, {}, {}};
  if (f.monitor_needs.empty()) {
    return c;
  }
  auto read_all = [](const std::vector<std::string>& files) {
    for (const auto& path : files) {
      (void)chainlab::read_file(path);
    }
  };
  c.status_reads = measure(20, idle, [&] { read_all(f.status_reads); });
  c.needed_reads = measure(20, idle, [&] { read_all(f.monitor_needs); });
  std::vector<chainlab::UniqueFd> fds;
  for (const auto& path : f.monitor_needs) {
    fds.push_back(ok_or_die(chainlab::open_read(path), "open"));
  }
  c.needed_pread = measure(20, idle, [&] {
    char buf[64];
    for (const auto& fd : fds) {
      if (::pread(fd.get(), buf, sizeof buf, 0) <= 0) {
        die("pread of a cgroup file failed");
      }
    }
  });
  return c;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::atoi(argv[++i]) : -1; };
    if (a == "--instances") {
      o.instances = next();
    } else if (a == "--pops") {
      o.pops = next();
    } else if (a == "--chains") {
      o.chains = next();
    } else if (a == "--watches") {
      o.watches = next();
    } else if (a == "--samples") {
      o.samples = next();
    } else if (a == "--requests") {
      o.requests = next();
    } else if (a == "--live-seconds") {
      o.live_seconds = next();
    } else if (a == "--json") {
      o.json = true;
    } else {
      die("usage: monitor_bench [--instances N] [--pops N] [--chains N] [--watches N] "
          "[--samples N] [--requests N] [--live-seconds N] [--json]");
    }
  }
  if (o.instances < 2 || o.pops < 1 || o.chains < 0 || o.watches < 0 || o.samples < 1 ||
      o.requests < 1 || o.live_seconds < 0) {
    die("counts must be positive (instances at least 2)");
  }
  return o;
}

}  // namespace

void print_costs(const nlohmann::json& out) {
  std::printf(
      "| measurement | CPU ms per call (process) | of which the calling thread | wall p50 ms | "
      "wall p99 ms |\n|---|---|---|---|---|\n");
  auto row = [](const std::string& what, const nlohmann::json& x) {
    std::printf("| %s | %.2f | %.2f | %.2f | %.2f |\n", what.c_str(), x["cpu_ms"].get<double>(),
                x["caller_cpu_ms"].get<double>(), x["wall_p50_ms"].get<double>(),
                x["wall_p99_ms"].get<double>());
  };
  row("Emulation::collect", out["collect"]);
  row("Sampler reading (collect + rates + history)", out["reading"]);
  row("rates + history alone", out["bookkeeping"]);
  row("exposition from the latest reading", out["metrics"]["exposition"]);
  row("GET /metrics again within one reading (with the watches)",
      out["metrics"]["http_same_reading"]);
  const auto& f = out["cgroup_files"];
  if (f["needed_files"].get<size_t>() > 0) {
    row("the " + std::to_string(f["status_files"].get<size_t>()) +
            " cgroup files status() reads (open, read, close)",
        f["status_reads"]);
    row("the " + std::to_string(f["needed_files"].get<size_t>()) +
            " files the monitor needs (cpuacct.usage, memory.usage_in_bytes, pids.current)",
        f["needed_reads"]);
    row("the same kept open, re-read with pread", f["needed_pread"]);
  }
}

void print_results(const nlohmann::json& out) {
  std::printf("\n| result | value | target |\n|---|---|---|\n");
  std::printf(
      "| idle emulation CPU (no sampler; the instances sent %.0f frames/s) | %.2f %% of a "
      "core | |\n",
      out["idle_frames_per_s"].get<double>(), out["idle_cpu_percent"].get<double>());
  std::printf(
      "| sampling cost at a 1 s period (readings back to back) | %.2f %% of a core | < 2 %% |\n",
      out["sampling_cpu_percent_at_1s"].get<double>());
  std::printf("| sampling cost, live Sampler at 1 s for %d s | %.2f %% of a core | < 2 %% |\n",
              out["options"]["live_seconds"].get<int>(),
              out["live_cpu_percent_at_1s"].get<double>());
  std::printf("| history after %d readings (%zu series): history_bytes | %.1f MB | < 30 MB |\n",
              out["history"]["samples"].get<int>(), out["history"]["series"].get<size_t>(),
              out["history"]["history_bytes"].get<double>() / 1e6);
  std::printf("| process RSS before the sampler / after the readings | %.1f / %.1f MB | |\n",
              out["rss_kib"]["before_sampler"].get<double>() / 1024,
              out["rss_kib"]["after_samples"].get<double>() / 1024);
  const auto& m = out["metrics"];
  std::printf("| /metrics body (plain / with watches) | %zu / %zu bytes | |\n",
              m["plain_bytes"].get<size_t>(), m["http_bytes"].get<size_t>());
  std::printf("| GET /metrics, first after a reading, p50 / p99 | %.1f / %.1f ms | p50 < 20 ms |\n",
              m["http"]["wall_p50_ms"].get<double>(), m["http"]["wall_p99_ms"].get<double>());
  std::printf("| GET /metrics, again within the reading, p50 / p99 | %.1f / %.1f ms | |\n",
              m["http_same_reading"]["wall_p50_ms"].get<double>(),
              m["http_same_reading"]["wall_p99_ms"].get<double>());
}

void print_table(const nlohmann::json& out) {
  const auto& s = out["snapshot"];
  const auto& o = out["options"];
  std::printf(
      "monitor_bench: %d instances, %d chains, %d PoPs (snapshot: %d interfaces, %d "
      "flow entries, %d link directions), %d watches; set-up %.1f s\n",
      o["instances"].get<int>(), o["chains"].get<int>(), o["pops"].get<int>(),
      s["interfaces"].get<int>(), s["flows"].get<int>(), s["links"].get<int>(),
      o["watches"].get<int>(), out["setup_s"].get<double>());
  print_costs(out);
  print_results(out);
}

// ---- the phases ---------------------------------------------------------------------------------

// The idle emulation's CPU rate (ms per s), and the frames its instances sent meanwhile (IPv6
// DAD, router solicitations...): the data plane polls for a while after each.
double measure_idle(emu::Emulation& e, nlohmann::json& out) {
  auto frames = [&] {
    uint64_t n = 0;
    for (const auto& i : ok_or_die(e.collect(), "collect").interfaces) {
      n += i.tx.packets;
    }
    return n;
  };
  uint64_t before = frames();
  auto t0 = Clock::now();
  double idle = idle_cpu_ms_per_s(5);
  out["idle_frames_per_s"] = static_cast<double>(frames() - before) / (since_ms(t0) / 1e3);
  out["idle_cpu_percent"] = idle / 10;
  return idle;
}

void put_file_costs(const FileCosts& files, nlohmann::json& out) {
  out["cgroup_files"] = {{"status_files", files.status_files},
                         {"needed_files", files.needed_files},
                         {"status_reads", cost_json(files.status_reads)},
                         {"needed_reads", cost_json(files.needed_reads)},
                         {"needed_pread", cost_json(files.needed_pread)}};
}

// (a) and (b): collect alone, the cgroup files, `samples` whole readings (collect + rates +
// history) into a fresh Sampler whose readings come from sample_now only; the rates and history
// alone. Returns the Sampler, its history full.
std::unique_ptr<mon::Sampler> measure_sampling(emu::Emulation& e, const Options& o, double idle,
                                               nlohmann::json& out) {
  out["collect"] = cost_json(measure(50, idle, [&] { ok_or_die(e.collect(), "collect"); }));
  put_file_costs(file_costs(e, o.instances, idle), out);
  long rss_before = rss_kib();
  mon::SamplerOptions so;
  so.period = std::chrono::hours(1);
  so.history_points = static_cast<size_t>(o.samples);
  auto sampler = ok_or_die(mon::Sampler::start(e, so), "sampler");  // reading 1
  Cost reading = measure(o.samples - 1, idle, [&] { ok_or_die(sampler->sample_now(), "sample"); });
  out["rss_kib"] = {{"before_sampler", rss_before}, {"after_samples", rss_kib()}};
  out["reading"] = cost_json(reading);
  out["sampling_cpu_percent_at_1s"] = reading.cpu_ms / 10;  // ms per 1000 ms period
  out["history"] = {{"samples", o.samples},
                    {"series", sampler->series().size()},
                    {"history_bytes", sampler->history_bytes()}};
  std::shared_ptr<const mon::Reading> last = sampler->latest();
  mon::History scratch(static_cast<size_t>(o.samples));
  out["bookkeeping"] = cost_json(measure(100, idle, [&] {
    mon::Reading r{last->snapshot, mon::rates_between(&last->snapshot, last->snapshot)};
    scratch.begin_tick(0);
    mon::record(scratch, r);
    scratch.end_tick();
  }));
  const mon::Snapshot& snap = last->snapshot;
  out["snapshot"] = {{"instances", snap.instances.size()},
                     {"interfaces", snap.interfaces.size()},
                     {"flows", snap.flows.size()},
                     {"links", snap.links.size()},
                     {"pops", snap.pops.size()}};
  return sampler;
}

// (c) /metrics: the exposition of the latest reading alone, then over HTTP with the watches set.
void measure_metrics(emu::Emulation& e, mon::Sampler& sampler, const Options& o, double idle,
                     nlohmann::json& out) {
  namespace ep = chainlab::endpoints;
  ep::EmulatorEndpoint endpoint(
      e, [] {}, ep::MonitorParts{.sampler = &sampler});
  auto listener = ok_or_die(ep::HttpListener::start(ep::ListenOptions{}, endpoint), "listen");
  httplib::Client api("127.0.0.1", listener->port());
  api.set_read_timeout(30, 0);
  std::shared_ptr<const mon::Reading> last = sampler.latest();
  size_t plain_bytes = 0;
  Cost expo =
      measure(o.requests, idle, [&] { plain_bytes = mon::exposition(last->snapshot, {}).size(); });
  add_watches(api, o.watches, o.instances);
  size_t http_bytes = 0;
  auto get = [&] {
    auto r = api.Get("/metrics");
    if (!r || r->status != 200) {
      die("GET /metrics failed");
    }
    http_bytes = r->body.size();
  };
  // A scraper that comes once per reading or less often (Prometheus every 15 s) always finds a
  // new reading: the endpoint writes the exposition for it. Clients polling faster than the
  // monitor period (dashboards, `chainlab top`) get the text written for that reading.
  std::vector<double> first;
  for (int i = 0; i < std::max(1, o.requests / 4); ++i) {
    ok_or_die(sampler.sample_now(), "sample");
    auto t = Clock::now();
    get();
    first.push_back(since_ms(t));
  }
  Cost again = measure(o.requests, idle, get);
  listener->stop();
  out["metrics"] = {
      {"plain_bytes", plain_bytes},
      {"http_bytes", http_bytes},
      {"exposition", cost_json(expo)},
      {"http", {{"wall_p50_ms", percentile(first, 0.5)}, {"wall_p99_ms", percentile(first, 0.99)}}},
      {"http_same_reading", cost_json(again)}};
}

// (a) live: a Sampler at 1 s for live_seconds; the process's CPU minus the idle rate.
void measure_live(emu::Emulation& e, const Options& o, double idle, nlohmann::json& out) {
  double percent = -1;
  if (o.live_seconds > 0) {
    mon::SamplerOptions lo;
    lo.history_points = static_cast<size_t>(o.samples);
    double c0 = cpu_ms();
    auto t0 = Clock::now();
    auto live = ok_or_die(mon::Sampler::start(e, lo), "live sampler");
    std::this_thread::sleep_for(std::chrono::seconds(o.live_seconds));
    live.reset();
    percent = std::max(0.0, (cpu_ms() - c0) / (since_ms(t0) / 1e3) - idle) / 10;
  }
  out["live_cpu_percent_at_1s"] = percent;
}

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  if (::geteuid() != 0) {
    die("needs root");
  }
  nlohmann::json out;
  out["options"] = {
      {"instances", o.instances},      {"pops", o.pops},       {"chains", o.chains},
      {"watches", o.watches},          {"samples", o.samples}, {"requests", o.requests},
      {"live_seconds", o.live_seconds}};
  auto t_build = Clock::now();
  std::unique_ptr<emu::Emulation> e = build(o);
  out["setup_s"] = since_ms(t_build) / 1e3;
  double idle = measure_idle(*e, out);
  {
    std::unique_ptr<mon::Sampler> sampler = measure_sampling(*e, o, idle, out);
    measure_metrics(*e, *sampler, o, idle, out);
  }
  measure_live(*e, o, idle, out);
  if (o.json) {
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    print_table(out);
  }
  return 0;
}
