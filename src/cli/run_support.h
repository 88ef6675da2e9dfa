// What `chainlab run` and `chainlab demo` share: loading the topology, starting the emulation with
// every endpoint the topology asks for (son-emu REST, per-PoP OpenStack APIs, the gatekeeper),
// printing the endpoint table, waiting for Ctrl-C / SIGTERM / SIGHUP / exit request.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "app/run.h"
#include "common/cancel.h"
#include "common/result.h"
#include "emulator/emulation.h"

namespace chainlab::cli {

using app::endpoint_url;
using app::RunningEmulation;
using app::ServedEndpoint;
using app::ServeOptions;
using app::stop_emulation;

// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread (call before any thread starts).
void block_stop_signals();
// Set once one of those signals is pending (they stay blocked, so wait_for_stop still sees it):
// what loading and building poll, so that Ctrl-C stops a 100,000-node build.
Cancel stop_signal_pending();
// `path` empty: the embedded default topology; a .py file: a son-emu script (below).
Result<emulator::Topology> load_topology(const std::string& path);
// A son-emu topology script, translated as `chainlab topology import` does (warnings to stderr).
// In cmd_topology.cc.
bool is_sonemu_script(const std::string& path);
Result<emulator::Topology> load_sonemu_topology(const std::string& path);
// app::start_emulation, interrupted by a pending stop signal. Progress goes to stdout. On failure
// nothing is left running.
Result<RunningEmulation> start_emulation(const emulator::Topology& topology,
                                         const ServeOptions& options, const app::Environment& env);
// "dashboard: URL" (with the run's token in the URL's fragment) when the run serves the emulator's
// REST API and this binary has the dashboard.
void print_dashboard(const RunningEmulation& running);
// The endpoint table (the address each listener is bound to) and where the token is.
void print_endpoints(const RunningEmulation& running);
// Waits for SIGINT/SIGTERM/SIGHUP (a PUT /emulator/exit raises SIGTERM), or `duration_s` if >= 0.
void wait_for_stop(double duration_s);
// The endpoint table, "<what> (run <prefix>) is up; Ctrl-C to stop", then waits for the stop
// (wait_for_stop) and tears the run down. Returns 0 (the exit code).
int serve_until_stopped(RunningEmulation& running, const std::string& what, double duration_s);

}  // namespace chainlab::cli
