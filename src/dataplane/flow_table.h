// The classifier: an immutable, priority-ordered rule table (built by the control plane, swapped in
// atomically as a whole) and the exact-match cache each worker keeps in front of it.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "dataplane/flow.h"

namespace chainlab::dataplane {

class FlowTable {
 public:
  // Sorts by priority (descending), then by id (ascending: older rules win ties).
  FlowTable(std::vector<std::shared_ptr<const Rule>> rules, uint64_t generation);

  // The highest-priority rule matching `key`, or null (table miss).
  const Rule* lookup(const FlowKey& key) const;
  const std::vector<std::shared_ptr<const Rule>>& rules() const { return rules_; }
  // Changes with every new table of an LSI; the cache compares it to drop stale entries.
  uint64_t generation() const { return generation_; }

 private:
  std::vector<std::shared_ptr<const Rule>> rules_;
  uint64_t generation_;
};

// A direct-mapped cache FlowKey -> Rule* for one LSI in one worker. Fixed size, no allocation
// after construction. Entries from an older table generation are misses.
class ExactMatchCache {
 public:
  explicit ExactMatchCache(size_t entries = 4096);  // rounded up to a power of two

  static uint64_t hash(const FlowKey& key);
  // The cached rule for `key` under `generation`; `hit` tells a cached miss (null rule) apart from
  // an absent entry.
  const Rule* lookup(const FlowKey& key, uint64_t hash, uint64_t generation, bool& hit) const;
  void insert(const FlowKey& key, uint64_t hash, uint64_t generation, const Rule* rule);
  void clear();

 private:
  struct Entry {
    FlowKey key;
    uint64_t generation = 0;  // 0: empty
    const Rule* rule = nullptr;
  };
  std::vector<Entry> entries_;
  size_t mask_;
};

}  // namespace chainlab::dataplane
