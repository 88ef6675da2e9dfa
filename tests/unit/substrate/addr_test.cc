#include "substrate/addr.h"

#include <sys/socket.h>

#include <set>

#include <gtest/gtest.h>

namespace chainlab::substrate {
namespace {

TEST(IpAddressTest, ParsesIpv4) {
  auto a = IpAddress::parse("10.0.0.1");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->family, AF_INET);
  EXPECT_EQ(a->size(), 4u);
  EXPECT_EQ(a->bytes[0], 10);
  EXPECT_EQ(a->bytes[3], 1);
  EXPECT_EQ(a->to_string(), "10.0.0.1");
}

TEST(IpAddressTest, ParsesIpv6AndCanonicalises) {
  auto a = IpAddress::parse("FD00:0:0::01");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->family, AF_INET6);
  EXPECT_EQ(a->size(), 16u);
  EXPECT_EQ(a->to_string(), "fd00::1");
  EXPECT_EQ(IpAddress::parse("::")->to_string(), "::");
  EXPECT_EQ(IpAddress::parse("::ffff:1.2.3.4")->to_string(), "::ffff:1.2.3.4");
}

TEST(IpAddressTest, RejectsGarbage) {
  for (std::string_view text : {"", "10.0.0.256", "10.0.0", "10.0.0.1.1", "a.b.c.d", " 10.0.0.1",
                                "10.0.0.1 ", "10.0.0.1/24", "fd00:::1", "fd00::g",
                                "1:2:3:4:5:6:7:8:9", "-1.0.0.0", "0x10.0.0.1", "010.0.0.1"}) {
    auto a = IpAddress::parse(text);
    ASSERT_FALSE(a.ok()) << text;
    EXPECT_EQ(a.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_FALSE(IpAddress::parse(std::string_view("1.2.3.4\0", 8)).ok());
}

TEST(IpAddressTest, Equality) {
  EXPECT_EQ(*IpAddress::parse("10.0.0.1"), *IpAddress::parse("10.0.0.1"));
  EXPECT_NE(*IpAddress::parse("10.0.0.1"), *IpAddress::parse("10.0.0.2"));
  EXPECT_NE(*IpAddress::parse("::"), *IpAddress::parse("0.0.0.0"));
}

TEST(CidrTest, ParsesWithPrefix) {
  auto c = Cidr::parse("10.0.0.1/24");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->address.to_string(), "10.0.0.1");
  EXPECT_EQ(c->prefix_len, 24);
  EXPECT_EQ(c->to_string(), "10.0.0.1/24");
}

TEST(CidrTest, BareAddressGetsHostPrefix) {
  EXPECT_EQ(Cidr::parse("10.0.0.1")->prefix_len, 32);
  EXPECT_EQ(Cidr::parse("fd00::1")->prefix_len, 128);
  EXPECT_EQ(Cidr::parse("fd00::1")->to_string(), "fd00::1/128");
}

TEST(CidrTest, AcceptsBoundaryPrefixes) {
  EXPECT_EQ(Cidr::parse("0.0.0.0/0")->prefix_len, 0);
  EXPECT_EQ(Cidr::parse("10.0.0.1/32")->prefix_len, 32);
  EXPECT_EQ(Cidr::parse("::/0")->prefix_len, 0);
  EXPECT_EQ(Cidr::parse("fd00::1/128")->prefix_len, 128);
}

TEST(CidrTest, RejectsMalformed) {
  for (std::string_view text :
       {"10.0.0.1/33", "10.0.0.256/24", "10.0.0.1/24x", "", "/24", "10.0.0.1/", "10.0.0.1/-1",
        "10.0.0.1/+8", "10.0.0.1/ 8", "10.0.0.1/8 ", "fd00::1/129", "fd00::1/1280", "10.0.0.1/24/1",
        "10.0.0.1//24", "/", "x/8", "10.0.0.1/0x8", "10.0.0.1/1000"}) {
    auto c = Cidr::parse(text);
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_EQ(c.error().code, ErrorCode::kInvalidArgument) << text;
  }
}

TEST(CidrTest, ErrorMessagesNameTheProblem) {
  EXPECT_NE(Cidr::parse("10.0.0.1/33").error().message.find("exceeds 32"), std::string::npos);
  EXPECT_NE(Cidr::parse("10.0.0.256/24").error().message.find("10.0.0.256"), std::string::npos);
  EXPECT_NE(Cidr::parse("10.0.0.1/24x").error().message.find("decimal"), std::string::npos);
}

TEST(CidrTest, Network) {
  EXPECT_EQ(Cidr::parse("10.0.0.1/24")->network().to_string(), "10.0.0.0/24");
  EXPECT_EQ(Cidr::parse("10.1.2.3/8")->network().to_string(), "10.0.0.0/8");
  EXPECT_EQ(Cidr::parse("10.1.2.3/0")->network().to_string(), "0.0.0.0/0");
  EXPECT_EQ(Cidr::parse("10.1.2.3/32")->network().to_string(), "10.1.2.3/32");
  EXPECT_EQ(Cidr::parse("10.1.2.255/25")->network().to_string(), "10.1.2.128/25");
  EXPECT_EQ(Cidr::parse("10.1.2.3/23")->network().to_string(), "10.1.2.0/23");
  EXPECT_EQ(Cidr::parse("fd00:1:2:3:4::1/64")->network().to_string(), "fd00:1:2:3::/64");
  EXPECT_EQ(Cidr::parse("fd00::ffff/113")->network().to_string(), "fd00::8000/113");
}

TEST(CidrTest, Netmask) {
  EXPECT_EQ(Cidr::parse("10.0.0.1/24")->netmask(), "255.255.255.0");
  EXPECT_EQ(Cidr::parse("10.0.0.1/0")->netmask(), "0.0.0.0");
  EXPECT_EQ(Cidr::parse("10.0.0.1/32")->netmask(), "255.255.255.255");
  EXPECT_EQ(Cidr::parse("10.0.0.1/20")->netmask(), "255.255.240.0");
  EXPECT_EQ(Cidr::parse("10.0.0.1/1")->netmask(), "128.0.0.0");
  EXPECT_EQ(Cidr::parse("fd00::1/64")->netmask(), "ffff:ffff:ffff:ffff::");
}

TEST(CidrTest, Equality) {
  EXPECT_EQ(*Cidr::parse("10.0.0.1/24"), *Cidr::parse("10.0.0.1/24"));
  EXPECT_NE(*Cidr::parse("10.0.0.1/24"), *Cidr::parse("10.0.0.1/25"));
}

TEST(MacAddressTest, Parses) {
  auto m = MacAddress::parse("02:AB:cd:00:11:ff");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->bytes[0], 0x02);
  EXPECT_EQ(m->bytes[1], 0xab);
  EXPECT_EQ(m->bytes[5], 0xff);
  EXPECT_EQ(m->to_string(), "02:ab:cd:00:11:ff");
  EXPECT_EQ(MacAddress::parse("02-ab-cd-00-11-ff")->to_string(), "02:ab:cd:00:11:ff");
}

