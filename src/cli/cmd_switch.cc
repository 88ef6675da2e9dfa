// `chainlab switch IFNAME...`: runs the userspace switch on existing host interfaces (one LSI,
// L2 learning) until Ctrl-C, then prints per-port counters. For benchmarks, experiments and
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
  dataplane::EngineOptions engine;
};

int run_switch(const SwitchOptions& opt) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // before the worker thread starts: it inherits it

  auto engine = dataplane::Engine::start(opt.engine);
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
  dataplane::RuleSpec normal;
  normal.priority = 0;
  normal.actions = {dataplane::Action::normal()};
  if (auto r = (*engine)->add_rule(*lsi, normal); !r.ok()) {
    return fail(r.error());
  }
  std::printf("switching %zu ports (L2 learning); Ctrl-C to stop\n", ports.size());
  std::fflush(stdout);
  int sig;
  sigwait(&set, &sig);

  Table table({"PORT", "RX PKTS", "RX BYTES", "RX DROP", "TX PKTS", "TX BYTES", "TX DROP"});
  for (auto pid : ports) {
    auto st = (*engine)->port_stats(*lsi, pid);
    if (!st.ok()) {
      continue;
    }
    const auto& c = st->counters;
    table.add({st->name, std::to_string(c.rx_packets), std::to_string(c.rx_bytes),
               std::to_string(c.rx_dropped), std::to_string(c.tx_packets),
               std::to_string(c.tx_bytes), std::to_string(c.tx_dropped)});
  }
  std::printf("%s", table.render().c_str());
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
