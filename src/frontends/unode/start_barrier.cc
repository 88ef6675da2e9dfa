#include "frontends/unode/start_barrier.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include <fmt/format.h>

namespace chainlab::unode {

Result<StartBarrier> StartBarrier::create() {
  char tmpl[] = "/tmp/chainlab-start-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) {
    return errno_error(errno, "creating the VNFs' start directory");
  }
  return StartBarrier(tmpl);
}

StartBarrier::~StartBarrier() {
  for (const Waiting& w : waiting_) {
    ::unlink(w.path.c_str());
  }
  if (!dir_.empty()) {
    ::rmdir(dir_.c_str());
  }
}

Result<std::string> StartBarrier::add(const std::string& vnf) {
  std::string path = fmt::format("{}/{}", dir_, waiting_.size());
  if (::mkfifo(path.c_str(), 0600) != 0) {
    return errno_error(errno, fmt::format("creating {}", path));
  }
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) {
    int err = errno;
    ::unlink(path.c_str());
    return errno_error(err, fmt::format("opening {}", path));
  }
  waiting_.push_back({vnf, path, std::move(fd)});
  return path;
}

Status StartBarrier::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<Waiting*> left;
  for (Waiting& w : waiting_) {
    left.push_back(&w);
  }
  while (!left.empty()) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    std::vector<pollfd> fds;
    for (Waiting* w : left) {
      fds.push_back({w->fd.get(), POLLIN, 0});
    }
    int n = ms.count() > 0 ? ::poll(fds.data(), fds.size(), static_cast<int>(ms.count())) : 0;
    if (n < 0 && errno != EINTR) {
      return errno_error(errno, "waiting for the VNFs' start");
    }
    if (n == 0) {
      return make_error(ErrorCode::kFailedPrecondition,
                        "VNF {}: its bundle's start did not finish within {} s", left[0]->vnf,
                        timeout.count() / 1000);
    }
    std::vector<Waiting*> still;
    for (size_t i = 0; i < left.size(); ++i) {
      if (fds[i].revents == 0) {
        still.push_back(left[i]);
        continue;
      }
      char buf[16] = {};
      ssize_t got = ::read(left[i]->fd.get(), buf, sizeof buf - 1);
      if (got <= 0 || std::atoi(buf) != 0) {
        return make_error(ErrorCode::kFailedPrecondition, "VNF {}: its bundle's start exited {}",
                          left[i]->vnf,
                          got > 0 ? std::to_string(std::atoi(buf)) : "without a word");
      }
    }
    left = std::move(still);
  }
  return ok_status();
}

}  // namespace chainlab::unode
