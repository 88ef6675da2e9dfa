// The sampler: reads its Source once per period on its own thread (default 1 s), keeps the latest
// reading (the snapshot and the rates since the one before) for /metrics and the JSON views, and
// a bounded History of the rates and gauges (series names in history_series.h). Listeners
// (alarms) see every reading on the sampler's thread. No extra process; an idle emulation costs
// one collect per period.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "monitor/history.h"
#include "monitor/rates.h"
#include "monitor/source.h"

namespace chainlab::monitor {

struct Reading {
  Snapshot snapshot;
  Rates rates;  // since the reading before (zero for the first)
};

struct SamplerOptions {
  std::chrono::milliseconds period{1000};  // 100 ms .. 1 h
  size_t history_points = 600;             // 10 minutes at 1 s
  const Clock* clock = &SystemClock::instance();
};

class Sampler {
 public:
  using Listener = std::function<void(const Reading&)>;

  // Takes a first reading, then one per period. `source` must outlive the sampler.
  static Result<std::unique_ptr<Sampler>> start(Source& source, SamplerOptions options = {});
  ~Sampler();
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  // The latest reading (never null once started).
  std::shared_ptr<const Reading> latest() const;
  // Reads now, records it like a periodic reading and returns it.
  Result<std::shared_ptr<const Reading>> sample_now();
  // Called with every reading from now on, on the sampler's thread (or sample_now's caller).
  void add_listener(Listener listener);

  std::vector<Point> history(const std::string& series, int64_t since_ms = 0) const;
  std::vector<std::string> series() const;
  bool has_series(const std::string& name) const;
  size_t history_points() const { return options_.history_points; }
  size_t history_bytes() const;
  std::chrono::milliseconds period() const { return options_.period; }

 private:
  Sampler(Source& source, SamplerOptions options);
  void run();

  Source& source_;
  SamplerOptions options_;
  std::mutex sample_mu_;  // one reading at a time (thread and sample_now)
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::shared_ptr<const Reading> latest_;
  History history_;
  std::vector<Listener> listeners_;
  std::thread thread_;
};

}  // namespace chainlab::monitor
