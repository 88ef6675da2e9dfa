// The Prometheus text exposition (format 0.0.4) of a reading, written by prometheus-cpp's
// TextSerializer: chainlab_* families (labels pop, instance, interface, cookie, link), the
// cAdvisor names existing dashboards query (container_cpu_usage_seconds_total,
// container_memory_usage_bytes with name=<instance>), and son-emu's sonemu_{tx,rx}_count_{packets,
// bytes} (vnf_name, vnf_interface, flow_id) for the entries son-emu's monitor API set up.
// Names and meanings: docs/monitoring.md.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "monitor/sampler.h"
#include "monitor/skewness.h"
#include "monitor/snapshot.h"
#include "monitor/watches.h"

namespace chainlab::monitor {

inline constexpr const char* kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

std::string exposition(const Snapshot& snapshot, const std::vector<Watch>& watches,
                       const std::vector<SkewValue>& skews = {});
// Only the sonemu_* metrics of `watches` (what --pushgateway pushes).
std::string sonemu_exposition(const Snapshot& snapshot, const std::vector<Watch>& watches);

// The exposition of a reading, written once per reading and list of watches: scrapers, dashboards
// and CLIs polling between two readings get the same text without writing it again. Thread-safe.
class ExpositionCache {
 public:
  std::shared_ptr<const std::string> get(std::shared_ptr<const Reading> reading,
                                         std::vector<Watch> watches,
                                         std::vector<SkewValue> skews = {});

 private:
  std::mutex mu_;
  std::shared_ptr<const Reading> reading_;
  std::vector<Watch> watches_;
  std::vector<SkewValue> skews_;
  std::shared_ptr<const std::string> text_;
};

}  // namespace chainlab::monitor
