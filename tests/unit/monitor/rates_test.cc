// Rates between two snapshots: per second, matched by name, resets count from zero.
#include "monitor/rates.h"

#include <gtest/gtest.h>

namespace chainlab::monitor {
namespace {

Snapshot at(uint64_t seconds) {
  Snapshot s;
  s.mono_ns = seconds * 1'000'000'000ull;
  return s;
}

TEST(RatesTest, PerSecondMatchedByName) {
  Snapshot a = at(10);
  a.instances.push_back({"dc1", "x", "running", 1'000'000'000, 0, 0, 0, 1});
  a.interfaces.push_back({"dc1", "x", "emu0", {10, 1000, 0}, {20, 2000, 0}});
  a.links.push_back({"dc1", "dc2", 100, 10000, 5, 1, 0, 0, 0, 0});
  Snapshot b = at(12);
  b.instances.push_back({"dc1", "y", "running", 4'000'000'000, 0, 0, 0, 1});  // new
  b.instances.push_back({"dc1", "x", "running", 2'000'000'000, 0, 0, 0, 1});
  b.interfaces.push_back({"dc1", "x", "emu0", {30, 5000, 0}, {20, 2000, 0}});
  b.links.push_back({"dc1", "dc2", 300, 30000, 25, 1, 0, 0, 0, 0});
  Rates r = rates_between(&a, b);
  ASSERT_EQ(r.cpu_cores.size(), 2u);
  EXPECT_DOUBLE_EQ(r.cpu_cores[0], 2.0) << "a new item counts from zero";
  EXPECT_DOUBLE_EQ(r.cpu_cores[1], 0.5);
  EXPECT_DOUBLE_EQ(r.interface_rx[0].bytes, 2000);
  EXPECT_DOUBLE_EQ(r.interface_rx[0].packets, 10);
  EXPECT_DOUBLE_EQ(r.interface_tx[0].bytes, 0);
  EXPECT_DOUBLE_EQ(r.links[0].packets, 100);
  EXPECT_DOUBLE_EQ(r.links[0].dropped, 10) << "loss and queue drops together";
}

TEST(RatesTest, AResetCountsFromZeroAndNoPastIsZero) {
  Snapshot a = at(1);
  a.flows.push_back({"dc1", 7, 2, 1000, 100000});
  Snapshot b = at(2);
  b.flows.push_back({"dc1", 7, 2, 40, 4000});  // made again
  EXPECT_DOUBLE_EQ(rates_between(&a, b).flows[0].packets, 40);
  Rates first = rates_between(nullptr, b);
  ASSERT_EQ(first.flows.size(), 1u);
  EXPECT_DOUBLE_EQ(first.flows[0].packets, 0);
  EXPECT_EQ(rates_between(&b, b).flows[0].bytes, 0) << "no time passed";
}

}  // namespace
}  // namespace chainlab::monitor
