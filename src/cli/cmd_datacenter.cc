// `chainlab datacenter list|status`: the PoPs of a running emulator, as son-emu's
// `vim-emu datacenter ...` (REST: /restapi/datacenter).
#include <cstdio>
#include <memory>

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
  auto client = connect(opt.remote);
  if (!client.ok()) {
    return fail(client.error());
  }
  return finish(opt.remote, client->get("/restapi/datacenter"), [](const nlohmann::json& list) {
    Table table = datacenter_list_table(list);
    if (table.empty()) {
      std::printf("no data centers\n");
    } else {
      std::printf("%s", table.render().c_str());
    }
  });
}

int run_status(const DatacenterOptions& opt) {
  auto client = connect(opt.remote);
  if (!client.ok()) {
    return fail(client.error());
  }
  return finish(
      opt.remote, client->get("/restapi/datacenter/" + url_encode(opt.pop)),
      [](const nlohmann::json& pop) { std::printf("%s", datacenter_status_text(pop).c_str()); });
}

}  // namespace

void add_datacenter_command(CLI::App& app, CliContext& ctx) {
  auto* group = app.add_subcommand("datacenter", "List and inspect data centers (PoPs) (REST)");
  group->require_subcommand(1);

  auto list = std::make_shared<DatacenterOptions>();
  auto* cmd = group->add_subcommand("list", "List the PoPs");
  add_remote_options(*cmd, list->remote);
  cmd->callback([list, &ctx] { ctx.exit_code = run_list(*list); });

  auto status = std::make_shared<DatacenterOptions>();
  cmd = group->add_subcommand("status", "Show one PoP");
  cmd->add_option("-d,--datacenter", status->pop, "PoP label")->required();
  add_remote_options(*cmd, status->remote);
  cmd->callback([status, &ctx] { ctx.exit_code = run_status(*status); });
}

}  // namespace chainlab::cli
