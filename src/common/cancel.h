// A stop request handed to long-running work — building a 100,000-node topology, parsing a large
// file — that polls it as it goes and, once it is set, unwinds (removing what it built) and
// returns kUnavailable "<what>: interrupted". Not a global: whoever starts the work decides what
// stops it (`chainlab run`: a pending SIGINT, SIGTERM or SIGHUP). A default Cancel never stops.
#pragma once

#include <functional>
#include <string_view>
#include <utility>

#include "common/result.h"

namespace chainlab {

class Cancel {
 public:
  Cancel() = default;
  explicit Cancel(std::function<bool()> requested) : requested_(std::move(requested)) {}

  bool requested() const { return requested_ && requested_(); }
  // kUnavailable "<what>: interrupted" once a stop is requested.
  Status check(std::string_view what) const {
    if (requested()) {
      return make_error(ErrorCode::kUnavailable, "{}: interrupted", what);
    }
    return ok_status();
  }

 private:
  std::function<bool()> requested_;
};

}  // namespace chainlab
