// What `chainlab run` and `chainlab demo` share: loading the topology, starting the emulation with
// its REST endpoint, printing the endpoint table, waiting for Ctrl-C / SIGTERM / exit request.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "emulator/emulation.h"
#include "endpoints/emulator_endpoint.h"

namespace chainlab::cli {

struct RunningEmulation {
  std::unique_ptr<emulator::Emulation> emulation;
  std::unique_ptr<endpoints::EmulatorEndpoint> endpoint;
  std::unique_ptr<endpoints::HttpListener> listener;
};

// Blocks SIGINT and SIGTERM in the calling thread (call before any thread starts).
void block_stop_signals();
// `path` empty: the embedded default topology.
Result<emulator::Topology> load_topology(const std::string& path);
// Builds the emulation and serves its REST API on `listen`:`port` (port < 0: the topology's).
// Progress goes to stderr.
Result<RunningEmulation> start_emulation(const emulator::Topology& topology,
                                         const std::string& listen, int port);
void print_endpoints(const RunningEmulation& running, const std::string& listen);
// Waits for SIGINT/SIGTERM (a PUT /emulator/exit raises SIGTERM), or `duration_s` if >= 0.
void wait_for_stop(double duration_s);
// Stops the listener and tears the emulation down, reporting the time taken.
void stop_emulation(RunningEmulation& running);

}  // namespace chainlab::cli
