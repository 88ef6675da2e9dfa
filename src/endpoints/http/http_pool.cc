#include "endpoints/http/http_pool.h"

#include <httplib.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace chainlab::endpoints {
namespace {

class ElasticPool final : public httplib::TaskQueue {
 public:
  explicit ElasticPool(PoolOptions options) : options_(options) {}
  ~ElasticPool() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    std::lock_guard lock(mu_);
    tasks_.push_back(std::move(fn));
    // An idle thread takes one task, and a notified one counts as idle until it has taken it: a
    // second task enqueued before the first was taken needs a thread of its own (else it would
    // wait behind the first task's whole connection).
    if (tasks_.size() > idle_ && live_ < options_.max_threads) {
      ++live_;
      std::thread([this] { work(); }).detach();
    } else {
      cv_.notify_one();
    }
  }

  // Lets the queued connections finish, then waits for every thread to leave.
  void shutdown() override {
    std::unique_lock lock(mu_);
    stopping_ = true;
    cv_.notify_all();
    done_.wait(lock, [this] { return live_ == 0; });
  }

 private:
  void work() {
    std::unique_lock lock(mu_);
    while (true) {
      ++idle_;
      bool woke =
          cv_.wait_for(lock, options_.idle_exit, [this] { return stopping_ || !tasks_.empty(); });
      --idle_;
      if (tasks_.empty() && (stopping_ || (!woke && live_ > options_.keep))) {
        if (--live_ == 0) {
          done_.notify_all();
        }
        return;  // the last touch of `this` is releasing mu_
      }
      if (tasks_.empty()) {
        continue;
      }
      auto fn = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      fn();
      lock.lock();
    }
  }

  PoolOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;    // work or stop
  std::condition_variable done_;  // live_ reached 0
  std::deque<std::function<void()>> tasks_;
  size_t live_ = 0;
  size_t idle_ = 0;
  bool stopping_ = false;
};

}  // namespace

httplib::TaskQueue* make_elastic_pool(PoolOptions options) {
  return new ElasticPool(options);
}

}  // namespace chainlab::endpoints
