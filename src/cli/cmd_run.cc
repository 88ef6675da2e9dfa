// `chainlab run [TOPOLOGY]`: builds the emulation (the embedded default without a file), serves
// the son-emu REST API, runs until Ctrl-C, SIGTERM or PUT /emulator/exit, then removes everything.
#include <chrono>
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/run_support.h"
#include "common/units.h"

namespace chainlab::cli {
namespace {

struct RunOptions {
  std::string topology;
  ServeOptions serve;
  double duration_s = -1;
  std::string monitor_period = "1s";
  std::string dataplane = "auto";
  std::string dataplane_workers = "auto";
};

Status apply_options(RunOptions& opt) {
  CL_ASSIGN_OR_RETURN(uint64_t ns,
                      parse_duration(opt.monitor_period, "--monitor-period", 3'600'000'000'000ull));
  opt.serve.monitor_period = std::chrono::milliseconds(ns / 1'000'000);
  CL_ASSIGN_OR_RETURN(opt.serve.dataplane, dataplane::parse_dataplane_path(opt.dataplane));
  CL_ASSIGN_OR_RETURN(opt.serve.dataplane_workers,
                      dataplane::parse_worker_count(opt.dataplane_workers));
  return ok_status();
}

int run(RunOptions opt, const app::Environment& env) {
  if (Status s = apply_options(opt); !s.ok()) {
    std::fprintf(stderr, "error: %s\n", s.error().message.c_str());
    return 1;
  }
  block_stop_signals();
  auto topology = load_topology(opt.topology);
  if (!topology.ok()) {
    std::fprintf(stderr, "error: %s\n", topology.error().message.c_str());
    return 1;
  }
  auto running = start_emulation(*topology, opt.serve, env);
  if (!running.ok()) {
    std::fprintf(stderr, "error: %s\n", running.error().message.c_str());
    return 1;
  }
  return serve_until_stopped(*running, "emulation '" + topology->name + "'", opt.duration_s);
}

}  // namespace

void add_run_command(CLI::App& app, CliContext& ctx) {
  auto opt = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand("run", "Start an emulation and serve its APIs until Ctrl-C");
  cmd->add_option("topology", opt->topology,
                  "Topology file (.yaml, .graphml, .gml) or son-emu script (.py, translated, not "
                  "run); default: two PoPs and a 10 ms link");
  cmd->add_option("--listen", opt->serve.listen,
                  "Address the APIs listen on (another address than loopback exposes them: "
                  "docs/security.md)")
      ->capture_default_str();
  cmd->add_option("--port", opt->serve.port, "REST API port (default: the topology's, 5001)");
  cmd->add_option("--duration", opt->duration_s, "Stop after this many seconds");
  cmd->add_option("--dataplane", opt->dataplane,
                  "auto, kernel (the eBPF fast path; fails where it cannot load) or userspace "
                  "(everything through the switch's thread); auto: $CHAINLAB_DATAPLANE, else the "
                  "kernel path when it loads. The choice is printed at start")
      ->capture_default_str();
  cmd->add_option(
         "--dataplane-workers", opt->dataplane_workers,
         "Forwarding threads of the userspace path: auto ($CHAINLAB_DATAPLANE_WORKERS, "
         "else one per CPU but one, at least one) or 1..64; a port's flows are spread over them")
      ->capture_default_str();
  cmd->add_option("--monitor-period", opt->monitor_period,
                  "How often the monitor samples every counter (100ms..1h; docs/monitoring.md)")
      ->capture_default_str();
  cmd->add_option("--pushgateway", opt->serve.pushgateway,
                  "Also push the sonemu_* metrics of son-emu's monitor API to this Prometheus "
                  "Pushgateway (http://HOST:PORT, job sonemu-SDNcontroller; docs/monitoring.md)");
  cmd->add_option("--nffg-templates", opt->serve.nffg_templates,
                  "NF template directory of the PoPs serving the NF-FG API (endpoint kind nffg; "
                  "one Universal Node template per .json file; docs/nffg.md)");
  cmd->add_option("--admin-password", opt->serve.nffg_admin_password,
                  "Password of the NF-FG nodes' admin user when their user database is created "
                  "(default: a generated one, printed once)");
  cmd->add_flag("--no-auth", opt->serve.no_auth,
                "Serve the APIs without the run's token to every local user (loopback only; "
                "they can start processes as root)");
  cmd->add_flag("--reject-unknown-images", opt->serve.reject_unknown_images,
                "Gatekeeper: refuse packages whose VDU images are not in the local image store "
                "(default: run them as native processes)");
  cmd->add_option("--catalogue", opt->serve.catalogue,
                  "Gatekeeper package catalogue directory (default: $CHAINLAB_CATALOGUE_DIR or "
                  "/var/lib/chainlab/catalogue)");
  cmd->callback([opt, &ctx] { ctx.exit_code = run(*opt, ctx.env); });
}

}  // namespace chainlab::cli
