// Moves instances' stdout/stderr into their capped InstanceLogs: one thread and one epoll set for
// any number of instances (hundreds scale; no thread per instance). Each attached instance gets a
// pipe: the write end becomes the instance's stdout and stderr, the pump reads the other end
// (non-blocking, at most 64 KiB per stream per round, so one chatty instance cannot starve the
// others) and appends to the log. A fast writer (`yes`) is slowed by the full pipe, never by
// memory: nothing is buffered beyond the pipe and one read. With nothing to read the thread
// sleeps in epoll_wait (no timer, no CPU).
//
// When every holder of a pipe's write end has exited, the pump reads to EOF, marks the log not
// live and closes the pipe. `detach` (instance destroyed, or restarted with a new pipe) reads what
// is already in the pipe (bounded), then closes it.
// See also: instance_log.h, native_driver.h, oci_driver.h.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "common/fd.h"
#include "common/result.h"
#include "runtime/instance_log.h"

namespace chainlab::runtime {

class LogPump {
 public:
  static Result<std::unique_ptr<LogPump>> start();
  // Stops the thread and closes every pipe (data still in them is dropped).
  ~LogPump();
  LogPump(const LogPump&) = delete;
  LogPump& operator=(const LogPump&) = delete;

  // A new pipe into `log` (marked live); returns its write end for the child's stdout/stderr
  // (close-on-exec: the spawner dup2s it). A log already attached is detached first.
  Result<UniqueFd> attach(std::shared_ptr<InstanceLog> log);
  // Reads what is in `log`'s pipe now into the log, in the caller's thread (e.g. the output of a
  // helper that has just exited, before reporting its error).
  void drain(const InstanceLog& log);
  // Reads what is in `log`'s pipe (at most 1 MiB), closes the pipe; the log is no longer live.
  // No-op if unknown.
  void detach(const InstanceLog& log);
  // Pipes open now (tests: nothing leaks).
  size_t attached() const;

 private:
  struct Stream;
  LogPump() = default;
  void run();
  // Reads one chunk (or until EAGAIN when `all`); false at EOF or on a read error.
  static bool pump(Stream& s, char* buf, size_t size, bool all);
  void close_stream(uint64_t id);

  UniqueFd epoll_;
  UniqueFd wake_;  // eventfd: stop
  std::thread thread_;
  mutable std::mutex mu_;  // streams_ and next_id_; taken before a Stream's own mutex
  std::map<uint64_t, std::shared_ptr<Stream>> streams_;
  uint64_t next_id_ = 1;
};

}  // namespace chainlab::runtime
