#include "endpoints/http/capture_stream.h"

#include <httplib.h>

#include <charconv>
#include <memory>
#include <string>

#include "endpoints/http/peer_watch.h"

namespace chainlab::endpoints {
namespace {

constexpr std::chrono::milliseconds kPoll{250};

Result<uint64_t> bounded(const httplib::Request& req, const char* name, uint64_t low,
                         uint64_t high) {
  std::string v = req.get_param_value(name);
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || n < low || n > high) {
    return make_error(ErrorCode::kInvalidArgument, "{}: '{}' is not a number in {}..{}", name,
                      v.substr(0, 64), low, high);
  }
  return n;
}

// What one capture stream keeps between two chunks.
struct CaptureState {
  dataplane::PortCapture capture;
  CaptureQuery query;
  std::shared_ptr<const void> keep;
  int fd = -1;
  bool started = false;
  uint64_t sent = 0;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();

  bool finished() const {
    return (query.count && sent >= *query.count) || std::chrono::steady_clock::now() >= deadline;
  }
};

// One step of the stream: the header first, then a frame when one comes; false ends it.
bool step(CaptureState& s, httplib::DataSink& sink) {
  if (!s.started) {
    s.started = true;
    std::string header = dataplane::pcapng_header(s.capture.ifname(), s.capture.snaplen());
    return sink.write(header.data(), header.size());
  }
  if (s.finished()) {
    sink.done();
    return true;
  }
  auto frame = s.capture.next(kPoll);
  if (!frame.ok()) {
    sink.done();  // the interface went away: the capture ends
    return true;
  }
  if (!frame->has_value()) {
    return !peer_gone(s.fd);
  }
  ++s.sent;
  const auto& f = **frame;
  std::string block =
      dataplane::pcapng_packet(f.timestamp_ns, f.data, f.original_length, f.direction);
  return sink.write(block.data(), block.size());
}

}  // namespace

Result<CaptureQuery> parse_capture_query(const httplib::Request& req) {
  CaptureQuery q;
  if (req.has_param("filter")) {
    q.options.filter = req.get_param_value("filter");
  }
  if (req.has_param("count")) {
    CL_ASSIGN_OR_RETURN(q.count, bounded(req, "count", 1, kMaxCaptureCount));
  }
  if (req.has_param("duration")) {
    CL_ASSIGN_OR_RETURN(uint64_t s, bounded(req, "duration", 1, kMaxCaptureSeconds));
    q.duration = std::chrono::seconds(s);
  }
  if (req.has_param("snaplen")) {
    CL_ASSIGN_OR_RETURN(uint64_t n,
                        bounded(req, "snaplen", dataplane::kMinSnaplen, dataplane::kMaxSnaplen));
    q.options.snaplen = static_cast<uint32_t>(n);
  }
  return q;
}

void stream_capture(const httplib::Request& req, httplib::Response& res,
                    dataplane::PortCapture capture, const CaptureQuery& query,
                    std::shared_ptr<const void> keep) {
  auto state =
      std::make_shared<CaptureState>(CaptureState{std::move(capture), query, std::move(keep)});
  state->fd = connection_fd(req);
  if (query.duration) {
    state->deadline = std::chrono::steady_clock::now() + *query.duration;
  }
  res.status = 200;
  res.set_chunked_content_provider(
      "application/x-pcapng",
      [state](size_t, httplib::DataSink& sink) { return step(*state, sink); });
}

}  // namespace chainlab::endpoints
