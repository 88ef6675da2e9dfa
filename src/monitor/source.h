// Where samples come from: the emulation implements Source (emulator/emulation.h), unit tests
// give a fake. `collect` is called from the sampler's thread, once per period, and on demand.
#pragma once

#include "common/result.h"
#include "monitor/snapshot.h"

namespace chainlab::monitor {

class Source {
 public:
  virtual ~Source() = default;
  // Every counter now. The times are the caller's to fill (the sampler stamps them).
  virtual Result<Snapshot> collect() = 0;
};

}  // namespace chainlab::monitor
