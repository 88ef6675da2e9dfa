// SocketCloser: sockets handed over are closed by its thread while it runs, and the destructor
// closes what is still queued. Pipes stand in for packet sockets: the read end sees end-of-file
// once the write end is closed.
#include "dataplane/socket_closer.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace chainlab::dataplane {
namespace {

struct Pipe {
  UniqueFd read;
  UniqueFd write;
};

Pipe make_pipe() {
  int fds[2];
  EXPECT_EQ(::pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// Waits up to `timeout_ms` for the pipe's write end to be closed everywhere (POLLHUP on the read
// end, then read() returns 0: end of file).
bool writer_closed(const UniqueFd& read_end, int timeout_ms) {
  pollfd p{read_end.get(), POLLIN, 0};
  char c;
  return ::poll(&p, 1, timeout_ms) == 1 && ::read(read_end.get(), &c, 1) == 0;
}

TEST(SocketCloser, ItsThreadClosesWhatItIsGiven) {
  SocketCloser closer;
  std::vector<Pipe> pipes;
  for (int i = 0; i < 5; ++i) {
    pipes.push_back(make_pipe());
  }
  for (auto& p : pipes) {
    closer.close_later(std::move(p.write));
    EXPECT_FALSE(p.write.valid()) << "the closer owns it now";
  }
  for (auto& p : pipes) {
    EXPECT_TRUE(writer_closed(p.read, 10000)) << "closed while the closer still runs";
  }
}

TEST(SocketCloser, TheDestructorClosesTheRest) {
  std::vector<Pipe> pipes;
  for (int i = 0; i < 20; ++i) {
    pipes.push_back(make_pipe());
  }
  {
    SocketCloser closer;
    for (auto& p : pipes) {
      closer.close_later(std::move(p.write));
    }
  }
  for (auto& p : pipes) {
    EXPECT_TRUE(writer_closed(p.read, 0)) << "closed by the time the destructor returned";
  }
}

}  // namespace
}  // namespace chainlab::dataplane
