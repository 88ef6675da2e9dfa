#include "common/clock.h"

#include <gtest/gtest.h>

namespace chainlab {
namespace {

using std::chrono::microseconds;
using std::chrono::seconds;

TEST(Iso8601, WritesUtcWithMicrosecondsOrSecondsOnly) {
  auto t = Clock::TimePoint(seconds(1700000000)) + microseconds(123456);
  EXPECT_EQ(iso8601(t), "2023-11-14T22:13:20.123456Z");
  EXPECT_EQ(iso8601(t, true), "2023-11-14T22:13:20Z");
  EXPECT_EQ(iso8601(Clock::TimePoint()), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(iso8601(Clock::TimePoint(microseconds(-1))), "1969-12-31T23:59:59.999999Z");
}

TEST(Iso8601, StampsWhatAnInjectedClockSays) {
  ManualClock clock(Clock::TimePoint(seconds(86400)));
  EXPECT_EQ(iso8601(clock.now(), true), "1970-01-02T00:00:00Z");
  clock.advance(microseconds(1500000));
  EXPECT_EQ(iso8601(clock.now()), "1970-01-02T00:00:01.500000Z");
}

}  // namespace
}  // namespace chainlab
