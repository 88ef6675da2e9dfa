#include "dataplane/mac_table.h"

#include <gtest/gtest.h>

namespace chainlab::dataplane {
namespace {

constexpr uint64_t kOneSecond = 1'000'000'000ull;

Mac mac(uint32_t n) {
  return {0x02,
          0x00,
          static_cast<uint8_t>(n >> 24),
          static_cast<uint8_t>(n >> 16),
          static_cast<uint8_t>(n >> 8),
          static_cast<uint8_t>(n)};
}

TEST(MacTable, LearnAndLookup) {
  MacTable t(64, 300 * kOneSecond);
  EXPECT_FALSE(t.lookup(mac(1), kNoVlan, 0).has_value());
  t.learn(mac(1), kNoVlan, 3, 0);  // a clock starting at 0 still learns
  EXPECT_EQ(t.lookup(mac(1), kNoVlan, 0), 3u);
  EXPECT_EQ(t.size(0), 1u);
  t.learn(mac(1), kNoVlan, 4, kOneSecond);  // moved
  EXPECT_EQ(t.lookup(mac(1), kNoVlan, kOneSecond), 4u);
  EXPECT_EQ(t.size(kOneSecond), 1u);
}

TEST(MacTable, IgnoresGroupAndZeroSources) {
  MacTable t(64);
  t.learn(Mac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 1, 1, 1);
  t.learn(Mac{0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}, 1, 1, 1);
  t.learn(Mac{0x33, 0x33, 0x00, 0x00, 0x00, 0x01}, 1, 1, 1);
  t.learn(Mac{}, 1, 1, 1);
  EXPECT_EQ(t.size(1), 0u);
}

TEST(MacTable, Aging) {
  MacTable t(64, 10 * kOneSecond);
  t.learn(mac(1), 1, 1, 100 * kOneSecond);
  EXPECT_EQ(t.lookup(mac(1), 1, 109 * kOneSecond), 1u);
  EXPECT_FALSE(t.lookup(mac(1), 1, 110 * kOneSecond).has_value());
  EXPECT_EQ(t.size(110 * kOneSecond), 0u);
  EXPECT_EQ(t.lookup(mac(1), 1, 50 * kOneSecond), 1u);  // clock went backwards: still there
  t.learn(mac(1), 1, 2, 111 * kOneSecond);              // relearned after aging
  EXPECT_EQ(t.lookup(mac(1), 1, 112 * kOneSecond), 2u);
  EXPECT_EQ(t.size(112 * kOneSecond), 1u);
}

TEST(MacTable, VlansAreSeparate) {
  MacTable t(64);
  t.learn(mac(1), 10, 1, 1);
  t.learn(mac(1), 20, 2, 1);
  EXPECT_EQ(t.lookup(mac(1), 10, 1), 1u);
  EXPECT_EQ(t.lookup(mac(1), 20, 1), 2u);
  EXPECT_FALSE(t.lookup(mac(1), kNoVlan, 1).has_value());
  EXPECT_EQ(t.size(1), 2u);
}

TEST(MacTable, ForgetPort) {
  MacTable t(64);
  for (uint32_t i = 0; i < 20; ++i) {
    t.learn(mac(i), 1, i % 2, 1);
  }
  EXPECT_EQ(t.size(1), 20u);
  t.forget_port(0);
  EXPECT_EQ(t.size(1), 10u);
  for (uint32_t i = 0; i < 20; ++i) {
    EXPECT_EQ(t.lookup(mac(i), 1, 1).has_value(), i % 2 == 1) << i;
  }
  t.learn(mac(0), 1, 5, 2);
  EXPECT_EQ(t.lookup(mac(0), 1, 2), 5u);
}

TEST(MacTable, FullTableReplacesTheOldest) {
  MacTable t(8);  // one probe window covers the whole table
  for (uint32_t i = 0; i < 8; ++i) {
    t.learn(mac(i), 1, i, 100 + i);
  }
  EXPECT_EQ(t.size(200), 8u);
  t.learn(mac(8), 1, 8, 300);  // evicts mac(0), seen first
  EXPECT_EQ(t.size(300), 8u);
  EXPECT_FALSE(t.lookup(mac(0), 1, 300).has_value());
  EXPECT_EQ(t.lookup(mac(8), 1, 300), 8u);
  for (uint32_t i = 1; i < 8; ++i) {
    EXPECT_EQ(t.lookup(mac(i), 1, 300), i);
  }
  t.learn(mac(1), 1, 1, 400);  // refreshed: now mac(2) is the oldest
  t.learn(mac(9), 1, 9, 401);
  EXPECT_EQ(t.lookup(mac(1), 1, 401), 1u);
  EXPECT_FALSE(t.lookup(mac(2), 1, 401).has_value());
}

TEST(MacTable, ManyEntriesNeverExceedCapacity) {
  MacTable t(100);  // rounded up to 128
  for (uint32_t i = 0; i < 1000; ++i) {
    t.learn(mac(i), static_cast<uint16_t>(i % 3), i, i + 1);
    EXPECT_EQ(t.lookup(mac(i), static_cast<uint16_t>(i % 3), i + 1), i);
  }
  EXPECT_LE(t.size(1001), 128u);
  EXPECT_GT(t.size(1001), 64u);
}

}  // namespace
}  // namespace chainlab::dataplane
