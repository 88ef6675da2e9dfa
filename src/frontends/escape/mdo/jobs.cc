#include "frontends/escape/mdo/jobs.h"

#include <cstdio>
#include <exception>
#include <utility>

namespace chainlab::escape {

JobQueue::JobQueue(const IdSource& ids, size_t max_pending, size_t max_kept)
    : ids_(ids), max_pending_(max_pending), max_kept_(max_kept), worker_([this] { run(); }) {}

JobQueue::~JobQueue() {
  std::deque<Job> left;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    left.swap(queue_);
  }
  wake_.notify_all();
  worker_.join();
  for (const Job& job : left) {
    finish(job,
           JobStatus{JobState::kError, Error{ErrorCode::kUnavailable, "the orchestrator stopped"}});
  }
}

Result<std::string> JobQueue::submit(Work work, Done done, std::string id) {
  id = id.empty() ? ids_.uuid() : id;
  {
    std::lock_guard lock(mu_);
    if (statuses_.count(id) != 0) {
      return make_error(ErrorCode::kAlreadyExists, "message-id {} is taken", id);
    }
    if (queue_.size() >= max_pending_) {
      return make_error(ErrorCode::kResourceExhausted,
                        "{} requests are waiting already; try again later", queue_.size());
    }
    statuses_[id] = JobStatus{};
    queue_.push_back(Job{id, std::move(work), std::move(done)});
  }
  wake_.notify_one();
  return id;
}

std::optional<JobStatus> JobQueue::status(const std::string& message_id) const {
  std::lock_guard lock(mu_);
  auto it = statuses_.find(message_id);
  return it == statuses_.end() ? std::nullopt : std::optional(it->second);
}

size_t JobQueue::pending() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void JobQueue::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) {
        return;
      }
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    Status s = run_one(job);
    finish(job, s.ok() ? JobStatus{JobState::kSuccess, std::nullopt}
                       : JobStatus{JobState::kError, s.error()});
  }
}

// A job that throws (a library's exception on odd input) fails; the worker goes on.
Status JobQueue::run_one(const Job& job) {
  try {
    return job.work();
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kInternal, "the request failed unexpectedly: {}", e.what());
  }
}

void JobQueue::finish(const Job& job, JobStatus status) {
  {
    std::lock_guard lock(mu_);
    statuses_[job.id] = status;
    finished_.push_back(job.id);
    while (finished_.size() > max_kept_) {
      statuses_.erase(finished_.front());
      finished_.pop_front();
    }
  }
  if (job.done) {
    try {
      job.done(job.id, status);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "call-back of %s: %s\n", job.id.c_str(), e.what());
    }
  }
}

}  // namespace chainlab::escape
