#include "dataplane/frame.h"

#include <arpa/inet.h>

#include <cstring>
#include <initializer_list>
#include <vector>

#include <gtest/gtest.h>

// GCC 12 warns about members left out of designated initializers even when they have default
// member initializers; the tests rely on those defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace chainlab::dataplane {
namespace {

using Bytes = std::vector<uint8_t>;

const Mac kDst = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
const Mac kSrc = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

void put(Bytes& b, std::initializer_list<uint8_t> bytes) {
  b.insert(b.end(), bytes);
}
void put16(Bytes& b, uint16_t v) {
  put(b, {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)});
}
void put_mac(Bytes& b, const Mac& m) {
  b.insert(b.end(), m.begin(), m.end());
}

// Ethernet header with optional tags: each tag is (TPID, TCI); `eth_type` follows the last one.
Bytes eth(uint16_t eth_type, std::initializer_list<std::pair<uint16_t, uint16_t>> tags = {}) {
  Bytes b;
  put_mac(b, kDst);
  put_mac(b, kSrc);
  for (auto [tpid, tci] : tags) {
    put16(b, tpid);
    put16(b, tci);
  }
  put16(b, eth_type);
  return b;
}

struct Ipv4Options {
  uint8_t version = 4;
  uint8_t ihl = 5;
  uint16_t frag = 0;  // flags and fragment offset field
};

void ipv4(Bytes& b, uint8_t proto, Ipv4Options o = {}) {
  put(b, {static_cast<uint8_t>((o.version << 4) | o.ihl), 0});
  put16(b, 0);  // total length (not used by the parser)
  put16(b, 0x1234);
  put16(b, o.frag);
  put(b, {64, proto, 0, 0});
  put(b, {10, 0, 0, 1});  // source 10.0.0.1
  put(b, {10, 0, 0, 2});  // destination 10.0.0.2
  for (int i = 5; i < o.ihl; ++i) {
    put(b, {1, 1, 1, 1});  // NOP options
  }
}

void l4_header(Bytes& b, uint16_t src, uint16_t dst, size_t total) {
  put16(b, src);
  put16(b, dst);
  b.insert(b.end(), total - 4, 0);
}

void tcp(Bytes& b, uint16_t src, uint16_t dst) {
  l4_header(b, src, dst, 20);
}
void udp(Bytes& b, uint16_t src, uint16_t dst) {
  l4_header(b, src, dst, 8);
}

uint32_t ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return htonl((uint32_t{a} << 24) | (uint32_t{b} << 16) | (uint32_t{c} << 8) | d);
}

FlowKey parse(const Bytes& b) {
  FlowKey key;
  key.in_port = 7;
  EXPECT_TRUE(parse_frame(b.data(), b.size(), key));
  EXPECT_EQ(key.in_port, 7u);
  return key;
}

// A packet in its own buffer with the standard headroom.
class TestPacket {
 public:
  explicit TestPacket(const Bytes& frame) : buf_(kBufferSize) {
    p.buf = buf_.data();
    p.reset();
    std::memcpy(p.data, frame.data(), frame.size());
    p.len = static_cast<uint32_t>(frame.size());
  }
  Bytes bytes() const { return Bytes(p.data, p.data + p.len); }
  Packet p;

 private:
  Bytes buf_;
};

TEST(FrameParse, UntaggedIpv4Tcp) {
  Bytes b = eth(kEthTypeIpv4);
  ipv4(b, 6);
  tcp(b, 12345, 80);
  FlowKey key = parse(b);
  EXPECT_EQ(key.eth_dst, kDst);
  EXPECT_EQ(key.eth_src, kSrc);
  EXPECT_EQ(key.vlan_id, kNoVlan);
  EXPECT_EQ(key.eth_type, kEthTypeIpv4);
  EXPECT_EQ(key.ip_proto, 6);
  EXPECT_EQ(key.ipv4_src, ipv4(10, 0, 0, 1));
  EXPECT_EQ(key.ipv4_dst, ipv4(10, 0, 0, 2));
  EXPECT_EQ(key.l4_src, 12345);
  EXPECT_EQ(key.l4_dst, 80);
}

