#include "emulator/match_parse.h"

#include <gtest/gtest.h>

namespace chainlab::emulator {
namespace {

// What Match::to_string writes reads back as the same match (ICMP uses OpenFlow's names).
TEST(MatchParseTest, ToStringReadsBack) {
  for (const char* text : {"dl_type=0x0800,nw_proto=1,tp_dst=80", "icmp,icmp_type=8,icmp_code=0",
                           "tcp,tp_src=1,tp_dst=65535", "udp,nw_dst=10.0.0.0/8"}) {
    auto m = parse_match(text);
    ASSERT_TRUE(m.ok()) << text << ": " << m.error().message;
    auto back = parse_match(m->to_string());
    ASSERT_TRUE(back.ok()) << m->to_string() << ": " << back.error().message;
    EXPECT_EQ(*back, *m) << text;
  }
  auto icmp = parse_match("icmp,icmp_type=8,icmp_code=0");
  ASSERT_TRUE(icmp.ok());
  EXPECT_EQ(icmp->l4_src, 8);
  EXPECT_EQ(icmp->l4_dst, 0);
  EXPECT_FALSE(parse_match("icmp,icmp_type=256").ok());
}

}  // namespace
}  // namespace chainlab::emulator
