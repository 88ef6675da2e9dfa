// What `chainlab run` and `chainlab demo` share: loading the topology, starting the emulation with
// every endpoint the topology asks for (son-emu REST, per-PoP OpenStack APIs, the gatekeeper),
// printing the endpoint table, waiting for Ctrl-C / SIGTERM / SIGHUP / exit request.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/cancel.h"
#include "common/result.h"
#include "emulator/emulation.h"
#include "endpoints/http/http.h"
#include "endpoints/http/http_auth.h"

namespace chainlab::cli {

struct ServedEndpoint {
  std::string label;                              // "emulator REST (son-emu)", "dc1 keystone", ...
  std::unique_ptr<endpoints::Endpoint> endpoint;  // may own the service behind it
  std::unique_ptr<endpoints::HttpListener> listener;
};

struct RunningEmulation {
  std::unique_ptr<emulator::Emulation> emulation;
  std::unique_ptr<endpoints::Authenticator> auth;  // the run's token; outlives the listeners
  std::vector<ServedEndpoint> served;              // torn down before the emulation, last first
  int rest_port() const;                           // the son-emu REST listener's port
};

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
// Binds `listen`:`port` and serves `endpoint` behind `running.auth`, adding it to
// `running.served`.
Status serve(RunningEmulation& running, std::string label,
             std::unique_ptr<endpoints::Endpoint> endpoint, const std::string& listen, int port);
struct ServeOptions {
  std::string listen = "127.0.0.1";    // address every endpoint listens on
  int port = -1;                       // >= 0: overrides the topology's son-emu REST port
  std::string catalogue;               // gatekeeper catalogue dir ("" = $CHAINLAB_CATALOGUE_DIR or
                                       // /var/lib/chainlab/catalogue)
  bool reject_unknown_images = false;  // gatekeeper: refuse VDU images not in the image store
  bool no_auth = false;  // APIs open to every local user (only with a loopback `listen`)
};

// Refuses what would expose the run: --no-auth off loopback, Keystone's default admin/admin off
// loopback, two endpoints configured on one port.
Status check_serve_plan(const emulator::Topology& topology, const ServeOptions& options);

// Builds the emulation and serves its endpoints. Progress goes to stdout. On failure nothing is
// left running.
Result<RunningEmulation> start_emulation(const emulator::Topology& topology,
                                         const ServeOptions& options);
// http://HOST:PORT of a served endpoint, from the address it is bound to.
std::string endpoint_url(const ServedEndpoint& s);
// The endpoint table (the address each listener is bound to) and where the token is.
void print_endpoints(const RunningEmulation& running);
// Waits for SIGINT/SIGTERM/SIGHUP (a PUT /emulator/exit raises SIGTERM), or `duration_s` if >= 0.
void wait_for_stop(double duration_s);
// Stops the listeners and tears the emulation down, reporting the time taken.
void stop_emulation(RunningEmulation& running);

}  // namespace chainlab::cli
