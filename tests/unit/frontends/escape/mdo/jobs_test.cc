// The orchestrator's request queue (frontends/escape/mdo/jobs.h): ids at once, one job at a time
// in order, statuses, call-backs, bounds.
#include "frontends/escape/mdo/jobs.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <vector>

namespace chainlab::escape {
namespace {

using namespace std::chrono_literals;

// Waits (by the clock) until `id` is no longer in progress.
JobStatus wait_done(const JobQueue& q, const std::string& id) {
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto s = q.status(id);
    if (s && s->state != JobState::kInProgress) {
      return *s;
    }
    std::this_thread::sleep_for(1ms);
  }
  ADD_FAILURE() << "job " << id << " did not end";
  return {};
}

TEST(JobQueueTest, JobsRunInOrderAndReportTheirEnd) {
  SequentialIds ids;
  JobQueue q(ids);
  std::promise<void> gate;
  std::shared_future<void> open = gate.get_future().share();
  std::vector<int> order;
  std::vector<std::string> ended;
  std::mutex mu;
  auto done = [&](const std::string& id, const JobStatus&) {
    std::lock_guard lock(mu);
    ended.push_back(id);
  };
  auto first = q.submit(
      [&] {
        open.wait();
        order.push_back(1);
        return ok_status();
      },
      done);
  auto second = q.submit(
      [&] {
        order.push_back(2);
        return Status(make_error(ErrorCode::kFailedPrecondition, "mapping failed: cpu"));
      },
      done);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(*first, *second);
  EXPECT_EQ(q.status(*second)->state, JobState::kInProgress);  // waiting behind the first
  gate.set_value();
  EXPECT_EQ(wait_done(q, *first).state, JobState::kSuccess);
  JobStatus s = wait_done(q, *second);
  EXPECT_EQ(s.state, JobState::kError);
  EXPECT_EQ(s.error->message, "mapping failed: cpu");
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_FALSE(q.status("unknown").has_value());
  auto deadline = std::chrono::steady_clock::now() + 10s;
  for (;;) {  // done runs right after the status is set
    {
      std::lock_guard lock(mu);
      if (ended.size() == 2 || std::chrono::steady_clock::now() > deadline) {
        break;
      }
    }
    std::this_thread::sleep_for(1ms);
  }
  std::lock_guard lock(mu);
  EXPECT_EQ(ended, (std::vector<std::string>{*first, *second}));
}

TEST(JobQueueTest, AJobThatThrowsFailsAndTheQueueGoesOn) {
  SequentialIds ids;
  JobQueue q(ids);
  auto bad = q.submit([]() -> Status { throw std::out_of_range("stoi"); }, nullptr);
  auto good = q.submit([] { return ok_status(); }, nullptr);
  ASSERT_TRUE(bad.ok() && good.ok());
  JobStatus b = wait_done(q, *bad);
  EXPECT_EQ(b.state, JobState::kError);
  EXPECT_NE(b.error->message.find("stoi"), std::string::npos);
  EXPECT_EQ(wait_done(q, *good).state, JobState::kSuccess);
}

TEST(JobQueueTest, BoundsAndGivenIds) {
  SequentialIds ids;
  std::promise<void> gate;
  std::shared_future<void> open = gate.get_future().share();
  {
    JobQueue q(ids, /*max_pending=*/2, /*max_kept=*/1);
    auto blocker = q.submit(
        [&] {
          open.wait();
          return ok_status();
        },
        nullptr, "m-1");
    ASSERT_TRUE(blocker.ok());
    EXPECT_EQ(*blocker, "m-1");
    EXPECT_EQ(q.submit([] { return ok_status(); }, nullptr, "m-1").error().code,
              ErrorCode::kAlreadyExists);
    // The blocker may still be queued or already running: fill the queue up to its bound.
    std::vector<std::string> queued;
    for (int i = 0; i < 3; ++i) {
      auto r = q.submit([] { return ok_status(); }, nullptr);
      if (!r.ok()) {
        EXPECT_EQ(r.error().code, ErrorCode::kResourceExhausted);
        break;
      }
      queued.push_back(*r);
    }
    EXPECT_LE(q.pending(), 2u);
    gate.set_value();
    for (const auto& id : queued) {
      wait_done(q, id);
    }
    // Only the last finished job's status is kept.
    EXPECT_FALSE(q.status("m-1").has_value());
    EXPECT_TRUE(q.status(queued.back()).has_value());
  }
}

TEST(JobQueueTest, StoppingEndsTheWaitingJobsAsErrors) {
  SequentialIds ids;
  std::promise<void> gate;
  std::shared_future<void> open = gate.get_future().share();
  std::atomic<int> errors{0};
  auto q = std::make_unique<JobQueue>(ids);
  auto started = std::make_shared<std::promise<void>>();
  ASSERT_TRUE(q->submit(
                   [&, started] {
                     started->set_value();
                     open.wait();
                     return ok_status();
                   },
                   nullptr)
                  .ok());
  started->get_future().wait();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(q->submit([] { return ok_status(); },
                          [&](const std::string&, const JobStatus& s) {
                            errors += s.state == JobState::kError ? 1 : 0;
                          })
                    .ok());
  }
  // Once the destructor has taken the waiting jobs (none pending while the first still runs),
  // the first may end.
  JobQueue* raw = q.get();
  std::thread release([&, raw] {
    while (raw->pending() != 0) {
      std::this_thread::sleep_for(1ms);
    }
    gate.set_value();
  });
  q.reset();
  release.join();
  EXPECT_EQ(errors.load(), 3);
}

}  // namespace
}  // namespace chainlab::escape
