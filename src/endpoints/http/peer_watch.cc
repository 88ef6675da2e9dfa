#include "endpoints/http/peer_watch.h"

#include <dirent.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

#include <cstdlib>
#include <memory>
#include <string>

#include <fmt/format.h>

namespace chainlab::endpoints {
namespace {

// "addr", port of a socket address, as httplib reports a request's ends (numeric host).
bool same_end(const sockaddr_storage& addr, socklen_t len, const std::string& host, int port) {
  char h[NI_MAXHOST];
  char p[NI_MAXSERV];
  if (::getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, h, sizeof h, p, sizeof p,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    return false;
  }
  return host == h && std::atoi(p) == port;
}

}  // namespace

// The server-side socket of `req`'s connection (this process's TCP socket whose local and peer
// ends are the request's), or -1. httplib does not hand it to handlers; we need it to notice a
// follower that went away while the instance is silent.
int connection_fd(const httplib::Request& req) {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir("/proc/self/fd"), ::closedir);
  if (!dir) {
    return -1;
  }
  while (dirent* e = ::readdir(dir.get())) {
    int fd = std::atoi(e->d_name);
    char link[64];
    ssize_t n = ::readlink(fmt::format("/proc/self/fd/{}", e->d_name).c_str(), link, sizeof link);
    if (n <= 0 || std::string_view(link, static_cast<size_t>(n)).rfind("socket:", 0) != 0) {
      continue;
    }
    sockaddr_storage local{};
    sockaddr_storage peer{};
    socklen_t local_len = sizeof local;
    socklen_t peer_len = sizeof peer;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) == 0 &&
        ::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) == 0 &&
        same_end(local, local_len, req.local_addr, req.local_port) &&
        same_end(peer, peer_len, req.remote_addr, req.remote_port)) {
      return fd;
    }
  }
  return -1;
}

// The peer closed (or reset) the connection.
bool peer_gone(int fd) {
  if (fd < 0) {
    return false;
  }
  pollfd p{fd, POLLRDHUP, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

}  // namespace chainlab::endpoints
