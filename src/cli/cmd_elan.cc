// `chainlab elan add NAME MEMBER...` / `elan remove NAME`: E-LANs (one VLAN, L2 learning, loop-free
// across PoPs) between instances of a running emulator (REST: /restapi/elan/NAME).
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/parse.h"
#include "cli/remote.h"
#include "cli/views.h"

namespace chainlab::cli {
namespace {

struct ElanOptions {
  RemoteOptions remote;
  std::string name;
  std::vector<std::string> members;
};

int run_add(const ElanOptions& opt) {
  if (opt.members.size() < 2) {
    return fail(
        make_error(ErrorCode::kInvalidArgument, "E-LAN {}: needs at least two members", opt.name));
  }
  for (const auto& m : opt.members) {
    if (auto r = parse_vnf_interface(m); !r.ok()) {
      return fail(r.error());
    }
  }
  auto client = connect(opt.remote);
  if (!client.ok()) {
    return fail(client.error());
  }
  auto answer = client->put("/restapi/elan/" + url_encode(opt.name), {{"members", opt.members}});
  return finish(opt.remote, answer, [&opt](const nlohmann::json& elan) {
    std::printf("E-LAN %s: vlan %s, %zu member(s)\n", opt.name.c_str(), field(elan, "vlan").c_str(),
                opt.members.size());
  });
}

int run_remove(const ElanOptions& opt) {
  auto client = connect(opt.remote);
  if (!client.ok()) {
    return fail(client.error());
  }
  auto answer = client->del("/restapi/elan/" + url_encode(opt.name));
  return finish(opt.remote, answer, [&opt](const nlohmann::json&) {
    std::printf("removed E-LAN %s\n", opt.name.c_str());
  });
}

}  // namespace

void add_elan_command(CLI::App& app, CliContext& ctx) {
  auto* group = app.add_subcommand("elan", "Add and remove E-LANs between instances (REST)");
  group->require_subcommand(1);

  auto add = std::make_shared<ElanOptions>();
  auto* cmd = group->add_subcommand("add", "Create an E-LAN: elan add NAME VNF[:INTF]...");
  cmd->add_option("name", add->name, "E-LAN name")->required();
  cmd->add_option("members", add->members, "Members, VNF[:INTERFACE]")->required();
  add_remote_options(*cmd, add->remote);
  cmd->callback([add, &ctx] { ctx.exit_code = run_add(*add); });

  auto remove = std::make_shared<ElanOptions>();
  cmd = group->add_subcommand("remove", "Remove an E-LAN");
  cmd->add_option("name", remove->name, "E-LAN name")->required();
  add_remote_options(*cmd, remove->remote);
  cmd->callback([remove, &ctx] { ctx.exit_code = run_remove(*remove); });
}

}  // namespace chainlab::cli
