// Load-balancing groups: the flow hash and the rendezvous choice of a member.
#include "dataplane/select.h"

#include <arpa/inet.h>

#include <map>

#include <gtest/gtest.h>

#include "dataplane/packet.h"

namespace chainlab::dataplane {
namespace {

FlowKey udp_flow(uint16_t source_port) {
  FlowKey k;
  k.eth_type = kEthTypeIpv4;
  k.ip_proto = kProtoUdp;
  k.ipv4_src = htonl(0x0a000001);
  k.ipv4_dst = htonl(0x0a000064);
  k.l4_src = source_port;
  k.l4_dst = 9;
  return k;
}

std::map<uint16_t, uint32_t> assign(const std::vector<uint32_t>& members) {
  std::map<uint16_t, uint32_t> out;
  for (uint16_t p = 20000; p < 20100; ++p) {
    out[p] = select_member(flow_hash(udp_flow(p)), members);
  }
  return out;
}

// Any hash spreads 100 random flows binomially (sigma 4.7 per member of 3): the 33 +- 8
// holds for about three draws in four. The hash itself is checked at a size where the bound is
// tight: 30,000 flows, a third each within 3%.
TEST(SelectGroup, FlowsSpreadEvenlyOverThreeMembers) {
  std::map<uint32_t, int> count;
  for (uint32_t client = 0; client < 300; ++client) {
    for (uint16_t p = 20000; p < 20100; ++p) {
      FlowKey k = udp_flow(p);
      k.ipv4_src = htonl(0x0a010000 + client);
      ++count[select_member(flow_hash(k), {4, 7, 9})];
    }
  }
  ASSERT_EQ(count.size(), 3u);
  for (auto [member, n] : count) {
    EXPECT_NEAR(n, 10000, 300) << "member " << member;
  }
}

TEST(SelectGroup, AddingAMemberMovesFlowsOnlyToIt) {
  auto before = assign({4, 7, 9});
  auto after = assign({4, 7, 9, 12});
  int moved = 0;
  for (auto [flow, member] : before) {
    if (after[flow] != member) {
      EXPECT_EQ(after[flow], 12u) << "flow " << flow << " moved between old members";
      ++moved;
    }
  }
  EXPECT_GT(moved, 10);  // about a quarter go to the new member
  EXPECT_LT(moved, 40);
}

TEST(SelectGroup, RemovingAMemberMovesOnlyItsFlows) {
  auto before = assign({4, 7, 9});
  auto after = assign({4, 9});
  for (auto [flow, member] : before) {
    if (member != 7) {
      EXPECT_EQ(after[flow], member) << "flow " << flow;
    }
  }
}

TEST(SelectGroup, TheMemberOrderDoesNotMatter) {
  EXPECT_EQ(assign({4, 7, 9}), assign({9, 4, 7}));
}

TEST(SelectGroup, AFlowAndItsReplyHashAlike) {
  FlowKey there = udp_flow(20001);
  FlowKey back = there;
  std::swap(back.ipv4_src, back.ipv4_dst);
  std::swap(back.l4_src, back.l4_dst);
  EXPECT_EQ(flow_hash(there), flow_hash(back));
  EXPECT_NE(flow_hash(there), flow_hash(udp_flow(20002)));
  FlowKey request = there;  // ICMP echo: type 8 there, 0 back
  request.ip_proto = kProtoIcmp;
  request.l4_src = 8;
  request.l4_dst = 0;
  FlowKey reply = request;
  std::swap(reply.ipv4_src, reply.ipv4_dst);
  reply.l4_src = 0;
  EXPECT_EQ(flow_hash(request), flow_hash(reply));
  FlowKey arp;  // not IPv4: the MAC addresses
  arp.eth_type = kEthTypeArp;
  arp.eth_src = {2, 0, 0, 0, 0, 1};
  arp.eth_dst = {2, 0, 0, 0, 0, 2};
  FlowKey arp_back = arp;
  std::swap(arp_back.eth_src, arp_back.eth_dst);
  EXPECT_EQ(flow_hash(arp), flow_hash(arp_back));
}

TEST(SelectGroup, AnEmptyGroupHasNoMember) {
  EXPECT_EQ(select_member(flow_hash(udp_flow(1)), {}), kNoPort);
  EXPECT_EQ(select_member(flow_hash(udp_flow(1)), {5}), 5u);
}

// A symmetric chain's two groups (the pairs' ingress ports one way, their egress ports the other)
// carry the pairs' positions as keys: a flow and its reply pick the same pair.
TEST(SelectGroup, KeysMakeTwoGroupsPickTheSameMemberPosition) {
  GroupSpec forward{{11, 12, 13}, {0, 1, 2}};
  GroupSpec back{{21, 22, 23}, {0, 1, 2}};
  std::map<uint32_t, int> used;
  for (uint16_t p = 20000; p < 20300; ++p) {
    FlowKey request = udp_flow(p);
    FlowKey reply = request;
    std::swap(reply.ipv4_src, reply.ipv4_dst);
    std::swap(reply.l4_src, reply.l4_dst);
    uint32_t there = select_in_group(flow_hash(request), forward);
    uint32_t again = select_in_group(flow_hash(reply), back);
    ASSERT_EQ(again - 10, there) << "flow " << p;
    ++used[there];
  }
  EXPECT_EQ(used.size(), 3u);
  // Without keys the port ids weigh in, and the same flow may take another position.
  GroupSpec unkeyed = back;
  unkeyed.keys.clear();
  int differ = 0;
  for (uint16_t p = 20000; p < 20300; ++p) {
    differ += select_in_group(flow_hash(udp_flow(p)), unkeyed) - 10 !=
              select_in_group(flow_hash(udp_flow(p)), forward);
  }
  EXPECT_GT(differ, 0);
}

}  // namespace
}  // namespace chainlab::dataplane
