#include "cli/run_support.h"

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
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
  return emulator::Topology::load_file(path, stop_signal_pending());
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
  auto emulation = emulator::Emulation::start(topology, {}, stop_signal_pending());
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
