// SerialWorker: jobs run in the order posted, on another thread; drain and the destructor wait
// for the job running.
#include "common/serial_worker.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>
#include <vector>

namespace chainlab {
namespace {

TEST(SerialWorkerTest, RunsJobsInOrderOnItsOwnThread) {
  std::vector<int> order;  // written by the worker only, read after drain
  std::thread::id ran_on;
  SerialWorker worker;
  for (int i = 0; i < 50; ++i) {
    worker.post([&order, &ran_on, i] {
      order.push_back(i);
      ran_on = std::this_thread::get_id();
    });
  }
  worker.drain();
  ASSERT_EQ(order.size(), 50U);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(order[i], i);
  }
  EXPECT_NE(ran_on, std::this_thread::get_id());
  EXPECT_EQ(worker.pending(), 0U);
}

TEST(SerialWorkerTest, DrainWaitsForTheJobRunning) {
  std::promise<void> started;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  int later_ran = 0;
  SerialWorker worker;
  worker.post([&started, released] {
    started.set_value();
    released.wait();
  });
  worker.post([&later_ran] { ++later_ran; });
  started.get_future().wait();
  EXPECT_EQ(worker.pending(), 2U);
  EXPECT_EQ(later_ran, 0);
  release.set_value();
  worker.drain();
  EXPECT_EQ(later_ran, 1);
}

TEST(SerialWorkerTest, DestructionWaitsForTheJobRunning) {
  std::promise<void> started;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  bool finished = false;
  std::thread releaser;
  {
    SerialWorker worker;
    worker.post([&started, released, &finished] {
      started.set_value();
      released.wait();
      finished = true;
    });
    started.get_future().wait();
    releaser = std::thread([&release] { release.set_value(); });
  }
  EXPECT_TRUE(finished);  // the destructor joined the job, wherever the release came
  releaser.join();
}

}  // namespace
}  // namespace chainlab
