#include "app/run.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>

#include "app/run_token.h"
#include "common/random.h"
#include "endpoints/emulator/alarm_notifier.h"
#include "endpoints/emulator/pushgateway.h"
#include "endpoints/openstack/cloud_directory.h"
#include "substrate/sock_diag.h"

namespace chainlab::app {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

Status write_token_file(RunningEmulation& running) {
  std::vector<ApiEndpoint> list;
  for (const auto& s : running.served) {
    list.push_back({s.label, endpoint_url(s)});
  }
  return write_api_file(running.emulation->run_dir(), running.auth->policy().token, list);
}

void request_exit() {
  ::kill(::getpid(), SIGTERM);
}

Status check_exposure(const emulator::Topology& topology, const ServeOptions& options) {
  if (options.no_auth && !is_loopback_host(options.listen)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "--no-auth is only allowed on a loopback address (--listen {})",
                      options.listen);
  }
  bool openstack = false;
  for (const auto& pop : topology.pops()) {
    openstack = openstack || pop.endpoints.contains("openstack");
  }
  if (openstack && !is_loopback_host(options.listen) && topology.emulator.keystone.users.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "listening on {}: Keystone's default admin/admin is only allowed on "
                      "loopback; set emulator.keystone.users in the topology (docs/security.md)",
                      options.listen);
  }
  return ok_status();
}

// Serves every endpoint of the topology's list, in order.
Status serve_all(RunningEmulation& running, const emulator::Topology& topology,
                 const ServeOptions& options, const Environment& env,
                 const EndpointRegistry& registry) {
  AppContext context{*running.emulation,
                     running.images.get(),
                     running.monitor.get(),
                     running.events.get(),
                     running.alarms.get(),
                     options.catalogue.empty() ? env.catalogue_dir : options.catalogue,
                     options.reject_unknown_images,
                     request_exit,
                     [](const std::string& w) {
                       std::fprintf(stdout, "warning: %s\n", w.c_str());
                       std::fflush(stdout);
                     },
                     options.pushgateway,
                     options.monitor_period,
                     options.listen,
                     env.node_dir,
                     options.nffg_templates,
                     options.nffg_admin_password,
                     options.nffg_initial_graphs,
                     [](const std::string& line) {
                       std::fprintf(stdout, "%s\n", line.c_str());
                       std::fflush(stdout);
                     },
                     running.served_list.get(),
                     running.clouds.get()};
  for (const auto& entry : endpoint_entries(topology, options.port)) {
    CL_ASSIGN_OR_RETURN(auto kind, registry.create(entry.kind));
    CL_ASSIGN_OR_RETURN(MadeEndpoints made, kind->make(context, entry));
    if (made.services != nullptr) {
      running.services.push_back(std::move(made.services));
    }
    for (auto& p : made.endpoints) {
      CL_RETURN_IF_ERROR(
          serve(running, std::move(p.label), std::move(p.endpoint), options.listen, p.port));
    }
  }
  return ok_status();
}

// The host interfaces of `chainlab node --interface`, on their PoPs' switches.
Status attach_host_interfaces(RunningEmulation& running, const ServeOptions& options) {
  for (const auto& [pop, ifname] : options.host_interfaces) {
    auto port = running.emulation->attach_host_interface(pop, ifname);
    if (!port.ok()) {
      return std::move(port).error().context(fmt::format("attaching interface '{}'", ifname));
    }
  }
  return ok_status();
}

// The sampler over the emulation, with the alarms and the exit watch as its listeners.
Status start_monitor(RunningEmulation& running, const ServeOptions& options) {
  running.alarms = std::make_unique<monitor::Alarms>(*running.events);
  running.exits = std::make_unique<monitor::InstanceExits>(*running.events);
  for (const auto& rule : running.emulation->topology().emulator.alarms) {
    CL_RETURN_IF_ERROR(running.alarms->set(rule));  // the topology's (emulator.alarms)
  }
  monitor::SamplerOptions monitor_options;
  monitor_options.period = options.monitor_period;
  CL_ASSIGN_OR_RETURN(running.monitor,
                      monitor::Sampler::start(*running.emulation, monitor_options));
  running.monitor->add_listener([a = running.alarms.get()](const auto& r) { a->evaluate(r); });
  running.monitor->add_listener([e = running.exits.get()](const auto& r) { e->observe(r); });
  running.notifier = std::make_unique<endpoints::AlarmNotifier>(
      *running.events,
      [](const std::string& w) { std::fprintf(stderr, "warning: %s\n", w.c_str()); });
  return ok_status();
}

// Learning mode changes what reaches what: say where it is on.
void print_learning_pops(const emulator::Topology& topology) {
  std::string learning;
  for (const auto& pop : topology.pops()) {
    if (topology.connectivity_of(pop) == emulator::Connectivity::kLearning) {
      learning += (learning.empty() ? "" : ", ") + pop.name;
    }
  }
  if (!learning.empty()) {
    std::fprintf(stdout, "connectivity: learning in %s (instances reach each other unchained)\n",
                 learning.c_str());
  }
}

}  // namespace

