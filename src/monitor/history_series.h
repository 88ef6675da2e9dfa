// The history's series names, one per value a reading records:
//   instance/<name>/cpu            CPU seconds per second      instance/<name>/memory   bytes
//   interface/<instance>/<if>/{rx,tx}_{bytes,packets}          per second, the VNF's view
//   flow/<node>/<cookie>/{bytes,packets}                       per second
//   elan/<name>/{bytes,packets}                                per second
//   link/<from>/<to>/{bytes,packets,dropped}                   per second;  .../queued  packets
//   pop/<pop>/{cu_allocated,memory_allocated_mb}
#pragma once

#include <functional>
#include <string>

#include "monitor/history.h"
#include "monitor/sampler.h"

namespace chainlab::monitor {

// Calls `fn(series name, value)` for every series of `reading` (the alarms read these too).
void each_value(const Reading& reading, const std::function<void(const std::string&, double)>& fn);

// Puts every series of `reading` into the current tick of `history`.
void record(History& history, const Reading& reading);

}  // namespace chainlab::monitor
