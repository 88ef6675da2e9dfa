#include "monitor/watches.h"

#include <algorithm>

namespace chainlab::monitor {

Status check_watch_metric(const std::string& metric) {
  for (const char* known : {"tx_packets", "rx_packets", "tx_bytes", "rx_bytes"}) {
    if (metric == known) {
      return ok_status();
    }
  }
  return make_error(ErrorCode::kInvalidArgument,
                    "metric '{}' is not one of tx_packets, rx_packets, tx_bytes, rx_bytes", metric);
}

Result<bool> Watches::add(const Watch& watch) {
  std::lock_guard lock(mu_);
  if (std::find(watches_.begin(), watches_.end(), watch) != watches_.end()) {
    return false;
  }
  if (watches_.size() >= kMaxWatches) {
    return make_error(ErrorCode::kResourceExhausted, "at most {} monitored metrics", kMaxWatches);
  }
  watches_.push_back(watch);
  return true;
}

bool Watches::remove(const Watch& watch) {
  std::lock_guard lock(mu_);
  return std::erase(watches_, watch) > 0;
}

size_t Watches::remove_vnf(const std::string& vnf) {
  std::lock_guard lock(mu_);
  return std::erase_if(watches_, [&](const Watch& w) { return w.vnf == vnf; });
}

std::vector<Watch> Watches::list() const {
  std::lock_guard lock(mu_);
  return watches_;
}

}  // namespace chainlab::monitor