int RunningEmulation::rest_port() const {
  return served.empty() ? 0 : served.front().listener->port();
}

Status serve(RunningEmulation& running, std::string label,
             std::unique_ptr<endpoints::Endpoint> endpoint, const std::string& listen, int port) {
  endpoints::ListenOptions options;
  options.host = listen;
  options.port = port;
  options.auth = running.auth.get();
  auto listener = endpoints::HttpListener::start(options, *endpoint);
  if (!listener.ok()) {
    return std::move(listener).error().context(fmt::format("{} on port {}", label, port));
  }
  running.served.push_back({std::move(label), std::move(endpoint), std::move(listener).value()});
  const ServedEndpoint& s = running.served.back();
  running.served_list->add({s.label, s.endpoint->name(), endpoint_url(s)});
  return ok_status();
}

std::string endpoint_url(const ServedEndpoint& s) {
  const std::string& host = s.listener->host();
  bool v6 = host.find(':') != std::string::npos;
  return fmt::format("http://{}{}{}:{}", v6 ? "[" : "", host, v6 ? "]" : "", s.listener->port());
}

Status check_serve_plan(const emulator::Topology& topology, const ServeOptions& options,
                        const EndpointRegistry& registry) {
  CL_RETURN_IF_ERROR(check_exposure(topology, options));
  if (!options.pushgateway.empty()) {
    CL_RETURN_IF_ERROR(endpoints::parse_pushgateway_url(options.pushgateway));
  }
  std::map<int, std::string> taken;
  for (const auto& entry : endpoint_entries(topology, options.port)) {
    CL_ASSIGN_OR_RETURN(auto kind, registry.create(entry.kind));
    for (const auto& [port, who] : kind->ports(entry)) {
      if (port <= 0) {
        continue;  // any free port: never a clash
      }
      if (auto [it, fresh] = taken.emplace(port, who); !fresh) {
        return make_error(ErrorCode::kInvalidArgument, "port {} is configured twice: {} and {}",
                          port, it->second, who);
      }
    }
  }
  return ok_status();
}

Result<RunningEmulation> start_emulation(const emulator::Topology& topology,
                                         const ServeOptions& options, const Environment& env,
                                         const Cancel& cancel) {
  auto t = Clock::now();
  std::fprintf(stdout, "building '%s': %zu PoPs, %zu switches, %zu links ... ",
               topology.name.c_str(), topology.pops().size(), topology.switches().size(),
               topology.links().size());
  EndpointRegistry registry("endpoint kind");
  CL_RETURN_IF_ERROR(register_builtin_endpoint_kinds(registry));
  CL_RETURN_IF_ERROR(check_serve_plan(topology, options, registry));
  RunningEmulation running;
  endpoints::AccessPolicy policy;
  policy.token = random_hex(32);
  policy.open = options.no_auth;
  running.auth = std::make_unique<endpoints::Authenticator>(std::move(policy));
  if (auto store = runtime::ImageStore::open(env.image_dir); store.ok()) {
    running.images = std::move(store).value();
  }
  emulator::EmulationOptions emulation_options;
  emulation_options.engine.path = options.dataplane;
  emulation_options.engine.workers = options.dataplane_workers;
  emulation_options.state_dir = env.state_dir;
  emulation_options.images = running.images.get();
  running.events = std::make_unique<monitor::EventLog>();
  running.clouds = std::make_shared<endpoints::CloudDirectory>();
  emulation_options.events = running.events.get();
  auto emulation = emulator::Emulation::start(topology, std::move(emulation_options), cancel);
  if (!emulation.ok()) {
    std::fprintf(stdout, "failed\n");
    return std::move(emulation).error();
  }
  running.emulation = std::move(emulation).value();
  std::fprintf(stdout, "%.0f ms\n", ms_since(t));
  if (Status s = start_monitor(running, options); !s.ok()) {
    stop_emulation(running);
    return std::move(s).error().context("starting the monitor");
  }
  std::fprintf(stdout, "data plane: %s\n", running.emulation->dataplane_path().c_str());
  print_learning_pops(topology);
  std::fflush(stdout);
  Status served = attach_host_interfaces(running, options);
  if (served.ok()) {
    served = serve_all(running, topology, options, env, registry);
  }
  if (served.ok()) {
    served = write_token_file(running);
  }
  if (!served.ok()) {
    stop_emulation(running);
    return std::move(served).error();
  }
  return running;
}

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || substrate::is_loopback_address(host);
}

void stop_emulation(RunningEmulation& running) {
  auto t = Clock::now();
  std::fprintf(stdout, "tearing down ... ");
  if (running.events) {
    running.events->close();  // event streams end before their listeners stop
  }
  running.notifier.reset();  // after its last post (a scale-out) while the endpoints still run
  for (auto& s : running.served) {
    s.listener->stop();
  }
  while (!running.served.empty()) {
    running.served.pop_back();
  }
  while (!running.services.empty()) {
    running.services.pop_back();
  }
  running.monitor.reset();
  running.emulation.reset();
  std::fprintf(stdout, "%.0f ms\n", ms_since(t));
  std::fflush(stdout);
}

}  // namespace chainlab::app
