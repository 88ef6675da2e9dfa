// `chainlab exec NAME -- CMD...`: runs a command in a compute instance of a running emulator
// (REST: POST /restapi/compute/exec/NAME), prints its output verbatim and exits with its exit
// code (124 if it timed out, as timeout(1)).
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/remote.h"

namespace chainlab::cli {
namespace {

struct ExecOptions {
  RemoteOptions remote;
  std::string name;
  std::vector<std::string> argv;
  int timeout_s = 60;
};

int run_exec(const ExecOptions& opt) {
  auto client = connect(opt.remote);
  if (!client.ok()) {
    return fail(client.error());
  }
  auto r = exec_in(*client, opt.name, opt.argv, opt.timeout_s);
  if (!r.ok()) {
    return fail(r.error());
  }
  if (opt.remote.json) {
    print_json({{"exit_code", r->exit_code}, {"output", r->output}, {"timed_out", r->timed_out}});
    return r->exit_code == 0 ? 0 : 1;
  }
  std::fwrite(r->output.data(), 1, r->output.size(), stdout);
  std::fflush(stdout);
  if (r->timed_out) {
    std::fprintf(stderr, "error: '%s' in %s timed out after %d s\n", opt.argv[0].c_str(),
                 opt.name.c_str(), opt.timeout_s);
    return 124;
  }
  if (r->exit_code < 0 || r->exit_code > 255) {
    return 1;
  }
  return r->exit_code;
}

}  // namespace

void add_exec_command(CLI::App& app, CliContext& ctx) {
  auto opt = std::make_shared<ExecOptions>();
  auto* cmd =
      app.add_subcommand("exec", "Run a command in an instance: exec NAME -- CMD... (REST)");
  cmd->add_option("name", opt->name, "Instance name")->required();
  cmd->add_option("cmd", opt->argv, "Command and arguments (after --)")->required();
  cmd->add_option("-t,--timeout", opt->timeout_s, "Seconds before the command is killed")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  add_remote_options(*cmd, opt->remote, ctx.env);
  cmd->callback([opt, &ctx] { ctx.exit_code = run_exec(*opt); });
}

}  // namespace chainlab::cli
