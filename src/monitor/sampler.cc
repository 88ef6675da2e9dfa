#include "monitor/sampler.h"

#include <pthread.h>

#include "monitor/history_series.h"

namespace chainlab::monitor {

Sampler::Sampler(Source& source, SamplerOptions options)
    : source_(source), options_(options), history_(options.history_points) {}

Result<std::unique_ptr<Sampler>> Sampler::start(Source& source, SamplerOptions options) {
  using namespace std::chrono_literals;
  if (options.period < 100ms || options.period > 1h) {
    return make_error(ErrorCode::kInvalidArgument,
                      "the sampling period must be between 100 ms and 1 h (not {} ms)",
                      options.period.count());
  }
  if (options.history_points < 1 || options.history_points > 100'000) {
    return make_error(ErrorCode::kInvalidArgument, "history points must be 1..100000 (not {})",
                      options.history_points);
  }
  std::unique_ptr<Sampler> sampler(new Sampler(source, options));
  CL_RETURN_IF_ERROR(sampler->sample_now());
  sampler->thread_ = std::thread([s = sampler.get()] { s->run(); });
  return sampler;
}

Sampler::~Sampler() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void Sampler::run() {
  ::pthread_setname_np(::pthread_self(), "cl-monitor");
  std::unique_lock lock(mu_);
  while (!wake_.wait_for(lock, options_.period, [&] { return stopping_; })) {
    lock.unlock();
    (void)sample_now();  // a failed reading leaves the last one (the next may succeed)
    lock.lock();
  }
}

Result<std::shared_ptr<const Reading>> Sampler::sample_now() {
  std::lock_guard one(sample_mu_);
  CL_ASSIGN_OR_RETURN(Snapshot snapshot, source_.collect());
  snapshot.time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         options_.clock->now().time_since_epoch())
                         .count();
  snapshot.mono_ns = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                               std::chrono::steady_clock::now().time_since_epoch())
                                               .count());
  auto reading = std::make_shared<Reading>();
  std::vector<Listener> listeners;
  {
    std::lock_guard lock(mu_);
    reading->rates = rates_between(latest_ ? &latest_->snapshot : nullptr, snapshot);
    reading->snapshot = std::move(snapshot);
    history_.begin_tick(reading->snapshot.time_ms);
    record(history_, *reading);
    history_.end_tick();
    latest_ = reading;
    listeners = listeners_;
  }
  for (const Listener& l : listeners) {
    l(*reading);
  }
  return std::shared_ptr<const Reading>(reading);
}

std::shared_ptr<const Reading> Sampler::latest() const {
  std::lock_guard lock(mu_);
  return latest_;
}

void Sampler::add_listener(Listener listener) {
  std::lock_guard lock(mu_);
  listeners_.push_back(std::move(listener));
}

std::vector<Point> Sampler::history(const std::string& series, int64_t since_ms) const {
  std::lock_guard lock(mu_);
  return history_.points(series, since_ms);
}

std::vector<std::string> Sampler::series() const {
  std::lock_guard lock(mu_);
  return history_.names();
}

bool Sampler::has_series(const std::string& name) const {
  std::lock_guard lock(mu_);
  return history_.contains(name);
}

size_t Sampler::history_bytes() const {
  std::lock_guard lock(mu_);
  return history_.memory_bytes();
}

}  // namespace chainlab::monitor
