#include "dataplane/frame.h"

#include <cstring>

namespace chainlab::dataplane {
namespace {

constexpr size_t kEthHeaderLen = 14;
constexpr size_t kMacBytes = 12;  // destination and source MAC
constexpr size_t kVlanTagLen = 4;
constexpr size_t kIpv4MinHeaderLen = 20;
constexpr size_t kIpv6HeaderLen = 40;
constexpr size_t kArpIpv4Len = 28;
constexpr uint16_t kVidMask = 0x0fff;
constexpr uint16_t kIpv4FragOffsetMask = 0x1fff;

// Minimal L4 header lengths before the ports (or ICMP type/code) are trusted, as OVS does.
constexpr size_t kTcpHeaderLen = 20;
constexpr size_t kUdpHeaderLen = 8;
constexpr size_t kSctpHeaderLen = 12;
constexpr size_t kIcmpHeaderLen = 4;

uint16_t read_be16(const uint8_t* p) {
  return static_cast<uint16_t>((static_cast<uint16_t>(p[0]) << 8) | p[1]);
}

void write_be16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v & 0xff);
}

bool is_vlan_tpid(uint16_t eth_type) {
  return eth_type == kEthTypeVlan || eth_type == kEthTypeQinQ;
}

bool is_tagged(const Packet& p) {
  return p.len >= kEthHeaderLen + kVlanTagLen && is_vlan_tpid(read_be16(p.data + kMacBytes));
}

uint8_t gso_base_type(uint8_t gso_type) {
  return static_cast<uint8_t>(gso_type & ~kGsoEcn);
}

bool is_gso(const Packet& p) {
  return gso_base_type(p.vnet.gso_type) != kGsoNone && p.vnet.gso_size > 0 &&
         p.vnet.hdr_len <= p.len;
}

void parse_l4(const uint8_t* l4, size_t len, uint8_t proto, FlowKey& key) {
  size_t need = 0;
  switch (proto) {
    case kProtoTcp:
      need = kTcpHeaderLen;
      break;
    case kProtoUdp:
      need = kUdpHeaderLen;
      break;
    case kProtoSctp:
      need = kSctpHeaderLen;
      break;
    case kProtoIcmp:
      need = kIcmpHeaderLen;
      break;
    default:
      return;
  }
  if (len < need) {
    return;
  }
  if (proto == kProtoIcmp) {
    key.l4_src = l4[0];  // type
    key.l4_dst = l4[1];  // code
  } else {
    key.l4_src = read_be16(l4);
    key.l4_dst = read_be16(l4 + 2);
  }
}

void parse_ipv4(const uint8_t* ip, size_t len, FlowKey& key) {
  if (len < kIpv4MinHeaderLen) {
    return;
  }
  uint8_t version = ip[0] >> 4;
  size_t header_len = static_cast<size_t>(ip[0] & 0x0f) * 4;
  if (version != 4 || header_len < kIpv4MinHeaderLen || header_len > len) {
    return;
  }
  key.ip_proto = ip[9];
  std::memcpy(&key.ipv4_src, ip + 12, 4);
  std::memcpy(&key.ipv4_dst, ip + 16, 4);
  if ((read_be16(ip + 6) & kIpv4FragOffsetMask) != 0) {
    return;  // a later fragment: no L4 header in it
  }
  parse_l4(ip + header_len, len - header_len, key.ip_proto, key);
}

void parse_arp(const uint8_t* arp, size_t len, FlowKey& key) {
  // Ethernet/IPv4 ARP only: htype 1, ptype 0x0800, hlen 6, plen 4.
  if (len < kArpIpv4Len || read_be16(arp) != 1 || read_be16(arp + 2) != kEthTypeIpv4 ||
      arp[4] != 6 || arp[5] != 4) {
    return;
  }
  std::memcpy(&key.ipv4_src, arp + 14, 4);  // sender protocol address
  std::memcpy(&key.ipv4_dst, arp + 24, 4);  // target protocol address
}

