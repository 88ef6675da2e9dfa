// `chainlab datacenter list|status`: the PoPs of a running emulator, as son-emu's
// `vim-emu datacenter ...` (REST: /restapi/datacenter).
#include <cstdio>

#include "cli/commands.h"
#include "cli/remote.h"
#include "cli/views.h"

namespace chainlab::cli {
namespace {

struct DatacenterOptions {
  RemoteOptions remote;
  std::string pop;
};

int run_list(const DatacenterOptions& opt) {
  return call_remote(
      connect(opt.remote), opt.remote,
      [](RestClient& client) { return client.get("/restapi/datacenter"); },
      [](const nlohmann::json& list) {
        print_table(datacenter_list_table(list), "no data centers");
      });
}

int run_status(const DatacenterOptions& opt) {
  return call_remote(
      connect(opt.remote), opt.remote,
      [&opt](RestClient& client) {
        return client.get("/restapi/datacenter/" + url_encode(opt.pop));
      },
      [](const nlohmann::json& pop) { std::printf("%s", datacenter_status_text(pop).c_str()); });
}

}  // namespace

void add_datacenter_command(CLI::App& app, CliContext& ctx) {
  CLI::App* group = add_group(app, "datacenter", "List and inspect data centers (PoPs) (REST)");

  auto [list_cmd, list] =
      add_leaf<DatacenterOptions>(*group, ctx, "list", "List the PoPs", run_list);
  add_remote_options(*list_cmd, list->remote, ctx.env);

  auto [status_cmd, status] =
      add_leaf<DatacenterOptions>(*group, ctx, "status", "Show one PoP", run_status);
  status_cmd->add_option("-d,--datacenter", status->pop, "PoP label")->required();
  add_remote_options(*status_cmd, status->remote, ctx.env);
}

}  // namespace chainlab::cli
