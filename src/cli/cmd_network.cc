// `chainlab network add|remove|list`: service chains between instances, as son-emu's
// `vim-emu network ...` (REST: /restapi/network). `-src`/`-dst` with one dash work as son-emu
// users type them (main() rewrites them to --src/--dst, see rewrite_legacy_args).
#include <cstdio>

#include "cli/chain_args.h"
#include "cli/commands.h"
#include "cli/remote.h"
#include "cli/views.h"

namespace chainlab::cli {
namespace {

struct NetworkOptions {
  RemoteOptions remote;
  ChainArgs chain;
};

int run_change(const NetworkOptions& opt, bool add) {
  return if_valid(chain_body(opt.chain), [&opt, add](const nlohmann::json& body) {
    auto request = [&](RestClient& client) {
      return add ? client.put("/restapi/network", body) : client.del("/restapi/network", body);
    };
    return call_remote(connect(opt.remote), opt.remote, request, [](const nlohmann::json& j) {
      std::printf("%s\n", field(nlohmann::json{{"m", j}}, "m").c_str());
    });
  });
}

int run_add(const NetworkOptions& opt) {
  return run_change(opt, true);
}

int run_remove(const NetworkOptions& opt) {
  return run_change(opt, false);
}

int run_list(const NetworkOptions& opt) {
  return call_remote(
      connect(opt.remote), opt.remote,
      [](RestClient& client) { return client.get("/restapi/network"); },
      [](const nlohmann::json& list) { print_table(chain_list_table(list), "no chains"); });
}

void add_chain_options(CLI::App& cmd, NetworkOptions& opt, const app::Environment& env) {
  add_chain_flags(cmd, opt.chain);
  add_remote_options(cmd, opt.remote, env);
}

}  // namespace

void add_network_command(CLI::App& app, CliContext& ctx) {
  CLI::App* group = add_group(app, "network", "Add, remove and list service chains (REST)");

  auto [add_cmd, add] = add_leaf<NetworkOptions>(*group, ctx, "add", "Chain src to dst", run_add);
  add_chain_options(*add_cmd, *add, ctx.env);

  auto [remove_cmd, remove] = add_leaf<NetworkOptions>(
      *group, ctx, "remove", "Remove the chain from src to dst", run_remove);
  add_chain_options(*remove_cmd, *remove, ctx.env);

  auto [list_cmd, list] =
      add_leaf<NetworkOptions>(*group, ctx, "list", "List the chains", run_list);
  add_remote_options(*list_cmd, list->remote, ctx.env);
}

}  // namespace chainlab::cli
