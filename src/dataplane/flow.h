// Traffic-steering rules (COMPOSER's TS rules, son-emu's flow entries): a match with wildcards,
// a list of actions, a priority and a cookie, with packet and byte counters.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "dataplane/frame.h"

namespace chainlab::dataplane {

using PortId = uint32_t;  // unique within an LSI
using RuleId = uint64_t;  // unique within an engine

struct Ipv4Prefix {
  uint32_t address = 0;  // network byte order
  uint8_t length = 32;   // 0..32
  bool contains(uint32_t addr) const;
  friend bool operator==(const Ipv4Prefix&, const Ipv4Prefix&) = default;
};

// VLAN match: any frame, only untagged frames, or frames whose outermost VID is `id`.
struct VlanMatch {
  enum class Kind : uint8_t { kAny, kNone, kId } kind = Kind::kAny;
  uint16_t id = 0;
  friend bool operator==(const VlanMatch&, const VlanMatch&) = default;
};

struct Match {
  std::optional<PortId> in_port;
  std::optional<Mac> eth_src;
  std::optional<Mac> eth_dst;
  std::optional<uint16_t> eth_type;
  VlanMatch vlan;
  std::optional<uint8_t> ip_proto;
  std::optional<Ipv4Prefix> ipv4_src;
  std::optional<Ipv4Prefix> ipv4_dst;
  std::optional<uint16_t> l4_src;
  std::optional<uint16_t> l4_dst;

  bool matches(const FlowKey& key) const;
  // Rejects inconsistent matches: VLAN id > 4095, prefix length > 32, L4 ports or ip_proto
  // without an IPv4 eth_type, and so on, with a message naming the field.
  Status validate() const;
  std::string to_string() const;  // "in_port=1,dl_vlan=10,nw_proto=6,tp_dst=80"
  friend bool operator==(const Match&, const Match&) = default;
};

struct Action {
  enum class Kind : uint8_t {
    kOutput,    // port
    kPushVlan,  // vlan_id
    kPopVlan,
    kSetVlan,    // vlan_id
    kSetEthSrc,  // mac
    kSetEthDst,  // mac
    kDrop,
    kNormal,   // L2 learning switch
    kFlood,    // every port but the input
    kSegment,  // L2 learning inside segment `port` (an E-LAN's share of the LSI, see Engine)
    kSelect,   // one member of load-balancing group `port`, by the flow's hash (select.h)
  };
  Kind kind = Kind::kDrop;
  PortId port = 0;
  uint16_t vlan_id = 0;
  Mac mac{};

  static Action output(PortId p) { return {Kind::kOutput, p, 0, {}}; }
  static Action push_vlan(uint16_t v) { return {Kind::kPushVlan, 0, v, {}}; }
  static Action pop_vlan() { return {Kind::kPopVlan, 0, 0, {}}; }
  static Action set_vlan(uint16_t v) { return {Kind::kSetVlan, 0, v, {}}; }
  static Action set_eth_src(const Mac& m) { return {Kind::kSetEthSrc, 0, 0, m}; }
  static Action set_eth_dst(const Mac& m) { return {Kind::kSetEthDst, 0, 0, m}; }
  static Action drop() { return {Kind::kDrop, 0, 0, {}}; }
  static Action normal() { return {Kind::kNormal, 0, 0, {}}; }
  static Action flood() { return {Kind::kFlood, 0, 0, {}}; }
  static Action segment(uint32_t id) { return {Kind::kSegment, id, 0, {}}; }
  static Action select(uint32_t group) { return {Kind::kSelect, group, 0, {}}; }
  std::string to_string() const;  // "output:3", "push_vlan:10", "normal"
  friend bool operator==(const Action&, const Action&) = default;
};

// Counters of a rule: one slot per forwarding worker (each written by its worker only, on its own
// cache line), summed when read by the control plane.
class RuleCounters {
 public:
  explicit RuleCounters(size_t workers = 1)
      : slots_(std::make_unique<Slot[]>(workers)), count_(workers) {}
  void add(size_t worker, uint64_t bytes_count) {
    Slot& s = slots_[worker];
    s.packets.store(s.packets.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    s.bytes.store(s.bytes.load(std::memory_order_relaxed) + bytes_count, std::memory_order_relaxed);
  }
  uint64_t packets() const { return sum(&Slot::packets); }
  uint64_t bytes() const { return sum(&Slot::bytes); }

 private:
  struct alignas(64) Slot {
    std::atomic<uint64_t> packets{0};
    std::atomic<uint64_t> bytes{0};
  };
  uint64_t sum(std::atomic<uint64_t> Slot::*field) const {
    uint64_t total = 0;
    for (size_t i = 0; i < count_; ++i) {
      total += (slots_[i].*field).load(std::memory_order_relaxed);
    }
    return total;
  }
  std::unique_ptr<Slot[]> slots_;
  size_t count_;
};

struct Rule {
  RuleId id = 0;
  uint64_t cookie = 0;
  uint16_t priority = 0;  // higher wins; ties: the older rule wins
  Match match;
  std::vector<Action> actions;  // empty: drop
  // Shared by every table snapshot that holds the rule, so counts survive rule-table swaps.
  std::shared_ptr<RuleCounters> counters = std::make_shared<RuleCounters>();
};

// Validates actions: VLAN ids 1..4094 for push/set, at most 16 actions.
Status validate_actions(const std::vector<Action>& actions);

}  // namespace chainlab::dataplane
