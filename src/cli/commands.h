// The chainlab command line: each subcommand lives in its own cmd_*.cc and registers itself here.
#pragma once

#include <CLI/CLI.hpp>

#include "app/environment.h"

namespace chainlab::cli {

// What main() gives every subcommand (the environment, read once) and what it reports back (its
// exit code).
struct CliContext {
  app::Environment env;
  int exit_code = 0;
};

void add_cleanup_command(CLI::App& app, CliContext& ctx);
void add_demo_command(CLI::App& app, CliContext& ctx);
void add_version_command(CLI::App& app, CliContext& ctx);
void add_switch_command(CLI::App& app, CliContext& ctx);
void add_run_command(CLI::App& app, CliContext& ctx);
// `topology import`: son-emu scripts and Topology Zoo files to YAML (cmd_topology.cc).
void add_topology_command(CLI::App& app, CliContext& ctx);
// The local image store (src/runtime/image_store.h).
void add_image_command(CLI::App& app, CliContext& ctx);

// Remote commands: clients of a running emulator's REST API (docs/api/emulator-rest.md).
void add_compute_command(CLI::App& app, CliContext& ctx);
void add_datacenter_command(CLI::App& app, CliContext& ctx);
void add_network_command(CLI::App& app, CliContext& ctx);
void add_elan_command(CLI::App& app, CliContext& ctx);
void add_exec_command(CLI::App& app, CliContext& ctx);
void add_logs_command(CLI::App& app, CliContext& ctx);
void add_capture_command(CLI::App& app, CliContext& ctx);
void add_link_command(CLI::App& app, CliContext& ctx);
void add_shell_command(CLI::App& app, CliContext& ctx);
// The monitor (docs/api/emulator-rest.md, GET /restapi/monitor/...): a live table of the
// instances (cmd_top.cc) and son-emu's monitor verbs (cmd_monitor.cc).
void add_top_command(CLI::App& app, CliContext& ctx);
void add_monitor_command(CLI::App& app, CliContext& ctx);
void add_alarm_command(CLI::App& app, CliContext& ctx);
void add_events_command(CLI::App& app, CliContext& ctx);

// Gatekeeper clients (docs/api/gatekeeper.md): packages and service instances.
void add_package_command(CLI::App& app, CliContext& ctx);
void add_service_command(CLI::App& app, CliContext& ctx);

// The NF-FG API of a node (docs/nffg.md): graphs (cmd_nffg.cc), and a node of its own
// (cmd_node.cc).
void add_nffg_command(CLI::App& app, CliContext& ctx);
void add_node_command(CLI::App& app, CliContext& ctx);

// Offline service-graph embedding of ESCAPE NFFGs (cmd_embed.cc, docs/embedding.md).
void add_embed_command(CLI::App& app, CliContext& ctx);
void add_mdo_command(CLI::App& app, CliContext& ctx);
void add_sg_command(CLI::App& app, CliContext& ctx);  // sg ..., view

}  // namespace chainlab::cli
