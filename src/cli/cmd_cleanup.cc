// `chainlab cleanup`: removes what crashed or killed runs left behind (namespaces, veths, cgroups,
// processes) and reports what it removed.
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/table.h"
#include "substrate/cleanup.h"

namespace chainlab::cli {
namespace {

struct CleanupOptions {
  std::string state_dir;  // --state-dir, default $CHAINLAB_STATE_DIR or /run/chainlab
  bool all = false;
  bool json = false;
  bool check = false;
};

int run_cleanup(const CleanupOptions& opt) {
  substrate::CleanupReport report = substrate::cleanup_stale_runs(opt.state_dir, opt.all);
  if (opt.json) {
    nlohmann::json j;
    j["runs"] = report.runs;
    j["owners"] = report.owners;
    j["removed"] = nlohmann::json::array();
    for (const auto& e : report.removed) {
      j["removed"].push_back({{"kind", substrate::object_kind_name(e.kind)}, {"id", e.id}});
    }
    j["errors"] = report.errors;
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    Table table({"KIND", "OBJECT"});
    for (const auto& e : report.removed) {
      table.add({std::string(substrate::object_kind_name(e.kind)), e.id});
    }
    if (report.runs.empty()) {
      std::printf("nothing to clean up in %s\n", opt.state_dir.c_str());
    } else {
      std::printf("cleaned %zu run(s), removed %zu object(s)\n", report.runs.size(),
                  report.removed.size());
      for (size_t i = 0; i < report.runs.size(); ++i) {
        const std::string& owner = report.owners[i];
        std::printf("  run %s, owner %s\n", report.runs[i].c_str(),
                    owner.empty() ? "unknown" : owner.c_str());
      }
      if (!table.empty()) {
        std::printf("%s", table.render().c_str());
      }
    }
    for (const auto& err : report.errors) {
      std::fprintf(stderr, "error: %s\n", err.c_str());
    }
  }
  if (!report.errors.empty()) {
    return 1;
  }
  return opt.check && !report.removed.empty() ? 3 : 0;
}

}  // namespace

void add_cleanup_command(CLI::App& app, CliContext& ctx) {
  auto opt = std::make_shared<CleanupOptions>();
  opt->state_dir = ctx.env.state_dir;
  auto* cmd = app.add_subcommand(
      "cleanup", "Remove namespaces, veths, cgroups and processes left by runs that died");
  cmd->add_option("--state-dir", opt->state_dir, "Where runs keep their journals")
      ->capture_default_str();
  cmd->add_flag("--all", opt->all, "Also clean runs whose owner is still alive");
  cmd->add_flag("--json", opt->json, "Machine-readable output");
  cmd->add_flag("--check", opt->check,
                "Exit with status 3 if anything had to be removed (leak check)");
  cmd->callback([opt, &ctx] { ctx.exit_code = run_cleanup(*opt); });
}

}  // namespace chainlab::cli
