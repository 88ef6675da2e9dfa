// The composition root of `chainlab run` / `chainlab demo`: builds the emulation from a topology,
// opens the run's one image store, creates the endpoints the topology lists through the
// EndpointRegistry (app/endpoint_kinds.h) and serves them behind the run's token; tears it all
// down again. Where things live (state, images, catalogue) comes from the Environment main read
// (app/environment.h). Progress lines go to stdout.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/endpoint_kinds.h"
#include "app/environment.h"
#include "common/cancel.h"
#include "common/result.h"
#include "emulator/emulation.h"
#include "endpoints/emulator/alarm_notifier.h"
#include "endpoints/http/http.h"
#include "endpoints/http/http_auth.h"
#include "endpoints/http/served_list.h"
#include "monitor/alarms.h"
#include "monitor/events.h"
#include "monitor/instance_events.h"
#include "monitor/sampler.h"
#include "runtime/image_store.h"

namespace chainlab::endpoints {
class CloudDirectory;
}  // namespace chainlab::endpoints

namespace chainlab::app {

struct ServedEndpoint {
  std::string label;                              // "emulator REST (son-emu)", "dc1 keystone", ...
  std::unique_ptr<endpoints::Endpoint> endpoint;  // references a member of `services`
  std::unique_ptr<endpoints::HttpListener> listener;
};

struct RunningEmulation {
  std::unique_ptr<runtime::ImageStore> images;  // null when no store opens; outlives the rest
  std::unique_ptr<monitor::EventLog> events;    // the run's event stream; outlives its producers
  std::unique_ptr<emulator::Emulation> emulation;
  std::unique_ptr<monitor::Alarms> alarms;             // evaluated by the monitor's thread
  std::unique_ptr<monitor::InstanceExits> exits;       // likewise
  std::unique_ptr<endpoints::AlarmNotifier> notifier;  // posts the alarms' actions
  std::unique_ptr<monitor::Sampler> monitor;           // reads the emulation; goes before it
  std::unique_ptr<endpoints::Authenticator> auth;      // the run's token; outlives the listeners
  std::vector<std::unique_ptr<Services>> services;     // behind the endpoints; outlive them
  std::vector<ServedEndpoint> served;                  // torn down before the rest, last first
  // What `served` holds, for the endpoints that show it (GET /emulator/endpoints, the dashboard).
  std::shared_ptr<endpoints::ServedList> served_list = std::make_shared<endpoints::ServedList>();
  // Its OpenStack PoPs, for GET /restapi/openstack (made by start_emulation).
  std::shared_ptr<endpoints::CloudDirectory> clouds;
  int rest_port() const;  // the son-emu REST listener's port
};

struct ServeOptions {
  std::string listen = "127.0.0.1";  // address every endpoint listens on
  dataplane::DataplanePath dataplane = dataplane::DataplanePath::kAuto;  // --dataplane
  uint32_t dataplane_workers = 0;      // --dataplane-workers (0: auto)
  int port = -1;                       // >= 0: overrides the topology's son-emu REST port
  std::string catalogue;               // gatekeeper catalogue dir ("" = the environment's)
  bool reject_unknown_images = false;  // gatekeeper: refuse VDU images not in the image store
  bool no_auth = false;  // APIs open to every local user (only with a loopback `listen`)
  std::chrono::milliseconds monitor_period{1000};  // the monitor's sampling period
  std::string pushgateway;     // --pushgateway: son-emu's push of the sonemu_* metrics ("" = none)
  std::string nffg_templates;  // --nffg-templates: the NF-FG nodes' template directory
  std::string nffg_admin_password;  // --admin-password: the nodes' admin on first start
  // NF-FG nodes: graphs deployed at start as the admin (id, file), by PoP.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> nffg_initial_graphs;
  // Host interfaces (NICs, veths) attached to a PoP's switch before the endpoints start (pop,
  // name).
  std::vector<std::pair<std::string, std::string>> host_interfaces;
};

// Refuses what would expose the run: --no-auth off loopback, Keystone's default admin/admin off
// loopback, two endpoints configured on one port, an endpoint kind `registry` does not know
// (kInvalidArgument "unknown endpoint kind 'x' (known: ...)").
Status check_serve_plan(const emulator::Topology& topology, const ServeOptions& options,
                        const EndpointRegistry& registry);

// Builds the emulation (its journal under `env.state_dir`, the image store at `env.image_dir`)
// and serves its endpoints; `cancel` interrupts the build. On failure nothing is left running.
Result<RunningEmulation> start_emulation(const emulator::Topology& topology,
                                         const ServeOptions& options, const Environment& env,
                                         const Cancel& cancel);
// Binds `listen`:`port` and serves `endpoint` behind `running.auth`, adding it to
// `running.served`.
Status serve(RunningEmulation& running, std::string label,
             std::unique_ptr<endpoints::Endpoint> endpoint, const std::string& listen, int port);
// http://HOST:PORT of a served endpoint, from the address it is bound to.
std::string endpoint_url(const ServedEndpoint& s);
// "localhost" or a loopback address: where --no-auth (and Keystone's default admin) may listen.
bool is_loopback_host(const std::string& host);
// Stops the listeners and tears the emulation down, reporting the time taken.
void stop_emulation(RunningEmulation& running);

}  // namespace chainlab::app