TEST(FrameParse, TaggedIpv4Udp) {
  Bytes b = eth(kEthTypeIpv4, {{kEthTypeVlan, 0xe00a}});  // PCP 7, VID 10
  ipv4(b, 17);
  udp(b, 53, 5353);
  FlowKey key = parse(b);
  EXPECT_EQ(key.vlan_id, 10);
  EXPECT_EQ(key.eth_type, kEthTypeIpv4);
  EXPECT_EQ(key.ip_proto, 17);
  EXPECT_EQ(key.l4_src, 53);
  EXPECT_EQ(key.l4_dst, 5353);
}

TEST(FrameParse, QinQStopsAtTheInnerTag) {
  Bytes b = eth(kEthTypeIpv4, {{kEthTypeQinQ, 100}, {kEthTypeVlan, 20}});
  ipv4(b, 6);
  tcp(b, 1, 2);
  FlowKey key = parse(b);
  EXPECT_EQ(key.vlan_id, 100);
  EXPECT_EQ(key.eth_type, kEthTypeVlan);
  EXPECT_EQ(key.ip_proto, 0);
  EXPECT_EQ(key.ipv4_src, 0u);
  EXPECT_EQ(key.l4_dst, 0);
}

TEST(FrameParse, Icmp) {
  Bytes b = eth(kEthTypeIpv4);
  ipv4(b, 1);
  put(b, {8, 0, 0, 0, 0, 1, 0, 1});  // echo request
  FlowKey key = parse(b);
  EXPECT_EQ(key.ip_proto, 1);
  EXPECT_EQ(key.l4_src, 8);
  EXPECT_EQ(key.l4_dst, 0);
}

TEST(FrameParse, Sctp) {
  Bytes b = eth(kEthTypeIpv4);
  ipv4(b, 132);
  l4_header(b, 3868, 3869, 12);
  FlowKey key = parse(b);
  EXPECT_EQ(key.l4_src, 3868);
  EXPECT_EQ(key.l4_dst, 3869);
}

TEST(FrameParse, Ipv4OptionsAreSkipped) {
  Bytes b = eth(kEthTypeIpv4);
  ipv4(b, 6, {.ihl = 7});
  tcp(b, 22, 2222);
  FlowKey key = parse(b);
  EXPECT_EQ(key.l4_src, 22);
  EXPECT_EQ(key.l4_dst, 2222);
}

TEST(FrameParse, ArpTakesSenderAndTargetAddresses) {
  Bytes b = eth(kEthTypeArp);
  put16(b, 1);       // Ethernet
  put16(b, 0x0800);  // IPv4
  put(b, {6, 4});
  put16(b, 1);  // request
  put_mac(b, kSrc);
  put(b, {192, 168, 1, 1});
  put_mac(b, Mac{});
  put(b, {192, 168, 1, 2});
  FlowKey key = parse(b);
  EXPECT_EQ(key.eth_type, kEthTypeArp);
  EXPECT_EQ(key.ipv4_src, ipv4(192, 168, 1, 1));
  EXPECT_EQ(key.ipv4_dst, ipv4(192, 168, 1, 2));
  EXPECT_EQ(key.ip_proto, 0);

  b.pop_back();  // truncated ARP: no addresses
  key = parse(b);
  EXPECT_EQ(key.eth_type, kEthTypeArp);
  EXPECT_EQ(key.ipv4_src, 0u);
}

TEST(FrameParse, Ipv6NextHeader) {
  Bytes b = eth(kEthTypeIpv6, {{kEthTypeVlan, 5}});
  put(b, {0x60, 0, 0, 0});
  put16(b, 20);
  put(b, {6, 64});  // next header TCP, hop limit
  b.insert(b.end(), 32, 0xfe);
  tcp(b, 1, 2);
  FlowKey key = parse(b);
  EXPECT_EQ(key.vlan_id, 5);
  EXPECT_EQ(key.eth_type, kEthTypeIpv6);
  EXPECT_EQ(key.ip_proto, 6);
  EXPECT_EQ(key.ipv4_src, 0u);
  EXPECT_EQ(key.l4_src, 0);  // IPv6 L4 is not parsed

  Bytes short_ipv6(b.begin(), b.begin() + 18 + 39);
  EXPECT_EQ(parse(short_ipv6).ip_proto, 0);
}

