#include "endpoints/http/log_stream.h"

#include <dirent.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

#include <charconv>
#include <cstdlib>
#include <memory>

namespace chainlab::endpoints {
namespace {

constexpr size_t kChunkBytes = 64 << 10;
constexpr std::chrono::milliseconds kIdleCheck{1000};

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

Result<bool> parse_follow(const std::string& v) {
  if (v.empty() || v == "1" || v == "true" || v == "yes") {
    return true;
  }
  if (v == "0" || v == "false" || v == "no") {
    return false;
  }
  return make_error(ErrorCode::kInvalidArgument, "follow: '{}' is not a boolean", v);
}

Result<std::optional<size_t>> parse_tail(const std::string& v) {
  if (v == "all") {
    return std::optional<size_t>();
  }
  size_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || n > kMaxLogTailLines) {
    return make_error(ErrorCode::kInvalidArgument,
                      "tail: '{}' is not a number of lines in 0..{} or 'all'", v, kMaxLogTailLines);
  }
  return std::optional<size_t>(n);
}

}  // namespace

Result<LogQuery> parse_log_query(const httplib::Request& req) {
  LogQuery q;
  if (req.has_param("tail")) {
    CL_ASSIGN_OR_RETURN(q.tail_lines, parse_tail(req.get_param_value("tail")));
  }
  if (req.has_param("follow")) {
    CL_ASSIGN_OR_RETURN(q.follow, parse_follow(req.get_param_value("follow")));
  }
  return q;
}

void stream_log(const httplib::Request& req, httplib::Response& res, runtime::LogCursor cursor) {
  auto shared = std::make_shared<runtime::LogCursor>(std::move(cursor));
  int fd = connection_fd(req);
  res.status = 200;
  res.set_header("Access-Control-Allow-Origin", "*");
  res.set_chunked_content_provider("text/plain; charset=utf-8",
                                   [shared, fd](size_t, httplib::DataSink& sink) {
                                     auto data = shared->next(kChunkBytes, kIdleCheck);
                                     if (!data.ok() || (data->empty() && shared->done())) {
                                       sink.done();  // a read error mid-stream can only end it
                                       return true;
                                     }
                                     if (!data->empty()) {
                                       return sink.write(data->data(), data->size());
                                     }
                                     return !peer_gone(fd);
                                   });
}

}  // namespace chainlab::endpoints
