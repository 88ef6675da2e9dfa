#include "cli/run_support.h"

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <fmt/ranges.h>

#include "cli/run_token.h"
#include "cli/table.h"
#include "common/random.h"
#include "endpoints/emulator/emulator_endpoint.h"
#include "endpoints/http/endpoint_group.h"
#include "endpoints/gatekeeper/gatekeeper_endpoint.h"
#include "endpoints/openstack/openstack.h"
#include "endpoints/openstack/sfc.h"
#include "substrate/sock_diag.h"

namespace chainlab::cli {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);  // the terminal went away: tear down like SIGTERM
  return set;
}

}  // namespace

void block_stop_signals() {
  sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

Cancel stop_signal_pending() {
  return Cancel([] {
    sigset_t pending;
    sigset_t stop = stop_signals();
    if (sigpending(&pending) != 0) {
      return false;
    }
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
      if (sigismember(&stop, sig) == 1 && sigismember(&pending, sig) == 1) {
        return true;
      }
    }
    return false;
  });
}

Result<emulator::Topology> load_topology(const std::string& path) {
  if (path.empty()) {
    return emulator::Topology::default_topology();
  }
  if (is_sonemu_script(path)) {
    return load_sonemu_topology(path);
  }
  return emulator::Topology::load_file(path, stop_signal_pending());
}

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
  return ok_status();
}

namespace {

bool loopback(const std::string& host) {
  return host == "localhost" || substrate::is_loopback_address(host);
}

// Every port the topology asks for, with who asks (0 = any free port: never a clash).
std::vector<std::pair<int, std::string>> planned_ports(const emulator::Topology& topology,
                                                       const ServeOptions& options) {
  std::vector<std::pair<int, std::string>> out;
  out.emplace_back(options.port >= 0 ? options.port : topology.emulator.rest_port, "emulator REST");
  out.emplace_back(topology.emulator.gatekeeper_port, "gatekeeper");
  for (const auto& pop : topology.pops()) {
    if (auto base = pop.endpoints.find("openstack"); base != pop.endpoints.end()) {
      auto p = endpoints::OpenStackPorts::from_base(base->second);
      for (auto [port, what] : {std::pair{p.keystone, "keystone"},
                                {p.nova, "nova"},
                                {p.neutron, "neutron"},
                                {p.heat, "heat"},
                                {p.glance, "glance"}}) {
        out.emplace_back(port, pop.name + " " + what);
      }
    }
  }
  return out;
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

// SONATA/5GTANGO gatekeeper (catalogue: $CHAINLAB_CATALOGUE_DIR, set by `run --catalogue`).
Status serve_gatekeeper(RunningEmulation& running, const emulator::Topology& topology,
                        const ServeOptions& options) {
  if (topology.emulator.gatekeeper_port < 0) {
    return ok_status();
  }
  std::vector<std::string> warnings;
  sonata::GatekeeperOptions gk_options;
  gk_options.reject_unknown_images = options.reject_unknown_images;
  gk_options.deploy_saps = topology.emulator.gatekeeper_sap;
  auto gk = endpoints::GatekeeperEndpoint::create(
      *running.emulation, endpoints::catalogue_dir(options.catalogue), request_exit,
      std::move(gk_options), topology.emulator.gatekeeper_api, &warnings);
  for (const auto& w : warnings) {
    std::fprintf(stdout, "warning: %s\n", w.c_str());
  }
  if (!gk.ok()) {
    return std::move(gk).error().context("gatekeeper catalogue");
  }
  std::string label = topology.emulator.gatekeeper_api == emulator::GatekeeperApi::kSonata
                          ? "gatekeeper (SONATA dummy gatekeeper)"
                          : "gatekeeper (5GTANGO LLCM)";
  return serve(running, label, std::move(gk).value(), options.listen,
               topology.emulator.gatekeeper_port);
}

// OpenStack per PoP (endpoints.openstack = base port P): one Cloud shared by its services.
Status serve_openstack(RunningEmulation& running, const emulator::Topology& topology,
                       const std::string& listen) {
  for (const auto& pop : topology.pops()) {
    auto base = pop.endpoints.find("openstack");
    if (base == pop.endpoints.end()) {
      continue;
    }
    auto cloud = endpoints::make_cloud(*running.emulation, pop.name);
    for (auto& service : endpoints::make_openstack_services(cloud, base->second)) {
      if (service.label == "neutron") {  // networking-sfc shares its port; its routes go first
        std::vector<std::unique_ptr<endpoints::Endpoint>> members;
        members.push_back(std::make_unique<endpoints::OpenStackSfcEndpoint>(cloud));
        members.push_back(std::move(service.endpoint));
        service.endpoint =
            std::make_unique<endpoints::EndpointGroup>(pop.name + " neutron", std::move(members));
      }
      CL_RETURN_IF_ERROR(serve(running, pop.name + " " + service.label, std::move(service.endpoint),
                               listen, service.port));
    }
  }
  return ok_status();
}

// Learning mode changes what reaches what: say where it is on.
void print_learning_pops(const emulator::Topology& topology) {
  std::vector<std::string> learning;
  for (const auto& pop : topology.pops()) {
    if (topology.connectivity_of(pop) == emulator::Connectivity::kLearning) {
      learning.push_back(pop.name);
    }
  }
  if (!learning.empty()) {
    std::fprintf(stdout, "connectivity: learning in %s (instances reach each other unchained)\n",
                 fmt::format("{}", fmt::join(learning, ", ")).c_str());
  }
}

}  // namespace

std::string endpoint_url(const ServedEndpoint& s) {
  const std::string& host = s.listener->host();
  bool v6 = host.find(':') != std::string::npos;
  return fmt::format("http://{}{}{}:{}", v6 ? "[" : "", host, v6 ? "]" : "", s.listener->port());
}

Status check_serve_plan(const emulator::Topology& topology, const ServeOptions& options) {
  if (options.no_auth && !loopback(options.listen)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "--no-auth is only allowed on a loopback address (--listen {})",
                      options.listen);
  }
  bool openstack = false;
  for (const auto& pop : topology.pops()) {
    openstack = openstack || pop.endpoints.contains("openstack");
  }
  if (openstack && !loopback(options.listen) && topology.emulator.keystone.users.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "listening on {}: Keystone's default admin/admin is only allowed on "
                      "loopback; set emulator.keystone.users in the topology (docs/security.md)",
                      options.listen);
  }
  std::map<int, std::string> taken;
  for (const auto& [port, who] : planned_ports(topology, options)) {
    if (port <= 0) {
      continue;
    }
    if (auto [it, fresh] = taken.emplace(port, who); !fresh) {
      return make_error(ErrorCode::kInvalidArgument, "port {} is configured twice: {} and {}", port,
                        it->second, who);
    }
  }
  return ok_status();
}

