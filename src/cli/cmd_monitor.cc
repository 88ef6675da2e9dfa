// `chainlab monitor interface|flow|link start|stop ...`: son-emu's monitoring of one metric of a
// VNF interface, of a flow cookie, or of a chain made for the purpose (REST: PUT|DELETE
// /restapi/monitor/interface|flow|link); the counters appear in GET /metrics. son-emu's verbs
// `monitor setup_metric|stop_metric|setup_flow|stop_flow -vnf NAME:INTF -m METRIC -c COOKIE` work
// too. Each prints the server's answer ("Started monitoring: ..."). The requests:
// monitor_request.h.
#include <cstdio>

#include "cli/commands.h"
#include "cli/monitor_request.h"
#include "cli/remote.h"
#include "cli/views.h"

namespace chainlab::cli {
namespace {

struct WatchOptions {
  RemoteOptions remote;
  WatchArgs watch;
  std::string datacenter;  // son-emu's -d: accepted, not needed
};

struct LinkOptions {
  RemoteOptions remote;
  LinkWatchArgs link;
};

int send(const RemoteOptions& remote, const Result<MonitorRequest>& request) {
  return if_valid(request, [&remote](const MonitorRequest& r) {
    auto call = [&r](RestClient& client) {
      return r.del ? client.del(r.path, r.body, r.query) : client.put(r.path, r.body, r.query);
    };
    return call_remote(connect(remote), remote, call, [](const nlohmann::json& answer) {
      std::printf("%s\n", field(nlohmann::json{{"m", answer}}, "m").c_str());
    });
  });
}

template <MonitorVerb kVerb, bool kFlow>
int run_watch(const WatchOptions& opt) {
  return send(opt.remote, watch_request(opt.watch, kVerb, kFlow));
}

template <MonitorVerb kVerb>
int run_link(const LinkOptions& opt) {
  return send(opt.remote, link_request(opt.link, kVerb));
}

void add_watch_flags(CLI::App& cmd, WatchOptions& opt, bool flow, const app::Environment& env) {
  cmd.add_option("--vnf,--vnf_name", opt.watch.vnf, "VNF[:INTERFACE] (also -vnf)")->required();
  cmd.add_option("-m,--metric", opt.watch.metric,
                 "tx_packets (default), rx_packets, tx_bytes or rx_bytes");
  if (flow) {
    cmd.add_option("-c,--cookie", opt.watch.cookie, "Cookie of the flow rules")->required();
  }
  add_remote_options(cmd, opt.remote, env);
}

// `monitor interface|flow start|stop`.
template <bool kFlow>
void add_watch_group(CLI::App& monitor, CliContext& ctx, const std::string& name,
                     const std::string& help) {
  CLI::App* group = add_group(monitor, name, help);
  auto [start, start_opt] = add_leaf<WatchOptions>(*group, ctx, "start", "Start monitoring",
                                                   run_watch<MonitorVerb::kStart, kFlow>);
  add_watch_flags(*start, *start_opt, kFlow, ctx.env);
  auto [stop, stop_opt] = add_leaf<WatchOptions>(*group, ctx, "stop", "Stop monitoring",
                                                 run_watch<MonitorVerb::kStop, kFlow>);
  add_watch_flags(*stop, *stop_opt, kFlow, ctx.env);
}

void add_link_flags(CLI::App& cmd, LinkOptions& opt, const app::Environment& env) {
  add_chain_flags(cmd, opt.link.chain, "--match");
  cmd.add_option("-m,--metric", opt.link.metric,
                 "tx_packets (default), rx_packets, tx_bytes or rx_bytes");
  cmd.add_option("--placement", opt.link.placement,
                 "Watch at the chain's source (tx) or destination (rx)")
      ->capture_default_str();
  add_remote_options(cmd, opt.remote, env);
}

void add_link_group(CLI::App& monitor, CliContext& ctx) {
  CLI::App* group =
      add_group(monitor, "link", "Chain two VNFs and monitor the chain's flow (or remove both)");
  auto [start, start_opt] = add_leaf<LinkOptions>(*group, ctx, "start", "Add the chain and watch",
                                                  run_link<MonitorVerb::kStart>);
  add_link_flags(*start, *start_opt, ctx.env);
  auto [stop, stop_opt] = add_leaf<LinkOptions>(*group, ctx, "stop", "Remove the chain and watch",
                                                run_link<MonitorVerb::kStop>);
  add_link_flags(*stop, *stop_opt, ctx.env);
}

// son-emu's `son-emu-cli monitor <verb>` spellings, with DELETE for the stop verbs.
template <MonitorVerb kVerb, bool kFlow>
void add_sonemu_verb(CLI::App& monitor, CliContext& ctx, const std::string& name,
                     const std::string& help) {
  auto [cmd, opt] = add_leaf<WatchOptions>(monitor, ctx, name, help, run_watch<kVerb, kFlow>);
  cmd->group("son-emu spellings");
  cmd->add_option("--vnf,--vnf_name", opt->watch.vnf, "VNF[:INTERFACE] (also -vnf)")->required();
  cmd->add_option("-m,--metric", opt->watch.metric,
                  "tx_packets (default), rx_packets, tx_bytes or rx_bytes");
  if (kFlow) {
    cmd->add_option("-c,--cookie", opt->watch.cookie, "Cookie of the flow rules (default 0)");
  }
  cmd->add_option("-d,--datacenter", opt->datacenter, "Accepted for son-emu scripts; not needed");
  add_remote_options(*cmd, opt->remote, ctx.env);
}

}  // namespace

void add_monitor_command(CLI::App& app, CliContext& ctx) {
  CLI::App* monitor =
      add_group(app, "monitor", "Monitor a VNF interface, a flow or a chain in /metrics (REST)");
  add_watch_group<false>(*monitor, ctx, "interface", "One metric of a VNF interface");
  add_watch_group<true>(*monitor, ctx, "flow", "One metric of the flow rules with a cookie");
  add_link_group(*monitor, ctx);
  add_sonemu_verb<MonitorVerb::kStart, false>(*monitor, ctx, "setup_metric", "= interface start");
  add_sonemu_verb<MonitorVerb::kStop, false>(*monitor, ctx, "stop_metric", "= interface stop");
  add_sonemu_verb<MonitorVerb::kStart, true>(*monitor, ctx, "setup_flow", "= flow start");
  add_sonemu_verb<MonitorVerb::kStop, true>(*monitor, ctx, "stop_flow", "= flow stop");
}

}  // namespace chainlab::cli
