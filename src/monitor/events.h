// The emulation's one event stream: instance started/stopped/exited (with its exit code), chain
// added/removed, link changed, alarm fired/resolved, service instantiated/terminated. Producers
// hold an EventSink (the emulation, the alarms, the gatekeeper); readers (GET /restapi/events as
// Server-Sent Events, `chainlab events`, the dashboard) read the EventLog by id. The log keeps the
// last `capacity` events (a reader that falls further behind misses the oldest).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"

namespace chainlab::monitor {

struct Event {
  uint64_t id = 0;  // 1, 2, ... in publishing order
  int64_t time_ms = 0;
  std::string type;  // "instance.started", "alarm.fired", ...
  nlohmann::json data;
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void publish(std::string type, nlohmann::json data) = 0;
};

class EventLog final : public EventSink {
 public:
  explicit EventLog(const Clock& clock = SystemClock::instance(), size_t capacity = 10000);

  void publish(std::string type, nlohmann::json data) override;
  // The events after `id` (at most `max`); if there are none, waits up to `wait` for one.
  std::vector<Event> after(uint64_t id, size_t max, std::chrono::milliseconds wait) const;
  uint64_t last_id() const;
  // Wakes every waiting reader; `after` no longer waits.
  void close();
  bool closed() const;

 private:
  const Clock& clock_;
  size_t capacity_;
  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  std::deque<Event> events_;
  uint64_t next_id_ = 1;
  bool closed_ = false;
};

}  // namespace chainlab::monitor
