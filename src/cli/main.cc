#include <signal.h>

#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/parse.h"

int main(int argc, char** argv) {
  // A client whose peer went away gets EPIPE, not a silent death.
  ::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"chainlab: emulate and orchestrate service function chains on one Linux machine"};
  app.require_subcommand(1);
  chainlab::cli::CliContext ctx;
  ctx.env = chainlab::app::Environment::from_process();
  chainlab::cli::add_version_command(app, ctx);
  chainlab::cli::add_cleanup_command(app, ctx);
  chainlab::cli::add_demo_command(app, ctx);
  chainlab::cli::add_switch_command(app, ctx);
  chainlab::cli::add_run_command(app, ctx);
  chainlab::cli::add_topology_command(app, ctx);
  chainlab::cli::add_image_command(app, ctx);
  chainlab::cli::add_compute_command(app, ctx);
  chainlab::cli::add_datacenter_command(app, ctx);
  chainlab::cli::add_network_command(app, ctx);
  chainlab::cli::add_elan_command(app, ctx);
  chainlab::cli::add_exec_command(app, ctx);
  chainlab::cli::add_logs_command(app, ctx);
  chainlab::cli::add_capture_command(app, ctx);
  chainlab::cli::add_link_command(app, ctx);
  chainlab::cli::add_shell_command(app, ctx);
  chainlab::cli::add_top_command(app, ctx);
  chainlab::cli::add_monitor_command(app, ctx);
  chainlab::cli::add_alarm_command(app, ctx);
  chainlab::cli::add_events_command(app, ctx);
  chainlab::cli::add_package_command(app, ctx);
  chainlab::cli::add_service_command(app, ctx);
  chainlab::cli::add_nffg_command(app, ctx);
  chainlab::cli::add_node_command(app, ctx);
  chainlab::cli::add_embed_command(app, ctx);
  chainlab::cli::add_mdo_command(app, ctx);
  chainlab::cli::add_sg_command(app, ctx);

  // son-emu's `-src`/`-dst`/`-vnf` become `--src`/`--dst`/`--vnf` before CLI11 sees them.
  std::vector<std::string> args = chainlab::cli::rewrite_legacy_args({argv, argv + argc});
  std::vector<char*> rewritten;
  for (auto& a : args) {
    rewritten.push_back(a.data());
  }
  rewritten.push_back(nullptr);
  CLI11_PARSE(app, argc, rewritten.data());
  return ctx.exit_code;
}
