// `chainlab elan add NAME MEMBER...` / `elan remove NAME` / `elan list`: E-LANs (one VLAN, L2
// learning, loop-free across PoPs) between instances of a running emulator (REST:
// /restapi/elan/NAME).
#include <cstdio>

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

// At least two members, each VNF[:INTERFACE].
Status check_members(const ElanOptions& opt) {
  if (opt.members.size() < 2) {
    return make_error(ErrorCode::kInvalidArgument, "E-LAN {}: needs at least two members",
                      opt.name);
  }
  for (const auto& m : opt.members) {
    CL_RETURN_IF_ERROR(parse_vnf_interface(m));
  }
  return ok_status();
}

int run_add(const ElanOptions& opt) {
  return if_valid(check_members(opt), [&opt] {
    auto request = [&opt](RestClient& client) {
      return client.put("/restapi/elan/" + url_encode(opt.name), {{"members", opt.members}});
    };
    return call_remote(connect(opt.remote), opt.remote, request,
                       [&opt](const nlohmann::json& elan) {
                         std::printf("E-LAN %s: vlan %s, %zu member(s)\n", opt.name.c_str(),
                                     field(elan, "vlan").c_str(), opt.members.size());
                       });
  });
}

int run_remove(const ElanOptions& opt) {
  auto request = [&opt](RestClient& client) {
    return client.del("/restapi/elan/" + url_encode(opt.name));
  };
  return call_remote(connect(opt.remote), opt.remote, request, [&opt](const nlohmann::json&) {
    std::printf("removed E-LAN %s\n", opt.name.c_str());
  });
}

int run_list(const ElanOptions& opt) {
  return call_remote(
      connect(opt.remote), opt.remote,
      [](RestClient& client) { return client.get("/restapi/elan"); },
      [](const nlohmann::json& list) { print_table(elan_list_table(list), "no E-LANs"); });
}

}  // namespace

void add_elan_command(CLI::App& app, CliContext& ctx) {
  CLI::App* group = add_group(app, "elan", "Add, remove and list E-LANs between instances (REST)");

  auto [add_cmd, add] = add_leaf<ElanOptions>(
      *group, ctx, "add", "Create an E-LAN: elan add NAME VNF[:INTF]...", run_add);
  add_cmd->add_option("name", add->name, "E-LAN name")->required();
  add_cmd->add_option("members", add->members, "Members, VNF[:INTERFACE]")->required();
  add_remote_options(*add_cmd, add->remote, ctx.env);

  auto [remove_cmd, remove] =
      add_leaf<ElanOptions>(*group, ctx, "remove", "Remove an E-LAN", run_remove);
  remove_cmd->add_option("name", remove->name, "E-LAN name")->required();
  add_remote_options(*remove_cmd, remove->remote, ctx.env);

  auto [list_cmd, list] = add_leaf<ElanOptions>(*group, ctx, "list", "List the E-LANs", run_list);
  add_remote_options(*list_cmd, list->remote, ctx.env);
}

}  // namespace chainlab::cli
