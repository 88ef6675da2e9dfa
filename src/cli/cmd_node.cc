// `chainlab node [--config FILE] [--interface IF]... [--templates DIR] [--port 8080]
// [--admin-password PW]`: one machine as a Universal Node (docs/nffg.md). One PoP whose switch is
// LSI-0, attached to the given host interfaces (NICs or veths, by name), serving only the NF-FG API
// (no son-emu REST API, no OpenStack), until Ctrl-C or SIGTERM. The reference's INI config file
// gives the same (frontends/unode/node_config.h); flags win over it.
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/run_support.h"
#include "frontends/unode/node_config.h"

namespace chainlab::cli {
namespace {

struct NodeOptions {
  std::string config;
  std::vector<std::string> interfaces;
  std::string templates;
  int port = 0;  // 0: the config's, else 8080
  std::string admin_password;
  std::string listen;
  std::string name = "un";
};

// The config file under the flags.
Result<unode::NodeConfig> node_config(const NodeOptions& opt) {
  unode::NodeConfig c;
  if (!opt.config.empty()) {
    std::vector<std::string> warnings;
    CL_ASSIGN_OR_RETURN(c, unode::read_node_config(opt.config, &warnings));
    for (const auto& w : warnings) {
      std::printf("warning: %s\n", w.c_str());
    }
  }
  if (!opt.interfaces.empty()) {
    c.interfaces = opt.interfaces;
  }
  c.templates_dir = opt.templates.empty() ? c.templates_dir : opt.templates;
  c.port = opt.port > 0 ? opt.port : c.port;
  c.admin_password = opt.admin_password.empty() ? c.admin_password : opt.admin_password;
  c.listen = !opt.listen.empty() ? opt.listen : c.listen.empty() ? "127.0.0.1" : c.listen;
  return c;
}

// One PoP with the NF-FG API only.
Result<emulator::Topology> node_topology(const NodeOptions& opt, const unode::NodeConfig& c) {
  emulator::Topology t;
  t.name = "universal-node";
  t.emulator.rest_port = -1;
  emulator::PopSpec pop;
  pop.name = opt.name;
  pop.endpoints = {{"nffg", c.port}};
  CL_RETURN_IF_ERROR(t.add_pop(std::move(pop)));
  return t;
}

int run_node(const NodeOptions& opt, const app::Environment& env) {
  block_stop_signals();
  auto config = node_config(opt);
  auto topology =
      config.ok() ? node_topology(opt, *config) : Result<emulator::Topology>(config.error());
  if (!topology.ok()) {
    std::fprintf(stderr, "error: %s\n", topology.error().message.c_str());
    return 1;
  }
  ServeOptions serve;
  serve.listen = config->listen;
  serve.nffg_templates = config->templates_dir;
  serve.nffg_admin_password = config->admin_password;
  serve.nffg_initial_graphs[opt.name] = config->initial_graphs;
  for (const auto& ifname : config->interfaces) {
    serve.host_interfaces.emplace_back(opt.name, ifname);
  }
  auto running = start_emulation(*topology, serve, env);
  if (!running.ok()) {
    std::fprintf(stderr, "error: %s\n", running.error().message.c_str());
    return 1;
  }
  return serve_until_stopped(*running, "node '" + opt.name + "'", -1);
}

}  // namespace

void add_node_command(CLI::App& app, CliContext& ctx) {
  auto opt = std::make_shared<NodeOptions>();
  auto* cmd = app.add_subcommand(
      "node", "Run this machine as a Universal Node: LSI-0 on host interfaces, the NF-FG API");
  cmd->add_option("--config", opt->config,
                  "The Universal Node's INI config ([physical ports] ports_name, [rest server] "
                  "server_port, [initial graphs] nffgs; docs/nffg.md)");
  cmd->add_option("-i,--interface", opt->interfaces,
                  "Host interface to attach to LSI-0 (a NIC or a veth, by name; repeatable)");
  cmd->add_option("--templates", opt->templates, "NF template directory (one .json per template)");
  cmd->add_option("--port", opt->port, "NF-FG API port (default: the config's, else 8080)");
  cmd->add_option("--admin-password", opt->admin_password,
                  "The admin's password when the user database is created (default: generated, "
                  "printed once)");
  cmd->add_option("--listen", opt->listen,
                  "Address the API listens on (default 127.0.0.1; docs/security.md)");
  cmd->add_option("--name", opt->name, "Name of the node's PoP")->capture_default_str();
  cmd->callback([opt, &ctx] { ctx.exit_code = run_node(*opt, ctx.env); });
}

}  // namespace chainlab::cli
