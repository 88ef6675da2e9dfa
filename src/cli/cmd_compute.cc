// `chainlab compute start|stop|list|status`: compute instances of a running emulator, as
// son-emu's `vim-emu compute ...` (REST: /restapi/compute).
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/parse.h"
#include "cli/remote.h"
#include "cli/views.h"

namespace chainlab::cli {
namespace {

struct ComputeOptions {
  RemoteOptions remote;
  std::string pop;
  std::string name;
  std::string image;
  std::string command;
  std::string net;
  std::string flavor;
  std::vector<std::string> env;
};

std::string instance_path(const ComputeOptions& opt) {
  return "/restapi/compute/" + url_encode(opt.pop) + "/" + url_encode(opt.name);
}

// The PUT body; fails on a malformed --net or --env before anything is sent.
Result<nlohmann::json> start_body(const ComputeOptions& opt) {
  nlohmann::json body = nlohmann::json::object();
  if (!opt.image.empty()) {
    body["image"] = opt.image;
  }
  if (!opt.command.empty()) {
    // Both spellings: son-emu's CLI sent `command` while its server read `docker_command`.
    body["docker_command"] = opt.command;
    body["command"] = opt.command;
  }
  if (!opt.net.empty()) {
    CL_ASSIGN_OR_RETURN(auto specs, parse_net_spec(opt.net));
    body["network"] = net_spec_json(specs);
  }
  if (!opt.flavor.empty()) {
    body["flavor_name"] = opt.flavor;
  }
  if (!opt.env.empty()) {
    nlohmann::json env = nlohmann::json::object();
    for (const auto& e : opt.env) {
      CL_ASSIGN_OR_RETURN(auto kv, parse_env_pair(e));
      env[kv.first] = kv.second;
    }
    body["env"] = env;
  }
  return body;
}

int run_start(const ComputeOptions& opt) {
  auto body = start_body(opt);
  if (!body.ok()) {
    return fail(body.error());
  }
  auto client = connect(opt.remote);
  if (!client.ok()) {
    return fail(client.error());
  }
  std::fprintf(stderr, "starting %s in %s ...\n", opt.name.c_str(), opt.pop.c_str());
  client->set_read_timeout(std::chrono::seconds(120));
  auto answer = client->put(instance_path(opt), *body);
  return finish(opt.remote, answer, [&opt](const nlohmann::json& status) {
    std::fprintf(stderr, "started %s\n", opt.name.c_str());
    std::printf("%s", compute_status_text(status).c_str());
  });
}

int run_stop(const ComputeOptions& opt) {
  auto client = connect(opt.remote);
  if (!client.ok()) {
    return fail(client.error());
  }
  std::fprintf(stderr, "stopping %s in %s ...\n", opt.name.c_str(), opt.pop.c_str());
  auto answer = client->del(instance_path(opt));
  return finish(opt.remote, answer,
                [&opt](const nlohmann::json&) { std::printf("stopped %s\n", opt.name.c_str()); });
}

int run_list(const ComputeOptions& opt) {
  auto client = connect(opt.remote);
  if (!client.ok()) {
    return fail(client.error());
  }
  std::string path = "/restapi/compute";
  if (!opt.pop.empty()) {
    path += "/" + url_encode(opt.pop);
  }
  return finish(opt.remote, client->get(path), [](const nlohmann::json& list) {
    Table table = compute_list_table(list);
    if (table.empty()) {
      std::printf("no compute instances\n");
    } else {
      std::printf("%s", table.render().c_str());
    }
  });
}

int run_status(const ComputeOptions& opt) {
  auto client = connect(opt.remote);
  if (!client.ok()) {
    return fail(client.error());
  }
  return finish(opt.remote, client->get(instance_path(opt)), [](const nlohmann::json& status) {
    std::printf("%s", compute_status_text(status).c_str());
  });
}

void add_pop_and_name(CLI::App& cmd, ComputeOptions& opt) {
  cmd.add_option("-d,--datacenter", opt.pop, "Data center (PoP) label")->required();
  cmd.add_option("-n,--name", opt.name, "Instance name")->required();
}

}  // namespace

void add_compute_command(CLI::App& app, CliContext& ctx) {
  auto* group = app.add_subcommand("compute", "Start, stop and inspect compute instances (REST)");
  group->require_subcommand(1);

  auto start = std::make_shared<ComputeOptions>();
  auto* cmd = group->add_subcommand("start", "Start an instance in a PoP");
  add_pop_and_name(*cmd, *start);
  cmd->add_option("-i,--image", start->image, "Image (for the native driver: ignored or a rootfs)");
  cmd->add_option("-c,--cmd", start->command, "Command to run in the instance");
  cmd->add_option("--net", start->net,
                  "Interfaces, son-emu syntax: \"(id=input,ip=10.0.0.1/24),(id=output)\"");
  cmd->add_option("--flavor", start->flavor, "Flavour: tiny, small, medium, large, xlarge");
  cmd->add_option("--env", start->env, "Environment variable KEY=VALUE (repeatable)");
  add_remote_options(*cmd, start->remote);
  cmd->callback([start, &ctx] { ctx.exit_code = run_start(*start); });

  auto stop = std::make_shared<ComputeOptions>();
  cmd = group->add_subcommand("stop", "Stop and remove an instance");
  add_pop_and_name(*cmd, *stop);
  add_remote_options(*cmd, stop->remote);
  cmd->callback([stop, &ctx] { ctx.exit_code = run_stop(*stop); });

  auto list = std::make_shared<ComputeOptions>();
  cmd = group->add_subcommand("list", "List instances (of every PoP, or of one with -d)");
  cmd->add_option("-d,--datacenter", list->pop, "Only this PoP");
  add_remote_options(*cmd, list->remote);
  cmd->callback([list, &ctx] { ctx.exit_code = run_list(*list); });

  auto status = std::make_shared<ComputeOptions>();
  cmd = group->add_subcommand("status", "Show one instance");
  add_pop_and_name(*cmd, *status);
  add_remote_options(*cmd, status->remote);
  cmd->callback([status, &ctx] { ctx.exit_code = run_status(*status); });
}

}  // namespace chainlab::cli
