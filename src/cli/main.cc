#include <signal.h>

#include "cli/commands.h"

int main(int argc, char** argv) {
  // A client whose peer went away gets EPIPE, not a silent death.
  ::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"chainlab: emulate and orchestrate service function chains on one Linux machine"};
  app.require_subcommand(1);
  chainlab::cli::CliContext ctx;
  chainlab::cli::add_version_command(app, ctx);
  chainlab::cli::add_cleanup_command(app, ctx);
  chainlab::cli::add_demo_command(app, ctx);
  chainlab::cli::add_switch_command(app, ctx);
  chainlab::cli::add_run_command(app, ctx);
  CLI11_PARSE(app, argc, argv);
  return ctx.exit_code;
}
