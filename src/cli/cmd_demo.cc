// `chainlab demo`: the main job until the emulator lands. Two native instances (a web server and a
// client) in their own namespaces and cgroups, joined by a veth pair; the client pings and fetches
// a page from the server by name; a table shows what ran, with limits and usage read from cgroupfs.
#include <signal.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/table.h"
#include "common/files.h"
#include "runtime/native_driver.h"
#include "substrate/netns.h"
#include "substrate/rtnl.h"
#include "substrate/run.h"

namespace chainlab::cli {
namespace {

struct DemoOptions {
  double duration_s = -1;  // < 0: until Ctrl-C
};

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// A veth pair straight from one instance's namespace into the other's (COMPOSER's direct
// SF-to-SF link); it disappears with the namespaces.
Status link_directly(const std::string& ns_a, const std::string& ns_b, const substrate::Cidr& ip_a,
                     const substrate::Cidr& ip_b) {
  CL_ASSIGN_OR_RETURN(substrate::Netns a, substrate::Netns::open(ns_a));
  CL_ASSIGN_OR_RETURN(substrate::Netns b, substrate::Netns::open(ns_b));
  CL_ASSIGN_OR_RETURN(substrate::Rtnl in_a, a.run_in([] { return substrate::Rtnl::open(); }));
  CL_ASSIGN_OR_RETURN(substrate::Rtnl in_b, b.run_in([] { return substrate::Rtnl::open(); }));
  substrate::VethSpec veth;
  veth.name = "eth0";
  veth.peer_name = "eth0";
  veth.peer_netns_fd = b.fd();
  CL_RETURN_IF_ERROR(in_a.create_veth(veth));
  CL_RETURN_IF_ERROR(in_a.add_address("eth0", ip_a));
  CL_RETURN_IF_ERROR(in_b.add_address("eth0", ip_b));
  CL_RETURN_IF_ERROR(in_a.set_up("eth0", true));
  return in_b.set_up("eth0", true);
}

// Waits for SIGINT/SIGTERM (blocked in this thread) or the duration.
void wait_for_stop(double duration_s) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  if (duration_s < 0) {
    int sig;
    sigwait(&set, &sig);
    return;
  }
  timespec ts{static_cast<time_t>(duration_s),
              static_cast<long>((duration_s - static_cast<time_t>(duration_s)) * 1e9)};
  sigtimedwait(&set, nullptr, &ts);
}

int fail(const Error& e) {
  std::fprintf(stderr, "error: %s\n", e.message.c_str());
  return 1;
}

int run_demo(const DemoOptions& opt) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  auto t0 = Clock::now();
  auto run = substrate::Run::begin({});
  if (!run.ok()) {
    return fail(run.error());
  }
  std::printf("run %s: cgroup v%d, state in %s\n", (*run)->prefix().c_str(),
              (*run)->cgroups().version(), (*run)->dir().c_str());
  runtime::NativeDriver driver(**run);

  std::string hosts = (*run)->dir() + "/hosts.demo";
  auto wrote =
      write_file(hosts, "127.0.0.1\tlocalhost\n10.0.0.1\tclient\n10.0.0.2\tserver\n", true);
  if (!wrote.ok()) {
    return fail(wrote.error());
  }
  runtime::InstanceSpec server;
  server.name = "server";
  server.hosts_file = hosts;
  server.env = {{"VNF_NAME", "server"}};
  server.command = {
      "socat", "TCP-LISTEN:8080,fork,reuseaddr",
      "SYSTEM:'printf \"HTTP/1.0 200 OK\\r\\n\\r\\nhello from $VNF_NAME ($(hostname))\\n\"'"};
  server.limits.cpu_quota_us = 50000;
  server.limits.cpu_period_us = 100000;
  server.limits.memory_bytes = 64ll << 20;
  runtime::InstanceSpec client;
  client.name = "client";
  client.hosts_file = hosts;
  client.env = {{"VNF_NAME", "client"}};
  client.limits.cpu_quota_us = 20000;
  client.limits.cpu_period_us = 100000;

  std::printf("[1/4] creating instances server, client ... ");
  auto t = Clock::now();
  for (const auto* spec : {&server, &client}) {
    if (auto s = driver.create(*spec); !s.ok()) {
      return fail(s.error());
    }
  }
  std::printf("%.1f ms\n", ms_since(t));

