// The endpoint kinds a run can serve, by name, and what each kind serves. Which endpoints run and
// on which ports comes from the topology only (`endpoint_entries`): the emulation-wide son-emu
// REST API (`emulator.rest_port`, kind "emulator") and gatekeeper (`emulator.gatekeeper_port`,
// kind "gatekeeper"), and each PoP's `endpoints:` map (kind -> port; "openstack" = Keystone on P,
// Nova P+3774, Neutron with networking-sfc P+4696, Glance P+4242, Heat P+3004).
//
// To add an endpoint kind: implement EndpointKind (its ports, and the services and endpoints it
// makes from the AppContext) and add it in register_builtin_endpoint_kinds; a topology entry of
// that kind then serves it. Nothing else names a kind.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "app/services.h"
#include "common/registry.h"
#include "common/result.h"
#include "emulator/emulation.h"
#include "endpoints/http/http.h"
#include "endpoints/http/served_list.h"
#include "endpoints/openstack/cloud_directory.h"
#include "monitor/alarms.h"
#include "monitor/events.h"
#include "monitor/sampler.h"
#include "runtime/image_store.h"

namespace chainlab::app {

// What the endpoints of a run share; built once by the composition root (app/run.h).
struct AppContext {
  emulator::Emulation& emulation;
  runtime::ImageStore* images = nullptr;  // the one image store of the run (null: none)
  monitor::Sampler* monitor = nullptr;    // the run's monitor (null: none)
  monitor::EventLog* events = nullptr;    // the run's event stream (null: none)
  monitor::Alarms* alarms = nullptr;      // the run's alarm rules (null: none)
  std::string catalogue_dir;              // the gatekeeper's catalogue
  bool reject_unknown_images = false;     // gatekeeper: refuse VDU images not in the store
  std::function<void()> request_exit;     // PUT /emulator/exit
  std::function<void(const std::string&)> warn;
  std::string pushgateway;                         // --pushgateway URL ("" = none)
  std::chrono::milliseconds monitor_period{1000};  // how often it pushes
  std::string listen = "127.0.0.1";                // the address endpoints listen on
  std::string node_dir;                            // NF-FG nodes: user databases
  std::string nffg_templates;                      // NF-FG nodes: the template directory
  std::string nffg_admin_password;                 // NF-FG nodes: the admin on first start
  // NF-FG nodes: graphs deployed at start as the admin (id, file), by PoP.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> nffg_initial_graphs;
  std::function<void(const std::string&)> say;    // a line for the user (stdout)
  const endpoints::ServedList* served = nullptr;  // the run's listeners, as they bind
  endpoints::CloudDirectory* clouds = nullptr;    // its OpenStack PoPs, as they start
};

// One entry of the topology's endpoint list: a kind, the PoP it serves ("" = emulation-wide)
// and its (base) port.
struct EndpointEntry {
  std::string kind;
  std::string pop;
  int port = 0;
};

struct PlannedEndpoint {
  std::string label;  // "emulator REST (son-emu)", "dc1 nova", ...
  int port = 0;
  std::unique_ptr<endpoints::Endpoint> endpoint;
};

// What a kind makes for one entry: the service objects (owned by the run, destroyed after the
// endpoints) and the endpoints over them.
struct MadeEndpoints {
  std::unique_ptr<Services> services;  // null: the endpoints need none of their own
  std::vector<PlannedEndpoint> endpoints;
};

class EndpointKind {
 public:
  virtual ~EndpointKind() = default;
  // The ports an entry takes, each with a label (checked for clashes before anything starts).
  virtual std::vector<std::pair<int, std::string>> ports(const EndpointEntry& entry) const = 0;
  virtual Result<MadeEndpoints> make(AppContext& context, const EndpointEntry& entry) const = 0;
};

using EndpointRegistry = Registry<EndpointKind>;

// "emulator", "gatekeeper", "openstack".
Status register_builtin_endpoint_kinds(EndpointRegistry& registry);

// The endpoint list of a topology, in serving order (son-emu REST first). `rest_port` >= 0
// overrides the topology's son-emu REST port.
std::vector<EndpointEntry> endpoint_entries(const emulator::Topology& topology, int rest_port);

}  // namespace chainlab::app