TEST(FrameParse, RuntsAreRejected) {
  Bytes b = eth(kEthTypeIpv4);
  ASSERT_EQ(b.size(), 14u);
  for (size_t len = 0; len < 14; ++len) {
    FlowKey key;
    key.eth_type = 0x1234;
    EXPECT_FALSE(parse_frame(b.data(), len, key)) << len;
    EXPECT_EQ(key.eth_type, 0) << len;
  }
  FlowKey key;
  EXPECT_FALSE(parse_frame(nullptr, 0, key));
  EXPECT_TRUE(parse_frame(b.data(), 14, key));
  EXPECT_EQ(key.eth_type, kEthTypeIpv4);
}

TEST(FrameParse, TruncatedTagIsUntagged) {
  Bytes b = eth(kEthTypeIpv4, {{kEthTypeVlan, 10}});
  Bytes cut(b.begin(), b.begin() + 17);
  FlowKey key = parse(cut);
  EXPECT_EQ(key.vlan_id, kNoVlan);
  EXPECT_EQ(key.eth_type, kEthTypeVlan);
}

TEST(FrameParse, TruncatedIpv4AndL4Headers) {
  Bytes b = eth(kEthTypeIpv4);
  ipv4(b, 6);
  tcp(b, 1000, 2000);
  for (size_t len = 14; len < 34; ++len) {
    FlowKey key = parse(Bytes(b.begin(), b.begin() + len));
    EXPECT_EQ(key.eth_type, kEthTypeIpv4) << len;
    EXPECT_EQ(key.ip_proto, 0) << len;
    EXPECT_EQ(key.ipv4_src, 0u) << len;
  }
  for (size_t len = 34; len < 54; ++len) {
    FlowKey key = parse(Bytes(b.begin(), b.begin() + len));
    EXPECT_EQ(key.ip_proto, 6) << len;
    EXPECT_EQ(key.ipv4_dst, ipv4(10, 0, 0, 2)) << len;
    EXPECT_EQ(key.l4_src, 0) << len;
    EXPECT_EQ(key.l4_dst, 0) << len;
  }
  EXPECT_EQ(parse(b).l4_dst, 2000);
}

TEST(FrameParse, MalformedIpv4HeaderLeavesIpFieldsZero) {
  for (Ipv4Options o : {Ipv4Options{.ihl = 4}, Ipv4Options{.ihl = 0}, Ipv4Options{.version = 6},
                        Ipv4Options{.ihl = 15}}) {
    Bytes b = eth(kEthTypeIpv4);
    ipv4(b, 17, o);
    if (o.ihl < 5) {
      b.resize(34);  // the fixed header is all there is
    } else {
      b.resize(14 + 20 + 8);  // options announced beyond the frame's end
    }
    FlowKey key = parse(b);
    EXPECT_EQ(key.eth_type, kEthTypeIpv4);
    EXPECT_EQ(key.ip_proto, 0);
    EXPECT_EQ(key.ipv4_src, 0u);
  }
}

TEST(FrameParse, FragmentsCarryL4OnlyInTheFirst) {
  Bytes first = eth(kEthTypeIpv4);
  ipv4(first, 17, {.frag = 0x2000});  // MF set, offset 0
  udp(first, 7, 9);
  FlowKey key = parse(first);
  EXPECT_EQ(key.l4_src, 7);
  EXPECT_EQ(key.l4_dst, 9);

  Bytes later = eth(kEthTypeIpv4);
  ipv4(later, 17, {.frag = 0x0001});  // offset 8 bytes
  udp(later, 7, 9);
  key = parse(later);
  EXPECT_EQ(key.ip_proto, 17);
  EXPECT_EQ(key.ipv4_src, ipv4(10, 0, 0, 1));
  EXPECT_EQ(key.l4_src, 0);
  EXPECT_EQ(key.l4_dst, 0);
}

TEST(FrameParse, ReusedKeyIsReset) {
  Bytes b = eth(kEthTypeIpv4, {{kEthTypeVlan, 3}});
  ipv4(b, 6);
  tcp(b, 1, 2);
  FlowKey key = parse(b);
  Bytes plain = eth(0x88cc);
  plain.resize(60);
  ASSERT_TRUE(parse_frame(plain.data(), plain.size(), key));
  FlowKey expected;
  expected.in_port = 7;
  expected.eth_dst = kDst;
  expected.eth_src = kSrc;
  expected.eth_type = 0x88cc;
  EXPECT_EQ(key, expected);
}

