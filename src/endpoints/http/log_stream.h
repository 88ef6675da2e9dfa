// `GET /restapi/compute/<pop>/<name>/logs?tail=N&follow=1` (docs/api/emulator-rest.md): an
// instance's stdout/stderr as text/plain, sent in chunks. `tail` (0..100000 lines, or "all", the
// default) picks where to start; `follow` (1/true/yes) keeps the response open and sends what the
// instance writes until its output ends, the instance is stopped, or the client goes away (noticed
// within a second even while the instance is silent).
#pragma once

#include <optional>

#include "common/result.h"
#include "endpoints/http/httplib_fwd.h"
#include "runtime/instance_log.h"

namespace chainlab::endpoints {

inline constexpr size_t kMaxLogTailLines = 100000;

struct LogQuery {
  std::optional<size_t> tail_lines;  // nullopt: everything kept
  bool follow = false;
};

// InvalidArgument for a `tail` or `follow` that is not one of the forms above.
Result<LogQuery> parse_log_query(const httplib::Request& req);

// Answers 200 with the cursor's content as a chunked text/plain body.
void stream_log(const httplib::Request& req, httplib::Response& res, runtime::LogCursor cursor);

}  // namespace chainlab::endpoints
