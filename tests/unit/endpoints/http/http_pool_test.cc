// The elastic worker pool: a connection never waits behind another while the pool may grow.
#include <httplib.h>

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "endpoints/http/http_pool.h"

namespace chainlab::endpoints {
namespace {

using namespace std::chrono_literals;

// A flag one task sets and another waits for (bounded, so that a failing test ends).
class Signal {
 public:
  void set() {
    std::lock_guard lock(mu_);
    set_ = true;
    cv_.notify_all();
  }
  bool wait(std::chrono::milliseconds limit) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [this] { return set_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool set_ = false;
};

std::unique_ptr<httplib::TaskQueue> pool(size_t max_threads) {
  return std::unique_ptr<httplib::TaskQueue>(
      make_elastic_pool({.max_threads = max_threads, .keep = 4, .idle_exit = 10'000ms}));
}

// Two tasks enqueued back to back while one thread idles: the second must not wait for the first
// (it did when only an idle count of zero started a thread: a slow exec held back every request
// that arrived with it).
TEST(ElasticPoolTest, TwoTasksAtOnceGetTwoThreadsEvenWithOneIdle) {
  auto q = pool(8);
  for (int round = 0; round < 20; ++round) {
    Signal warm;
    q->enqueue([&warm] { warm.set(); });  // leaves one idle thread behind
    ASSERT_TRUE(warm.wait(10s));
    Signal second_ran, first_saw_second, first_done;
    q->enqueue([&] {
      if (second_ran.wait(10s)) {
        first_saw_second.set();
      }
      first_done.set();
    });
    q->enqueue([&second_ran] { second_ran.set(); });
    ASSERT_TRUE(first_done.wait(15s));
    ASSERT_TRUE(first_saw_second.wait(0ms)) << "round " << round;
  }
  q->shutdown();
}

// At the cap, further tasks wait in order and run once a thread is free.
TEST(ElasticPoolTest, TasksBeyondTheCapWaitForAFreeThread) {
  auto q = pool(1);
  Signal release, first_done, second_done;
  q->enqueue([&] {
    release.wait(10s);
    first_done.set();
  });
  q->enqueue([&second_done] { second_done.set(); });
  EXPECT_FALSE(second_done.wait(200ms));  // the one thread is busy
  release.set();
  EXPECT_TRUE(first_done.wait(10s));
  EXPECT_TRUE(second_done.wait(10s));
  q->shutdown();
}

}  // namespace
}  // namespace chainlab::endpoints