void parse_ipv6(const uint8_t* ip, size_t len, FlowKey& key) {
  if (len < kIpv6HeaderLen || (ip[0] >> 4) != 6) {
    return;
  }
  key.ip_proto = ip[6];  // next header of the fixed header; extension headers are not walked
}

// Moves the two MAC addresses 4 bytes towards the buffer start and writes a tag after them.
void insert_tag(Packet& p, uint16_t tci) {
  std::memmove(p.data - kVlanTagLen, p.data, kMacBytes);
  p.data -= kVlanTagLen;
  p.len += kVlanTagLen;
  write_be16(p.data + kMacBytes, kEthTypeVlan);
  write_be16(p.data + kMacBytes + 2, tci);
}

}  // namespace

bool parse_frame(const uint8_t* data, size_t len, FlowKey& key) {
  uint32_t in_port = key.in_port;
  key = FlowKey{};
  key.in_port = in_port;
  if (data == nullptr || len < kEthHeaderLen) {
    return false;
  }
  std::memcpy(key.eth_dst.data(), data, 6);
  std::memcpy(key.eth_src.data(), data + 6, 6);
  size_t offset = kMacBytes;
  uint16_t eth_type = read_be16(data + offset);
  offset += 2;
  // A truncated tag leaves the frame untagged with the TPID as its EtherType, as in OVS.
  if (is_vlan_tpid(eth_type) && len >= offset + kVlanTagLen) {
    key.vlan_id = read_be16(data + offset) & kVidMask;
    eth_type = read_be16(data + offset + 2);
    offset += kVlanTagLen;
  }
  key.eth_type = eth_type;
  const uint8_t* l3 = data + offset;
  size_t l3_len = len - offset;
  switch (eth_type) {
    case kEthTypeIpv4:
      parse_ipv4(l3, l3_len, key);
      break;
    case kEthTypeArp:
      parse_arp(l3, l3_len, key);
      break;
    case kEthTypeIpv6:
      parse_ipv6(l3, l3_len, key);
      break;
    default:
      break;  // includes a second (inner) VLAN tag: not parsed further
  }
  return true;
}

namespace {

// The headers each segment of a GSO super-frame repeats. The kernel's hdr_len is the linear part
// of its buffer, which for a forwarded super-frame can be the whole frame: then they end where
// the TCP header (data offset) or the UDP header does.
uint32_t segment_header_bytes(const Packet& p) {
  const VnetHeader& v = p.vnet;
  if (v.hdr_len < p.len || (v.flags & kVnetNeedsCsum) == 0) {
    return v.hdr_len;
  }
  uint8_t base = gso_base_type(v.gso_type);
  if (base == kGsoUdp || base == kGsoUdpL4) {
    return std::min<uint32_t>(p.len, uint32_t{v.csum_start} + kUdpHeaderLen);
  }
  if (uint32_t doff_at = uint32_t{v.csum_start} + 12; doff_at < p.len) {
    return std::min<uint32_t>(p.len,
                              v.csum_start + static_cast<uint32_t>(p.data[doff_at] >> 4) * 4);
  }
  return v.hdr_len;
}

}  // namespace

uint32_t segment_count(const Packet& p) {
  if (!is_gso(p)) {
    return 1;
  }
  uint32_t payload = p.len - segment_header_bytes(p);
  uint32_t segments = (payload + p.vnet.gso_size - 1) / p.vnet.gso_size;
  return segments == 0 ? 1 : segments;
}

uint64_t wire_bytes(const Packet& p) {
  uint32_t segments = segment_count(p);
  if (segments <= 1) {
    return p.len;
  }
  return static_cast<uint64_t>(p.len) +
         static_cast<uint64_t>(segments - 1) * segment_header_bytes(p);
}

