// The composition root of `chainlab mdo` (docs/mdo.md): the domain adapters the config lists
// (made through the AdapterRegistry: "static", "chainlab-node", "openstack", "local" with an
// emulation of its topology started in this process), the orchestrator over them, its job queue,
// ESCAPE's REST API on one listener behind the MdO's own token, and the token file under the
// state dir (a run directory with an owner, so the CLI finds the token and `chainlab cleanup`
// knows the directory). Progress lines go to stdout.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/environment.h"
#include "app/run.h"
#include "common/result.h"
#include "endpoints/http/http.h"
#include "endpoints/http/http_auth.h"
#include "frontends/escape/mdo/mdo_config.h"
#include "frontends/escape/mdo/mdo_service.h"
#include "substrate/journal.h"

namespace chainlab::app {

struct RunningMdo {
  // The emulations of the `local` domains (the config's `topology:`), with the endpoints their
  // topologies list; they outlive the orchestrator whose adapters use them.
  std::vector<RunningEmulation> emulations;
  std::unique_ptr<substrate::Journal> journal;     // the directory of api.json
  std::unique_ptr<endpoints::Authenticator> auth;  // outlives the listener
  std::unique_ptr<escape::MdoService> service;
  std::unique_ptr<endpoints::Endpoint> endpoint;
  std::unique_ptr<endpoints::HttpListener> listener;  // stopped first
  std::string url() const;                            // http://HOST:PORT of the API
};

struct MdoStartOptions {
  bool no_auth = false;  // only with a loopback listen address
};

Result<RunningMdo> start_mdo(const escape::MdoConfig& config, const MdoStartOptions& options,
                             const Environment& env);
void stop_mdo(RunningMdo& running);

}  // namespace chainlab::app
