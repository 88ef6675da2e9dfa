#include "dataplane/flow_table.h"

#include <gtest/gtest.h>

// GCC 12 warns about members left out of designated initializers even when they have default
// member initializers; the tests rely on those defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace chainlab::dataplane {
namespace {

std::shared_ptr<const Rule> rule(RuleId id, uint16_t priority, Match match) {
  auto r = std::make_shared<Rule>();
  r->id = id;
  r->priority = priority;
  r->match = std::move(match);
  r->actions = {Action::output(static_cast<PortId>(id))};
  return r;
}

FlowKey key_on(PortId port, uint16_t eth_type = kEthTypeIpv4) {
  FlowKey k;
  k.in_port = port;
  k.eth_type = eth_type;
  return k;
}

TEST(FlowTable, HighestPriorityWins) {
  FlowTable t({rule(1, 10, Match{}), rule(2, 100, Match{.in_port = 1}),
               rule(3, 50, Match{.eth_type = kEthTypeIpv4})},
              1);
  ASSERT_EQ(t.rules().size(), 3u);
  EXPECT_EQ(t.rules()[0]->id, 2u);
  EXPECT_EQ(t.rules()[1]->id, 3u);
  EXPECT_EQ(t.rules()[2]->id, 1u);
  EXPECT_EQ(t.lookup(key_on(1))->id, 2u);
  EXPECT_EQ(t.lookup(key_on(2))->id, 3u);
  EXPECT_EQ(t.lookup(key_on(2, kEthTypeArp))->id, 1u);
  EXPECT_EQ(t.generation(), 1u);
}

TEST(FlowTable, TieGoesToTheOlderRule) {
  FlowTable t({rule(9, 10, Match{}), rule(4, 10, Match{}), rule(7, 10, Match{})}, 1);
  EXPECT_EQ(t.lookup(key_on(1))->id, 4u);
  EXPECT_EQ(t.rules()[1]->id, 7u);
  EXPECT_EQ(t.rules()[2]->id, 9u);
}

TEST(FlowTable, Miss) {
  FlowTable empty({}, 1);
  EXPECT_EQ(empty.lookup(key_on(1)), nullptr);
  FlowTable t({rule(1, 10, Match{.in_port = 5})}, 2);
  EXPECT_EQ(t.lookup(key_on(1)), nullptr);
  EXPECT_NE(t.lookup(key_on(5)), nullptr);
}

TEST(Emc, SizeRoundsUpAndHashIsStable) {
  FlowKey a = key_on(1);
  FlowKey b = key_on(2);
  EXPECT_EQ(ExactMatchCache::hash(a), ExactMatchCache::hash(key_on(1)));
  EXPECT_NE(ExactMatchCache::hash(a), ExactMatchCache::hash(b));
  // Every single-bit change of the key changes the hash.
  uint64_t base = ExactMatchCache::hash(a);
  for (size_t bit = 0; bit < sizeof(FlowKey) * 8; ++bit) {
    FlowKey k = a;
    reinterpret_cast<uint8_t*>(&k)[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_NE(ExactMatchCache::hash(k), base) << bit;
  }
}

TEST(Emc, HitMissAndCachedMiss) {
  FlowTable t({rule(1, 10, Match{.in_port = 1})}, 1);
  ExactMatchCache emc(100);
  FlowKey k = key_on(1);
  uint64_t h = ExactMatchCache::hash(k);
  bool hit = true;
  EXPECT_EQ(emc.lookup(k, h, t.generation(), hit), nullptr);
  EXPECT_FALSE(hit);
  emc.insert(k, h, t.generation(), t.lookup(k));
  EXPECT_EQ(emc.lookup(k, h, t.generation(), hit), t.rules()[0].get());
  EXPECT_TRUE(hit);

  FlowKey miss = key_on(2);
  uint64_t hm = ExactMatchCache::hash(miss);
  emc.insert(miss, hm, t.generation(), t.lookup(miss));
  EXPECT_EQ(emc.lookup(miss, hm, t.generation(), hit), nullptr);
  EXPECT_TRUE(hit);  // a cached table miss

  emc.clear();
  emc.lookup(k, h, t.generation(), hit);
  EXPECT_FALSE(hit);
}

TEST(Emc, NewGenerationInvalidates) {
  FlowTable t1({rule(1, 10, Match{})}, 1);
  FlowTable t2({rule(2, 10, Match{})}, 2);
  ExactMatchCache emc;
  FlowKey k = key_on(3);
  uint64_t h = ExactMatchCache::hash(k);
  emc.insert(k, h, t1.generation(), t1.lookup(k));
  bool hit = false;
  emc.lookup(k, h, t2.generation(), hit);
  EXPECT_FALSE(hit);
  emc.insert(k, h, t2.generation(), t2.lookup(k));
  EXPECT_EQ(emc.lookup(k, h, t2.generation(), hit)->id, 2u);
  EXPECT_TRUE(hit);
  emc.lookup(k, h, t1.generation(), hit);
  EXPECT_FALSE(hit);
}

TEST(Emc, EmptyEntriesNeverHit) {
  ExactMatchCache emc(8);
  FlowKey empty_key;  // equal to the key an empty entry holds
  bool hit = true;
  emc.lookup(empty_key, ExactMatchCache::hash(empty_key), 0, hit);
  EXPECT_FALSE(hit);
  emc.insert(empty_key, ExactMatchCache::hash(empty_key), 0, nullptr);  // ignored
  emc.lookup(empty_key, ExactMatchCache::hash(empty_key), 0, hit);
  EXPECT_FALSE(hit);
}

TEST(Emc, CollisionReplacesTheEntry) {
  FlowTable t({rule(1, 10, Match{.in_port = 1}), rule(2, 10, Match{.in_port = 2})}, 1);
  ExactMatchCache emc(1);  // a single slot: every key collides
  FlowKey a = key_on(1);
  FlowKey b = key_on(2);
  uint64_t ha = ExactMatchCache::hash(a);
  uint64_t hb = ExactMatchCache::hash(b);
  emc.insert(a, ha, 1, t.lookup(a));
  emc.insert(b, hb, 1, t.lookup(b));
  bool hit = true;
  emc.lookup(a, ha, 1, hit);
  EXPECT_FALSE(hit);
  EXPECT_EQ(emc.lookup(b, hb, 1, hit)->id, 2u);
  EXPECT_TRUE(hit);
  // Same slot index from the same hash, but a different key: not a hit.
  emc.lookup(a, hb, 1, hit);
  EXPECT_FALSE(hit);
}

}  // namespace
}  // namespace chainlab::dataplane
