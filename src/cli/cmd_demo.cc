// `chainlab demo`: the main job on the embedded default topology (dc1 and dc2 joined by a 10 ms
// link). Deploys a real chain across both PoPs — a client in dc1, an L4 forwarder (socat) and a
// web server in dc2 — chains client <-> forwarder <-> server, sends traffic through it, prints what
// happened, and stays up with the REST API until Ctrl-C (or --duration).
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>

#include "cli/command_util.h"
#include "cli/commands.h"
#include "cli/run_support.h"
#include "cli/table.h"
#include "common/files.h"

namespace chainlab::cli {
namespace {

struct DemoOptions {
  double duration_s = -1;
  std::string listen = "127.0.0.1";
  int port = -1;
};

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

Status deploy(emulator::Emulation& emu) {
  auto t = Clock::now();
  std::printf("[1/3] starting client (dc1), forwarder and web server (dc2) ... ");
  std::fflush(stdout);
  emulator::ComputeRequest server{"dc2", "server", "native", "", {}, "small", {}, "", {}};
  server.command =
      "socat TCP-LISTEN:80,fork,reuseaddr "
      "SYSTEM:\"echo HTTP/1.0 200 OK; echo; echo hello from \\$VNF_NAME in dc2\"";
  server.interfaces = {{.id = "input", .ip = "10.0.1.3/24"}};
  emulator::ComputeRequest fwd{"dc2", "fwd", "native", "", {}, "small", {}, "", {}};
  fwd.command = "socat TCP-LISTEN:8080,fork,reuseaddr TCP:10.0.1.3:80";
  fwd.interfaces = {{.id = "input", .ip = "10.0.0.2/24"}, {.id = "output", .ip = "10.0.1.2/24"}};
  emulator::ComputeRequest client{"dc1", "client", "native", "", {}, "tiny", {}, "", {}};
  client.interfaces = {{.id = "emu0", .ip = "10.0.0.1/24"}};
  for (const auto* r : {&server, &fwd, &client}) {
    CL_RETURN_IF_ERROR(emu.start_compute(*r));
  }
  std::printf("%.0f ms\n", ms_since(t));

  t = Clock::now();
  std::printf("[2/3] chaining client <-> fwd:input and fwd:output <-> server ... ");
  std::fflush(stdout);
  emulator::ChainRequest a;
  a.src = "client";
  a.dst = "fwd";
  a.dst_intf = "input";
  a.bidirectional = true;
  emulator::ChainRequest b;
  b.src = "fwd";
  b.src_intf = "output";
  b.dst = "server";
  b.dst_intf = "input";
  b.bidirectional = true;
  CL_ASSIGN_OR_RETURN(auto ca, emu.set_chain(a));
  CL_ASSIGN_OR_RETURN(auto cb, emu.set_chain(b));
  std::printf("%.1f ms\n", ms_since(t));
  for (const auto& c : {ca, cb}) {
    std::printf("      %s via %s (vlan %u)\n", c.id.c_str(),
                fmt::format("{}", fmt::join(c.path, " -> ")).c_str(), c.vlan);
  }
  return ok_status();
}

// Packets per chain cookie (summed over the nodes its rules are on) and sent per instance
// interface, from a monitor reading (what /metrics exports as chainlab_flow_packets_total and
// chainlab_interface_tx_packets_total).
std::map<std::string, uint64_t> packet_counts(monitor::Sampler& sampler) {
  std::map<std::string, uint64_t> out;
  auto reading = sampler.sample_now();
  if (!reading.ok()) {
    return out;
  }
  for (const auto& f : (*reading)->snapshot.flows) {
    if (f.cookie != 0) {
      out[fmt::format("chain cookie {}", f.cookie)] += f.packets;
    }
  }
  for (const auto& i : (*reading)->snapshot.interfaces) {
    out[fmt::format("{}:{} sent", i.instance, i.interface)] = i.tx.packets;
  }
  return out;
}

// The counters that moved between two readings: the traffic went through the chain.
void print_counters(const std::map<std::string, uint64_t>& before,
                    const std::map<std::string, uint64_t>& after) {
  Table table({"COUNTER (packets)", "BEFORE", "AFTER", "MOVED"});
  for (const auto& [name, now] : after) {
    auto it = before.find(name);
    uint64_t then = it == before.end() ? 0 : it->second;
    table.add({name, std::to_string(then), std::to_string(now), std::to_string(now - then)});
  }
  std::printf("\nthe monitor's counters, read before and after the traffic:\n%s",
              table.render().c_str());
}

int run_demo(const DemoOptions& opt, const app::Environment& env) {
  block_stop_signals();
  auto t0 = Clock::now();
  ServeOptions serve;
  serve.listen = opt.listen;
  serve.port = opt.port;
  auto running = start_emulation(emulator::Topology::default_topology(), serve, env);
  if (!running.ok()) {
    return fail(running.error());
  }
  print_dashboard(*running);
  emulator::Emulation& emu = *running->emulation;
  if (auto s = deploy(emu); !s.ok()) {
    stop_emulation(*running);
    return fail(s.error());
  }
  std::map<std::string, uint64_t> before;
  if (running->monitor) {
    before = packet_counts(*running->monitor);
  }
  std::printf("[3/3] traffic from the client through the chain:\n");
  std::vector<std::vector<std::string>> probes = {
      {"ping", "-c", "3", "-i", "0.2", "-W", "2", "fwd"},
      {"sh", "-c",
       "for i in 1 2 3 4 5 6 7 8 9 10; do "
       "socat -T3 - TCP:fwd:8080 </dev/null && break; sleep 0.2; done"},
  };
  int failures = 0;
  for (const auto& argv : probes) {
    auto r = emu.exec("client", argv, std::chrono::seconds(20));
    if (!r.ok()) {
      stop_emulation(*running);
      return fail(r.error());
    }
    std::printf("  $ client %s\n", fmt::format("{}", fmt::join(argv, " ")).c_str());
    for (std::string_view line : split(trim(r->output), '\n')) {
      std::printf("    %.*s\n", static_cast<int>(line.size()), line.data());
    }
    std::printf("    (exit %d)\n", r->exit_code);
    failures += r->exit_code != 0;
  }
  if (running->monitor) {
    print_counters(before, packet_counts(*running->monitor));
  }
  Table table({"INSTANCE", "POP", "STATE", "INTERFACES", "CPU QUOTA", "MEMORY", "CPU USED"});
  auto all = emu.list_compute();
  if (all.ok()) {
    for (const auto& c : *all) {
      std::string intfs;
      for (const auto& i : c.interfaces) {
        intfs += (intfs.empty() ? "" : " ") + i.name + "=" + i.ip;
      }
      const auto& l = c.status.limits;
      table.add({c.name, c.pop, std::string(runtime::instance_state_name(c.status.state)), intfs,
                 l.cpu_quota_us < 0 ? "unlimited"
                                    : fmt::format("{}/{} us", l.cpu_quota_us, l.cpu_period_us),
                 l.memory_bytes < 0 ? "unlimited" : fmt::format("{} MiB", l.memory_bytes >> 20),
                 fmt::format("{:.1f} ms", static_cast<double>(c.status.stats.cpu_usage_ns) / 1e6)});
    }
  }
  std::printf("\n%s\n", table.render().c_str());
  print_endpoints(*running);
  std::printf(
      "demo up in %.0f ms; try: chainlab compute list, chainlab exec client -- ping -c1 fwd\n",
      ms_since(t0));
  std::printf("%s\n", opt.duration_s < 0 ? "Ctrl-C to stop"
                                         : fmt::format("stopping in {} s", opt.duration_s).c_str());
  std::fflush(stdout);
  wait_for_stop(opt.duration_s);
  stop_emulation(*running);
  return failures == 0 ? 0 : 1;
}

}  // namespace

void add_demo_command(CLI::App& app, CliContext& ctx) {
  auto opt = std::make_shared<DemoOptions>();
  auto* cmd = app.add_subcommand(
      "demo", "Default topology with a client -> forwarder -> web server chain across two PoPs");
  cmd->add_option("--duration", opt->duration_s,
                  "Seconds to stay up after the traffic (default: until Ctrl-C)");
  cmd->add_option("--listen", opt->listen, "Address of the REST API")->capture_default_str();
  cmd->add_option("--port", opt->port, "REST API port (default 5001)");
  cmd->callback([opt, &ctx] { ctx.exit_code = run_demo(*opt, ctx.env); });
}

}  // namespace chainlab::cli
