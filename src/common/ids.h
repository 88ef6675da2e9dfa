// Ids as an injected dependency, like the clock (common/clock.h): services that name what they
// create (OpenStack uuids, Keystone token and user ids, gatekeeper instance uuids, Heat stacks)
// take a `const IdSource&`. RandomIds is the real one (the kernel's CSPRNG, common/random.h:
// unguessable, as tokens must be); SequentialIds gives predictable ids to tests.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "common/random.h"

namespace chainlab {

class IdSource {
 public:
  virtual ~IdSource() = default;
  // A version-4 UUID text: "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
  virtual std::string uuid() const = 0;
  // 2 * `bytes` lowercase hex characters.
  virtual std::string hex(size_t bytes) const = 0;
};

class RandomIds final : public IdSource {
 public:
  std::string uuid() const override { return random_uuid(); }
  std::string hex(size_t bytes) const override { return random_hex(bytes); }
  // The process-wide instance (stateless, so sharing it is not shared mutable state).
  static const RandomIds& instance() {
    static const RandomIds ids;
    return ids;
  }
};

// Ids from a counter (1, 2, ...), shared by uuid() and hex(): the n-th uuid is
// "0000000n-0000-4000-8000-00000000000n" (n in hex, in the first group too, so ids whose first 8
// characters are used as short names stay distinct); hex(b) is n in 2*b hex digits. Thread-safe.
class SequentialIds final : public IdSource {
 public:
  std::string uuid() const override {
    uint64_t n = ++next_;
    return fmt::format("{:08x}-0000-4000-8000-{:012x}", n & 0xffffffffu, n);
  }
  std::string hex(size_t bytes) const override {
    return fmt::format("{:0{}x}", ++next_, 2 * bytes);
  }

 private:
  mutable std::atomic<uint64_t> next_{0};
};

}  // namespace chainlab
