// Reading and rewriting Ethernet frames: the parser that turns a frame into a `FlowKey`, and the
// header rewrites the actions need (VLAN push/pop/set, MAC rewrite), keeping the virtio-net
// header's offsets right. Hostile input is the norm here: every read is bounds-checked, nothing
// allocates, nothing throws. Fuzzed by tests/fuzz/frame_fuzz.cc.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "dataplane/packet.h"

namespace chainlab::dataplane {

// IP protocol numbers the parser and the flow matches know.
constexpr uint8_t kProtoIcmp = 1;
constexpr uint8_t kProtoTcp = 6;
constexpr uint8_t kProtoUdp = 17;
constexpr uint8_t kProtoSctp = 132;

using Mac = std::array<uint8_t, 6>;

inline constexpr uint16_t kEthTypeIpv4 = 0x0800;
inline constexpr uint16_t kEthTypeArp = 0x0806;
inline constexpr uint16_t kEthTypeVlan = 0x8100;
inline constexpr uint16_t kEthTypeQinQ = 0x88a8;
inline constexpr uint16_t kEthTypeIpv6 = 0x86dd;
inline constexpr uint16_t kNoVlan = 0xffff;

// The header fields rules match on. Fields a frame does not have are zero (vlan_id: kNoVlan).
// Plain bytes, no padding surprises: hashed and compared as a whole by the exact-match cache.
struct FlowKey {
  uint32_t in_port = 0;
  uint32_t ipv4_src = 0;       // network byte order
  uint32_t ipv4_dst = 0;       // network byte order
  uint16_t vlan_id = kNoVlan;  // outermost 802.1Q/802.1ad tag's VID
  uint16_t eth_type = 0;       // after the outermost VLAN tag
  uint16_t l4_src = 0;         // host byte order (TCP, UDP, SCTP ports; ICMP type)
  uint16_t l4_dst = 0;         // host byte order (ICMP code)
  uint8_t ip_proto = 0;
  uint8_t pad_ = 0;
  Mac eth_dst{};
  Mac eth_src{};
  uint16_t pad2_ = 0;  // explicit tail padding: every byte is defined, so hashing is safe

  friend bool operator==(const FlowKey&, const FlowKey&) = default;
};
static_assert(sizeof(FlowKey) == 36);
static_assert(std::has_unique_object_representations_v<FlowKey>);

// Fills `key` from the frame (in_port untouched, every other field reset first). False for frames
// too short to carry an Ethernet header (runts): those are dropped and counted. Truncated or
// malformed inner headers are not an error: the fields that could not be read stay zero.
// - VLAN: only the outermost 802.1Q/802.1ad tag is read; with stacked tags eth_type is the inner
//   TPID and nothing further is parsed. A truncated tag leaves the frame untagged with the TPID as
//   eth_type (as OVS does).
// - IPv4 (version 4, IHL >= 5, header inside the frame): addresses, protocol; TCP/UDP/SCTP ports
//   and ICMP type/code when their minimal header is present and the packet is not a later
//   fragment.
// - ARP (Ethernet/IPv4): sender and target protocol addresses into ipv4_src / ipv4_dst.
// - IPv6: ip_proto is the fixed header's next header (extension headers are not walked).
bool parse_frame(const uint8_t* data, size_t len, FlowKey& key);

// Wire bytes a packet occupies on a link: one Ethernet frame, or for a GSO super-frame the sum of
// its segments (each carrying a copy of the headers). Preamble and FCS are not counted.
uint64_t wire_bytes(const Packet& p);

// Number of frames a GSO super-frame becomes (1 for a plain frame).
uint32_t segment_count(const Packet& p);

// Header rewrites. Each returns false (and leaves the packet unchanged) if it cannot apply: no
// headroom for a push (or a frame that would exceed kMaxFrame), a runt frame, virtio-net offsets
// pointing into the Ethernet header or the tag being removed. Push and pop shift
// vnet.csum_start (when kVnetNeedsCsum) and a non-zero vnet.hdr_len by 4, so a successful push
// followed by a pop restores the packet exactly.
bool push_vlan(Packet& p, uint16_t vlan_id);  // outermost tag, TPID 0x8100, PCP 0
bool pop_vlan(Packet& p);                     // removes the outermost tag; false if untagged
bool set_vlan(Packet& p, uint16_t vlan_id);   // rewrites the outermost VID, pushes if untagged
bool set_eth_src(Packet& p, const Mac& mac);
bool set_eth_dst(Packet& p, const Mac& mac);

// Whether the virtio-net header is consistent with the frame (offsets inside it, a known GSO
// type with a plausible segment size). Inconsistent headers are cleared rather than passed on.
bool vnet_header_valid(const Packet& p);

}  // namespace chainlab::dataplane