bool push_vlan(Packet& p, uint16_t vlan_id) {
  if (p.len < kEthHeaderLen || p.headroom() < kVlanTagLen || p.len + kVlanTagLen > kMaxFrame) {
    return false;
  }
  // Offsets pointing into the Ethernet header cannot be shifted meaningfully (and a pop could not
  // shift them back); offsets near 64 KiB would overflow.
  bool needs_csum = (p.vnet.flags & kVnetNeedsCsum) != 0;
  if (needs_csum &&
      (p.vnet.csum_start < kEthHeaderLen || p.vnet.csum_start > UINT16_MAX - kVlanTagLen)) {
    return false;
  }
  if (p.vnet.hdr_len != 0 &&
      (p.vnet.hdr_len < kEthHeaderLen || p.vnet.hdr_len > UINT16_MAX - kVlanTagLen)) {
    return false;
  }
  insert_tag(p, vlan_id & kVidMask);
  if (needs_csum) {
    p.vnet.csum_start = static_cast<uint16_t>(p.vnet.csum_start + kVlanTagLen);
  }
  if (p.vnet.hdr_len != 0) {
    p.vnet.hdr_len = static_cast<uint16_t>(p.vnet.hdr_len + kVlanTagLen);
  }
  return true;
}

bool pop_vlan(Packet& p) {
  if (!is_tagged(p)) {
    return false;
  }
  // Offsets pointing into the Ethernet header or the tag itself cannot be shifted back.
  constexpr size_t kTaggedHeaderLen = kEthHeaderLen + kVlanTagLen;
  bool needs_csum = (p.vnet.flags & kVnetNeedsCsum) != 0;
  if (needs_csum && p.vnet.csum_start < kTaggedHeaderLen) {
    return false;
  }
  if (p.vnet.hdr_len != 0 && p.vnet.hdr_len < kTaggedHeaderLen) {
    return false;
  }
  std::memmove(p.data + kVlanTagLen, p.data, kMacBytes);
  p.data += kVlanTagLen;
  p.len -= kVlanTagLen;
  if (needs_csum) {
    p.vnet.csum_start = static_cast<uint16_t>(p.vnet.csum_start - kVlanTagLen);
  }
  if (p.vnet.hdr_len != 0) {
    p.vnet.hdr_len = static_cast<uint16_t>(p.vnet.hdr_len - kVlanTagLen);
  }
  return true;
}

bool set_vlan(Packet& p, uint16_t vlan_id) {
  if (!is_tagged(p)) {
    return push_vlan(p, vlan_id);
  }
  uint8_t* tci = p.data + kEthHeaderLen;
  uint16_t value = static_cast<uint16_t>((read_be16(tci) & ~kVidMask) | (vlan_id & kVidMask));
  write_be16(tci, value);
  return true;
}

bool set_eth_src(Packet& p, const Mac& mac) {
  if (p.len < kEthHeaderLen) {
    return false;
  }
  std::memcpy(p.data + 6, mac.data(), mac.size());
  return true;
}

bool set_eth_dst(Packet& p, const Mac& mac) {
  if (p.len < kEthHeaderLen) {
    return false;
  }
  std::memcpy(p.data, mac.data(), mac.size());
  return true;
}

bool vnet_header_valid(const Packet& p) {
  const VnetHeader& v = p.vnet;
  if ((v.flags & ~(kVnetNeedsCsum | kVnetDataValid)) != 0) {
    return false;
  }
  if ((v.flags & kVnetNeedsCsum) != 0) {
    // The checksum field (2 bytes) must lie inside the frame, after the Ethernet header.
    uint32_t csum_end = static_cast<uint32_t>(v.csum_start) + v.csum_offset + 2;
    if (v.csum_start < kEthHeaderLen || csum_end > p.len) {
      return false;
    }
  }
  uint8_t base = gso_base_type(v.gso_type);
  if (base == kGsoNone) {
    return v.gso_type == kGsoNone;  // ECN without a GSO type is meaningless
  }
  if (base != kGsoTcpv4 && base != kGsoUdp && base != kGsoTcpv6 && base != kGsoUdpL4) {
    return false;
  }
  // A super-frame: headers to copy (at least Ethernet), a segment size.
  // hdr_len may cover the whole frame: the kernel reports its buffer's linear part (a forwarded
  // super-frame), and takes such a header back on send.
  return v.gso_size > 0 && v.hdr_len >= kEthHeaderLen && v.hdr_len <= p.len && p.len <= kMaxFrame;
}

}  // namespace chainlab::dataplane
