// Closes the switch's packet sockets off the caller's path. Closing one waits for an RCU grace
// period in the kernel (~20 ms); a port removed while an instance stops or a server is deleted
// would otherwise hold the engine's and the emulation's locks for that long, and every other
// request behind them (issue 16). One thread closes whatever has queued, in parallel
// (close_sockets); the destructor closes the rest before it returns, so nothing outlives the
// engine.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "common/fd.h"

namespace chainlab::dataplane {

class SocketCloser {
 public:
  SocketCloser();
  ~SocketCloser();
  SocketCloser(const SocketCloser&) = delete;
  SocketCloser& operator=(const SocketCloser&) = delete;

  void close_later(UniqueFd fd);

 private:
  void loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<UniqueFd> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace chainlab::dataplane
