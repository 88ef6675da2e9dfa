// The L2 learning table behind the `normal` action: (VLAN, MAC) -> port with aging. Fixed capacity
// (open addressing: a key lives in one of 8 slots after its hash; capacity is rounded up to a power
// of two, at least 8), no allocation after construction; when the window is full, its oldest entry
// is replaced. An entry not seen for `aging_ns` is gone. Shared by the workers' copies of an LSI
// (what one worker learns, the others find: a one-way flow on one worker is not flooded forever
// because the replies that taught its destination went to another); a mutex guards it.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "dataplane/flow.h"

namespace chainlab::dataplane {

class MacTable {
 public:
  explicit MacTable(size_t capacity = 4096, uint64_t aging_ns = 300'000'000'000ull);

  // Records that `mac` on `vlan_id` was seen on `port` at `now_ns` (broadcast/multicast and
  // all-zero sources are ignored).
  void learn(const Mac& mac, uint16_t vlan_id, PortId port, uint64_t now_ns);
  // The port `mac` was last seen on, if known and not aged out.
  std::optional<PortId> lookup(const Mac& mac, uint16_t vlan_id, uint64_t now_ns) const;
  // Forgets every entry pointing at `port` (the port went away).
  void forget_port(PortId port);
  size_t size(uint64_t now_ns) const;  // live entries

 private:
  struct Entry {
    Mac mac{};
    uint16_t vlan_id = 0;
    PortId port = 0;
    uint64_t seen_ns = 0;
    bool used = false;  // (a flag rather than seen_ns == 0: a clock may start at 0)
  };
  size_t slot(const Mac& mac, uint16_t vlan_id) const;
  bool live(const Entry& e, uint64_t now_ns) const;
  mutable std::mutex mu_;
  std::vector<Entry> entries_;
  size_t mask_;
  uint64_t aging_ns_;
};

}  // namespace chainlab::dataplane
