// Substrate micro-benchmark: what one kernel object and one native instance cost through
// chainlab's in-process netlink/cgroupfs path, against the same work done with `ip` commands,
// measured in the same run on the same machine.
//
//   substrate_bench [--veths N] [--instances N] [--ip-samples N] [--json]
//
// 1. veth: create a namespace, a veth pair with one end inside, address the inside end and bring
//    both ends up.
// 2. instance: a native instance (netns + cgroup + process in new net/UTS/mount namespaces), one at
//    a time for N instances (per-instance p50/p95 and the total), then destroy them all.
// The `ip` column does the same with `ip netns add`, `ip link add ... netns`, `ip -n ... addr add`,
// `ip link set up`, and for instances a cgroup mkdir and `ip netns exec ... unshare ... sleep`.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_util.h"
#include "runtime/native_driver.h"
#include "substrate/cleanup.h"
#include "substrate/netns.h"
#include "substrate/rtnl.h"
#include "substrate/run.h"

namespace {

using chainlab::bench::since_ms;

using Clock = std::chrono::steady_clock;
using chainlab::Error;
namespace sub = chainlab::substrate;
namespace rt = chainlab::runtime;

struct Stats {
  double p50_ms = 0;
  double p95_ms = 0;
  double total_ms = 0;
  size_t n = 0;
};

Stats summarize(std::vector<double> ms, double total_ms) {
  Stats s;
  s.n = ms.size();
  s.total_ms = total_ms;
  if (ms.empty()) {
    return s;
  }
  std::sort(ms.begin(), ms.end());
  s.p50_ms = ms[ms.size() / 2];
  s.p95_ms = ms[std::min(ms.size() - 1, ms.size() * 95 / 100)];
  return s;
}

[[noreturn]] void die(const Error& e) {
  std::fprintf(stderr, "substrate_bench: %s\n", e.message.c_str());
  std::exit(1);
}

int sh(const std::string& cmd) {
  return std::system(cmd.c_str());
}

Stats bench_veth_netlink(sub::Run& run, int n) {
  std::vector<double> samples;
  std::vector<std::string> namespaces;
  auto cidr = *sub::Cidr::parse("10.99.0.2/24");
  auto total = Clock::now();
  for (int i = 0; i < n; ++i) {
    auto t = Clock::now();
    std::string ns_name = run.names().next('n');
    std::string host = run.names().next('v');
    if (auto s = run.journal().record(sub::ObjectKind::kNetns, ns_name); !s.ok()) {
      die(s.error());
    }
    auto ns = sub::Netns::create(ns_name);
    if (!ns.ok()) {
      die(ns.error());
    }
    auto root = sub::Rtnl::open();
    auto inside = ns->run_in([] { return sub::Rtnl::open(); });
    if (!root.ok() || !inside.ok()) {
      die(root.ok() ? inside.error() : root.error());
    }
    sub::VethSpec veth;
    veth.name = host;
    veth.peer_name = "eth0";
    veth.peer_netns_fd = ns->fd();
    for (auto s : {root->create_veth(veth), inside->add_address("eth0", cidr),
                   inside->set_up("eth0", true), root->set_up(host, true)}) {
      if (!s.ok()) {
        die(s.error());
      }
    }
    samples.push_back(since_ms(t));
    namespaces.push_back(ns_name);
  }
  double total_ms = since_ms(total);
  for (const auto& ns : namespaces) {
    (void)sub::Netns::remove(ns);
    (void)run.journal().forget(sub::ObjectKind::kNetns, ns);
  }
  return summarize(samples, total_ms);
}

Stats bench_veth_ip(const std::string& prefix, int n) {
  std::vector<double> samples;
  auto total = Clock::now();
  for (int i = 0; i < n; ++i) {
    std::string ns = prefix + "i" + std::to_string(i);
    std::string host = prefix + "j" + std::to_string(i);
    auto t = Clock::now();
    int rc =
        sh("ip netns add " + ns + " && ip link add " + host + " type veth peer name eth0 netns " +
           ns + " && ip -n " + ns + " addr add 10.99.0.2/24 dev eth0 && ip -n " + ns +
           " link set eth0 up && ip link set " + host + " up");
    samples.push_back(since_ms(t));
    if (rc != 0) {
      std::fprintf(stderr, "ip commands failed\n");
      break;
    }
  }
  double total_ms = since_ms(total);
  for (int i = 0; i < n; ++i) {
    sh("ip netns del " + prefix + "i" + std::to_string(i) + " 2>/dev/null");
  }
  return summarize(samples, total_ms);
}

Stats bench_instances_native(sub::Run& run, int n) {
  rt::NativeDriver driver(run);
  std::vector<std::unique_ptr<rt::ComputeInstance>> instances;
  std::vector<double> samples;
  auto total = Clock::now();
  for (int i = 0; i < n; ++i) {
    rt::InstanceSpec spec;
    spec.name = "vnf" + std::to_string(i);
    spec.limits.cpu_quota_us = 10000;
    spec.limits.cpu_period_us = 100000;
    auto t = Clock::now();
    auto made = driver.create(spec);
    if (!made.ok()) {
      die(made.error());
    }
    if (auto s = (*made)->start(); !s.ok()) {
      die(s.error());
    }
    instances.push_back(std::move(made).value());
    samples.push_back(since_ms(t));
  }
  double total_ms = since_ms(total);
  auto t = Clock::now();
  instances.clear();
  std::fprintf(stderr, "  destroyed %d native instances in %.0f ms\n", n, since_ms(t));
  return summarize(samples, total_ms);
}

// The same instance through commands: cgroup dirs made and limited with the shell, `ip netns add`,
// then `ip netns exec ... unshare --uts --mount` joining the cgroups and setting the hostname.
// Timed until the instance's shell reports it is set up (the moment before it execs `sleep`).
Stats bench_instances_ip(sub::Run& run, const std::string& prefix, int n) {
  // The run's cgroup parent exists (the native bench made it) and has its cpuset filled in.
  std::vector<std::string> bases = run.cgroups().paths_for(run.cgroup_base());
  std::vector<double> samples;
  auto total = Clock::now();
  for (int i = 0; i < n; ++i) {
    std::string ns = prefix + "k" + std::to_string(i);
    std::string mk;
    std::string join;
    for (const auto& base : bases) {
      std::string d = base + "/ip" + std::to_string(i);
      mk += "mkdir " + d + " && ";
      if (base.find("/cpuset/") != std::string::npos) {
        mk += "cat " + base + "/cpuset.cpus > " + d + "/cpuset.cpus && cat " + base +
              "/cpuset.mems > " + d + "/cpuset.mems && ";
      }
      if (base.find("/cpu/") != std::string::npos || base.find("/cpu,") != std::string::npos) {
        mk += "echo 10000 > " + d + "/cpu.cfs_quota_us && ";
      }
      join += "echo $$ > " + d + "/cgroup.procs; ";
    }
    auto t = Clock::now();
    int rc = sh("{ " + mk + "ip netns add " + ns + " && ip netns exec " + ns +
                " unshare --uts --mount sh -c '" + join + "hostname vnf" + std::to_string(i) +
                "; echo ok; exec setsid sleep infinity >/dev/null 2>&1' & } | head -c3 >/dev/null");
    samples.push_back(since_ms(t));
    if (rc != 0) {
      std::fprintf(stderr, "ip path failed\n");
      break;
    }
  }
  double total_ms = since_ms(total);
  for (const auto& base : bases) {
    for (int i = 0; i < n; ++i) {
      (void)chainlab::substrate::remove_cgroup_tree(base + "/ip" + std::to_string(i));
    }
  }
  for (int i = 0; i < n; ++i) {
    sh("ip netns del " + prefix + "k" + std::to_string(i) + " 2>/dev/null");
  }
  return summarize(samples, total_ms);
}

nlohmann::json to_json(const Stats& s) {
  return {{"n", s.n}, {"p50_ms", s.p50_ms}, {"p95_ms", s.p95_ms}, {"total_ms", s.total_ms}};
}

void print_row(const char* what, const Stats& ours, const Stats& ip) {
  std::printf("%-34s %6zu %9.3f %9.3f %10.1f | %6zu %9.3f %9.3f %10.1f | %6.1fx\n", what, ours.n,
              ours.p50_ms, ours.p95_ms, ours.total_ms, ip.n, ip.p50_ms, ip.p95_ms, ip.total_ms,
              ours.p50_ms > 0 ? ip.p50_ms / ours.p50_ms : 0.0);
}

}  // namespace

