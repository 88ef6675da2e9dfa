#include "dataplane/flow_table.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>

namespace chainlab::dataplane {
namespace {

constexpr uint64_t kMul1 = 0x9e3779b97f4a7c15ull;
constexpr uint64_t kMul2 = 0xbf58476d1ce4e5b9ull;
constexpr uint64_t kMul3 = 0x94d049bb133111ebull;

uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

uint64_t mix(uint64_t h, uint64_t word) {
  h ^= word;
  h *= kMul1;
  h ^= h >> 32;
  return h;
}

}  // namespace

FlowTable::FlowTable(std::vector<std::shared_ptr<const Rule>> rules, uint64_t generation)
    : rules_(std::move(rules)), generation_(generation) {
  assert(generation_ != 0 && "generation 0 marks an empty cache entry");
  std::stable_sort(rules_.begin(), rules_.end(), [](const auto& a, const auto& b) {
    if (a->priority != b->priority) {
      return a->priority > b->priority;
    }
    return a->id < b->id;
  });
}

const Rule* FlowTable::lookup(const FlowKey& key) const {
  for (const auto& rule : rules_) {
    if (rule->match.matches(key)) {
      return rule.get();
    }
  }
  return nullptr;
}

ExactMatchCache::ExactMatchCache(size_t entries)
    : entries_(std::bit_ceil(std::max<size_t>(entries, 1))), mask_(entries_.size() - 1) {}

uint64_t ExactMatchCache::hash(const FlowKey& key) {
  static_assert(sizeof(FlowKey) == 36);
  uint8_t bytes[sizeof(FlowKey)];
  std::memcpy(bytes, &key, sizeof(bytes));
  uint64_t h = sizeof(FlowKey);
  h = mix(h, load64(bytes));
  h = mix(h, load64(bytes + 8));
  h = mix(h, load64(bytes + 16));
  h = mix(h, load64(bytes + 24));
  uint32_t tail;
  std::memcpy(&tail, bytes + 32, sizeof(tail));
  h = mix(h, tail);
  // Final avalanche (splitmix64) so the low bits used as the index depend on every input bit.
  h ^= h >> 30;
  h *= kMul2;
  h ^= h >> 27;
  h *= kMul3;
  h ^= h >> 31;
  return h;
}

const Rule* ExactMatchCache::lookup(const FlowKey& key, uint64_t hash, uint64_t generation,
                                    bool& hit) const {
  const Entry& e = entries_[hash & mask_];
  hit = generation != 0 && e.generation == generation &&
        std::memcmp(&e.key, &key, sizeof(FlowKey)) == 0;
  return hit ? e.rule : nullptr;
}

void ExactMatchCache::insert(const FlowKey& key, uint64_t hash, uint64_t generation,
                             const Rule* rule) {
  if (generation == 0) {
    return;
  }
  Entry& e = entries_[hash & mask_];
  e.key = key;
  e.generation = generation;
  e.rule = rule;
}

void ExactMatchCache::clear() {
  std::fill(entries_.begin(), entries_.end(), Entry{});
}

}  // namespace chainlab::dataplane