TEST(MacAddressTest, RejectsMalformed) {
  for (std::string_view text : {"", "02:ab:cd:00:11", "02:ab:cd:00:11:ff:00", "02:ab:cd:00:11:f",
                                "02:ab:cd:00:11:fg", "02ab:cd:00:11:ff:0", "02:ab-cd:00:11:ff",
                                "02.ab.cd.00.11.ff", "2:ab:cd:00:11:ff:", "02:ab:cd:00:11:ff ",
                                " 02:ab:cd:00:11:ff", "02abcd0011ff", "00:00:00:00:00:00"}) {
    auto m = MacAddress::parse(text);
    ASSERT_FALSE(m.ok()) << text;
    EXPECT_EQ(m.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(MacAddressTest, RejectsMulticast) {
  for (std::string_view text :
       {"01:00:5e:00:00:01", "ff:ff:ff:ff:ff:ff", "33:33:00:00:00:01", "03:00:00:00:00:01"}) {
    auto m = MacAddress::parse(text);
    ASSERT_FALSE(m.ok()) << text;
    EXPECT_NE(m.error().message.find("multicast"), std::string::npos);
  }
}

TEST(MacAddressTest, RandomIsLocalUnicastAndParsesBack) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    MacAddress m = MacAddress::random();
    EXPECT_EQ(m.bytes[0] & 0x01, 0) << m.to_string();
    EXPECT_EQ(m.bytes[0] & 0x02, 0x02) << m.to_string();
    auto back = MacAddress::parse(m.to_string());
    ASSERT_TRUE(back.ok()) << m.to_string();
    EXPECT_EQ(*back, m);
    seen.insert(m.to_string());
  }
  EXPECT_GT(seen.size(), 95u);
}

}  // namespace
}  // namespace chainlab::substrate
