// The listeners a run serves (label, endpoint name, URL), filled as each one binds and read by
// the emulator's routes: GET /emulator/endpoints, and the dashboard, which calls the gatekeeper on
// its own port (its Content-Security-Policy names that origin). Thread-safe.
#pragma once

#include <string>

#include "common/locked_list.h"

namespace chainlab::endpoints {

struct ServedInfo {
  std::string label;  // "gatekeeper (5GTANGO LLCM)"
  std::string name;   // Endpoint::name(): "emulator", "gatekeeper", "dc1 nova", ...
  std::string url;    // http://127.0.0.1:5000
};

class ServedList final : public LockedList<ServedInfo> {};

}  // namespace chainlab::endpoints
