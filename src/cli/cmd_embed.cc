// `chainlab embed SUBSTRATE.nffg REQUEST.nffg [--algorithm greedy|alg1|milp] [-o MAPPED.nffg]
// [--json]`: maps an ESCAPE service request onto a substrate NFFG offline (issue 14,
// docs/embedding.md) and prints where each NF went, each hop's path, each requirement's delay
// against its budget, or why the request was refused (which constraint, where). The request's
// `parameters.mode` says what to do: ADD (the default), DELETE (its NFs and flow rules leave the
// mapped substrate), REMAP (DELETE, then ADD); an ADD keeps the request's NFs the substrate
// already holds where they are (escape::prepare). Exit codes: 0 mapped, 3 refused, 1 bad input.
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/embed_view.h"
#include "common/files.h"
#include "frontends/escape/nffg.h"
#include "frontends/escape/nffg_embedding.h"
#include "orchestration/placement/embedding/algorithm.h"

namespace chainlab::cli {
namespace {

namespace emb = orchestration::embedding;

struct EmbedOptions {
  std::string substrate;
  std::string request;
  std::string algorithm = emb::kDefaultEmbedding;
  std::string output;
  int depth = 10;
  int branching = 3;
  double time_limit = 60;
  bool json = false;
};

// What the files say, in the problem's terms.
struct Inputs {
  escape::Nffg req;
  escape::Prepared prepared;
};

Result<escape::Nffg> load(const std::string& path) {
  CL_ASSIGN_OR_RETURN(std::string text, read_file(path, escape::kMaxNffgBytes));
  auto nffg = escape::read_nffg(text);
  if (!nffg.ok()) {
    return std::move(nffg).error().context(path);
  }
  return nffg;
}

Result<Inputs> load_inputs(const EmbedOptions& opt) {
  Inputs in;
  CL_ASSIGN_OR_RETURN(escape::Nffg topo, load(opt.substrate));
  CL_ASSIGN_OR_RETURN(in.req, load(opt.request));
  CL_ASSIGN_OR_RETURN(in.prepared, escape::prepare(topo, in.req));
  return in;
}

Status write_output(const std::string& path, const nlohmann::json& nffg) {
  if (path.empty()) {
    return ok_status();
  }
  CL_RETURN_IF_ERROR(write_file(path, nffg.dump(2) + "\n", /*create=*/true));
  std::fprintf(stderr, "wrote %s\n", path.c_str());
  return ok_status();
}

int fail(const Error& e) {
  std::fprintf(stderr, "error: %s\n", e.message.c_str());
  return 1;
}

// DELETE: no embedding, the mapped substrate without the service.
int delete_service(const EmbedOptions& opt, const Inputs& in) {
  if (auto s = write_output(opt.output, escape::to_json(in.prepared.topo)); !s.ok()) {
    return fail(s.error());
  }
  std::printf("%s\n", opt.json ? R"({"deleted": true})"
                               : "deleted: the service's NFs and flow rules are gone");
  return 0;
}

int embed(const EmbedOptions& opt) {
  // CLI11's Range lets NaN through (every comparison with it is false).
  if (!(opt.time_limit >= 0.1 && opt.time_limit <= 86400)) {
    return fail(make_error(ErrorCode::kInvalidArgument,
                           "--time-limit: a number of seconds from 0.1 to 86400"));
  }
  auto in = load_inputs(opt);
  if (!in.ok()) {
    return fail(in.error());
  }
  if (!in->prepared.embed) {
    return delete_service(opt, *in);
  }
  const auto& p = in->prepared;
  emb::EmbeddingOptions options{opt.depth, opt.branching, 1, opt.time_limit};
  auto algorithm = emb::EmbeddingRegistry::with_builtins().create(opt.algorithm, options);
  if (!algorithm.ok()) {
    return fail(algorithm.error());
  }
  auto result = (*algorithm)->embed(p.substrate, p.request);
  if (!result.ok()) {
    return fail(result.error());
  }
  std::string shown = opt.json ? embedding_json(p.substrate, p.request, *result).dump(2) + "\n"
                               : embedding_text(p.substrate, p.request, *result);
  std::fputs(shown.c_str(), stdout);
  if (!result->accepted()) {
    return 3;
  }
  auto mapped = escape::mapped_nffg(p.topo, in->req, p.substrate, p.request, *result->mapping);
  if (auto s = write_output(opt.output, escape::to_json(mapped)); !s.ok()) {
    return fail(s.error());
  }
  return 0;
}

}  // namespace

void add_embed_command(CLI::App& app, CliContext& ctx) {
  auto opt = std::make_shared<EmbedOptions>();
  auto* cmd = app.add_subcommand(
      "embed", "Map an ESCAPE service request (NFFG) onto a substrate NFFG, offline");
  cmd->add_option("substrate", opt->substrate, "The substrate (resource) NFFG")->required();
  cmd->add_option("request", opt->request, "The service request NFFG")->required();
  cmd->add_option("--algorithm,-a", opt->algorithm, "greedy (default), alg1 or milp");
  cmd->add_option("-o,--output", opt->output, "Write the mapped NFFG here");
  cmd->add_option("--backtrack-depth", opt->depth, "Steps a failed step may undo (10)")
      ->check(CLI::Range(0, 1000));
  cmd->add_option("--branching", opt->branching, "Candidates tried per step (3)")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--time-limit", opt->time_limit, "The MILP's time limit, seconds (60)")
      ->check(CLI::Range(0.1, 86400.0));
  cmd->add_flag("--json", opt->json, "Machine-readable output");
  cmd->callback([opt, &ctx] { ctx.exit_code = embed(*opt); });
}

}  // namespace chainlab::cli
