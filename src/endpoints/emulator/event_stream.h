// GET /restapi/events (docs/api/monitoring.md): the run's event stream as Server-Sent Events
// (text/event-stream; "id:", "event: <type>", "data: <JSON>" per event, a comment every idle
// second so a client that left is noticed). It starts after `since` (a query argument) or the
// Last-Event-ID header (a reconnecting EventSource), else with the next event. `?stream=0`
// answers the events after `since` as a JSON list instead (scripts), waiting up to `wait`
// seconds (0..30, default 0) for one when there are none (a long poll). 503 without a log.
#pragma once

#include <nlohmann/json.hpp>

#include "endpoints/http/httplib_fwd.h"
#include "monitor/events.h"

namespace chainlab::endpoints {

nlohmann::json event_json(const monitor::Event& event);

void stream_events(const monitor::EventLog* log, const httplib::Request& req,
                   httplib::Response& res);

}  // namespace chainlab::endpoints
