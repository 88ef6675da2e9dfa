#include "orchestration/deploy/subnet_pool.h"

#include <gtest/gtest.h>

namespace chainlab::orchestration {
namespace {

substrate::IpAddress ip(std::string_view s) {
  return *substrate::IpAddress::parse(s);
}

TEST(SubnetPool, HandsOutConsecutiveSubnetsAndReusesFreedOnes) {
  auto pool = SubnetPool::create("20.0.0.0/16", 24);
  ASSERT_TRUE(pool.ok());
  EXPECT_EQ(pool->capacity(), 256u);
  EXPECT_EQ(pool->take()->to_string(), "20.0.0.0/24");
  EXPECT_EQ(pool->take()->to_string(), "20.0.1.0/24");
  pool->give_back(*substrate::Cidr::parse("20.0.0.0/24"));
  EXPECT_EQ(pool->take()->to_string(), "20.0.0.0/24");
  EXPECT_TRUE(pool->reserve(*substrate::Cidr::parse("20.0.5.7/24")).ok());
  EXPECT_EQ(pool->reserve(*substrate::Cidr::parse("20.0.5.0/24")).error().code,
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(pool->reserve(*substrate::Cidr::parse("21.0.5.0/24")).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(pool->used(), 3u);
}

TEST(SubnetPool, ExhaustionAndBadArguments) {
  auto pool = SubnetPool::create("10.10.0.0/29", 30);
  ASSERT_TRUE(pool.ok());
  EXPECT_EQ(pool->take()->to_string(), "10.10.0.0/30");
  EXPECT_EQ(pool->take()->to_string(), "10.10.0.4/30");
  EXPECT_EQ(pool->take().error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(SubnetPool::create("10.0.0.0/24", 16).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(SubnetPool::create("10.0.0.0/24", 31).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(SubnetPool::create("fd00::/64", 96).error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(SubnetPool::create("garbage", 24).ok());
}

TEST(HostPool, TakesHostsInOrderInsideTheAllocationRange) {
  auto pool = HostPool::create(*substrate::Cidr::parse("192.168.1.0/24"));
  ASSERT_TRUE(pool.ok());
  ASSERT_TRUE(pool->reserve(ip("192.168.1.1")).ok());  // the gateway
  EXPECT_EQ(pool->take()->to_string(), "192.168.1.2/24");
  EXPECT_EQ(pool->reserve(ip("192.168.1.2")).error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(pool->reserve(ip("192.168.1.255")).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(pool->reserve(ip("192.168.2.3")).error().code, ErrorCode::kInvalidArgument);
  pool->give_back(ip("192.168.1.2"));
  EXPECT_EQ(pool->take()->to_string(), "192.168.1.2/24");

  auto ranged = HostPool::create(*substrate::Cidr::parse("10.0.0.0/24"), "10.0.0.10", "10.0.0.11");
  ASSERT_TRUE(ranged.ok());
  EXPECT_EQ(ranged->take()->to_string(), "10.0.0.10/24");
  EXPECT_EQ(ranged->take()->to_string(), "10.0.0.11/24");
  EXPECT_EQ(ranged->take().error().code, ErrorCode::kResourceExhausted);
  EXPECT_FALSE(HostPool::create(*substrate::Cidr::parse("10.0.0.0/24"), "10.0.1.1").ok());
  EXPECT_FALSE(HostPool::create(*substrate::Cidr::parse("10.0.0.0/31")).ok());
}

}  // namespace
}  // namespace chainlab::orchestration
