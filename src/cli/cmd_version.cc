#include <cstdio>

#include "cli/commands.h"

namespace chainlab::cli {

void add_version_command(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand("version", "Print the chainlab version");
  cmd->callback([&ctx] {
    std::printf("chainlab 0.1.0\n");
    ctx.exit_code = 0;
  });
}

}  // namespace chainlab::cli