int main(int argc, char** argv) {
  int veths = 200;
  int instances = 500;
  int ip_samples = 100;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--veths" && i + 1 < argc) {
      veths = std::atoi(argv[++i]);
    } else if (a == "--instances" && i + 1 < argc) {
      instances = std::atoi(argv[++i]);
    } else if (a == "--ip-samples" && i + 1 < argc) {
      ip_samples = std::atoi(argv[++i]);
    } else if (a == "--json") {
      json = true;
    } else {
      std::fprintf(
          stderr, "usage: substrate_bench [--veths N] [--instances N] [--ip-samples N] [--json]\n");
      return 2;
    }
  }
  if (::geteuid() != 0) {
    std::fprintf(stderr, "substrate_bench: needs root\n");
    return 2;
  }
  auto run = sub::Run::begin({});
  if (!run.ok()) {
    die(run.error());
  }
  const std::string prefix = (*run)->prefix();
  Stats veth_ours = bench_veth_netlink(**run, veths);
  Stats veth_ip = bench_veth_ip(prefix, std::min(veths, ip_samples));
  Stats inst_ours = bench_instances_native(**run, instances);
  Stats inst_ip = bench_instances_ip(**run, prefix, std::min(instances, ip_samples));
  (*run)->teardown();

  if (json) {
    nlohmann::json j = {{"cgroup_version", (*run)->cgroups().version()},
                        {"veth", {{"chainlab", to_json(veth_ours)}, {"ip", to_json(veth_ip)}}},
                        {"instance", {{"chainlab", to_json(inst_ours)}, {"ip", to_json(inst_ip)}}}};
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("%-34s %6s %9s %9s %10s | %6s %9s %9s %10s | %7s\n", "operation", "n", "p50 ms",
              "p95 ms", "total ms", "n(ip)", "p50 ms", "p95 ms", "total ms", "ip/ours");
  print_row("netns+veth+addr+up", veth_ours, veth_ip);
  print_row("native instance create+start", inst_ours, inst_ip);
  return 0;
}
