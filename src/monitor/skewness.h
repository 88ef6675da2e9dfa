// son-emu's skewness monitor (PUT|DELETE
// /restapi/monitor/skewness?vnf_name=..&resource_name=cpu|mem), which started a `skewmon`
// container: the sample skewness of an instance's resource use, exported as `skewness{vnf_id,
// vnf_name, vnf_metric}` (skewmon pushed it to the Pushgateway as job sonemu-skewmon). Here it
// comes from the monitor's own history, no container: the adjusted Fisher-Pearson coefficient
// skewmon computes, over the last readings of the instance's CPU use (cores) or memory use (bytes;
// skewmon fed memory through its CPU formula). Thread-safe.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "monitor/sampler.h"

namespace chainlab::monitor {

struct SkewWatch {
  std::string vnf;
  std::string resource;  // "cpu" or "mem"
  friend bool operator==(const SkewWatch&, const SkewWatch&) = default;
};

struct SkewValue {
  SkewWatch watch;
  std::optional<double> value;  // none: fewer than 3 readings, or no variation (skewmon: NaN)
  friend bool operator==(const SkewValue&, const SkewValue&) = default;
};

// InvalidArgument unless `resource` is cpu or mem (son-emu's two).
Status check_skew_resource(const std::string& resource);

class SkewWatches {
 public:
  // false: already watched. ResourceExhausted beyond 1024 entries.
  Result<bool> add(const SkewWatch& watch);
  bool remove(const SkewWatch& watch);  // false: not watched
  std::vector<SkewWatch> list() const;

 private:
  mutable std::mutex mu_;
  std::vector<SkewWatch> watches_;
};

// sqrt(n(n-1))/(n-2) * m3 / m2^1.5 of `xs` (n >= 3, m2 > 0), else none.
std::optional<double> sample_skewness(const std::vector<double>& xs);

// Each watch's skewness over its instance's last `window` readings in `sampler`'s history.
std::vector<SkewValue> skew_values(const Sampler& sampler, const std::vector<SkewWatch>& watches,
                                   size_t window = 60);

}  // namespace chainlab::monitor
