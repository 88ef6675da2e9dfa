// The orchestrator's request queue (ESCAPE's asynchronous API, docs/mdo.md): a write is given a
// message id at once and runs later on the queue's one worker thread, in arrival order; its
// status is asked by that id (in progress, success, or error with the message). When a job ends,
// its `done` function is called on the worker thread (the call-back).
//
// Bounded: at most `max_pending` jobs wait (submit then fails ResourceExhausted) and the statuses
// of the last `max_kept` finished jobs are kept (older ones are forgotten: NotFound).
// The destructor finishes the running job and ends the waiting ones as errors ("the orchestrator
// stopped"), calling their `done`.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/ids.h"
#include "common/result.h"

namespace chainlab::escape {

enum class JobState { kInProgress, kSuccess, kError };

struct JobStatus {
  JobState state = JobState::kInProgress;
  std::optional<Error> error;  // kError: why
};

class JobQueue {
 public:
  using Work = std::function<Status()>;
  using Done = std::function<void(const std::string& message_id, const JobStatus& status)>;

  explicit JobQueue(const IdSource& ids, size_t max_pending = 1000, size_t max_kept = 10000);
  ~JobQueue();
  JobQueue(const JobQueue&) = delete;
  JobQueue& operator=(const JobQueue&) = delete;

  // The job's message id: `id` when given (AlreadyExists when a job has it), else a new uuid.
  // `done` may be empty.
  Result<std::string> submit(Work work, Done done, std::string id = "");
  std::optional<JobStatus> status(const std::string& message_id) const;
  size_t pending() const;

 private:
  struct Job {
    std::string id;
    Work work;
    Done done;
  };
  void run();
  static Status run_one(const Job& job);
  void finish(const Job& job, JobStatus status);

  const IdSource& ids_;
  size_t max_pending_;
  size_t max_kept_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  std::map<std::string, JobStatus> statuses_;
  std::deque<std::string> finished_;  // oldest first, for forgetting
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace chainlab::escape
