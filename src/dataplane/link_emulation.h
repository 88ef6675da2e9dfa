// Link emulation on one egress: random loss, a rate limit with a bounded queue (tail drop), and a
// fixed delay plus jitter, all changeable at runtime. What netem + tbf do in the kernel, without
// needing them.
//
// Model: a virtual-time shaper. A packet offered at `now` starts transmitting when the link is free
// (`max(now, busy_until)`), takes wire_bytes * 8 / rate seconds, and is released `delay + jitter`
// after its transmission ends. Release times never decrease, so packets leave in order (no
// reordering, unlike netem's jitter) and one FIFO holds them. Loss is decided first (a lost packet
// uses no wire time). If `queue_limit_packets` accepted packets are still waiting for the wire (not
// started by `now`), the packet is dropped (tail drop). Time and randomness come from the caller
// (injected clock, seeded RNG), so the behaviour is exactly testable.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

#include "common/result.h"
#include "dataplane/packet.h"

namespace chainlab::dataplane {

struct LinkParams {
  uint64_t rate_bps = 0;  // 0: unlimited
  uint64_t delay_ns = 0;
  uint64_t jitter_ns = 0;               // uniform in [-jitter, +jitter], clamped at 0 total
  double loss_percent = 0;              // 0..100
  uint32_t queue_limit_packets = 1000;  // backlog limit when rate-limited (>= 1)

  // Ranges: rate <= 400 Gbit/s, delay and jitter <= 60 s, jitter <= delay, loss 0..100, queue
  // limit 1..1,000,000.
  Status validate() const;
  // Whether the link does nothing at all (packets can bypass the queue).
  bool transparent() const {
    return rate_bps == 0 && delay_ns == 0 && jitter_ns == 0 && loss_percent == 0;
  }
  friend bool operator==(const LinkParams&, const LinkParams&) = default;
};

// A small fast PRNG (xoshiro256**), seeded explicitly.
class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t next();
  double uniform01();  // [0, 1)

 private:
  uint64_t s_[4];
};

struct EgressStats {
  uint64_t sent_packets = 0;   // sent at once (kSendNow) or popped
  uint64_t sent_bytes = 0;     // wire bytes of those (a GSO super-frame counts as its segments)
  uint64_t dropped_loss = 0;   // random loss
  uint64_t dropped_queue = 0;  // tail drop
  uint32_t queued = 0;         // packets held now
};

// The rate-limited wire of one egress: when it is free again, and the start times of accepted
// transmissions that have not started yet (the backlog). Every worker's queue on a port shares the
// port's wire, so the rate and the queue limit hold for the port, not per worker; a mutex guards it
// (taken once per frame offered to a rate-limited link).
class Wire {
 public:
  // Rate and backlog limit from now on. Idempotent: each worker's queue applies the same params.
  // Allocates (the backlog ring), so call it off the packet path.
  void configure(uint64_t rate_bps, uint32_t queue_limit);
  // Puts `wire_bytes` on the wire at `now_ns`: when the transmission ends (`now_ns` while the
  // wire has no rate), or nullopt when `queue_limit` accepted transmissions have not started by
  // `now_ns` (tail drop).
  std::optional<uint64_t> transmit(uint64_t wire_bytes, uint64_t now_ns);

 private:
  std::mutex mu_;
  uint64_t rate_bps_ = 0;
  uint32_t queue_limit_ = 0;
  uint64_t busy_until_ns_ = 0;  // when the wire is free again
  // Fraction of a nanosecond past busy_until_ns_, in units of 1/rate_bps ns, so that back-to-back
  // transmissions accumulate no rounding error.
  uint64_t busy_remainder_ = 0;
  // Transmission start times of accepted packets that may not have started yet (the backlog), in
  // offer order (so non-decreasing): a ring of queue_limit entries.
  std::unique_ptr<uint64_t[]> backlog_;
  uint32_t backlog_capacity_ = 0;
  uint32_t backlog_head_ = 0;
  uint32_t backlog_count_ = 0;

  void resize_backlog(uint32_t capacity);
  // Forgets backlog entries that started by `now_ns`; returns how many remain.
  uint32_t backlog_at(uint64_t now_ns);
  void push_backlog(uint64_t tx_start_ns);
};

class EgressQueue {
 public:
  // `wire`: shared with the port's other queues (one per worker); null: a wire of its own.
  EgressQueue(LinkParams params, uint64_t seed, std::shared_ptr<Wire> wire = nullptr);

  // Applies to packets offered from now on; queued packets keep their release times. `params`
  // must be valid. Allocates (the backlog ring), so call it off the packet path.
  void set_params(const LinkParams& params);
  const LinkParams& params() const { return params_; }

  enum class Verdict { kSendNow, kQueued, kDropped };
  // Offers a packet at `now_ns`. kSendNow: the caller transmits it at once (the link is transparent
  // or the packet's release time is already due, and nothing is queued ahead of it) and still owns
  // it. kQueued: the queue owns it until pop_ready. kDropped: the caller frees it. `now_ns` must
  // not go backwards. Never allocates.
  Verdict offer(Packet* p, uint64_t now_ns);
  // The next packet whose release time is <= now_ns, or null. The caller owns it.
  Packet* pop_ready(uint64_t now_ns);
  // Release time of the head packet, or 0 if empty.
  uint64_t next_release_ns() const { return head_ != nullptr ? head_->release_ns : 0; }
  // Removes every queued packet, handing each to `drop` (port removal, shutdown).
  template <typename F>
  void drain(F&& drop);
  const EgressStats& stats() const { return stats_; }

 private:
  LinkParams params_;
  Rng rng_;
  std::shared_ptr<Wire> wire_;
  uint64_t last_release_ns_ = 0;  // keeps release times monotonic
  Packet* head_ = nullptr;
  Packet* tail_ = nullptr;
  EgressStats stats_;

  void enqueue(Packet* p);
};

template <typename F>
void EgressQueue::drain(F&& drop) {
  while (head_ != nullptr) {
    Packet* p = head_;
    head_ = p->next;
    --stats_.queued;
    drop(p);
  }
  tail_ = nullptr;
}

}  // namespace chainlab::dataplane
