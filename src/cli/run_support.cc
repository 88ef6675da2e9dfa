#include "cli/run_support.h"

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "cli/table.h"
#include "endpoints/emulator_endpoint.h"
#include "endpoints/endpoint_group.h"
#include "endpoints/gatekeeper_endpoint.h"
#include "endpoints/openstack.h"
#include "endpoints/openstack_sfc.h"

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
  return set;
}

}  // namespace

void block_stop_signals() {
  sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

Result<emulator::Topology> load_topology(const std::string& path) {
  if (path.empty()) {
    return emulator::Topology::default_topology();
  }
  if (is_sonemu_script(path)) {
    return load_sonemu_topology(path);
  }
  return emulator::Topology::load_file(path);
}

int RunningEmulation::rest_port() const {
  return served.empty() ? 0 : served.front().listener->port();
}

Status serve(RunningEmulation& running, std::string label,
             std::unique_ptr<endpoints::Endpoint> endpoint, const std::string& listen, int port) {
  auto listener = endpoints::HttpListener::start(listen, port, *endpoint);
  if (!listener.ok()) {
    return std::move(listener).error().context(fmt::format("{} on port {}", label, port));
  }
  running.served.push_back({std::move(label), std::move(endpoint), std::move(listener).value()});
  return ok_status();
}

namespace {

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
  orchestration::GatekeeperOptions gk_options;
  gk_options.reject_unknown_images = options.reject_unknown_images;
  auto gk = endpoints::GatekeeperEndpoint::create(*running.emulation,
                                                  endpoints::catalogue_dir(options.catalogue),
                                                  request_exit, std::move(gk_options), &warnings);
  for (const auto& w : warnings) {
    std::fprintf(stdout, "warning: %s\n", w.c_str());
  }
  if (!gk.ok()) {
    return std::move(gk).error().context("gatekeeper catalogue");
  }
  return serve(running, "gatekeeper (SONATA/5GTANGO)", std::move(gk).value(), options.listen,
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

}  // namespace

Result<RunningEmulation> start_emulation(const emulator::Topology& topology,
                                         const ServeOptions& options) {
  const std::string& listen = options.listen;
  const int port = options.port;
  auto t = Clock::now();
  std::fprintf(stdout, "building '%s': %zu PoPs, %zu switches, %zu links ... ",
               topology.name.c_str(), topology.pops().size(), topology.switches().size(),
               topology.links().size());
  RunningEmulation running;
  auto emulation = emulator::Emulation::start(topology);
  if (!emulation.ok()) {
    std::fprintf(stdout, "failed\n");
    return std::move(emulation).error();
  }
  running.emulation = std::move(emulation).value();
  std::fprintf(stdout, "%.0f ms\n", ms_since(t));
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
  return running;
}

void print_endpoints(const RunningEmulation& running, const std::string& listen) {
  Table table({"ENDPOINT", "URL"});
  std::string host = listen == "0.0.0.0" ? "127.0.0.1" : listen;
  for (const auto& s : running.served) {
    table.add({s.label, "http://" + host + ":" + std::to_string(s.listener->port())});
  }
  std::printf("%s", table.render().c_str());
  std::fflush(stdout);
}

void wait_for_stop(double duration_s) {
  sigset_t set = stop_signals();
  if (duration_s < 0) {
    int sig;
    sigwait(&set, &sig);
    return;
  }
  timespec ts{
      static_cast<time_t>(duration_s),
      static_cast<long>((duration_s - static_cast<double>(static_cast<time_t>(duration_s))) * 1e9)};
  sigtimedwait(&set, nullptr, &ts);
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
