// "instance.exited" events from the readings: an instance whose state becomes "exited" (its
// command ended by itself, or was killed) is published once with its exit code, within one
// sampling period. (Started and stopped come from the emulation itself.)
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "monitor/events.h"
#include "monitor/sampler.h"

namespace chainlab::monitor {

class InstanceExits {
 public:
  explicit InstanceExits(EventSink& events) : events_(events) {}
  // The sampler's listener.
  void observe(const Reading& reading);

 private:
  EventSink& events_;
  std::mutex mu_;
  std::map<std::string, std::string> states_;  // instance -> state at the last reading
};

}  // namespace chainlab::monitor
