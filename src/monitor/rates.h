// Rates between two snapshots of the same source: per second, item by item (matched by name; an
// item new in `now` counts from zero, a counter that went backwards was made again and counts
// from zero too).
#pragma once

#include <vector>

#include "monitor/snapshot.h"

namespace chainlab::monitor {

struct Rate {
  double packets = 0;  // per second
  double bytes = 0;
  double dropped = 0;
};

// Parallel to the vectors of the later snapshot: cpu_cores[i] is for now.instances[i], ...
struct Rates {
  std::vector<double> cpu_cores;  // CPU seconds per second
  std::vector<Rate> interface_rx;
  std::vector<Rate> interface_tx;
  std::vector<Rate> flows;
  std::vector<Rate> elans;
  std::vector<Rate> links;  // dropped: loss and queue overflow together
};

// All zero when `before` is null or not older than `now`.
Rates rates_between(const Snapshot* before, const Snapshot& now);

}  // namespace chainlab::monitor
