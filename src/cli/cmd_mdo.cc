// `chainlab mdo [--config FILE] [--topology FILE]... [--port 8888] [--listen ADDR] [--view
// global|single] [-a ALGORITHM] [--no-auth]`: the multi-domain orchestrator (docs/mdo.md).
// ESCAPE's REST API (/escape/service/..., /escape/orchestration/...) over the global view of the
// domains the config lists; each --topology FILE adds a static domain from an NFFG file
// (several are merged at the SAPs they share, as ESCAPE does). Flags win over the config. Runs
// until Ctrl-C or SIGTERM.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "app/mdo.h"
#include "cli/commands.h"
#include "cli/run_support.h"

namespace chainlab::cli {
namespace {

struct MdoOptions {
  std::string config;
  std::vector<std::string> topologies;
  int port = -1;  // -1: the config's; 0: any free port
  std::string listen;
  std::string view;
  std::string algorithm;
  bool no_auth = false;
  double duration = -1;
};

// The static domain of one --topology file: named after the file ("dom-<stem>").
escape::AdapterSpec topology_domain(const std::string& file) {
  escape::AdapterSpec spec;
  spec.name = std::filesystem::path(file).stem().string();
  spec.kind = "static";
  spec.settings = {{"file", std::filesystem::absolute(file).string()}};
  return spec;
}

Result<escape::MdoConfig> mdo_config(const MdoOptions& opt) {
  escape::MdoConfig c;
  if (!opt.config.empty()) {
    CL_ASSIGN_OR_RETURN(c, escape::read_mdo_config(opt.config));
  }
  for (const auto& file : opt.topologies) {
    c.domains.push_back(topology_domain(file));
  }
  c.port = opt.port >= 0 ? opt.port : c.port;
  c.listen = opt.listen.empty() ? c.listen : opt.listen;
  c.mapping.algorithm = opt.algorithm.empty() ? c.mapping.algorithm : opt.algorithm;
  if (!opt.view.empty()) {
    c.view = opt.view == "single" ? escape::ViewMode::kSingle : escape::ViewMode::kGlobal;
  }
  return c;
}

int run_mdo(const MdoOptions& opt, const app::Environment& env) {
  block_stop_signals();
  auto config = mdo_config(opt);
  auto running = config.ok() ? app::start_mdo(*config, {opt.no_auth}, env)
                             : Result<app::RunningMdo>(config.error());
  if (!running.ok()) {
    std::fprintf(stderr, "error: %s\n", running.error().message.c_str());
    return 1;
  }
  std::printf("ESCAPE API  %s/%s/service  %s/%s/orchestration\n", running->url().c_str(),
              config->prefix.c_str(), running->url().c_str(), config->prefix.c_str());
  std::printf("token in %s/api.json (chainlab sg and chainlab view find it)\n",
              running->journal->dir().c_str());
  std::printf("multi-domain orchestrator is up; Ctrl-C to stop\n");
  std::fflush(stdout);
  wait_for_stop(opt.duration);
  app::stop_mdo(*running);
  return 0;
}

}  // namespace

void add_mdo_command(CLI::App& app, CliContext& ctx) {
  auto opt = std::make_shared<MdoOptions>();
  auto* cmd = app.add_subcommand(
      "mdo", "Run the multi-domain orchestrator: ESCAPE's service API over several domains");
  cmd->add_option("--config", opt->config, "YAML config: api, mapping, view, domains (docs/mdo.md)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--topology", opt->topologies,
                  "An NFFG file as a static domain (repeatable; merged at shared SAPs)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--port", opt->port, "API port (default: the config's, else 8888; 0: any free)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--listen", opt->listen,
                  "Address the API listens on (default 127.0.0.1; docs/security.md)");
  cmd->add_option("--view", opt->view,
                  "The topology shown upward: global or single (one big "
                  "switch)")
      ->check(CLI::IsMember({"global", "single"}));
  cmd->add_option("-a,--algorithm", opt->algorithm, "Embedding algorithm: greedy, alg1, milp")
      ->check(CLI::IsMember({"greedy", "alg1", "milp"}));
  cmd->add_flag("--no-auth", opt->no_auth,
                "No token needed (only with a loopback --listen; docs/security.md)");
  cmd->add_option("--duration", opt->duration, "Stop after this many seconds (default: never)")
      ->check(CLI::Range(0.0, 1e9));
  cmd->callback([opt, &ctx] { ctx.exit_code = run_mdo(*opt, ctx.env); });
}

}  // namespace chainlab::cli
