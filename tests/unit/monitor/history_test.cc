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

TEST(HistoryTest, MemoryIsFixedPerSeries) {
  History h(600);
  h.begin_tick(1);
  for (int i = 0; i < 100; ++i) {
    h.put("instance/vnf" + std::to_string(i) + "/cpu", i);
  }
  h.end_tick();
  size_t one_tick = h.memory_bytes();
  for (int t = 2; t < 700; ++t) {
    h.begin_tick(t);
    for (int i = 0; i < 100; ++i) {
      h.put("instance/vnf" + std::to_string(i) + "/cpu", i);
    }
    h.end_tick();
  }
  EXPECT_EQ(h.memory_bytes(), one_tick) << "ticks do not grow it";
  EXPECT_GE(one_tick, 100u * 600 * sizeof(float));
}

}  // namespace
}  // namespace chainlab::monitor
