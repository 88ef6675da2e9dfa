#include "dataplane/link_emulation.h"

#include "dataplane/frame.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>

namespace chainlab::dataplane {
namespace {

__extension__ typedef unsigned __int128 Uint128;

constexpr uint64_t kMaxRateBps = 400'000'000'000;  // 400 Gbit/s
constexpr uint64_t kMaxDelayNs = 60'000'000'000;   // 60 s
constexpr uint32_t kMaxQueueLimit = 1'000'000;
constexpr uint64_t kMaxDurationNs = uint64_t{1} << 62;  // ~146 years: saturates absurd inputs
constexpr uint64_t kNsPerSecond = 1'000'000'000;

uint64_t saturating_add(uint64_t a, uint64_t b) {
  uint64_t sum = a + b;
  return sum < a ? UINT64_MAX : sum;
}

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

}  // namespace

Status LinkParams::validate() const {
  if (rate_bps > kMaxRateBps) {
    return make_error(ErrorCode::kInvalidArgument,
                      "rate_bps {} is above the maximum {} (400 Gbit/s)", rate_bps, kMaxRateBps);
  }
  if (delay_ns > kMaxDelayNs) {
    return make_error(ErrorCode::kInvalidArgument, "delay_ns {} is above the maximum {} (60 s)",
                      delay_ns, kMaxDelayNs);
  }
  if (jitter_ns > kMaxDelayNs) {
    return make_error(ErrorCode::kInvalidArgument, "jitter_ns {} is above the maximum {} (60 s)",
                      jitter_ns, kMaxDelayNs);
  }
  if (jitter_ns > delay_ns) {
    return make_error(ErrorCode::kInvalidArgument, "jitter_ns {} is larger than delay_ns {}",
                      jitter_ns, delay_ns);
  }
  if (!(loss_percent >= 0 && loss_percent <= 100)) {  // also rejects NaN
    return make_error(ErrorCode::kInvalidArgument, "loss_percent {} is outside 0..100",
                      loss_percent);
  }
  if (queue_limit_packets < 1 || queue_limit_packets > kMaxQueueLimit) {
    return make_error(ErrorCode::kInvalidArgument, "queue_limit_packets {} is outside 1..{}",
                      queue_limit_packets, kMaxQueueLimit);
  }
  return ok_status();
}

Rng::Rng(uint64_t seed) {
  uint64_t state = seed;
  for (uint64_t& word : s_) {
    word = splitmix64(state);
  }
}

uint64_t Rng::next() {
  uint64_t result = std::rotl(s_[1] * 5, 7) * 9;
  uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = std::rotl(s_[3], 45);
  return result;
}

double Rng::uniform01() {
  return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

void Wire::configure(uint64_t rate_bps, uint32_t queue_limit) {
  std::lock_guard lock(mu_);
  if (rate_bps != rate_bps_) {
    busy_remainder_ = 0;  // counted in units of the old rate
  }
  rate_bps_ = rate_bps;
  queue_limit_ = queue_limit;
  if (rate_bps_ > 0) {
    resize_backlog(queue_limit);
  }
}

std::optional<uint64_t> Wire::transmit(uint64_t wire_bytes, uint64_t now_ns) {
  std::lock_guard lock(mu_);
  if (rate_bps_ == 0) {
    return now_ns;  // another worker's queue just took the limit off: nothing to wait for
  }
  if (backlog_at(now_ns) >= queue_limit_) {
    return std::nullopt;
  }
  uint64_t tx_start_ns = busy_until_ns_;
  if (busy_until_ns_ <= now_ns) {  // the wire is idle
    tx_start_ns = now_ns;
    busy_remainder_ = 0;
  }
  // wire * 8 * 1e9 / rate ns, carrying the remainder to the next packet.
  Uint128 numerator = Uint128{wire_bytes} * 8 * kNsPerSecond + busy_remainder_;
  Uint128 duration = numerator / rate_bps_;
  busy_remainder_ = static_cast<uint64_t>(numerator % rate_bps_);
  busy_until_ns_ = saturating_add(
      tx_start_ns, static_cast<uint64_t>(std::min<Uint128>(duration, kMaxDurationNs)));
  if (tx_start_ns > now_ns) {
    push_backlog(tx_start_ns);
  }
  return busy_until_ns_;
}

EgressQueue::EgressQueue(LinkParams params, uint64_t seed, std::shared_ptr<Wire> wire)
    : params_(params), rng_(seed), wire_(wire ? std::move(wire) : std::make_shared<Wire>()) {
  assert(params_.validate().ok());
  wire_->configure(params_.rate_bps, params_.queue_limit_packets);
}

void EgressQueue::set_params(const LinkParams& params) {
  assert(params.validate().ok());
  params_ = params;
  wire_->configure(params_.rate_bps, params_.queue_limit_packets);
}

EgressQueue::Verdict EgressQueue::offer(Packet* p, uint64_t now_ns) {
  if (params_.transparent() && head_ == nullptr) {
    ++stats_.sent_packets;
    stats_.sent_bytes += wire_bytes(*p);
    return Verdict::kSendNow;
  }
  if (params_.loss_percent > 0 && rng_.uniform01() * 100.0 < params_.loss_percent) {
    ++stats_.dropped_loss;
    return Verdict::kDropped;
  }
  uint64_t wire = wire_bytes(*p);
  uint64_t base_ns = now_ns;
  if (params_.rate_bps > 0) {
    std::optional<uint64_t> tx_end_ns = wire_->transmit(wire, now_ns);
    if (!tx_end_ns) {
      ++stats_.dropped_queue;
      return Verdict::kDropped;
    }
    base_ns = *tx_end_ns;
  }
  uint64_t offset_ns = params_.delay_ns;
  if (params_.jitter_ns > 0) {
    uint64_t span = 2 * params_.jitter_ns + 1;
    uint64_t draw =
        std::min(static_cast<uint64_t>(rng_.uniform01() * static_cast<double>(span)), span - 1);
    int64_t total = static_cast<int64_t>(params_.delay_ns) + static_cast<int64_t>(draw) -
                    static_cast<int64_t>(params_.jitter_ns);
    offset_ns = total > 0 ? static_cast<uint64_t>(total) : 0;
  }
  uint64_t release_ns = std::max(saturating_add(base_ns, offset_ns), last_release_ns_);
  last_release_ns_ = release_ns;
  p->release_ns = release_ns;
  if (release_ns <= now_ns && head_ == nullptr) {
    ++stats_.sent_packets;
    stats_.sent_bytes += wire;
    return Verdict::kSendNow;
  }
  enqueue(p);
  return Verdict::kQueued;
}

Packet* EgressQueue::pop_ready(uint64_t now_ns) {
  Packet* p = head_;
  if (p == nullptr || p->release_ns > now_ns) {
    return nullptr;
  }
  head_ = p->next;
  if (head_ == nullptr) {
    tail_ = nullptr;
  }
  p->next = nullptr;
  --stats_.queued;
  ++stats_.sent_packets;
  stats_.sent_bytes += wire_bytes(*p);
  return p;
}

void EgressQueue::enqueue(Packet* p) {
  p->next = nullptr;
  if (tail_ == nullptr) {
    head_ = p;
  } else {
    tail_->next = p;
  }
  tail_ = p;
  ++stats_.queued;
}

void Wire::resize_backlog(uint32_t capacity) {
  if (capacity == backlog_capacity_) {
    return;
  }
  // Keeping the newest entries is exact: start times are non-decreasing, so by the time the oldest
  // kept entry has started, every dropped (older) one has too.
  // Not zeroed: only [head, head + count) is ever read. A 100,000-node topology has 300,000 of
  // these rings, 8 KB each; untouched, they cost address space, not memory or build time.
  auto ring = std::make_unique_for_overwrite<uint64_t[]>(capacity);
  uint32_t keep = std::min(backlog_count_, capacity);
  for (uint32_t i = 0; i < keep; ++i) {
    uint64_t index = (uint64_t{backlog_head_} + backlog_count_ - keep + i) % backlog_capacity_;
    ring[i] = backlog_[index];
  }
  backlog_ = std::move(ring);
  backlog_capacity_ = capacity;
  backlog_head_ = 0;
  backlog_count_ = keep;
}

uint32_t Wire::backlog_at(uint64_t now_ns) {
  while (backlog_count_ > 0 && backlog_[backlog_head_] <= now_ns) {
    if (++backlog_head_ == backlog_capacity_) {
      backlog_head_ = 0;
    }
    --backlog_count_;
  }
  return backlog_count_;
}

void Wire::push_backlog(uint64_t tx_start_ns) {
  assert(backlog_count_ < backlog_capacity_);
  uint32_t index = backlog_head_ + backlog_count_;
  if (index >= backlog_capacity_) {
    index -= backlog_capacity_;
  }
  backlog_[index] = tx_start_ns;
  ++backlog_count_;
}

}  // namespace chainlab::dataplane
