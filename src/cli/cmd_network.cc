// `chainlab network add|remove|list`: service chains between instances, as son-emu's
// `vim-emu network ...` (REST: /restapi/network). `-src`/`-dst` with one dash work as son-emu
// users type them (main() rewrites them to --src/--dst, see rewrite_legacy_args).
#include <cstdio>
#include <optional>

#include "cli/commands.h"
#include "cli/parse.h"
#include "cli/remote.h"
#include "cli/views.h"

namespace chainlab::cli {
namespace {

struct NetworkOptions {
  RemoteOptions remote;
  std::string src;
  std::string dst;
  bool bidirectional = false;
  std::optional<uint64_t> cookie;
  std::optional<uint32_t> priority;
  std::string match;
  std::string weight;
  std::string path;
};

Result<nlohmann::json> chain_body(const NetworkOptions& opt) {
  CL_ASSIGN_OR_RETURN(VnfInterface src, parse_vnf_interface(opt.src));
  CL_ASSIGN_OR_RETURN(VnfInterface dst, parse_vnf_interface(opt.dst));
  nlohmann::json body = {{"vnf_src_name", src.vnf}, {"vnf_dst_name", dst.vnf}};
  if (!src.intf.empty()) {
    body["vnf_src_interface"] = src.intf;
  }
  if (!dst.intf.empty()) {
    body["vnf_dst_interface"] = dst.intf;
  }
  if (opt.bidirectional) {
    body["bidirectional"] = true;
  }
  if (opt.cookie) {
    body["cookie"] = *opt.cookie;
  }
  if (opt.priority) {
    body["priority"] = *opt.priority;
  }
  if (!opt.match.empty()) {
    body["match"] = opt.match;
  }
  if (!opt.weight.empty()) {
    if (opt.weight != "hops" && opt.weight != "delay") {
      return make_error(ErrorCode::kInvalidArgument, "-w: '{}' is not 'hops' or 'delay'",
                        opt.weight);
    }
    body["weight"] = opt.weight;
  }
  if (!opt.path.empty()) {
    body["path"] = opt.path;
  }
  return body;
}

int run_change(const NetworkOptions& opt, bool add) {
  return if_valid(chain_body(opt), [&opt, add](const nlohmann::json& body) {
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

void add_chain_options(CLI::App& cmd, NetworkOptions& opt) {
  cmd.add_option("--src", opt.src, "Source VNF[:INTERFACE] (also -src)")->required();
  cmd.add_option("--dst", opt.dst, "Destination VNF[:INTERFACE] (also -dst)")->required();
  cmd.add_flag("-b,--bidirectional", opt.bidirectional, "Also chain dst -> src");
  cmd.add_option("-c,--cookie", opt.cookie, "Cookie of the flow rules (default 10)");
  cmd.add_option("-p,--priority", opt.priority, "Priority of the flow rules (default 1000)")
      ->check(CLI::Range(0, 65535));
  cmd.add_option("-m,--match", opt.match, "Extra match, e.g. \"dl_type=0x0800,nw_proto=6\"");
  cmd.add_option("-w,--weight", opt.weight, "Shortest path by 'hops' (default) or 'delay'");
  cmd.add_option("--path", opt.path, "Explicit path: comma-separated nodes");
  add_remote_options(cmd, opt.remote);
}

}  // namespace

void add_network_command(CLI::App& app, CliContext& ctx) {
  CLI::App* group = add_group(app, "network", "Add, remove and list service chains (REST)");

  auto [add_cmd, add] = add_leaf<NetworkOptions>(*group, ctx, "add", "Chain src to dst", run_add);
  add_chain_options(*add_cmd, *add);

  auto [remove_cmd, remove] = add_leaf<NetworkOptions>(
      *group, ctx, "remove", "Remove the chain from src to dst", run_remove);
  add_chain_options(*remove_cmd, *remove);

  auto [list_cmd, list] =
      add_leaf<NetworkOptions>(*group, ctx, "list", "List the chains", run_list);
  add_remote_options(*list_cmd, list->remote);
}

}  // namespace chainlab::cli
