// `chainlab compute start|stop|list|status`: compute instances of a running emulator, as
// son-emu's `vim-emu compute ...` (REST: /restapi/compute).
#include <cstdio>
#include <functional>

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
  return if_valid(start_body(opt), [&opt](const nlohmann::json& body) {
    auto request = [&](RestClient& client) {
      std::fprintf(stderr, "starting %s in %s ...\n", opt.name.c_str(), opt.pop.c_str());
      client.set_read_timeout(std::chrono::seconds(120));
      return client.put(instance_path(opt), body);
    };
    return call_remote(connect(opt.remote), opt.remote, request,
                       [&opt](const nlohmann::json& status) {
                         std::fprintf(stderr, "started %s\n", opt.name.c_str());
                         std::printf("%s", compute_status_text(status).c_str());
                       });
  });
}

int run_stop(const ComputeOptions& opt) {
  auto request = [&opt](RestClient& client) {
    std::fprintf(stderr, "stopping %s in %s ...\n", opt.name.c_str(), opt.pop.c_str());
    return client.del(instance_path(opt));
  };
  return call_remote(connect(opt.remote), opt.remote, request, [&opt](const nlohmann::json&) {
    std::printf("stopped %s\n", opt.name.c_str());
  });
}

int run_list(const ComputeOptions& opt) {
  std::string path = "/restapi/compute";
  if (!opt.pop.empty()) {
    path += "/" + url_encode(opt.pop);
  }
  return call_remote(
      connect(opt.remote), opt.remote, [&path](RestClient& client) { return client.get(path); },
      [](const nlohmann::json& list) {
        print_table(compute_list_table(list), "no compute instances");
      });
}

int run_status(const ComputeOptions& opt) {
  return call_remote(
      connect(opt.remote), opt.remote,
      [&opt](RestClient& client) { return client.get(instance_path(opt)); },
      [](const nlohmann::json& status) { std::printf("%s", compute_status_text(status).c_str()); });
}

// A leaf command on one instance: -d and -n, then `more` options, then -e and --json.
void add_instance_leaf(CLI::App& group, CliContext& ctx, const std::string& name,
                       const std::string& help, int (*run)(const ComputeOptions&),
                       const std::function<void(CLI::App&, ComputeOptions&)>& more = {}) {
  auto [cmd, opt] = add_leaf<ComputeOptions>(group, ctx, name, help, run);
  cmd->add_option("-d,--datacenter", opt->pop, "Data center (PoP) label")->required();
  cmd->add_option("-n,--name", opt->name, "Instance name")->required();
  if (more) {
    more(*cmd, *opt);
  }
  add_remote_options(*cmd, opt->remote, ctx.env);
}

void add_start_options(CLI::App& cmd, ComputeOptions& opt) {
  cmd.add_option("-i,--image", opt.image, "Image (for the native driver: ignored or a rootfs)");
  cmd.add_option("-c,--cmd", opt.command, "Command to run in the instance");
  cmd.add_option("--net", opt.net,
                 "Interfaces, son-emu syntax: \"(id=input,ip=10.0.0.1/24),(id=output)\"");
  cmd.add_option("--flavor", opt.flavor, "Flavour: tiny, small, medium, large, xlarge");
  cmd.add_option("--env", opt.env, "Environment variable KEY=VALUE (repeatable)");
}

}  // namespace

void add_compute_command(CLI::App& app, CliContext& ctx) {
  CLI::App* group = add_group(app, "compute", "Start, stop and inspect compute instances (REST)");
  add_instance_leaf(*group, ctx, "start", "Start an instance in a PoP", run_start,
                    add_start_options);
  add_instance_leaf(*group, ctx, "stop", "Stop and remove an instance", run_stop);

  auto [list_cmd, list] = add_leaf<ComputeOptions>(
      *group, ctx, "list", "List instances (of every PoP, or of one with -d)", run_list);
  list_cmd->add_option("-d,--datacenter", list->pop, "Only this PoP");
  add_remote_options(*list_cmd, list->remote, ctx.env);

  add_instance_leaf(*group, ctx, "status", "Show one instance", run_status);
}

}  // namespace chainlab::cli
