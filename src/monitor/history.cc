#include "monitor/history.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace chainlab::monitor {

History::History(size_t capacity) : capacity_(std::max<size_t>(capacity, 1)), times_(capacity_) {}

void History::begin_tick(int64_t time_ms) {
  ++tick_;
  times_[slot(tick_)] = time_ms;
}

void History::put(const std::string& name, double value) {
  if (tick_ == 0) {
    return;
  }
  constexpr float kGap = std::numeric_limits<float>::quiet_NaN();
  auto [it, fresh] = series_.try_emplace(name);
  Series& s = it->second;
  if (fresh) {
    s.values = std::make_unique<float[]>(capacity_);
    std::fill_n(s.values.get(), capacity_, kGap);
  } else {
    // The ticks it missed since its last value are gaps.
    uint64_t missed = std::min<uint64_t>(tick_ - s.last_tick - 1, capacity_);
    for (uint64_t t = tick_ - missed; t < tick_; ++t) {
      s.values[slot(t)] = kGap;
    }
  }
  s.values[slot(tick_)] = static_cast<float>(value);
  s.last_tick = tick_;
}

void History::end_tick() {
  std::erase_if(series_,
                [&](const auto& entry) { return entry.second.last_tick + capacity_ <= tick_; });
}

std::vector<Point> History::points(const std::string& name, int64_t since_ms) const {
  std::vector<Point> out;
  auto it = series_.find(name);
  if (it == series_.end()) {
    return out;
  }
  const Series& s = it->second;
  uint64_t first = tick_ >= capacity_ ? tick_ - capacity_ + 1 : 1;
  for (uint64_t t = first; t <= s.last_tick; ++t) {
    float v = s.values[slot(t)];
    if (!std::isnan(v) && times_[slot(t)] >= since_ms) {
      out.push_back({times_[slot(t)], v});
    }
  }
  return out;
}

std::vector<std::string> History::names() const {
  std::vector<std::string> out;
  for (const auto& [name, s] : series_) {
    out.push_back(name);
  }
  return out;
}

size_t History::memory_bytes() const {
  // A map node: the key, the value and about four pointers of bookkeeping.
  size_t per_series = capacity_ * sizeof(float) + sizeof(std::string) + sizeof(Series) + 32;
  size_t names = 0;
  for (const auto& [name, s] : series_) {
    names += name.capacity() > 15 ? name.capacity() + 1 : 0;
  }
  return times_.size() * sizeof(int64_t) + series_.size() * per_series + names;
}

}  // namespace chainlab::monitor
