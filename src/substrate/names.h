// Kernel object names. Interface names hold at most 15 bytes (IFNAMSIZ - 1), so chainlab never puts
// a user's name into the kernel: it derives short unique names from the run prefix and a counter
// and keeps the user's names in its own state (Mininet-based tools break on long names).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace chainlab::substrate {

inline constexpr size_t kMaxIfnameLen = 15;

// A valid kernel interface name: 1..15 bytes of [A-Za-z0-9_.-], not "." or "..".
Status validate_ifname(std::string_view name);

// A valid user-facing object name (instance, PoP, interface id): 1..64 bytes of [A-Za-z0-9_.:-],
// starting with a letter or digit. `what` names the object in the error ("instance name").
Status validate_object_name(std::string_view name, std::string_view what);

// Lower-case base-36 rendering of n ("0".."z", then "10"...).
std::string base36(uint64_t n);

// Hands out kernel names "<prefix><kind><base36 counter>", unique within one run. Thread-safe.
// The run prefix is 6 bytes ("cl" + 4 random base-36 chars), so names stay within 15 bytes for
// 36^8 objects per kind.
class NameAllocator {
 public:
  explicit NameAllocator(std::string prefix) : prefix_(std::move(prefix)) {}
  const std::string& prefix() const { return prefix_; }
  // `kind` is one letter: 'n' netns, 'v' veth host end, 'p' veth peer, 'g' cgroup, ...
  std::string next(char kind);

 private:
  std::string prefix_;
  std::atomic<uint64_t> counter_{0};
};

}  // namespace chainlab::substrate
