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

namespace {
constexpr float kGap = std::numeric_limits<float>::quiet_NaN();
}

void History::put(const std::string& name, double value) {
  if (tick_ == 0) {
    return;
  }
  auto [it, fresh] = series_.try_emplace(name);
  Series& s = it->second;
  if (fresh) {
    s.first_tick = tick_;
  }
  if (!is_ring(s) && tick_ - s.first_tick >= capacity_) {
    make_ring(s);  // it has lived a whole window (written or not)
  }
  if (!is_ring(s)) {
    size_t size = tick_ - s.first_tick + 1;
    if (size > s.values.capacity()) {
      s.values.reserve(std::min(capacity_, std::max<size_t>(8, 2 * size)));  // never past capacity
    }
    s.values.resize(size - 1, kGap);  // ticks missed since its last value: gaps
    s.values.push_back(static_cast<float>(value));
    if (s.values.size() == capacity_) {
      make_ring(s);
    }
  } else {
    uint64_t missed = std::min<uint64_t>(tick_ - s.last_tick - 1, capacity_);
    for (uint64_t t = tick_ - missed; t < tick_; ++t) {
      s.values[slot(t)] = kGap;
    }
    s.values[slot(tick_)] = static_cast<float>(value);
  }
  s.last_tick = tick_;
}

// values[i] (tick first_tick + i) moves to slot(first_tick + i); the slots not written are gaps.
void History::make_ring(Series& s) const {
  s.values.resize(capacity_, kGap);
  s.values.shrink_to_fit();
  std::rotate(s.values.rbegin(),
              s.values.rbegin() + static_cast<std::ptrdiff_t>(slot(s.first_tick)), s.values.rend());
}

float History::value_at(const Series& s, uint64_t tick) const {
  if (is_ring(s)) {
    return s.values[slot(tick)];
  }
  uint64_t i = tick - s.first_tick;
  return tick >= s.first_tick && i < s.values.size() ? s.values[i] : kGap;
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
  for (uint64_t t = std::max(first, s.first_tick); t <= s.last_tick; ++t) {
    float v = value_at(s, t);
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
  size_t per_series = sizeof(std::string) + sizeof(Series) + 32;
  size_t heap = 0;
  for (const auto& [name, s] : series_) {
    heap += name.capacity() > 15 ? name.capacity() + 1 : 0;
    heap += s.values.capacity() * sizeof(float);
  }
  return times_.size() * sizeof(int64_t) + series_.size() * per_series + heap;
}

}  // namespace chainlab::monitor
