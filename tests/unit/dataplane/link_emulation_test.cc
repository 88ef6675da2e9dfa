#include "dataplane/link_emulation.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

namespace chainlab::dataplane {
namespace {

constexpr uint64_t kMs = 1'000'000;
constexpr uint64_t kSecond = 1'000'000'000;
constexpr uint64_t kSeed = 12345;

using Verdict = EgressQueue::Verdict;

Packet* make_packet(PacketPool& pool, uint32_t len) {
  Packet* p = pool.alloc();
  EXPECT_NE(p, nullptr);
  p->len = len;
  return p;
}

// Pops every packet due at `now_ns`, returning them to the pool; returns their release times.
std::vector<uint64_t> pop_all(EgressQueue& q, PacketPool& pool, uint64_t now_ns) {
  std::vector<uint64_t> released;
  while (Packet* p = q.pop_ready(now_ns)) {
    released.push_back(p->release_ns);
    pool.free(p);
  }
  return released;
}

TEST(Rng, MatchesReferenceXoshiro256StarStar) {
  // Reference values from an independent implementation (splitmix64 seeding, xoshiro256**).
  Rng rng(42);
  EXPECT_EQ(rng.next(), 0x15780b2e0c2ec716u);
  EXPECT_EQ(rng.next(), 0x6104d9866d113a7eu);
  EXPECT_EQ(rng.next(), 0xae17533239e499a1u);
}

TEST(Rng, DeterministicAndUniform) {
  Rng a(7);
  Rng b(7);
  Rng c(8);
  EXPECT_EQ(a.next(), b.next());
  EXPECT_NE(a.next(), c.next());
  double sum = 0;
  constexpr int kDraws = 100'000;
  for (int i = 0; i < kDraws; ++i) {
    double u = a.uniform01();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  // Standard deviation of the mean: sqrt(1/12 / n) ~ 0.0009.
  EXPECT_NEAR(sum / kDraws, 0.5, 0.005);
}

TEST(LinkParams, ValidatesRanges) {
  EXPECT_TRUE(LinkParams{}.validate().ok());
  LinkParams max{.rate_bps = 400'000'000'000,
                 .delay_ns = 60 * kSecond,
                 .jitter_ns = 60 * kSecond,
                 .loss_percent = 100,
                 .queue_limit_packets = 1'000'000};
  EXPECT_TRUE(max.validate().ok());

  struct Case {
    LinkParams params;
    const char* message;
  };
  std::vector<Case> cases = {
      {{.rate_bps = 400'000'000'001},
       "rate_bps 400000000001 is above the maximum 400000000000 (400 Gbit/s)"},
      {{.delay_ns = 60 * kSecond + 1},
       "delay_ns 60000000001 is above the maximum 60000000000 (60 s)"},
      {{.delay_ns = 10, .jitter_ns = 11}, "jitter_ns 11 is larger than delay_ns 10"},
      {{.loss_percent = -0.5}, "loss_percent -0.5 is outside 0..100"},
      {{.loss_percent = 100.5}, "loss_percent 100.5 is outside 0..100"},
      {{.loss_percent = std::nan("")}, "loss_percent nan is outside 0..100"},
      {{.queue_limit_packets = 0}, "queue_limit_packets 0 is outside 1..1000000"},
      {{.queue_limit_packets = 1'000'001}, "queue_limit_packets 1000001 is outside 1..1000000"},
  };
  for (const Case& c : cases) {
    Status s = c.params.validate();
    ASSERT_FALSE(s.ok()) << c.message;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(s.error().message, c.message);
  }
  // Jitter above 60 s is reported as such, not only as larger than the delay.
  Status s = LinkParams{.delay_ns = 60 * kSecond, .jitter_ns = 61 * kSecond}.validate();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "jitter_ns 61000000000 is above the maximum 60000000000 (60 s)");
}

TEST(EgressQueue, TransparentLinkSendsAtOnce) {
  auto pool = PacketPool::create(4);
  ASSERT_NE(pool, nullptr);
  EgressQueue q(LinkParams{}, kSeed);
  Packet* p = make_packet(*pool, 100);
  p->release_ns = 77;
  EXPECT_EQ(q.offer(p, 1000), Verdict::kSendNow);
  EXPECT_EQ(p->release_ns, 77u);  // untouched
  EXPECT_EQ(q.stats().sent_packets, 1u);
  EXPECT_EQ(q.stats().sent_bytes, 100u);
  EXPECT_EQ(q.stats().queued, 0u);
  EXPECT_EQ(q.pop_ready(UINT64_MAX), nullptr);
  EXPECT_EQ(q.next_release_ns(), 0u);
  pool->free(p);
}

TEST(EgressQueue, FixedDelayReleasesExactly) {
  auto pool = PacketPool::create(8);
  ASSERT_NE(pool, nullptr);
  EgressQueue q(LinkParams{.delay_ns = 10 * kMs}, kSeed);
  EXPECT_EQ(q.offer(make_packet(*pool, 60), 0), Verdict::kQueued);
  EXPECT_EQ(q.offer(make_packet(*pool, 60), 3 * kMs), Verdict::kQueued);
  EXPECT_EQ(q.stats().queued, 2u);
  EXPECT_EQ(q.next_release_ns(), 10 * kMs);
  EXPECT_EQ(q.pop_ready(10 * kMs - 1), nullptr);
  EXPECT_EQ(pop_all(q, *pool, 10 * kMs), std::vector<uint64_t>{10 * kMs});
  EXPECT_EQ(q.next_release_ns(), 13 * kMs);
  EXPECT_EQ(pop_all(q, *pool, 20 * kMs), std::vector<uint64_t>{13 * kMs});
  EXPECT_EQ(q.stats().sent_packets, 2u);
  EXPECT_EQ(q.stats().sent_bytes, 120u);
  EXPECT_EQ(q.stats().queued, 0u);
  EXPECT_EQ(pool->available(), pool->capacity());
}

TEST(EgressQueue, RateSpacesBackToBackPackets) {
  constexpr int kCount = 1000;
  auto pool = PacketPool::create(kCount);
  ASSERT_NE(pool, nullptr);
  for (uint64_t delay : {uint64_t{0}, 5 * kMs}) {
    EgressQueue q(LinkParams{.rate_bps = 100'000'000, .delay_ns = delay}, kSeed);
    for (int i = 0; i < kCount; ++i) {
      ASSERT_EQ(q.offer(make_packet(*pool, 1514), 0), Verdict::kQueued) << i;
    }
    std::vector<uint64_t> released = pop_all(q, *pool, UINT64_MAX);
    ASSERT_EQ(released.size(), static_cast<size_t>(kCount));
    for (int k = 1; k <= kCount; ++k) {
      // 1514 * 8 bits at 1e8 bit/s = 121,120 ns each.
      EXPECT_EQ(released[k - 1], k * 121'120u + delay) << k;
    }
    EXPECT_EQ(q.stats().dropped_queue, 0u);
    EXPECT_EQ(q.stats().sent_bytes, kCount * 1514u);
  }
}

TEST(EgressQueue, RateCarriesSubNanosecondRemainders) {
  constexpr int kCount = 1000;
  auto pool = PacketPool::create(kCount);
  ASSERT_NE(pool, nullptr);
  // 100 bytes at 3 Gbit/s: 266.67 ns each; packet k ends at floor(k * 800 / 3) ns.
  EgressQueue q(LinkParams{.rate_bps = 3'000'000'000}, kSeed);
  for (int i = 0; i < kCount; ++i) {
    ASSERT_EQ(q.offer(make_packet(*pool, 100), 0), Verdict::kQueued);
  }
  std::vector<uint64_t> released = pop_all(q, *pool, UINT64_MAX);
  ASSERT_EQ(released.size(), static_cast<size_t>(kCount));
  for (uint64_t k = 1; k <= kCount; ++k) {
    EXPECT_EQ(released[k - 1], k * 800 / 3) << k;
  }
}

TEST(EgressQueue, GsoFrameCountsItsSegments) {
  auto pool = PacketPool::create(4);
  ASSERT_NE(pool, nullptr);
  EgressQueue q(LinkParams{.rate_bps = 1'000'000'000}, kSeed);
  Packet* p = make_packet(*pool, 66 + 1448 * 40);
  p->vnet.gso_type = kGsoTcpv4 | kGsoEcn;
  p->vnet.gso_size = 1448;
  p->vnet.hdr_len = 66;
  ASSERT_EQ(q.offer(p, 0), Verdict::kQueued);
  constexpr uint64_t kWire = 40 * (66 + 1448);  // 60,560 bytes
  EXPECT_EQ(p->release_ns, kWire * 8);          // ns at 1 Gbit/s
  // A last, shorter segment still counts as a segment: 41 of them.
  Packet* odd = make_packet(*pool, 66 + 1448 * 40 + 1);
  odd->vnet = p->vnet;
  ASSERT_EQ(q.offer(odd, 0), Verdict::kQueued);
  EXPECT_EQ(odd->release_ns - p->release_ns, (kWire + 1 + 66) * 8);
  // Without a GSO type the frame counts as itself.
  Packet* plain = make_packet(*pool, 66 + 1448 * 40);
  plain->vnet.gso_size = 1448;
  plain->vnet.hdr_len = 66;
  ASSERT_EQ(q.offer(plain, 0), Verdict::kQueued);
  EXPECT_EQ(plain->release_ns - odd->release_ns, (66 + 1448 * 40) * 8u);
  pop_all(q, *pool, UINT64_MAX);
  EXPECT_EQ(q.stats().sent_bytes, kWire + (kWire + 1 + 66) + (66 + 1448 * 40));
}

TEST(EgressQueue, QueueLimitTailDrops) {
  auto pool = PacketPool::create(64);
  ASSERT_NE(pool, nullptr);
  // 1250 bytes at 10 Mbit/s: 1 ms each.
  EgressQueue q(LinkParams{.rate_bps = 10'000'000, .queue_limit_packets = 10}, kSeed);
  int queued = 0;
  for (int i = 0; i < 30; ++i) {
    Packet* p = make_packet(*pool, 1250);
    Verdict v = q.offer(p, 0);
    if (v == Verdict::kDropped) {
      pool->free(p);
    } else {
      ++queued;
    }
  }
  // One on the wire plus ten waiting for it.
  EXPECT_EQ(queued, 11);
  EXPECT_EQ(q.stats().dropped_queue, 19u);
  EXPECT_EQ(q.stats().dropped_loss, 0u);
  // At 3.5 ms packets 0..3 have started; three more fit.
  queued = 0;
  for (int i = 0; i < 10; ++i) {
    Packet* p = make_packet(*pool, 1250);
    if (q.offer(p, 3 * kMs + kMs / 2) == Verdict::kDropped) {
      pool->free(p);
    } else {
      ++queued;
    }
  }
  EXPECT_EQ(queued, 3);
  EXPECT_EQ(q.stats().dropped_queue, 26u);
  std::vector<uint64_t> released = pop_all(q, *pool, UINT64_MAX);
  ASSERT_EQ(released.size(), 14u);
  EXPECT_EQ(released.back(), 14 * kMs);
  EXPECT_EQ(pool->available(), pool->capacity());
}

// Offers `count` packets at 1 us spacing on a loss-only link; returns how many were dropped.
uint64_t count_losses(double loss_percent, int count) {
  auto pool = PacketPool::create(1);
  EgressQueue q(LinkParams{.loss_percent = loss_percent}, kSeed);
  Packet* p = make_packet(*pool, 100);
  for (int i = 0; i < count; ++i) {
    Verdict v = q.offer(p, static_cast<uint64_t>(i) * 1000);
    EXPECT_NE(v, Verdict::kQueued);
  }
  EXPECT_EQ(q.stats().sent_packets + q.stats().dropped_loss, static_cast<uint64_t>(count));
  pool->free(p);
  return q.stats().dropped_loss;
}

TEST(EgressQueue, LossMatchesProbability) {
  constexpr int kCount = 100'000;
  double mean = kCount * 0.1;
  double sigma = std::sqrt(kCount * 0.1 * 0.9);
  double lost = static_cast<double>(count_losses(10, kCount));
  EXPECT_NEAR(lost, mean, 3 * sigma);
  EXPECT_EQ(count_losses(0, kCount), 0u);
  EXPECT_EQ(count_losses(100, kCount), static_cast<uint64_t>(kCount));
}

TEST(EgressQueue, NoLossWhenZero) {
  auto pool = PacketPool::create(1);
  ASSERT_NE(pool, nullptr);
  // A delay so the link is not transparent and every packet goes through the full path.
  EgressQueue q(LinkParams{.delay_ns = 1}, kSeed);
  Packet* p = make_packet(*pool, 100);
  for (int i = 0; i < 10'000; ++i) {
    ASSERT_EQ(q.offer(p, static_cast<uint64_t>(i) * 10), Verdict::kQueued);
    ASSERT_EQ(q.pop_ready(static_cast<uint64_t>(i) * 10 + 1), p);
  }
  EXPECT_EQ(q.stats().dropped_loss, 0u);
  EXPECT_EQ(q.stats().sent_packets, 10'000u);
  pool->free(p);
}

TEST(EgressQueue, JitterStaysInRangeWhenSparse) {
  auto pool = PacketPool::create(1);
  ASSERT_NE(pool, nullptr);
  constexpr uint64_t kDelay = 20 * kMs;
  constexpr uint64_t kJitter = 5 * kMs;
  EgressQueue q(LinkParams{.delay_ns = kDelay, .jitter_ns = kJitter}, kSeed);
  Packet* p = make_packet(*pool, 100);
  constexpr int kCount = 20'000;
  double sum = 0;
  uint64_t lowest = UINT64_MAX;
  uint64_t highest = 0;
  for (int i = 0; i < kCount; ++i) {
    // Sparse: 100 ms apart, so the monotonic clamp never applies.
    uint64_t now = static_cast<uint64_t>(i) * 100 * kMs;
    ASSERT_EQ(q.offer(p, now), Verdict::kQueued);
    uint64_t offset = p->release_ns - now;
    lowest = std::min(lowest, offset);
    highest = std::max(highest, offset);
    sum += static_cast<double>(offset);
    ASSERT_EQ(q.pop_ready(p->release_ns), p);
  }
  EXPECT_GE(lowest, kDelay - kJitter);
  EXPECT_LE(highest, kDelay + kJitter);
  EXPECT_LT(lowest, kDelay - kJitter + kJitter / 50);  // the range is actually used
  EXPECT_GT(highest, kDelay + kJitter - kJitter / 50);
  // Uniform on +-5 ms: sigma of the mean = 5 ms / sqrt(3 n) ~ 20 us.
  EXPECT_NEAR(sum / kCount, static_cast<double>(kDelay), 100'000.0);
  pool->free(p);
}

TEST(EgressQueue, JitterPreservesOrder) {
  constexpr int kCount = 500;
  auto pool = PacketPool::create(kCount);
  ASSERT_NE(pool, nullptr);
  EgressQueue q(LinkParams{.delay_ns = 10 * kMs, .jitter_ns = 10 * kMs}, kSeed);
  std::vector<Packet*> offered;
  for (int i = 0; i < kCount; ++i) {
    Packet* p = make_packet(*pool, 100);
    p->in_port = static_cast<uint32_t>(i);
    offered.push_back(p);
    // Dense: 10 us apart, far below the jitter.
    Verdict v = q.offer(p, static_cast<uint64_t>(i) * 10'000);
    ASSERT_NE(v, Verdict::kDropped);
    if (v == Verdict::kSendNow) {  // zero delay drawn with nothing queued
      pool->free(p);
      offered.back() = nullptr;
    }
  }
  uint32_t expected = 0;
  uint64_t last = 0;
  for (uint64_t now = 0; q.stats().queued > 0; now += 100'000) {
    while (Packet* p = q.pop_ready(now)) {
      while (offered[expected] == nullptr) {
        ++expected;
      }
      EXPECT_EQ(p->in_port, expected);
      EXPECT_GE(p->release_ns, last);
      EXPECT_LE(p->release_ns, now);
      last = p->release_ns;
      ++expected;
      pool->free(p);
    }
  }
  EXPECT_EQ(pool->available(), pool->capacity());
}

TEST(EgressQueue, SetParamsAppliesToNewPacketsOnly) {
  auto pool = PacketPool::create(16);
  ASSERT_NE(pool, nullptr);
  EgressQueue q(LinkParams{.delay_ns = 50 * kMs}, kSeed);
  Packet* a = make_packet(*pool, 100);
  ASSERT_EQ(q.offer(a, 0), Verdict::kQueued);
  EXPECT_EQ(a->release_ns, 50 * kMs);

  // A shorter delay: the new packet may not overtake the old one.
  q.set_params(LinkParams{.delay_ns = 10 * kMs});
  EXPECT_EQ(q.params().delay_ns, 10 * kMs);
  Packet* b = make_packet(*pool, 100);
  ASSERT_EQ(q.offer(b, 1 * kMs), Verdict::kQueued);
  EXPECT_EQ(a->release_ns, 50 * kMs);
  EXPECT_EQ(b->release_ns, 50 * kMs);
  Packet* c = make_packet(*pool, 100);
  ASSERT_EQ(q.offer(c, 45 * kMs), Verdict::kQueued);
  EXPECT_EQ(c->release_ns, 55 * kMs);

  // A rate, then a slower rate: release times keep increasing.
  q.set_params(LinkParams{.rate_bps = 1'000'000'000});
  Packet* d = make_packet(*pool, 1250);  // 10 us at 1 Gbit/s
  ASSERT_EQ(q.offer(d, 100 * kMs), Verdict::kQueued);
  EXPECT_EQ(d->release_ns, 100 * kMs + 10'000);
  q.set_params(LinkParams{.rate_bps = 1'000'000});
  Packet* e = make_packet(*pool, 1250);  // 10 ms at 1 Mbit/s, after d leaves the wire
  ASSERT_EQ(q.offer(e, 100 * kMs), Verdict::kQueued);
  EXPECT_EQ(e->release_ns, 100 * kMs + 10'000 + 10 * kMs);
  q.set_params(LinkParams{.rate_bps = 1'000'000'000});
  Packet* f = make_packet(*pool, 1250);  // waits for e's transmission
  ASSERT_EQ(q.offer(f, 100 * kMs), Verdict::kQueued);
  EXPECT_EQ(f->release_ns, e->release_ns + 10'000);

  // Back to transparent: queued packets keep their times, new ones queue behind them.
  q.set_params(LinkParams{});
  Packet* g = make_packet(*pool, 100);
  ASSERT_EQ(q.offer(g, 100 * kMs), Verdict::kQueued);
  EXPECT_EQ(g->release_ns, f->release_ns);
  std::vector<uint64_t> released = pop_all(q, *pool, UINT64_MAX);
  EXPECT_EQ(released,
            (std::vector<uint64_t>{50 * kMs, 50 * kMs, 55 * kMs, 100 * kMs + 10'000,
                                   110 * kMs + 10'000, 110 * kMs + 20'000, 110 * kMs + 20'000}));
  Packet* h = make_packet(*pool, 100);
  EXPECT_EQ(q.offer(h, 200 * kMs), Verdict::kSendNow);
  pool->free(h);
  EXPECT_EQ(pool->available(), pool->capacity());
}

TEST(EgressQueue, ShrinkingQueueLimitKeepsBacklogCount) {
  auto pool = PacketPool::create(64);
  ASSERT_NE(pool, nullptr);
  EgressQueue q(LinkParams{.rate_bps = 10'000'000, .queue_limit_packets = 20}, kSeed);
  for (int i = 0; i < 21; ++i) {
    ASSERT_EQ(q.offer(make_packet(*pool, 1250), 0), Verdict::kQueued);  // 1 ms each
  }
  q.set_params(LinkParams{.rate_bps = 10'000'000, .queue_limit_packets = 5});
  Packet* p = make_packet(*pool, 1250);
  // At 15.5 ms, packets 16..20 (five) have not started: full.
  EXPECT_EQ(q.offer(p, 15 * kMs + kMs / 2), Verdict::kDropped);
  // At 16.5 ms only four wait.
  EXPECT_EQ(q.offer(p, 16 * kMs + kMs / 2), Verdict::kQueued);
  EXPECT_EQ(q.stats().dropped_queue, 1u);
  pop_all(q, *pool, UINT64_MAX);
  EXPECT_EQ(pool->available(), pool->capacity());
}

TEST(EgressQueue, DrainReturnsEveryPacket) {
  auto pool = PacketPool::create(32);
  ASSERT_NE(pool, nullptr);
  EgressQueue q(LinkParams{.rate_bps = 1'000'000, .delay_ns = kSecond}, kSeed);
  for (int i = 0; i < 32; ++i) {
    ASSERT_EQ(q.offer(make_packet(*pool, 1000), 0), Verdict::kQueued);
  }
  EXPECT_EQ(pool->available(), 0u);
  EXPECT_EQ(q.stats().queued, 32u);
  int drained = 0;
  q.drain([&](Packet* p) {
    ++drained;
    pool->free(p);
  });
  EXPECT_EQ(drained, 32);
  EXPECT_EQ(q.stats().queued, 0u);
  EXPECT_EQ(q.next_release_ns(), 0u);
  EXPECT_EQ(q.pop_ready(UINT64_MAX), nullptr);
  EXPECT_EQ(pool->available(), pool->capacity());
  // Still usable afterwards.
  Packet* p = make_packet(*pool, 1000);
  EXPECT_EQ(q.offer(p, 100 * kSecond), Verdict::kQueued);
  EXPECT_EQ(q.pop_ready(UINT64_MAX), p);
  pool->free(p);
}

// Offers twice the link rate for 10 simulated seconds; the link carries its rate.
void check_throughput(uint64_t rate_bps, uint32_t len, uint64_t delay_ns) {
  auto pool = PacketPool::create(2048);
  ASSERT_NE(pool, nullptr);
  EgressQueue q(LinkParams{.rate_bps = rate_bps, .delay_ns = delay_ns, .queue_limit_packets = 100},
                kSeed);
  constexpr uint64_t kDuration = 10 * kSecond;
  // Interval between offers for 2x the rate, in ns (rounded down: slightly more than 2x).
  uint64_t interval = len * 8 * kSecond / (2 * rate_bps);
  uint64_t delivered_bytes = 0;
  for (uint64_t now = 0; now < kDuration; now += interval) {
    while (Packet* p = q.pop_ready(now)) {
      delivered_bytes += p->len;
      pool->free(p);
    }
    Packet* p = pool->alloc();
    ASSERT_NE(p, nullptr) << "pool exhausted at " << now;
    p->len = len;
    if (q.offer(p, now) == Verdict::kDropped) {
      pool->free(p);
    }
  }
  while (Packet* p = q.pop_ready(kDuration + delay_ns)) {
    delivered_bytes += p->len;
    pool->free(p);
  }
  double achieved = static_cast<double>(delivered_bytes) * 8 / 10.0;
  EXPECT_NEAR(achieved, static_cast<double>(rate_bps), 0.005 * static_cast<double>(rate_bps))
      << "rate " << rate_bps << " len " << len;
  EXPECT_GT(q.stats().dropped_queue, 0u);
  q.drain([&](Packet* p) { pool->free(p); });
  EXPECT_EQ(pool->available(), pool->capacity());
}

TEST(EgressQueue, ThroughputMatchesRateUnderOverload) {
  check_throughput(100'000'000, 1514, 0);
  check_throughput(7'777'777, 1000, 0);  // durations with remainders
  check_throughput(1'000'000'000, 1514, 2 * kMs);
}

// Two workers' queues on one port share its wire: together they get the port's rate and its
// queue limit, not each its own.
TEST(EgressQueue, QueuesOnOneWireShareItsRateAndLimit) {
  auto pool = PacketPool::create(64);
  ASSERT_NE(pool, nullptr);
  // 1250 bytes at 10 Mbit/s: 1 ms each; a backlog of ten.
  LinkParams params{.rate_bps = 10'000'000, .queue_limit_packets = 10};
  for (bool shared : {true, false}) {
    auto wire = std::make_shared<Wire>();
    EgressQueue a(params, kSeed, wire);
    EgressQueue b(params, kSeed + 1, shared ? wire : nullptr);
    for (int i = 0; i < 15; ++i) {
      for (EgressQueue* q : {&a, &b}) {
        if (Packet* p = make_packet(*pool, 1250); q->offer(p, 0) == Verdict::kDropped) {
          pool->free(p);
        }
      }
    }
    std::vector<uint64_t> ra = pop_all(a, *pool, UINT64_MAX);
    std::vector<uint64_t> rb = pop_all(b, *pool, UINT64_MAX);
    if (!shared) {  // two wires: each queue alone takes eleven, 1 ms apart
      EXPECT_EQ(ra.size() + rb.size(), 22u);
      continue;
    }
    // One wire: eleven in all (one on it, ten waiting), taking turns 1 ms apart.
    ASSERT_EQ(ra.size(), 6u);
    ASSERT_EQ(rb.size(), 5u);
    for (size_t i = 0; i < ra.size(); ++i) {
      EXPECT_EQ(ra[i], (2 * i + 1) * kMs) << i;
    }
    for (size_t i = 0; i < rb.size(); ++i) {
      EXPECT_EQ(rb[i], (2 * i + 2) * kMs) << i;
    }
    EXPECT_EQ(a.stats().dropped_queue + b.stats().dropped_queue, 19u);
  }
  EXPECT_EQ(pool->available(), pool->capacity());
}

}  // namespace
}  // namespace chainlab::dataplane
