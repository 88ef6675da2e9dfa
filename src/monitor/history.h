// A bounded history of named series (the dashboard's graphs, the alarms' "for 2 s"): one value
// per tick for the last `capacity` ticks. A series holds at most capacity floats (4 bytes each)
// plus its name, and fewer while it is younger than that: instances that live seconds (servers
// created and deleted in a loop) cost seconds of values, not the whole window. The tick times are
// shared. A series not written for `capacity` ticks is dropped (its instance is gone). Not
// thread-safe: the sampler guards it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace chainlab::monitor {

struct Point {
  int64_t time_ms = 0;
  double value = 0;
};

class History {
 public:
  explicit History(size_t capacity);

  // Starts the next tick at `time_ms`; the values put until the next call belong to it.
  void begin_tick(int64_t time_ms);
  // The series' value at the current tick (a tick a series missed is a gap).
  void put(const std::string& series, double value);
  // Drops the series not written for `capacity` ticks.
  void end_tick();

  // The points of `series` at or after `since_ms`, oldest first, gaps left out.
  std::vector<Point> points(const std::string& series, int64_t since_ms = 0) const;
  std::vector<std::string> names() const;
  bool contains(const std::string& series) const { return series_.contains(series); }
  size_t capacity() const { return capacity_; }
  // What the values, names and tick times take (an estimate of the heap used).
  // At most capacity floats per series, however long the history runs.
  size_t memory_bytes() const;

 private:
  // Until it holds `capacity` values, values[i] is tick first_tick + i; from then on a ring:
  // tick t at slot(t).
  struct Series {
    uint64_t first_tick = 0;
    uint64_t last_tick = 0;
    std::vector<float> values;
  };
  size_t slot(uint64_t tick) const { return tick % capacity_; }
  bool is_ring(const Series& s) const { return s.values.size() == capacity_; }
  float value_at(const Series& s, uint64_t tick) const;
  void make_ring(Series& s) const;

  size_t capacity_;
  uint64_t tick_ = 0;  // the current tick; 0 before the first
  std::vector<int64_t> times_;
  std::map<std::string, Series> series_;
};

}  // namespace chainlab::monitor
