// The exposition: chainlab_* counters and gauges, cAdvisor names, and the sonemu_* names only for
// watched entries (flow_id None for an interface metric, the cookie's sum on the VNF's PoP).
#include "monitor/exposition.h"

#include <gtest/gtest.h>

namespace chainlab::monitor {
namespace {

Snapshot sample() {
  Snapshot s;
  s.instances.push_back({"dc1", "vnf1", "running", 2'500'000'000, 0.2, 1 << 20, 0, 3});
  s.interfaces.push_back({"dc1", "vnf1", "emu0", {5, 500, 0}, {7, 700, 1}});
  s.flows.push_back({"dc1", 10, 2, 40, 4000});
  s.flows.push_back({"dc2", 10, 2, 1, 100});
  s.links.push_back({"dc1", "dc2", 9, 900, 1, 2, 0, 10'000'000, 100, 10});
  return s;
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

TEST(ExpositionTest, CountersGaugesAndCadvisorNames) {
  std::string text = exposition(sample(), {});
  EXPECT_TRUE(has_line(text, "# TYPE chainlab_instance_cpu_seconds_total counter"));
  EXPECT_TRUE(
      has_line(text, R"(chainlab_instance_cpu_seconds_total{pop="dc1",instance="vnf1"} 2.5)"));
  EXPECT_TRUE(has_line(text, "# TYPE chainlab_instance_memory_bytes gauge"));
  EXPECT_TRUE(has_line(
      text,
      R"(chainlab_interface_tx_bytes_total{pop="dc1",instance="vnf1",interface="emu0"} 700)"));
  EXPECT_TRUE(has_line(text, R"(chainlab_flow_bytes_total{pop="dc1",cookie="10"} 4000)"));
  EXPECT_TRUE(has_line(
      text,
      R"(chainlab_link_dropped_total{link="dc1->dc2",from="dc1",to="dc2",reason="queue"} 2)"));
  EXPECT_TRUE(
      has_line(text, R"(chainlab_link_delay_seconds{link="dc1->dc2",from="dc1",to="dc2"} 0.01)"));
  EXPECT_TRUE(has_line(text, R"(container_cpu_usage_seconds_total{name="vnf1"} 2.5)"));
  EXPECT_EQ(text.find("sonemu_"), std::string::npos) << "nothing watched";
}

TEST(ExpositionTest, SonemuNamesForWatchedEntries) {
  std::vector<Watch> watches = {{"vnf1", "emu0", "rx_bytes", std::nullopt},
                                {"vnf1", "emu0", "tx_packets", 10},
                                {"gone", "emu0", "rx_bytes", std::nullopt}};
  std::string text = exposition(sample(), watches);
  EXPECT_TRUE(has_line(text, "# TYPE sonemu_rx_count_bytes gauge"));
  EXPECT_TRUE(has_line(
      text, R"(sonemu_rx_count_bytes{vnf_name="vnf1",vnf_interface="emu0",flow_id="None"} 500)"));
  EXPECT_TRUE(has_line(
      text, R"(sonemu_tx_count_packets{vnf_name="vnf1",vnf_interface="emu0",flow_id="10"} 40)"))
      << "the cookie's rules on vnf1's PoP only";
  EXPECT_EQ(text.find("gone"), std::string::npos);
}

TEST(ExpositionTest, LabelValuesAreEscaped) {
  Snapshot s;
  s.instances.push_back({"dc1", "a\"b\\c\nd", "running", 0, 0, 0, 0, 0});
  std::string text = exposition(s, {});
  EXPECT_NE(text.find(R"(instance="a\"b\\c\nd")"), std::string::npos) << text;
}

TEST(ExpositionTest, TheCacheWritesOncePerReadingAndWatchList) {
  ExpositionCache cache;
  auto first = std::make_shared<const Reading>(Reading{sample(), {}});
  auto text = cache.get(first, {});
  EXPECT_EQ(*text, exposition(first->snapshot, {}));
  EXPECT_EQ(cache.get(first, {}), text) << "the same reading: the same text, not written again";

  std::vector<Watch> watches = {{"vnf1", "emu0", "rx_bytes", std::nullopt}};
  auto watched = cache.get(first, watches);
  EXPECT_NE(watched->find("sonemu_rx_count_bytes"), std::string::npos) << "a new watch shows";

  Snapshot later = sample();
  later.instances[0].cpu_ns = 5'000'000'000;
  auto second = std::make_shared<const Reading>(Reading{later, {}});
  auto next = cache.get(second, watches);
  EXPECT_TRUE(
      has_line(*next, R"(chainlab_instance_cpu_seconds_total{pop="dc1",instance="vnf1"} 5)"));
  EXPECT_NE(next->find("sonemu_rx_count_bytes"), std::string::npos);
}

TEST(WatchesTest, OneEntryAtATimeAndBounded) {
  Watches w;
  Watch a{"v", "emu0", "rx_bytes", std::nullopt};
  Watch b{"v", "emu0", "tx_bytes", std::nullopt};
  EXPECT_TRUE(*w.add(a));
  EXPECT_FALSE(*w.add(a));
  EXPECT_TRUE(*w.add(b));
  EXPECT_TRUE(w.remove(a));
  EXPECT_FALSE(w.remove(a));
  ASSERT_EQ(w.list().size(), 1u) << "stopping one leaves the other";
  EXPECT_EQ(w.list()[0], b);
  for (size_t i = 1; i < kMaxWatches; ++i) {
    ASSERT_TRUE(w.add({"v" + std::to_string(i), "emu0", "rx_bytes", std::nullopt}).ok());
  }
  EXPECT_FALSE(w.add({"one-more", "emu0", "rx_bytes", std::nullopt}).ok());
  EXPECT_FALSE(check_watch_metric("cpu").ok());
  EXPECT_TRUE(check_watch_metric("rx_packets").ok());
}

}  // namespace
}  // namespace chainlab::monitor