Result<RunningEmulation> start_emulation(const emulator::Topology& topology,
                                         const ServeOptions& options) {
  const std::string& listen = options.listen;
  const int port = options.port;
  auto t = Clock::now();
  std::fprintf(stdout, "building '%s': %zu PoPs, %zu switches, %zu links ... ",
               topology.name.c_str(), topology.pops().size(), topology.switches().size(),
               topology.links().size());
  CL_RETURN_IF_ERROR(check_serve_plan(topology, options));
  RunningEmulation running;
  endpoints::AccessPolicy policy;
  policy.token = random_hex(32);
  policy.open = options.no_auth;
  running.auth = std::make_unique<endpoints::Authenticator>(std::move(policy));
  auto emulation = emulator::Emulation::start(topology, {}, stop_signal_pending());
  if (!emulation.ok()) {
    std::fprintf(stdout, "failed\n");
    return std::move(emulation).error();
  }
  running.emulation = std::move(emulation).value();
  std::fprintf(stdout, "%.0f ms\n", ms_since(t));
  print_learning_pops(topology);
  std::fflush(stdout);
  auto fail = [&](Error e) -> Error {
    stop_emulation(running);
    return e;
  };
  int rest_port = port >= 0 ? port : topology.emulator.rest_port;
  if (auto s =
          serve(running, "emulator REST (son-emu)",
                std::make_unique<endpoints::EmulatorEndpoint>(*running.emulation, request_exit),
                listen, rest_port);
      !s.ok()) {
    return fail(std::move(s).error());
  }
  if (auto s = serve_gatekeeper(running, topology, options); !s.ok()) {
    return fail(std::move(s).error());
  }
  if (auto s = serve_openstack(running, topology, listen); !s.ok()) {
    return fail(std::move(s).error());
  }
  if (auto s = write_token_file(running); !s.ok()) {
    return fail(std::move(s).error());
  }
  return running;
}

void print_endpoints(const RunningEmulation& running) {
  Table table({"ENDPOINT", "URL"});
  for (const auto& s : running.served) {
    table.add({s.label, endpoint_url(s)});
  }
  std::printf("%s", table.render().c_str());
  if (running.auth->policy().open) {
    std::printf(
        "warning: --no-auth: every local user can start processes as root through "
        "these APIs\n");
  } else {
    std::printf("API token (root-only file, the CLI reads it): %s/api.json\n",
                running.emulation->run_dir().c_str());
  }
  std::fflush(stdout);
}

void wait_for_stop(double duration_s) {
  sigset_t set = stop_signals();
  if (duration_s < 0) {
    int sig = 0;
    while (sigwait(&set, &sig) != 0) {
    }
    return;
  }
  // sigtimedwait returns early with EINTR (e.g. after SIGSTOP/SIGCONT): wait out the rest.
  auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(duration_s));
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      return;
    }
    timespec ts{static_cast<time_t>(left.count() / 1'000'000'000),
                static_cast<long>(left.count() % 1'000'000'000)};
    if (sigtimedwait(&set, nullptr, &ts) >= 0 || errno != EINTR) {
      return;  // a stop signal, or the time is up (EAGAIN)
    }
  }
}

void stop_emulation(RunningEmulation& running) {
  auto t = Clock::now();
  std::fprintf(stdout, "tearing down ... ");
  for (auto& s : running.served) {
    s.listener->stop();
  }
  while (!running.served.empty()) {
    running.served.pop_back();
  }
  running.emulation.reset();
  std::fprintf(stdout, "%.0f ms\n", ms_since(t));
  std::fflush(stdout);
}

}  // namespace chainlab::cli
