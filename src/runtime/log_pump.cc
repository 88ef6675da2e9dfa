#include "runtime/log_pump.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace chainlab::runtime {
namespace {

constexpr size_t kChunk = 64 << 10;
constexpr uint64_t kWakeId = 0;
// drain/attach read at most this many chunks: bounded even if a writer is still alive.
constexpr int kDrainRounds = 16;

}  // namespace

struct LogPump::Stream {
  std::mutex mu;  // guards read_end against a concurrent drain or close
  UniqueFd read_end;
  std::shared_ptr<InstanceLog> log;
};

Result<std::unique_ptr<LogPump>> LogPump::start() {
  std::unique_ptr<LogPump> pump(new LogPump());
  pump->epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
  if (!pump->epoll_.valid()) {
    return errno_error(errno, "epoll_create1");
  }
  pump->wake_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!pump->wake_.valid()) {
    return errno_error(errno, "eventfd");
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeId;
  if (::epoll_ctl(pump->epoll_.get(), EPOLL_CTL_ADD, pump->wake_.get(), &ev) != 0) {
    return errno_error(errno, "epoll_ctl");
  }
  pump->thread_ = std::thread([p = pump.get()] { p->run(); });
  return pump;
}

LogPump::~LogPump() {
  uint64_t one = 1;
  ssize_t ignored = ::write(wake_.get(), &one, sizeof one);
  (void)ignored;
  if (thread_.joinable()) {
    thread_.join();
  }
  std::lock_guard lock(mu_);
  for (auto& [id, s] : streams_) {
    s->log->set_live(false);
  }
  streams_.clear();
}

bool LogPump::pump(Stream& s, char* buf, size_t size, bool all) {
  for (int round = 0; round < kDrainRounds; ++round) {
    ssize_t n = ::read(s.read_end.get(), buf, size);
    if (n > 0) {
      // A failed write (disk full) drops this chunk; the instance must not block on its log.
      (void)s.log->append(std::string_view(buf, static_cast<size_t>(n)));
      if (!all) {
        return true;
      }
      continue;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    return n < 0 && errno == EAGAIN;
  }
  return true;
}

void LogPump::run() {
  ::pthread_setname_np(::pthread_self(), "cl-logpump");  // for top -H, ps -L
  std::string buf(kChunk, '\0');
  epoll_event events[64];
  for (;;) {
    int n = ::epoll_wait(epoll_.get(), events, 64, -1);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return;  // only a bug (EBADF, EINVAL) gets here
    }
    for (int i = 0; i < n; ++i) {
      uint64_t id = events[i].data.u64;
      if (id == kWakeId) {
        return;
      }
      std::shared_ptr<Stream> s;
      {
        std::lock_guard lock(mu_);
        auto it = streams_.find(id);
        if (it == streams_.end()) {
          continue;  // detached since epoll_wait returned
        }
        s = it->second;
      }
      bool open;
      {
        std::lock_guard lock(s->mu);
        open = !s->read_end.valid() || pump(*s, buf.data(), buf.size(), false);
      }
      if (!open) {
        close_stream(id);
      }
    }
  }
}

void LogPump::close_stream(uint64_t id) {
  std::shared_ptr<Stream> s;
  {
    std::lock_guard lock(mu_);
    auto it = streams_.find(id);
    if (it == streams_.end()) {
      return;
    }
    s = std::move(it->second);
    streams_.erase(it);
    std::lock_guard slock(s->mu);
    (void)::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, s->read_end.get(), nullptr);
    s->read_end.reset();
    // Still under mu_: a detach that no longer finds the stream must find the log ended.
    s->log->set_live(false);
  }
}

Result<UniqueFd> LogPump::attach(std::shared_ptr<InstanceLog> log) {
  detach(*log);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return errno_error(errno, "pipe2");
  }
  UniqueFd read_end(fds[0]);
  UniqueFd write_end(fds[1]);
  if (::fcntl(read_end.get(), F_SETFL, O_NONBLOCK) != 0) {
    return errno_error(errno, "fcntl O_NONBLOCK");
  }
  auto s = std::make_shared<Stream>();
  s->log = std::move(log);
  std::lock_guard lock(mu_);
  uint64_t id = next_id_++;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = id;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, read_end.get(), &ev) != 0) {
    return errno_error(errno, "epoll_ctl");
  }
  s->read_end = std::move(read_end);
  s->log->set_live(true);
  streams_.emplace(id, std::move(s));
  return write_end;
}

void LogPump::drain(const InstanceLog& log) {
  std::shared_ptr<Stream> s;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, stream] : streams_) {
      if (stream->log.get() == &log) {
        s = stream;
      }
    }
  }
  if (!s) {
    return;
  }
  std::string buf(kChunk, '\0');
  std::lock_guard lock(s->mu);
  if (s->read_end.valid()) {
    (void)pump(*s, buf.data(), buf.size(), true);
  }
}

void LogPump::detach(const InstanceLog& log) {
  uint64_t found = 0;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, stream] : streams_) {
      if (stream->log.get() == &log) {
        found = id;
      }
    }
  }
  if (found != 0) {
    drain(log);  // what the old writer left (a restart keeps its predecessor's last words)
    close_stream(found);
  }
}

size_t LogPump::attached() const {
  std::lock_guard lock(mu_);
  return streams_.size();
}

}  // namespace chainlab::runtime
