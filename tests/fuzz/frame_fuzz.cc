// libFuzzer target for src/dataplane/frame.cc: the parser, the GSO accounting, the virtio-net
// header check and sequences of header rewrites, on hostile frames and hostile vnet headers.
//
// Input layout (missing bytes read as zero):
//   [0, 10)   VnetHeader, raw
//   [10]      headroom: < 128 → 0..8 bytes, else kHeadroom
//   [11, 15)  up to four rewrite operations (low 3 bits: which, high 5 bits: VLAN id / MAC seed)
//   [15, ...) the Ethernet frame (at most kMaxFrame bytes)
// The frame sits at the very end of an exactly sized heap buffer, so AddressSanitizer catches any
// read past the frame or write before the buffer. Invariants are checked with __builtin_trap().
//
// Built as `frame_fuzz` with -DCHAINLAB_FUZZ=ON (clang, tests/fuzz/run.sh), and always as the
// `frame_fuzz_smoke` test (docs/fuzzing.md): tests/fuzz/seeds/frame holds hand-built frames (TCP,
// UDP, ICMP, SCTP, ARP, IPv6, VLAN and QinQ tags, TSO/USO vnet headers, a runt).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "dataplane/frame.h"

namespace chainlab::dataplane {
namespace {

constexpr size_t kControlBytes = 15;
constexpr size_t kOpCount = 4;

void check(bool condition) {
  if (!condition) {
    __builtin_trap();
  }
}

uint16_t read_be16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

bool same_vnet(const VnetHeader& a, const VnetHeader& b) {
  return std::memcmp(&a, &b, sizeof(VnetHeader)) == 0;
}

class FuzzPacket {
 public:
  FuzzPacket(const uint8_t* frame, size_t len, uint32_t headroom, const VnetHeader& vnet)
      : size_(std::max<size_t>(headroom + len, 1)), buf_(new uint8_t[size_]) {
    p.buf = buf_.get();
    p.data = p.buf + headroom;
    p.len = static_cast<uint32_t>(len);
    p.vnet = vnet;
    if (len > 0) {
      std::memcpy(p.data, frame, len);
    }
  }
  void check_bounds() const {
    check(p.data >= p.buf);
    check(p.data + p.len <= p.buf + size_);
  }
  Packet p;

