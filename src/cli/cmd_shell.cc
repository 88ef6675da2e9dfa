// `chainlab shell [-e URL]`: an interactive line shell over a running emulator (see cli/shell.h).
// Reads stdin line by line; prompts only when stdin is a terminal, so scripts can pipe commands.
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/remote.h"
#include "cli/shell.h"

namespace chainlab::cli {
namespace {

int run_shell(const RemoteOptions& opt) {
  auto client = connect(opt);
  if (!client.ok()) {
    return fail(client.error());
  }
  // Fail early (and clearly) when nothing listens.
  if (auto info = client->get("/emulator/info"); !info.ok()) {
    return fail(info.error());
  }
  Shell shell(*client, stdout, stderr);
  const bool tty = ::isatty(STDIN_FILENO) != 0;
  std::string line;
  while (true) {
    if (tty) {
      std::printf("chainlab> ");
      std::fflush(stdout);
    }
    line.clear();
    int c = 0;
    while ((c = std::fgetc(stdin)) != EOF && c != '\n') {
      line += static_cast<char>(c);
    }
    if (c == EOF && line.empty()) {
      if (tty) {
        std::printf("\n");
      }
      break;
    }
    if (!shell.handle(line)) {
      break;
    }
  }
  return shell.last_status();
}

}  // namespace

void add_shell_command(CLI::App& app, CliContext& ctx) {
  auto opt = std::make_shared<RemoteOptions>();
  opt->env = ctx.env;
  auto* cmd = app.add_subcommand("shell", "Interactive shell: nodes, links, pingall, NAME CMD...");
  cmd->add_option("-e,--endpoint", opt->endpoint,
                  "REST endpoint of `chainlab run` (default $CHAINLAB_ENDPOINT or " +
                      std::string(kDefaultEndpoint) + ")");
  cmd->callback([opt, &ctx] { ctx.exit_code = run_shell(*opt); });
}

}  // namespace chainlab::cli
