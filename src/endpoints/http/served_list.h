// The listeners a run serves (label, endpoint name, URL), filled as each one binds and read by
// the emulator's routes: GET /emulator/endpoints, and the dashboard, which calls the gatekeeper on
// its own port (its Content-Security-Policy names that origin). Thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <vector>

namespace chainlab::endpoints {

struct ServedInfo {
  std::string label;  // "gatekeeper (5GTANGO LLCM)"
  std::string name;   // Endpoint::name(): "emulator", "gatekeeper", "openstack-nova", ...
  std::string url;    // http://127.0.0.1:5000
};

class ServedList {
 public:
  void add(ServedInfo info) {
    std::lock_guard lock(mu_);
    list_.push_back(std::move(info));
  }
  std::vector<ServedInfo> snapshot() const {
    std::lock_guard lock(mu_);
    return list_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<ServedInfo> list_;
};

}  // namespace chainlab::endpoints
