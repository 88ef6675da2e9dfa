// `chainlab switch IFNAME...`: runs the switch on existing host interfaces (one LSI, L2 learning;
// or with --patch each pair of interfaces forwarded to each other by rules, as a chain's hops)
// until Ctrl-C, then prints per-port counters. For benchmarks (bench/dataplane.sh), experiments and
// debugging; the emulator builds its LSIs itself.
#include <signal.h>

#include <cstdio>
#include <memory>

#include "cli/command_util.h"
#include "cli/commands.h"
#include "cli/table.h"
#include "dataplane/dataplane.h"

namespace chainlab::cli {
namespace {

struct SwitchOptions {
  std::vector<std::string> interfaces;
  double delay_ms = 0;
  double jitter_ms = 0;
  double loss_percent = 0;
  double rate_mbps = 0;
  uint32_t queue = 1000;
  bool patch = false;
  std::string dataplane = "auto";
  std::string workers = "auto";
  dataplane::EngineOptions engine;
};

// Learning (one `normal` rule), or each pair of ports (1-2, 3-4, ...) patched both ways by the
// rules of a chain's hop.
Status install_rules(dataplane::Engine& engine, dataplane::LsiId lsi,
                     const std::vector<dataplane::PortId>& ports, bool patch) {
  using dataplane::Action;
  std::vector<dataplane::RuleSpec> rules;
  if (!patch) {
    rules.emplace_back().priority = 0;
    rules.back().actions = {Action::normal()};
  }
  for (size_t i = 0; patch && i + 1 < ports.size(); i += 2) {
    for (auto [from, to] : {std::pair{ports[i], ports[i + 1]}, std::pair{ports[i + 1], ports[i]}}) {
      rules.emplace_back().match.in_port = from;
      rules.back().actions = {Action::output(to)};
    }
  }
  for (const auto& rule : rules) {
    CL_RETURN_IF_ERROR(engine.add_rule(lsi, rule));
  }
  return ok_status();
}

Result<dataplane::EngineOptions> engine_options(const SwitchOptions& opt) {
  dataplane::EngineOptions options = opt.engine;
  CL_ASSIGN_OR_RETURN(options.path, dataplane::parse_dataplane_path(opt.dataplane));
  CL_ASSIGN_OR_RETURN(options.workers, dataplane::parse_worker_count(opt.workers));
  if (!opt.patch) {
    options.path = dataplane::DataplanePath::kUserspace;  // learning is the engine's
  } else if (opt.interfaces.size() % 2 != 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "--patch pairs the interfaces: an even number, not {}",
                      opt.interfaces.size());
  }
  return options;
}

void print_counters(const dataplane::Engine& engine, dataplane::LsiId lsi,
                    const std::vector<dataplane::PortId>& ports) {
  Table table({"PORT", "RX PKTS", "RX BYTES", "RX DROP", "TX PKTS", "TX BYTES", "TX DROP"});
  for (auto pid : ports) {
    auto st = engine.port_stats(lsi, pid);
    if (!st.ok()) {
      continue;
    }
    const auto& c = st->counters;
    table.add({st->name, std::to_string(c.rx_packets), std::to_string(c.rx_bytes),
               std::to_string(c.rx_dropped), std::to_string(c.tx_packets),
               std::to_string(c.tx_bytes), std::to_string(c.tx_dropped)});
  }
  std::printf("%s", table.render().c_str());
}

int run_switch(const SwitchOptions& opt) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // before the worker thread starts: it inherits it

  auto options = engine_options(opt);
  if (!options.ok()) {
    return fail(options.error());
  }
  auto engine = dataplane::Engine::start(*options);
  if (!engine.ok()) {
    return fail(engine.error());
  }
  auto lsi = (*engine)->create_lsi("switch");
  if (!lsi.ok()) {
    return fail(lsi.error());
  }
  dataplane::LinkParams link;
  link.delay_ns = static_cast<uint64_t>(opt.delay_ms * 1e6);
  link.jitter_ns = static_cast<uint64_t>(opt.jitter_ms * 1e6);
  link.loss_percent = opt.loss_percent;
  link.rate_bps = static_cast<uint64_t>(opt.rate_mbps * 1e6);
  link.queue_limit_packets = opt.queue;
  if (auto s = link.validate(); !s.ok()) {
    return fail(s.error());
  }
  std::vector<dataplane::PortId> ports;
  for (const auto& ifname : opt.interfaces) {
    auto port = (*engine)->add_port(*lsi, ifname, ifname);
    if (!port.ok()) {
      return fail(port.error());
    }
    if (auto s = (*engine)->set_link(*lsi, *port, link); !s.ok()) {
      return fail(s.error());
    }
    ports.push_back(*port);
  }
  if (auto s = install_rules(**engine, *lsi, ports, opt.patch); !s.ok()) {
    return fail(s.error());
  }
  std::printf("switching %zu ports (%s); data plane: %s; Ctrl-C to stop\n", ports.size(),
              opt.patch ? "patched to each other" : "L2 learning",
              (*engine)->path_description().c_str());
  std::fflush(stdout);
  int sig;
  sigwait(&set, &sig);
  print_counters(**engine, *lsi, ports);
  return 0;
}

}  // namespace

void add_switch_command(CLI::App& app, CliContext& ctx) {
  auto opt = std::make_shared<SwitchOptions>();
  auto* cmd = app.add_subcommand(
      "switch", "Run the userspace switch (L2 learning) on existing interfaces until Ctrl-C");
  cmd->add_option("interfaces", opt->interfaces, "Host interfaces to switch between")->required();
  cmd->add_option("--delay", opt->delay_ms, "Egress delay on every port (ms)");
  cmd->add_option("--jitter", opt->jitter_ms, "Egress jitter on every port (ms)");
  cmd->add_option("--loss", opt->loss_percent, "Egress loss on every port (%)");
  cmd->add_option("--rate", opt->rate_mbps, "Egress rate limit on every port (Mbit/s)");
  cmd->add_option("--queue", opt->queue, "Egress queue limit (packets)");
  cmd->add_flag("--patch", opt->patch,
                "Forward the interfaces in pairs (1st-2nd, 3rd-4th, ...) to each other by rules "
                "(a chain's hops) instead of learning");
  cmd->add_option("--dataplane", opt->dataplane,
                  "With --patch: auto, kernel or userspace (learning is always userspace)")
      ->capture_default_str();
  cmd->add_option(
         "--workers", opt->workers,
         "Forwarding threads: auto ($CHAINLAB_DATAPLANE_WORKERS, else one per CPU but one) or "
         "1..64")
      ->capture_default_str();
  cmd->add_option("--poll-us", opt->engine.poll_us,
                  "Keep polling this long after traffic before sleeping (latency vs CPU)")
      ->capture_default_str();
  cmd->add_option("--batch", opt->engine.batch, "Frames per recvmmsg/sendmmsg")
      ->capture_default_str();
  cmd->add_option("--realtime", opt->engine.realtime_priority,
                  "Run the forwarding thread SCHED_FIFO at this priority (1-99; 0: off)")
      ->check(CLI::Range(0, 99))
      ->capture_default_str();
  cmd->callback([opt, &ctx] { ctx.exit_code = run_switch(*opt); });
}

}  // namespace chainlab::cli