 private:
  size_t size_;
  std::unique_ptr<uint8_t[]> buf_;
};

FlowKey parse_checked(const Packet& p) {
  FlowKey key;
  key.in_port = 0xdeadbeef;
  bool ok = parse_frame(p.data, p.len, key);
  check(ok == (p.len >= 14));
  check(key.in_port == 0xdeadbeef);
  check(key.vlan_id == kNoVlan || key.vlan_id <= 0x0fff);
  check(key.pad_ == 0 && key.pad2_ == 0);
  if (!ok) {
    FlowKey empty;
    empty.in_port = key.in_port;
    check(key == empty);
    return key;
  }
  check(std::memcmp(key.eth_dst.data(), p.data, 6) == 0);
  check(std::memcmp(key.eth_src.data(), p.data + 6, 6) == 0);
  if (key.ipv4_src != 0 || key.ipv4_dst != 0) {
    check(key.eth_type == kEthTypeIpv4 || key.eth_type == kEthTypeArp);
  }
  if (key.ip_proto != 0) {
    check(key.eth_type == kEthTypeIpv4 || key.eth_type == kEthTypeIpv6);
  }
  if (key.l4_src != 0 || key.l4_dst != 0) {
    check(key.eth_type == kEthTypeIpv4);
    check(key.ip_proto == 1 || key.ip_proto == 6 || key.ip_proto == 17 || key.ip_proto == 132);
  }
  FlowKey again;
  again.in_port = key.in_port;
  parse_frame(p.data, p.len, again);
  check(again == key);
  return key;
}

void check_accounting(const Packet& p) {
  uint32_t segments = segment_count(p);
  uint64_t wire = wire_bytes(p);
  check(segments >= 1);
  check(wire >= p.len);
  if (segments == 1) {
    check(wire == p.len);
  } else {
    // Each further segment repeats the headers: hdr_len, or (when the kernel's hdr_len covers
    // the whole frame) up to the end of the L4 header; never more than the frame.
    check(p.vnet.gso_size > 0 && p.vnet.hdr_len <= p.len);
    check(segments <= p.len);
    check((wire - p.len) % (segments - 1) == 0);
    check((wire - p.len) / (segments - 1) <= p.len);
  }
  if (vnet_header_valid(p) && (p.vnet.flags & kVnetNeedsCsum) != 0) {
    check(uint32_t{p.vnet.csum_start} + p.vnet.csum_offset + 2 <= p.len);
  }
}

// One rewrite, then the invariants: a failed rewrite changes nothing, a successful one does exactly
// what it says, a consistent vnet header stays consistent.
void run_op(FuzzPacket& f, uint8_t op) {
  Packet& p = f.p;
  uint16_t vid = static_cast<uint16_t>((op >> 3) * 137);  // 0..4247: masking is exercised too
  Mac mac = {static_cast<uint8_t>(op & 0xfe), op, 0x5a, op, 0xa5, static_cast<uint8_t>(~op)};
  uint8_t* data = p.data;
  uint32_t len = p.len;
  VnetHeader vnet = p.vnet;
  bool was_valid = vnet_header_valid(p);
  bool tagged =
      len >= 18 && (read_be16(data + 12) == kEthTypeVlan || read_be16(data + 12) == kEthTypeQinQ);
  bool ok = false;
  switch (op & 7) {
    case 0:
      ok = push_vlan(p, vid);
      if (ok) {
        check(p.data == data - 4 && p.len == len + 4);
        check(read_be16(p.data + 12) == kEthTypeVlan);
        check(parse_checked(p).vlan_id == (vid & 0x0fff));
      }
      break;
    case 1:
      ok = pop_vlan(p);
      check(!ok || tagged);
      if (ok) {
        check(p.data == data + 4 && p.len == len - 4);
      }
      break;
    case 2:
      ok = set_vlan(p, vid);
      if (ok) {
        check(p.len == (tagged ? len : len + 4));
        check(parse_checked(p).vlan_id == (vid & 0x0fff));
      }
      break;
    case 3:
      ok = set_eth_src(p, mac);
      check(ok == (len >= 14));
      if (ok) {
        check(parse_checked(p).eth_src == mac);
      }
      break;
    case 4:
      ok = set_eth_dst(p, mac);
      check(ok == (len >= 14));
      if (ok) {
        check(parse_checked(p).eth_dst == mac);
      }
      break;
    case 5: {
      // Push then pop restores the frame, its place in the buffer and the vnet header exactly.
      std::unique_ptr<uint8_t[]> copy(new uint8_t[std::max<uint32_t>(len, 1)]);
      if (len > 0) {
        std::memcpy(copy.get(), data, len);
      }
      ok = push_vlan(p, vid);
      if (ok) {
        check(pop_vlan(p));
        check(p.data == data && p.len == len && same_vnet(p.vnet, vnet));
        check(std::memcmp(copy.get(), p.data, len) == 0);
      }
      break;
    }
    case 6:
      // Pop then set_vlan (which pushes) keeps the length.
      ok = pop_vlan(p);
      if (ok) {
        bool inner_tag = p.len >= 18 && (read_be16(p.data + 12) == kEthTypeVlan ||
                                         read_be16(p.data + 12) == kEthTypeQinQ);
        check(set_vlan(p, vid));  // the pop left headroom for a push
        check(p.len == (inner_tag ? len - 4 : len));
        check((read_be16(p.data + 14) & 0x0fff) == (vid & 0x0fff));
      }
      break;
    default:
      // What the data plane does with an inconsistent header: clear it.
      if (!was_valid) {
        p.vnet = VnetHeader{};
        check(vnet_header_valid(p));
      }
      return;
  }
  f.check_bounds();
  if (!ok) {
    check(p.data == data && p.len == len && same_vnet(p.vnet, vnet));
  }
  if (was_valid) {
    check(vnet_header_valid(p));
  }
  check_accounting(p);
}

}  // namespace
}  // namespace chainlab::dataplane

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chainlab::dataplane;
  uint8_t control[kControlBytes] = {};
  if (size > 0) {
    std::memcpy(control, data, std::min(size, kControlBytes));
  }
  VnetHeader vnet;
  std::memcpy(&vnet, control, sizeof(vnet));
  uint32_t headroom = control[10] < 128 ? control[10] % 9 : kHeadroom;
  const uint8_t* frame = size > kControlBytes ? data + kControlBytes : nullptr;
  size_t len = size > kControlBytes ? std::min<size_t>(size - kControlBytes, kMaxFrame) : 0;

  FuzzPacket f(frame, len, headroom, vnet);
  f.check_bounds();
  parse_checked(f.p);
  check_accounting(f.p);
  for (size_t i = 0; i < kOpCount; ++i) {
    run_op(f, control[11 + i]);
  }
  parse_checked(f.p);
  return 0;
}
