// The monitoring routes of the son-emu REST port (docs/api/monitoring.md): GET /metrics (the
// Prometheus exposition), son-emu's PUT|DELETE /restapi/monitor/interface|flow|link with its
// answers, and chainlab's JSON views GET /restapi/monitor/instances|links|flows|pops|history.
// Without a sampler (a run that monitors nothing) they answer 503.
#pragma once

#include <span>

#include "endpoints/emulator/emulator_endpoint.h"
#include "endpoints/http/router.h"

namespace chainlab::endpoints {

std::span<const Route<EmulatorContext>> monitor_routes();

}  // namespace chainlab::endpoints
