#include "common/clock.h"

#include <ctime>

#include <fmt/format.h>

namespace chainlab {

std::string iso8601(Clock::TimePoint t, bool seconds_only) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  auto secs = static_cast<std::time_t>(us / 1'000'000);
  auto fraction = static_cast<int>(us % 1'000'000);
  if (fraction < 0) {  // before 1970: the second below, plus a positive fraction
    secs -= 1;
    fraction += 1'000'000;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  if (seconds_only) {
    return fmt::format("{}Z", buf);
  }
  return fmt::format("{}.{:06d}Z", buf, fraction);
}

}  // namespace chainlab
