// Load-balancing groups (OpenFlow's select group; networking-sfc port pair groups, scaled-out
// VNFs): Action::select(group) sends each flow to one member of the group. The member is chosen by
// rendezvous (highest random weight) hashing of the flow's hash with each member's port id, so
// adding a member moves only the flows it now wins and removing one moves only its own flows;
// every other flow keeps its member. The flow hash is symmetric (a flow and its reply hash alike)
// and covers the 5-tuple for IPv4, the MAC addresses otherwise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "dataplane/frame.h"

namespace chainlab::dataplane {

inline constexpr size_t kMaxGroupMembers = 256;

struct GroupSpec {
  std::vector<uint32_t> members;  // port ids of the LSI; at most kMaxGroupMembers, no repeats
  // Empty, or one per member: what the rendezvous hash weighs instead of the member's port id.
  // Two groups whose members carry the same keys send a flow to the members of the same key (a
  // symmetric chain's forward and reverse groups pick the same port pair).
  std::vector<uint32_t> keys;
  friend bool operator==(const GroupSpec&, const GroupSpec&) = default;
};

uint64_t flow_hash(const FlowKey& key);

// The member that flow hash `hash` goes to; kNoPort (packet.h) for an empty group.
uint32_t select_member(uint64_t hash, const std::vector<uint32_t>& members);
// The same with `keys` (empty: the port ids) in the hash.
uint32_t select_in_group(uint64_t hash, const GroupSpec& group);

}  // namespace chainlab::dataplane
