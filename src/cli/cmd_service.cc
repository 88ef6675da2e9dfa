// `chainlab service start NAME|UUID|latest`, `service stop INSTANCE_UUID`, `service list`:
// service instances of a running gatekeeper of either generation (5GTANGO LLCM or SONATA dummy
// gatekeeper; docs/api/gatekeeper.md). Only the routes both serve are used.
#include <chrono>
#include <cstdio>

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

// The POST /instantiations body; fails when --placement-file cannot be read.
Result<nlohmann::json> start_body(const ServiceOptions& opt) {
  nlohmann::json body = nlohmann::json::object();
  body[looks_like_uuid(opt.service) || opt.service == "latest" ? "service_uuid" : "service_name"] =
      opt.service;
  if (!opt.placement.empty()) {
    body["placement"] = opt.placement;
  }
  if (!opt.placement_file.empty()) {  // read here: the server never opens paths it is sent
    auto text = read_file(opt.placement_file);
    if (!text.ok()) {
      return std::move(text).error().context("--placement-file");
    }
    body["placement_map"] = std::move(text).value();
  }
  if (opt.saps || opt.no_saps) {
    body["deploy_sap"] = opt.saps;
  }
  return body;
}

int run_start(const ServiceOptions& opt) {
  auto request = [&opt](RestClient& client) -> Result<nlohmann::json> {
    client.set_read_timeout(std::chrono::seconds(600));
    CL_ASSIGN_OR_RETURN(nlohmann::json body, start_body(opt));
    if (!opt.remote.json) {
      std::printf("instantiating %s (placement %s) ... ", opt.service.c_str(),
                  opt.placement.empty() ? "round-robin" : opt.placement.c_str());
      std::fflush(stdout);
    }
    auto t = std::chrono::steady_clock::now();
    auto answer = client.post("/instantiations", body);
    if (!opt.remote.json) {
      std::printf(
          answer.ok() ? "%.0f ms\n" : "failed\n",
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count());
    }
    return answer;
  };
  return call_remote(connect_gatekeeper(opt.remote), opt.remote, request,
                     [](const nlohmann::json& record) {
                       std::printf("%s", service_instance_text(record).c_str());
                     });
}

int run_stop(const ServiceOptions& opt) {
  auto request = [&opt](RestClient& client) {
    client.set_read_timeout(std::chrono::seconds(600));
    if (!opt.remote.json) {
      std::printf("terminating %s ... ", opt.service.c_str());
      std::fflush(stdout);
    }
    auto answer = client.del("/instantiations", {{"service_instance_uuid", opt.service}});
    if (!opt.remote.json) {
      std::printf(answer.ok() ? "done\n" : "failed\n");
    }
    return answer;
  };
  // The answer is the gatekeeper's sentence ("Service(s) stopped.", "service instance with uuid
  // '...' stopped."): --json prints it.
  return call_remote(connect_gatekeeper(opt.remote), opt.remote, request,
                     [](const nlohmann::json&) {});
}

Table instance_table(const nlohmann::json& list) {
  Table t({"INSTANCE", "SERVICE", "CREATED", "PLACEMENT", "VNFS", "SAPS", "E-LINES", "E-LANS"});
  for (const auto& r : list) {
    auto count = [&](const char* k) {
      return std::to_string(r.contains(k) && r[k].is_array() ? r[k].size() : 0);
    };
    t.add({field(r, "uuid"), field(r, "service_name"), field(r, "created_at"),
           field(r, "placement"), count("vnfs"), count("saps"), count("elines"), count("elans")});
  }
  return t;
}

int run_list(const ServiceOptions& opt) {
  // GET /instantiations: served by both gatekeeper generations (a list, or the SONATA dict).
  auto request = [](RestClient& client) -> Result<nlohmann::json> {
    CL_ASSIGN_OR_RETURN(nlohmann::json answer, client.get("/instantiations"));
    return instance_entries(answer);
  };
  return call_remote(connect_gatekeeper(opt.remote), opt.remote, request,
                     [](const nlohmann::json& list) {
                       print_table(instance_table(list), "no service instances");
                     });
}

}  // namespace

void add_service_command(CLI::App& app, CliContext& ctx) {
  CLI::App* group =
      add_group(app, "service", "Start, stop and list service instances (gatekeeper)");

  auto [start_cmd, start] = add_leaf<ServiceOptions>(
      *group, ctx, "start", "Instantiate a service: NAME, UUID or latest", run_start);
  start_cmd->add_option("service", start->service, "NSD name, service uuid or `latest`")
      ->required();
  start_cmd->add_option("--placement", start->placement,
                        "first | round-robin (default) | static | resource-aware");
  start_cmd->add_option("--placement-file", start->placement_file,
                        "For --placement static: YAML `vnf_id_or_name: pop` (read here, sent to "
                        "the gatekeeper as placement_map)");
  auto* saps = start_cmd->add_flag("--saps", start->saps,
                                   "Start a SAP instance per service connection point "
                                   "(deploy_sap), whatever the run's emulator.gatekeeper_sap");
  start_cmd
      ->add_flag("--no-saps", start->no_saps, "Start the VNFs only, whatever gatekeeper_sap says")
      ->excludes(saps);
  add_gatekeeper_options(*start_cmd, start->remote, ctx.env);

  auto [stop_cmd, stop] =
      add_leaf<ServiceOptions>(*group, ctx, "stop", "Terminate a service instance", run_stop);
  stop_cmd->add_option("instance", stop->service, "Service instance uuid")->required();
  add_gatekeeper_options(*stop_cmd, stop->remote, ctx.env);

  auto [list_cmd, list] =
      add_leaf<ServiceOptions>(*group, ctx, "list", "List running service instances", run_list);
  add_gatekeeper_options(*list_cmd, list->remote, ctx.env);
}

}  // namespace chainlab::cli
