// The bounded history: values per tick, gaps, the window, dropping series that are gone.
#include "monitor/history.h"

#include <gtest/gtest.h>

namespace chainlab::monitor {
namespace {

TEST(HistoryTest, KeepsTheLastCapacityTicksOldestFirst) {
  History h(3);
  for (int t = 1; t <= 5; ++t) {
    h.begin_tick(t * 1000);
    h.put("a", t);
    h.end_tick();
  }
  auto points = h.points("a");
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[0].time_ms, 3000);
  EXPECT_EQ(points[0].value, 3);
  EXPECT_EQ(points[2].time_ms, 5000);
  EXPECT_EQ(points[2].value, 5);
  EXPECT_EQ(h.points("a", 4500).size(), 1u) << "since filters by time";
}

TEST(HistoryTest, AMissedTickIsAGapAndAStaleSeriesIsDropped) {
  History h(4);
  h.begin_tick(1);
  h.put("a", 1);
  h.put("b", 10);
  h.end_tick();
  h.begin_tick(2);
  h.put("b", 20);  // a misses tick 2
  h.end_tick();
  h.begin_tick(3);
  h.put("a", 3);
  h.put("b", 30);
  h.end_tick();
  auto a = h.points("a");
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].time_ms, 1);
  EXPECT_EQ(a[1].time_ms, 3);
  for (int t = 4; t <= 7; ++t) {
    h.begin_tick(t);
    h.put("b", t);
    h.end_tick();
  }
  EXPECT_FALSE(h.contains("a")) << "not written for capacity ticks";
  EXPECT_TRUE(h.contains("b"));
  EXPECT_EQ(h.points("b").size(), 4u);
}

// At most capacity values per series however long it runs; a young series holds only its age.
TEST(HistoryTest, MemoryIsBoundedPerSeriesAndFollowsItsAge) {
  History h(600);
  auto tick = [&h](int t) {
    h.begin_tick(t);
    for (int i = 0; i < 100; ++i) {
      h.put("instance/vnf" + std::to_string(i) + "/cpu", i);
    }
    h.end_tick();
  };
  tick(1);
  size_t young = h.memory_bytes();
  EXPECT_LT(young, 100u * 600 * sizeof(float) / 10) << "a second old: not the whole window";
  for (int t = 2; t < 700; ++t) {
    tick(t);
  }
  size_t full = h.memory_bytes();
  EXPECT_GE(full, 100u * 600 * sizeof(float));
  EXPECT_LE(full, 100u * 600 * sizeof(float) + 600 * sizeof(int64_t) + 100u * 200);
  for (int t = 700; t < 1400; ++t) {
    tick(t);
  }
  EXPECT_EQ(h.memory_bytes(), full) << "ticks do not grow it";
}

// A series goes from its young layout to the ring with its values and gaps where they were.
TEST(HistoryTest, ValuesSurviveTheSeriesGrowingUp) {
  for (int gap_at : {0, 2, 3, 5}) {
    History h(4);
    for (int t = 1; t <= 7; ++t) {
      h.begin_tick(t * 10);
      if (t != gap_at) {
        h.put("a", t);
      }
      h.end_tick();
      std::vector<double> want;
      for (int u = std::max(1, t - 3); u <= t; ++u) {
        if (u != gap_at) {
          want.push_back(u);
        }
      }
      std::vector<double> got;
      for (auto p : h.points("a")) {
        got.push_back(p.value);
        EXPECT_EQ(p.time_ms, static_cast<int64_t>(p.value) * 10);
      }
      EXPECT_EQ(got, want) << "gap at " << gap_at << ", tick " << t;
    }
  }
}

// Written once, then silent for most of a window: when its next value comes, the old one has left
// the window and no stale value shows in its place.
TEST(HistoryTest, ASeriesBackAfterALongSilenceKeepsNoStaleValue) {
  History h(4);
  h.begin_tick(10);
  h.put("a", 1);
  h.put("b", 1);
  h.end_tick();
  for (int t = 2; t <= 4; ++t) {
    h.begin_tick(t * 10);
    h.put("b", t);
    h.end_tick();
  }
  ASSERT_TRUE(h.contains("a"));
  h.begin_tick(50);
  h.put("a", 5);  // tick 5: tick 1 has left the window
  h.end_tick();
  auto a = h.points("a");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].value, 5);
}

}  // namespace
}  // namespace chainlab::monitor
