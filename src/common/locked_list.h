// A list several threads add to and read whole: entries are appended under a lock and read as a
// copy (snapshot), never in place.
#pragma once

#include <mutex>
#include <utility>
#include <vector>

namespace chainlab {

template <typename T>
class LockedList {
 public:
  void add(T item) {
    std::lock_guard lock(mu_);
    items_.push_back(std::move(item));
  }
  std::vector<T> snapshot() const {
    std::lock_guard lock(mu_);
    return items_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<T> items_;
};

}  // namespace chainlab
