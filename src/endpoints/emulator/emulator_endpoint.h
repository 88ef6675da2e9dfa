// The son-emu / vim-emu REST API over an Emulation (docs/api/emulator-rest.md): compute,
// datacenter, network (chains, d3 graph), monitor (monitor_routes.h), plus chainlab's exec,
// E-LAN and link routes, and /emulator/exit. Default port 5001. The JSON shapes are in
// endpoints/emulator/sonemu_shapes.h.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "emulator/emulation.h"
#include "endpoints/emulator/pushgateway.h"
#include "endpoints/http/http.h"
#include "endpoints/http/served_list.h"
#include "endpoints/openstack/cloud_directory.h"
#include "monitor/alarms.h"
#include "monitor/events.h"
#include "monitor/exposition.h"
#include "monitor/sampler.h"
#include "monitor/skewness.h"
#include "monitor/watches.h"

namespace chainlab::endpoints {

// What the routes (emulator_routes.cc) work on.
// The run's monitoring parts the routes serve (each may be null: its routes answer 503).
struct MonitorParts {
  monitor::Sampler* sampler = nullptr;
  monitor::EventLog* events = nullptr;
  monitor::Alarms* alarms = nullptr;
  std::string pushgateway{};                       // --pushgateway URL ("" = none; pushgateway.h)
  std::chrono::milliseconds period{1000};          // how often it pushes
  std::function<void(const std::string&)> warn{};  // its failures and recoveries
};

// What the run shares with the emulator's routes (each may be null: an endpoint on its own).
struct RunParts {
  const ServedList* served = nullptr;      // its listeners (GET /emulator/endpoints, the CSP)
  const CloudDirectory* clouds = nullptr;  // its OpenStack PoPs (GET /restapi/openstack)
};

struct EmulatorContext {
  emulator::Emulation& emu;
  std::function<void()> on_exit;
  MonitorParts monitor;
  monitor::Watches watches;          // son-emu's monitored metrics (sonemu_* names)
  monitor::SkewWatches skews;        // son-emu's skewness monitor (skewness{...})
  monitor::ExpositionCache metrics;  // GET /metrics of the latest reading
  RunParts run;
};

class EmulatorEndpoint final : public Endpoint {
 public:
  // `on_exit` runs when a client asks the emulator to exit (PUT /emulator/exit).
  // The parts of `monitor` and `run` must outlive the endpoint.
  EmulatorEndpoint(emulator::Emulation& emulation, std::function<void()> on_exit,
                   MonitorParts monitor = {}, RunParts run = {});
  std::string name() const override { return "emulator"; }
  void register_routes(httplib::Server& server) override;
  // The dashboard's files (GET): no token (endpoints/dashboard/dashboard_routes.h).
  bool is_public(const httplib::Request& req) const override;

 private:
  EmulatorContext ctx_;
  std::unique_ptr<PushgatewayPusher> pusher_;  // reads ctx_: goes first
};

// The typed requests behind the routes, from the request's parameters (request_params: query and
// JSON body merged). InvalidArgument naming the field for anything malformed.
// Parses son-emu's network string "(id=input,ip=10.0.0.1/24),(id=output)" or a JSON list of
// {"id","ip","mac"}.
Result<std::vector<emulator::InterfaceRequest>> parse_network_param(const nlohmann::json& value);
// PUT /restapi/compute/<pop>/<name>: image, docker_command (or command), flavor_name, network,
// env, stop_command.
Result<emulator::ComputeRequest> parse_compute_request(const nlohmann::json& params,
                                                       const std::string& pop,
                                                       const std::string& name);
// PUT and DELETE /restapi/network: vnf_src_name, vnf_dst_name, interfaces, weight, match,
// bidirectional, skip_vlan_tag, cookie, priority, path.
Result<emulator::ChainRequest> parse_chain_request(const nlohmann::json& params);
// PUT /restapi/compute/resources/<pop>/<name>: cpu_quota, cpu_period, cpu_shares, cpu_bw (a
// fraction of a CPU), cpuset_cpus (or cpuset), mem_limit ("512m"); every value checked before
// anything changes.
Result<substrate::ResourceLimits> parse_resource_limits(const nlohmann::json& params);
// PUT /restapi/link/<a>/<b>: delay, jitter (durations), loss (%), bw (rate), queue (packets), in
// the topology's limits.
Result<emulator::LinkChange> parse_link_change(const nlohmann::json& params);
// POST /restapi/compute/exec/<name>: cmd (a list, or a string run by /bin/sh -c), timeout (1..3600
// s, 60 by default).
struct ExecRequest {
  std::vector<std::string> argv;
  std::chrono::seconds timeout{60};
};
Result<ExecRequest> parse_exec_request(const nlohmann::json& params);
// PUT /restapi/elan/<name>: members, a list of "vnf[:intf]" (the interface may be empty).
Result<std::vector<std::pair<std::string, std::string>>> parse_elan_members(
    const nlohmann::json& params);
// Sets (`add`) or removes the chain of a son-emu PUT / DELETE /restapi/network and returns
// son-emu's answer text (chain_answer), for the request's direction(s) along the chain's path.
Result<std::string> apply_sonemu_chain(emulator::Control& emu, const emulator::ChainRequest& r,
                                       const nlohmann::json& params, bool add);
// GET /restapi/network items and PUT /restapi/network?detail: a chain with its path, VLAN, rules.
nlohmann::json chain_info_json(const emulator::ChainInfo& chain);

}  // namespace chainlab::endpoints
