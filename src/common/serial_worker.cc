#include "common/serial_worker.h"

#include <fmt/format.h>

#include <exception>

namespace chainlab {

SerialWorker::SerialWorker() : thread_([this] { run(); }) {}

SerialWorker::~SerialWorker() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    jobs_.clear();
  }
  work_.notify_all();
  thread_.join();
}

void SerialWorker::post(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(job));
  }
  work_.notify_one();
}

void SerialWorker::drain() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [this] { return jobs_.empty() && !running_; });
}

size_t SerialWorker::pending() const {
  std::lock_guard lock(mu_);
  return jobs_.size() + (running_ ? 1 : 0);
}

void SerialWorker::run() {
  std::unique_lock lock(mu_);
  while (true) {
    work_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
    if (stop_) {
      break;
    }
    std::function<void()> job = std::move(jobs_.front());
    jobs_.pop_front();
    running_ = true;
    lock.unlock();
    try {
      job();
    } catch (const std::exception& e) {  // the job's owner records its own failures
      fmt::print(stderr, "chainlab: a background job failed: {}\n", e.what());
    }
    lock.lock();
    running_ = false;
    idle_.notify_all();
  }
  running_ = false;
  idle_.notify_all();
}

}  // namespace chainlab
