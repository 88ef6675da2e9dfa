// son-emu's monitored metrics (PUT /restapi/monitor/interface|flow|link): which (VNF, interface,
// metric[, cookie]) the sonemu_* Prometheus names export. Unlike son-emu, stopping one entry
// stops that one only (son-emu's DELETE wipes the whole Pushgateway job). Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace chainlab::monitor {

struct Watch {
  std::string vnf;
  std::string interface;
  std::string metric;              // tx_packets, rx_packets, tx_bytes, rx_bytes
  std::optional<uint64_t> cookie;  // a flow metric: the rules of this cookie on the VNF's PoP
  friend bool operator==(const Watch&, const Watch&) = default;
};

// InvalidArgument unless `metric` is one of son-emu's four.
Status check_watch_metric(const std::string& metric);

inline constexpr size_t kMaxWatches = 4096;

class Watches {
 public:
  // false: it was already watched (nothing changes). ResourceExhausted beyond kMaxWatches.
  Result<bool> add(const Watch& watch);
  // false: it was not watched.
  bool remove(const Watch& watch);
  // Every entry of `vnf` (an instance that is gone); how many.
  size_t remove_vnf(const std::string& vnf);
  std::vector<Watch> list() const;

 private:
  mutable std::mutex mu_;
  std::vector<Watch> watches_;
};

}  // namespace chainlab::monitor
