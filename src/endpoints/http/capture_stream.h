// `GET /restapi/compute/<pop>/<name>/capture/<intf>` (docs/api/emulator-rest.md): frames of an
// instance's interface seen from the switch, as a pcapng stream (application/x-pcapng) for
// `tcpdump -r -`, Wireshark or the dashboard. Query: `filter` (tcpdump's syntax, at most 4096
// bytes), `count` (stop after N frames, 1..1000000; default unlimited), `duration` (stop after S
// seconds, 1..86400; default unlimited), `snaplen` (64..262144, default 262144). The stream also
// ends when the client goes away (noticed within a quarter of a second) or the interface does.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include "common/result.h"
#include "dataplane/capture.h"
#include "endpoints/http/httplib_fwd.h"

namespace chainlab::endpoints {

inline constexpr uint64_t kMaxCaptureCount = 1'000'000;
inline constexpr uint64_t kMaxCaptureSeconds = 86'400;

struct CaptureQuery {
  dataplane::CaptureOptions options;
  std::optional<uint64_t> count;
  std::optional<std::chrono::seconds> duration;
};

// InvalidArgument naming the parameter for a value outside the bounds above.
Result<CaptureQuery> parse_capture_query(const httplib::Request& req);

// Answers 200 with the capture as a chunked pcapng body; `keep` is held until the stream ends (the
// switch port's tap: emulator::CaptureTarget).
void stream_capture(const httplib::Request& req, httplib::Response& res,
                    dataplane::PortCapture capture, const CaptureQuery& query,
                    std::shared_ptr<const void> keep);

}  // namespace chainlab::endpoints