Bytes tcp_frame() {
  Bytes b = eth(kEthTypeIpv4);
  ipv4(b, 6);
  tcp(b, 1, 2);
  b.resize(200, 0xab);
  return b;
}

TEST(FrameRewrite, PushPopRoundTripRestoresBytesAndOffsets) {
  Bytes frame = tcp_frame();
  TestPacket t(frame);
  t.p.vnet = {kVnetNeedsCsum, kGsoTcpv4, 54, 100, 34, 16};
  VnetHeader before = t.p.vnet;
  uint8_t* data = t.p.data;

  ASSERT_TRUE(push_vlan(t.p, 42));
  EXPECT_EQ(t.p.data, data - 4);
  EXPECT_EQ(t.p.len, frame.size() + 4);
  EXPECT_EQ(t.p.vnet.csum_start, 38);
  EXPECT_EQ(t.p.vnet.hdr_len, 58);
  EXPECT_EQ(t.p.vnet.csum_offset, 16);
  EXPECT_EQ(t.p.vnet.gso_size, 100);
  Bytes tagged = t.bytes();
  EXPECT_TRUE(std::equal(kDst.begin(), kDst.end(), tagged.begin()));
  EXPECT_TRUE(std::equal(kSrc.begin(), kSrc.end(), tagged.begin() + 6));
  EXPECT_EQ(tagged[12], 0x81);
  EXPECT_EQ(tagged[13], 0x00);
  EXPECT_EQ(tagged[14], 0x00);
  EXPECT_EQ(tagged[15], 42);
  EXPECT_TRUE(std::equal(frame.begin() + 12, frame.end(), tagged.begin() + 16));
  FlowKey key = parse(tagged);
  EXPECT_EQ(key.vlan_id, 42);
  EXPECT_EQ(key.l4_dst, 2);
  EXPECT_TRUE(vnet_header_valid(t.p));

  ASSERT_TRUE(pop_vlan(t.p));
  EXPECT_EQ(t.p.data, data);
  EXPECT_EQ(t.bytes(), frame);
  EXPECT_EQ(std::memcmp(&t.p.vnet, &before, sizeof(before)), 0);
  EXPECT_FALSE(pop_vlan(t.p));  // untagged now
}

TEST(FrameRewrite, OffsetsUntouchedWithoutCsumOrGso) {
  TestPacket t(tcp_frame());
  t.p.vnet.csum_start = 34;  // no kVnetNeedsCsum: not meaningful, not shifted
  ASSERT_TRUE(push_vlan(t.p, 1));
  EXPECT_EQ(t.p.vnet.csum_start, 34);
  EXPECT_EQ(t.p.vnet.hdr_len, 0);
}

TEST(FrameRewrite, PushNeedsHeadroom) {
  Bytes frame = tcp_frame();
  TestPacket t(frame);
  // Move the frame to the start of the buffer: no headroom.
  std::memmove(t.p.buf + 2, t.p.data, t.p.len);
  t.p.data = t.p.buf + 2;
  EXPECT_FALSE(push_vlan(t.p, 10));
  EXPECT_FALSE(set_vlan(t.p, 10));
  EXPECT_EQ(t.p.data, t.p.buf + 2);
  EXPECT_EQ(t.bytes(), frame);
  t.p.data = t.p.buf + 4;
  std::memmove(t.p.data, t.p.buf + 2, t.p.len);
  EXPECT_TRUE(push_vlan(t.p, 10));
  EXPECT_EQ(t.p.headroom(), 0u);
}

