#include "endpoints/emulator/event_stream.h"

#include <httplib.h>

#include <memory>

#include "common/units.h"

namespace chainlab::endpoints {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr size_t kBatch = 256;

void answer_error(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(json{{"error", message}}.dump(), "application/json");
}

std::string sse(const monitor::Event& e) {
  return fmt::format("id: {}\nevent: {}\ndata: {}\n\n", e.id, e.type,
                     event_json(e).dump(-1, ' ', false, json::error_handler_t::replace));
}

// Where a reader starts: `since`, else Last-Event-ID, else now.
Result<uint64_t> start_after(const monitor::EventLog& log, const httplib::Request& req) {
  if (req.has_param("since")) {
    return parse_uint(req.get_param_value("since"), "since");
  }
  if (req.has_header("Last-Event-ID")) {
    return parse_uint(req.get_header_value("Last-Event-ID"), "Last-Event-ID");
  }
  return log.last_id();
}

}  // namespace

json event_json(const monitor::Event& e) {
  return {{"id", e.id}, {"time_ms", e.time_ms}, {"type", e.type}, {"data", e.data}};
}

void stream_events(const monitor::EventLog* log, const httplib::Request& req,
                   httplib::Response& res) {
  if (log == nullptr) {
    return answer_error(res, 503, "this run has no event stream");
  }
  auto after = start_after(*log, req);
  if (!after.ok()) {
    return answer_error(res, 400, after.error().message);
  }
  res.set_header("Access-Control-Allow-Origin", "*");
  if (req.get_param_value("stream") == "0") {
    auto wait = parse_uint(req.has_param("wait") ? req.get_param_value("wait") : "0", "wait", 30);
    if (!wait.ok()) {
      return answer_error(res, 400, wait.error().message);
    }
    json out = json::array();
    for (const auto& e : log->after(*after, kBatch, std::chrono::seconds(*wait))) {
      out.push_back(event_json(e));
    }
    return res.set_content(out.dump(-1, ' ', false, json::error_handler_t::replace),
                           "application/json");
  }
  res.set_header("Cache-Control", "no-cache");
  auto next = std::make_shared<uint64_t>(*after);
  res.set_chunked_content_provider("text/event-stream",
                                   [log, next](size_t, httplib::DataSink& sink) {
                                     if (log->closed()) {
                                       sink.done();
                                       return true;
                                     }
                                     std::string out;
                                     for (const auto& e : log->after(*next, kBatch, 1000ms)) {
                                       out += sse(e);
                                       *next = e.id;
                                     }
                                     if (out.empty()) {
                                       out = ": keepalive\n\n";
                                     }
                                     return sink.write(out.data(), out.size());
                                   });
}

}  // namespace chainlab::endpoints
