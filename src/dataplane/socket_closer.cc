#include "dataplane/socket_closer.h"

#include "dataplane/port_io.h"

namespace chainlab::dataplane {

SocketCloser::SocketCloser() : thread_([this] { loop(); }) {}

SocketCloser::~SocketCloser() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void SocketCloser::close_later(UniqueFd fd) {
  if (!fd.valid()) {
    return;
  }
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(fd));
  }
  cv_.notify_one();
}

void SocketCloser::loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) {
      return;  // stopping, and everything is closed
    }
    std::vector<UniqueFd> batch = std::move(queue_);
    queue_.clear();
    lock.unlock();
    close_sockets(std::move(batch));
    lock.lock();
  }
}

}  // namespace chainlab::dataplane
