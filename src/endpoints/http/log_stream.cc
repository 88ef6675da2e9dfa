#include "endpoints/http/log_stream.h"

#include <httplib.h>

#include <charconv>
#include <cstdlib>
#include <memory>

#include "endpoints/http/peer_watch.h"

namespace chainlab::endpoints {
namespace {

constexpr size_t kChunkBytes = 64 << 10;
constexpr std::chrono::milliseconds kIdleCheck{1000};

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
