// Wall-clock time as an injected dependency: services that expire things (tokens) or stamp
// them take a `const Clock&`, so tests drive time with a ManualClock instead of sleeping.
// iso8601 writes a time point as every API stamps it.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

namespace chainlab {

class Clock {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
  // The process-wide instance (stateless, so sharing it is not shared mutable state).
  static const SystemClock& instance() {
    static const SystemClock clock;
    return clock;
  }
};

// A clock that moves only when told to (tests).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint(std::chrono::hours(24 * 365 * 50)))
      : now_(start.time_since_epoch().count()) {}
  TimePoint now() const override { return TimePoint(TimePoint::duration(now_.load())); }
  void advance(std::chrono::system_clock::duration d) { now_ += d.count(); }

 private:
  std::atomic<TimePoint::rep> now_;
};

// ISO 8601 UTC with microseconds, "2024-01-01T00:00:00.000000Z", or without the fraction
// ("2024-01-01T00:00:00Z") when `seconds_only`.
std::string iso8601(Clock::TimePoint t, bool seconds_only = false);

}  // namespace chainlab