TEST(FrameRewrite, RuntsAreNotRewritten) {
  TestPacket t(Bytes(13, 0));
  EXPECT_FALSE(push_vlan(t.p, 1));
  EXPECT_FALSE(pop_vlan(t.p));
  EXPECT_FALSE(set_vlan(t.p, 1));
  EXPECT_FALSE(set_eth_src(t.p, kSrc));
  EXPECT_FALSE(set_eth_dst(t.p, kDst));
  EXPECT_EQ(t.p.len, 13u);
  EXPECT_EQ(t.bytes(), Bytes(13, 0));
  // A tag announced but cut short cannot be popped.
  Bytes cut = eth(kEthTypeIpv4, {{kEthTypeVlan, 1}});
  cut.resize(17);
  TestPacket c(cut);
  EXPECT_FALSE(pop_vlan(c.p));
}

TEST(FrameRewrite, PushRefusesOffsetsInsideTheEthernetHeader) {
  TestPacket t(tcp_frame());
  t.p.vnet.flags = kVnetNeedsCsum;
  t.p.vnet.csum_start = 13;
  EXPECT_FALSE(push_vlan(t.p, 1));
  t.p.vnet = VnetHeader{};
  t.p.vnet.hdr_len = 1;
  EXPECT_FALSE(push_vlan(t.p, 1));
  EXPECT_EQ(t.bytes(), tcp_frame());
  t.p.vnet.hdr_len = 14;
  EXPECT_TRUE(push_vlan(t.p, 1));
  EXPECT_EQ(t.p.vnet.hdr_len, 18);
}

TEST(FrameRewrite, PopRefusesOffsetsInsideTheTag) {
  Bytes b = eth(kEthTypeIpv4, {{kEthTypeVlan, 9}});
  b.resize(100);
  TestPacket t(b);
  t.p.vnet.flags = kVnetNeedsCsum;
  t.p.vnet.csum_start = 16;
  EXPECT_FALSE(pop_vlan(t.p));
  t.p.vnet = VnetHeader{};
  t.p.vnet.hdr_len = 17;
  EXPECT_FALSE(pop_vlan(t.p));
  EXPECT_EQ(t.bytes(), b);
}

TEST(FrameRewrite, SetVlanRewritesVidKeepsPcpOrPushes) {
  Bytes b = eth(kEthTypeIpv4, {{kEthTypeQinQ, 0xa00a}});  // PCP 5, VID 10
  b.resize(64);
  TestPacket t(b);
  ASSERT_TRUE(set_vlan(t.p, 300));
  EXPECT_EQ(t.p.len, 64u);
  Bytes out = t.bytes();
  EXPECT_EQ(out[12], 0x88);
  EXPECT_EQ(out[13], 0xa8);
  EXPECT_EQ((out[14] << 8) | out[15], 0xa000 | 300);

  TestPacket u(tcp_frame());
  ASSERT_TRUE(set_vlan(u.p, 7));
  EXPECT_EQ(u.p.len, tcp_frame().size() + 4);
  EXPECT_EQ(parse(u.bytes()).vlan_id, 7);
}

