#include "dataplane/select.h"

#include <algorithm>
#include <utility>

#include "dataplane/packet.h"

namespace chainlab::dataplane {
namespace {

// splitmix64's finaliser: every input bit reaches every output bit.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

uint64_t mac_value(const Mac& m) {
  uint64_t v = 0;
  for (uint8_t b : m) {
    v = (v << 8) | b;
  }
  return v;
}

}  // namespace

uint64_t flow_hash(const FlowKey& key) {
  if (key.eth_type != kEthTypeIpv4) {
    // std::minmax of two values (not of references to temporaries, which would dangle).
    auto [a, b] = std::minmax({mac_value(key.eth_src), mac_value(key.eth_dst)});
    return mix(mix(a) ^ b);
  }
  // The two ends (address, port) in a fixed order: both directions of a flow hash alike. ICMP's
  // type and code (in the port fields) differ between a request and its reply: left out.
  bool ports = key.ip_proto != kProtoIcmp;
  uint64_t src = (uint64_t{key.ipv4_src} << 16) | (ports ? key.l4_src : 0);
  uint64_t dst = (uint64_t{key.ipv4_dst} << 16) | (ports ? key.l4_dst : 0);
  auto [low, high] = std::minmax({src, dst});
  return mix(mix(mix(low) ^ high) ^ key.ip_proto);
}

uint32_t select_member(uint64_t hash, const std::vector<uint32_t>& members) {
  return select_in_group(hash, GroupSpec{members, {}});
}

uint32_t select_in_group(uint64_t hash, const GroupSpec& group) {
  uint32_t best = kNoPort;
  uint64_t best_score = 0;
  bool keyed = group.keys.size() == group.members.size();
  for (size_t i = 0; i < group.members.size(); ++i) {
    uint64_t score = mix(hash ^ mix(keyed ? group.keys[i] : group.members[i]));
    if (best == kNoPort || score > best_score) {
      best = group.members[i];
      best_score = score;
    }
  }
  return best;
}

}  // namespace chainlab::dataplane
