// SerialWorker: runs the jobs posted to it one after another, in the order posted, on a thread of
// its own. The caller returns at once; `drain` waits for what is queued. Used where a request
// must be answered before its work is done (a Nova server is BUILD until its instance runs).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace chainlab {

class SerialWorker {
 public:
  SerialWorker();
  // Finishes the job running; the jobs still queued are dropped, never run.
  ~SerialWorker();
  SerialWorker(const SerialWorker&) = delete;
  SerialWorker& operator=(const SerialWorker&) = delete;

  // A job that throws is reported on stderr; the next one runs.
  void post(std::function<void()> job);
  // Waits until nothing is queued or running.
  void drain();
  // Queued or running.
  size_t pending() const;

 private:
  void run();

  mutable std::mutex mu_;
  std::condition_variable work_;  // jobs_ or stop_ changed
  std::condition_variable idle_;  // a job ended
  std::deque<std::function<void()>> jobs_;
  bool running_ = false;
  bool stop_ = false;
  std::thread thread_;  // last: started once the rest is ready
};

}  // namespace chainlab
