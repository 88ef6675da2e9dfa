// The JSON views of the monitor (GET /restapi/monitor/<kind>, /restapi/monitor/history) for
// scripts, the CLI's `top` and the dashboard: current counters with their rates per second.
// Shapes: docs/api/monitoring.md.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "monitor/sampler.h"

namespace chainlab::endpoints {

// `kind`: instances, interfaces, flows, elans, links or pops. {"time_ms": ..., "<kind>": [...]}.
nlohmann::json monitor_view(const std::string& kind, const monitor::Reading& reading);

// Without `series`: {"series": [names], "points": capacity, "period_ms"}. With it (and `since`,
// ms since the epoch): {"series", "points": [[time_ms, value], ...]}; NotFound for a series the
// history does not hold.
Result<nlohmann::json> history_view(const monitor::Sampler& sampler, const nlohmann::json& params);

}  // namespace chainlab::endpoints