TEST(FrameRewrite, SetMacs) {
  Bytes frame = tcp_frame();
  TestPacket t(frame);
  Mac a = {0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
  Mac c = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
  ASSERT_TRUE(set_eth_src(t.p, a));
  ASSERT_TRUE(set_eth_dst(t.p, c));
  FlowKey key = parse(t.bytes());
  EXPECT_EQ(key.eth_src, a);
  EXPECT_EQ(key.eth_dst, c);
  EXPECT_TRUE(std::equal(frame.begin() + 12, frame.end(), t.bytes().begin() + 12));
}

TEST(FrameGso, PlainFrameIsOneSegment) {
  TestPacket t(tcp_frame());
  EXPECT_EQ(segment_count(t.p), 1u);
  EXPECT_EQ(wire_bytes(t.p), 200u);
}

TEST(FrameGso, SuperFrameWireBytes) {
  Bytes b = tcp_frame();
  b.resize(54 + 4000);
  TestPacket t(b);
  t.p.vnet = {kVnetNeedsCsum, kGsoTcpv4, 54, 1448, 34, 16};
  EXPECT_TRUE(vnet_header_valid(t.p));
  EXPECT_EQ(segment_count(t.p), 3u);  // 1448 + 1448 + 1104
  EXPECT_EQ(wire_bytes(t.p), 4054u + 2 * 54);

  t.p.vnet.gso_size = 1000;  // exact multiple
  EXPECT_EQ(segment_count(t.p), 4u);
  EXPECT_EQ(wire_bytes(t.p), 4054u + 3 * 54);

  t.p.vnet.gso_type = kGsoTcpv4 | kGsoEcn;
  EXPECT_EQ(segment_count(t.p), 4u);
  EXPECT_TRUE(vnet_header_valid(t.p));
}

// A super-frame a VNF routed comes back with hdr_len = its whole length (the kernel reports the
// linear part of its buffer): valid, and its segments are counted from the TCP header's end.
TEST(FrameGso, ForwardedSuperFrameWithHdrLenOfTheWholeFrame) {
  Bytes b = tcp_frame();
  b.resize(54 + 2 * 1448);
  b[34 + 12] = 0x50;  // TCP data offset: 5 words
  TestPacket t(b);
  t.p.vnet = {kVnetNeedsCsum, kGsoTcpv4, static_cast<uint16_t>(b.size()), 1448, 34, 16};
  EXPECT_TRUE(vnet_header_valid(t.p));
  EXPECT_EQ(segment_count(t.p), 2u);
  EXPECT_EQ(wire_bytes(t.p), b.size() + 54);
  t.p.vnet.hdr_len = static_cast<uint16_t>(b.size() + 1);
  EXPECT_FALSE(vnet_header_valid(t.p)) << "beyond the frame";
}

TEST(FrameGso, DegenerateHeadersCountAsOneFrame) {
  TestPacket t(tcp_frame());
  t.p.vnet = {0, kGsoTcpv4, 54, 0, 0, 0};  // gso_size 0
  EXPECT_EQ(segment_count(t.p), 1u);
  EXPECT_EQ(wire_bytes(t.p), 200u);
  EXPECT_FALSE(vnet_header_valid(t.p));
  t.p.vnet = {0, kGsoTcpv4, 500, 100, 0, 0};  // hdr_len beyond the frame
  EXPECT_EQ(segment_count(t.p), 1u);
  EXPECT_EQ(wire_bytes(t.p), 200u);
  EXPECT_FALSE(vnet_header_valid(t.p));
  t.p.vnet = {0, kGsoTcpv4, 200, 100, 0, 0};  // no payload
  EXPECT_EQ(segment_count(t.p), 1u);
  EXPECT_EQ(wire_bytes(t.p), 200u);
  t.p.vnet = {0, kGsoNone, 54, 100, 0, 0};  // not GSO at all
  EXPECT_EQ(segment_count(t.p), 1u);
}

TEST(FrameVnet, Validity) {
  TestPacket t(tcp_frame());
  EXPECT_TRUE(vnet_header_valid(t.p));  // all zero
  t.p.vnet = {kVnetNeedsCsum, kGsoNone, 0, 0, 34, 16};
  EXPECT_TRUE(vnet_header_valid(t.p));
  t.p.vnet.csum_offset = 165;  // 34 + 165 + 2 > 200
  EXPECT_FALSE(vnet_header_valid(t.p));
  t.p.vnet.csum_offset = 164;
  EXPECT_TRUE(vnet_header_valid(t.p));
  t.p.vnet.csum_start = 10;  // inside the Ethernet header
  EXPECT_FALSE(vnet_header_valid(t.p));
  t.p.vnet = {0x40, kGsoNone, 0, 0, 0, 0};  // unknown flag
  EXPECT_FALSE(vnet_header_valid(t.p));
  t.p.vnet = {0, kGsoEcn, 0, 0, 0, 0};  // ECN without a type
  EXPECT_FALSE(vnet_header_valid(t.p));
  t.p.vnet = {0, 2, 54, 100, 0, 0};  // unknown GSO type
  EXPECT_FALSE(vnet_header_valid(t.p));
  for (uint8_t type : {kGsoTcpv4, kGsoUdp, kGsoTcpv6, kGsoUdpL4}) {
    t.p.vnet = {kVnetNeedsCsum, type, 54, 100, 34, 16};
    EXPECT_TRUE(vnet_header_valid(t.p)) << int{type};
  }
  t.p.vnet = {0, kGsoTcpv4, 10, 100, 0, 0};  // hdr_len shorter than Ethernet
  EXPECT_FALSE(vnet_header_valid(t.p));
}

}  // namespace
}  // namespace chainlab::dataplane
