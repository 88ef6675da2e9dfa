#include "monitor/events.h"

#include <algorithm>

namespace chainlab::monitor {

EventLog::EventLog(const Clock& clock, size_t capacity)
    : clock_(clock), capacity_(std::max<size_t>(capacity, 1)) {}

void EventLog::publish(std::string type, nlohmann::json data) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now().time_since_epoch())
                .count();
  {
    std::lock_guard lock(mu_);
    events_.push_back({next_id_++, ms, std::move(type), std::move(data)});
    if (events_.size() > capacity_) {
      events_.pop_front();
    }
  }
  changed_.notify_all();
}

std::vector<Event> EventLog::after(uint64_t id, size_t max, std::chrono::milliseconds wait) const {
  std::unique_lock lock(mu_);
  changed_.wait_for(lock, wait, [&] { return closed_ || next_id_ - 1 > id; });
  // Ids are consecutive: the first one after `id` is at a known index.
  size_t first = events_.empty() || id < events_.front().id ? 0 : id - events_.front().id + 1;
  std::vector<Event> out;
  for (size_t i = first; i < events_.size() && out.size() < max; ++i) {
    out.push_back(events_[i]);
  }
  return out;
}

uint64_t EventLog::last_id() const {
  std::lock_guard lock(mu_);
  return next_id_ - 1;
}

bool EventLog::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

void EventLog::close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  changed_.notify_all();
}

}  // namespace chainlab::monitor
