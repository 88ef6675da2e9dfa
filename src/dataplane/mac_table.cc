#include "dataplane/mac_table.h"

#include <algorithm>
#include <bit>

namespace chainlab::dataplane {
namespace {

constexpr size_t kProbeWindow = 8;

bool is_group(const Mac& mac) {
  return (mac[0] & 0x01) != 0;
}

bool is_zero(const Mac& mac) {
  return std::all_of(mac.begin(), mac.end(), [](uint8_t b) { return b == 0; });
}

}  // namespace

MacTable::MacTable(size_t capacity, uint64_t aging_ns)
    : entries_(std::bit_ceil(std::max(capacity, kProbeWindow))),
      mask_(entries_.size() - 1),
      aging_ns_(aging_ns) {}

size_t MacTable::slot(const Mac& mac, uint16_t vlan_id) const {
  uint64_t v = 0;
  for (uint8_t b : mac) {
    v = (v << 8) | b;
  }
  v = (v << 16) | vlan_id;
  v *= 0x9e3779b97f4a7c15ull;
  v ^= v >> 29;
  v *= 0xbf58476d1ce4e5b9ull;
  v ^= v >> 32;
  return static_cast<size_t>(v) & mask_;
}

bool MacTable::live(const Entry& e, uint64_t now_ns) const {
  // A clock that went backwards keeps an entry alive rather than underflowing.
  return e.used && (now_ns < e.seen_ns || now_ns - e.seen_ns < aging_ns_);
}

void MacTable::learn(const Mac& mac, uint16_t vlan_id, PortId port, uint64_t now_ns) {
  std::lock_guard lock(mu_);
  if (is_group(mac) || is_zero(mac)) {
    return;
  }
  size_t start = slot(mac, vlan_id);
  Entry* free_slot = nullptr;
  Entry* oldest = nullptr;
  for (size_t i = 0; i < kProbeWindow; ++i) {
    Entry& e = entries_[(start + i) & mask_];
    if (e.used && e.mac == mac && e.vlan_id == vlan_id) {
      e.port = port;
      e.seen_ns = now_ns;
      return;
    }
    if (!live(e, now_ns)) {
      if (free_slot == nullptr) {
        free_slot = &e;
      }
    } else if (oldest == nullptr || e.seen_ns < oldest->seen_ns) {
      oldest = &e;
    }
  }
  Entry* target = free_slot != nullptr ? free_slot : oldest;
  *target = Entry{mac, vlan_id, port, now_ns, true};
}

std::optional<PortId> MacTable::lookup(const Mac& mac, uint16_t vlan_id, uint64_t now_ns) const {
  std::lock_guard lock(mu_);
  size_t start = slot(mac, vlan_id);
  for (size_t i = 0; i < kProbeWindow; ++i) {
    const Entry& e = entries_[(start + i) & mask_];
    if (e.used && e.mac == mac && e.vlan_id == vlan_id) {
      if (live(e, now_ns)) {
        return e.port;
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

void MacTable::forget_port(PortId port) {
  std::lock_guard lock(mu_);
  for (Entry& e : entries_) {
    if (e.used && e.port == port) {
      e = Entry{};
    }
  }
}

size_t MacTable::size(uint64_t now_ns) const {
  std::lock_guard lock(mu_);
  return static_cast<size_t>(std::count_if(entries_.begin(), entries_.end(),
                                           [&](const Entry& e) { return live(e, now_ns); }));
}

}  // namespace chainlab::dataplane
