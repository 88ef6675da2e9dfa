// `chainlab link set A B [--delay 30ms] [--jitter 1ms] [--loss 1] [--bw 50] [--queue N]`: changes
// the shaping of the link between two nodes of a running emulator (REST: PUT /restapi/link/A/B).
#include <cstdio>
#include <optional>

#include "cli/commands.h"
#include "cli/parse.h"
#include "cli/remote.h"
#include "common/units.h"

namespace chainlab::cli {
namespace {

struct LinkOptions {
  RemoteOptions remote;
  std::string a;
  std::string b;
  std::string delay;
  std::string jitter;
  std::string loss;
  std::string bw;
  std::optional<uint32_t> queue;
};

// The query; every value validated and normalised ("30" -> "30ms") before anything is sent.
Result<Query> link_query(const LinkOptions& opt) {
  Query q;
  if (!opt.delay.empty()) {
    CL_ASSIGN_OR_RETURN(uint64_t ns, parse_duration_ns(opt.delay));
    q.emplace_back("delay", format_duration(ns));
  }
  if (!opt.jitter.empty()) {
    CL_ASSIGN_OR_RETURN(uint64_t ns, parse_duration_ns(opt.jitter));
    q.emplace_back("jitter", format_duration(ns));
  }
  if (!opt.loss.empty()) {
    CL_ASSIGN_OR_RETURN(double loss, parse_percent(opt.loss));
    q.emplace_back("loss", fmt::format("{}", loss));
  }
  if (!opt.bw.empty()) {
    CL_ASSIGN_OR_RETURN(double bw, parse_rate_mbps(opt.bw, "bw", 0, 400'000));
    q.emplace_back("bw", fmt::format("{}", bw));
  }
  if (opt.queue) {
    q.emplace_back("queue", std::to_string(*opt.queue));
  }
  if (q.empty()) {
    return make_error(
        ErrorCode::kInvalidArgument,
        "link set: nothing to change; give --delay, --jitter, --loss, --bw or --queue");
  }
  return q;
}

int run_set(const LinkOptions& opt) {
  return if_valid(link_query(opt), [&opt](const Query& query) {
    auto request = [&](RestClient& client) {
      return client.put("/restapi/link/" + url_encode(opt.a) + "/" + url_encode(opt.b), nullptr,
                        query);
    };
    return call_remote(connect(opt.remote), opt.remote, request, [&](const nlohmann::json&) {
      std::string what;
      for (const auto& [k, v] : query) {
        what += " " + k + "=" + v;
      }
      std::printf("link %s-%s:%s\n", opt.a.c_str(), opt.b.c_str(), what.c_str());
    });
  });
}

}  // namespace

void add_link_command(CLI::App& app, CliContext& ctx) {
  CLI::App* group = add_group(app, "link", "Change link shaping at run time (REST)");
  auto [cmd, opt] = add_leaf<LinkOptions>(
      *group, ctx, "set", "Set delay, jitter, loss, rate or queue of link A-B", run_set);
  cmd->add_option("a", opt->a, "One end (PoP, switch or instance)")->required();
  cmd->add_option("b", opt->b, "Other end")->required();
  cmd->add_option("--delay", opt->delay, "One-way delay, e.g. 30ms (bare number: ms)");
  cmd->add_option("--jitter", opt->jitter, "Delay jitter, e.g. 1ms");
  cmd->add_option("--loss", opt->loss, "Loss in percent, e.g. 1 or 0.5%");
  cmd->add_option("--bw", opt->bw, "Rate in Mbit/s (0: unlimited)");
  cmd->add_option("--queue", opt->queue, "Queue length in packets");
  add_remote_options(*cmd, opt->remote, ctx.env);
}

}  // namespace chainlab::cli
