// `chainlab service start NAME|UUID|latest`, `service stop INSTANCE_UUID`, `service list`:
// service instances of a running gatekeeper of either generation (5GTANGO LLCM or SONATA dummy
// gatekeeper; docs/api/gatekeeper.md). Only the routes both serve are used.
#include <chrono>
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/gatekeeper_client.h"
#include "cli/table.h"
#include "cli/views.h"
#include "common/files.h"

namespace chainlab::cli {
namespace {

struct ServiceOptions {
  RemoteOptions remote;
  std::string service;
  std::string placement;
  std::string placement_file;
  bool saps = false;
  bool no_saps = false;
};

bool looks_like_uuid(const std::string& s) {
  return s.size() == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-';
}

int run_start(const ServiceOptions& opt) {
  auto client = connect_gatekeeper(opt.remote);
  if (!client.ok()) {
    return fail(client.error());
  }
  client->set_read_timeout(std::chrono::seconds(600));
  nlohmann::json body = nlohmann::json::object();
  body[looks_like_uuid(opt.service) || opt.service == "latest" ? "service_uuid" : "service_name"] =
      opt.service;
  if (!opt.placement.empty()) {
    body["placement"] = opt.placement;
  }
  if (!opt.placement_file.empty()) {  // read here: the server never opens paths it is sent
    auto text = read_file(opt.placement_file);
    if (!text.ok()) {
      return fail(std::move(text).error().context("--placement-file"));
    }
    body["placement_map"] = std::move(text).value();
  }
  if (opt.saps || opt.no_saps) {
    body["deploy_sap"] = opt.saps;
  }
  if (!opt.remote.json) {
    std::printf("instantiating %s (placement %s) ... ", opt.service.c_str(),
                opt.placement.empty() ? "round-robin" : opt.placement.c_str());
    std::fflush(stdout);
  }
  auto t = std::chrono::steady_clock::now();
  auto answer = client->post("/instantiations", body);
  if (!opt.remote.json) {
    std::printf(
        answer.ok() ? "%.0f ms\n" : "failed\n",
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count());
  }
  return finish(opt.remote, answer, [](const nlohmann::json& record) {
    std::printf("%s", service_instance_text(record).c_str());
  });
}

int run_stop(const ServiceOptions& opt) {
  auto client = connect_gatekeeper(opt.remote);
  if (!client.ok()) {
    return fail(client.error());
  }
  client->set_read_timeout(std::chrono::seconds(600));
  if (!opt.remote.json) {
    std::printf("terminating %s ... ", opt.service.c_str());
    std::fflush(stdout);
  }
  auto answer = client->del("/instantiations", {{"service_instance_uuid", opt.service}});
  if (!opt.remote.json) {
    std::printf(answer.ok() ? "done\n" : "failed\n");
  }
  // The answer is the gatekeeper's sentence ("Service(s) stopped.", "service instance with uuid
  // '...' stopped."): --json prints it.
  return finish(opt.remote, answer, [](const nlohmann::json&) {});
}

int run_list(const ServiceOptions& opt) {
  auto client = connect_gatekeeper(opt.remote);
  if (!client.ok()) {
    return fail(client.error());
  }
  // GET /instantiations: served by both gatekeeper generations (a list, or the SONATA dict).
  auto answer = client->get("/instantiations");
  if (answer.ok()) {
    answer = instance_entries(*answer);
  }
  return finish(opt.remote, answer, [](const nlohmann::json& list) {
    Table t({"INSTANCE", "SERVICE", "CREATED", "PLACEMENT", "VNFS", "SAPS", "E-LINES", "E-LANS"});
    for (const auto& r : list) {
      auto count = [&](const char* k) {
        return std::to_string(r.contains(k) && r[k].is_array() ? r[k].size() : 0);
      };
      t.add({field(r, "uuid"), field(r, "service_name"), field(r, "created_at"),
             field(r, "placement"), count("vnfs"), count("saps"), count("elines"), count("elans")});
    }
    std::printf("%s", t.empty() ? "no service instances\n" : t.render().c_str());
  });
}

}  // namespace

void add_service_command(CLI::App& app, CliContext& ctx) {
  auto* group =
      app.add_subcommand("service", "Start, stop and list service instances (gatekeeper)");
  group->require_subcommand(1);

  auto start = std::make_shared<ServiceOptions>();
  auto* cmd = group->add_subcommand("start", "Instantiate a service: NAME, UUID or latest");
  cmd->add_option("service", start->service, "NSD name, service uuid or `latest`")->required();
  cmd->add_option("--placement", start->placement,
                  "first | round-robin (default) | static | resource-aware");
  cmd->add_option("--placement-file", start->placement_file,
                  "For --placement static: YAML `vnf_id_or_name: pop` (read here, sent to the "
                  "gatekeeper as placement_map)");
  auto* saps = cmd->add_flag("--saps", start->saps,
                             "Start a SAP instance per service connection point (deploy_sap), "
                             "whatever the run's emulator.gatekeeper_sap");
  cmd->add_flag("--no-saps", start->no_saps, "Start the VNFs only, whatever gatekeeper_sap says")
      ->excludes(saps);
  add_gatekeeper_options(*cmd, start->remote);
  cmd->callback([start, &ctx] { ctx.exit_code = run_start(*start); });

  auto stop = std::make_shared<ServiceOptions>();
  cmd = group->add_subcommand("stop", "Terminate a service instance");
  cmd->add_option("instance", stop->service, "Service instance uuid")->required();
  add_gatekeeper_options(*cmd, stop->remote);
  cmd->callback([stop, &ctx] { ctx.exit_code = run_stop(*stop); });

  auto list = std::make_shared<ServiceOptions>();
  cmd = group->add_subcommand("list", "List running service instances");
  add_gatekeeper_options(*cmd, list->remote);
  cmd->callback([list, &ctx] { ctx.exit_code = run_list(*list); });
}

}  // namespace chainlab::cli