  std::printf("[2/4] linking client 10.0.0.1/24 <-> server 10.0.0.2/24 ... ");
  t = Clock::now();
  auto ns_client = driver.status("client");
  auto ns_server = driver.status("server");
  if (!ns_client.ok() || !ns_server.ok()) {
    return fail(ns_client.ok() ? ns_server.error() : ns_client.error());
  }
  auto linked =
      link_directly(ns_client->netns, ns_server->netns, *substrate::Cidr::parse("10.0.0.1/24"),
                    *substrate::Cidr::parse("10.0.0.2/24"));
  if (!linked.ok()) {
    return fail(linked.error());
  }
  std::printf("%.1f ms\n", ms_since(t));

  std::printf("[3/4] starting instances ... ");
  t = Clock::now();
  for (const char* name : {"server", "client"}) {
    if (auto s = driver.start(name); !s.ok()) {
      return fail(s.error());
    }
  }
  std::printf("%.1f ms\n", ms_since(t));

  std::printf("[4/4] traffic from client to server:\n");
  std::vector<std::vector<std::string>> probes = {
      {"ping", "-c", "3", "-i", "0.2", "-W", "1", "server"},
      {"sh", "-c",
       "for i in 1 2 3 4 5 6 7 8 9 10; do "
       "socat -T2 - TCP:server:8080 </dev/null && break; sleep 0.1; done"},
  };
  int failures = 0;
  for (const auto& argv : probes) {
    auto r = driver.exec("client", argv, std::chrono::seconds(10));
    if (!r.ok()) {
      return fail(r.error());
    }
    std::printf("  $ client %s\n", fmt::format("{}", fmt::join(argv, " ")).c_str());
    for (std::string_view line : split(trim(r->output), '\n')) {
      std::printf("    %.*s\n", static_cast<int>(line.size()), line.data());
    }
    std::printf("    (exit %d)\n", r->exit_code);
    failures += r->exit_code != 0;
  }

  Table table({"INSTANCE", "STATE", "PID", "NETNS", "CPU QUOTA", "MEMORY LIMIT", "CPU USED"});
  for (const char* name : {"server", "client"}) {
    auto st = driver.status(name);
    if (!st.ok()) {
      return fail(st.error());
    }
    std::string quota =
        st->limits.cpu_quota_us < 0
            ? "unlimited"
            : fmt::format("{}/{} us", st->limits.cpu_quota_us, st->limits.cpu_period_us);
    std::string mem = st->limits.memory_bytes < 0
                          ? "unlimited"
                          : fmt::format("{} MiB", st->limits.memory_bytes >> 20);
    table.add({st->name, std::string(runtime::instance_state_name(st->state)),
               std::to_string(st->pid), st->netns, quota, mem,
               fmt::format("{:.1f} ms", static_cast<double>(st->stats.cpu_usage_ns) / 1e6)});
  }
  std::printf("\n%s\n", table.render().c_str());
  std::printf("demo up in %.0f ms; %s\n", ms_since(t0),
              opt.duration_s < 0 ? "Ctrl-C to stop"
                                 : fmt::format("stopping in {} s", opt.duration_s).c_str());
  std::fflush(stdout);
  wait_for_stop(opt.duration_s);

  std::printf("tearing down ... ");
  t = Clock::now();
  for (const char* name : {"client", "server"}) {
    (void)driver.destroy(name);
  }
  auto report = (*run)->teardown();
  std::printf("%.1f ms\n", ms_since(t));
  for (const auto& err : report.errors) {
    std::fprintf(stderr, "error: %s\n", err.c_str());
  }
  return failures == 0 && report.errors.empty() ? 0 : 1;
}

}  // namespace

void add_demo_command(CLI::App& app, CliContext& ctx) {
  auto opt = std::make_shared<DemoOptions>();
  auto* cmd = app.add_subcommand(
      "demo", "Start two native instances, send traffic between them, show limits and usage");
  cmd->add_option("--duration", opt->duration_s,
                  "Seconds to stay up after the traffic (default: until Ctrl-C)");
  cmd->callback([opt, &ctx] { ctx.exit_code = run_demo(*opt); });
}

}  // namespace chainlab::cli
