// The pure parts of the Cloud: ids, names, timestamps, subnet planning.
#include <gtest/gtest.h>

#include "frontends/openstack/cloud.h"

namespace chainlab::openstack {
namespace {

TEST(CloudHelpers, UuidsAreVersion4AndRecognised) {
  std::string a = random_uuid();
  std::string b = random_uuid();
  EXPECT_TRUE(is_uuid(a)) << a;
  EXPECT_NE(a, b);
  EXPECT_EQ(a[14], '4');
  EXPECT_TRUE(a[19] == '8' || a[19] == '9' || a[19] == 'a' || a[19] == 'b') << a;
  EXPECT_FALSE(is_uuid("not-a-uuid"));
  EXPECT_FALSE(is_uuid("0123456789abcdef0123456789abcdef"));
  EXPECT_FALSE(is_uuid("0123456z-89ab-cdef-0123-456789abcdef"));
}

TEST(CloudHelpers, ServerNamesBecomeValidInstanceNames) {
  EXPECT_EQ(sanitize_server_name("vnf1"), "vnf1");
  EXPECT_EQ(sanitize_server_name("my server/1"), "my-server-1");
  EXPECT_EQ(sanitize_server_name("--x"), "x");
  EXPECT_EQ(sanitize_server_name("***"), "server");
  EXPECT_EQ(sanitize_server_name(std::string(100, 'a')).size(), 48u);
}

TEST(CloudHelpers, InterfaceNames) {
  EXPECT_EQ(interface_name_for("input", 0, {}), "input");
  EXPECT_EQ(interface_name_for("", 0, {}), "port0");
  EXPECT_EQ(interface_name_for("", 2, {}), "port2");
  EXPECT_EQ(interface_name_for("a-very-long-port-name", 1, {}), "port1");
  EXPECT_EQ(interface_name_for("has_underscore", 1, {}), "port1");
  EXPECT_EQ(interface_name_for("1starts", 0, {}), "port0");
  EXPECT_EQ(interface_name_for("input", 1, {"input"}), "port1");
  EXPECT_EQ(interface_name_for("", 0, {"port0"}), "port1");
}

TEST(CloudHelpers, StoreImageIdsMapToStableUuids) {
  std::string id = image_uuid_for_store_id(
      "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  EXPECT_EQ(id, "01234567-89ab-cdef-0123-456789abcdef");
  EXPECT_TRUE(is_uuid(id));
}

TEST(PlanSubnet, DefaultGatewayAndPool) {
  auto plan = plan_subnet("10.0.0.0/24", std::nullopt, {});
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan->network.to_string(), "10.0.0.0/24");
  EXPECT_EQ(plan->gateway_ip, "10.0.0.1");
  ASSERT_EQ(plan->pools.size(), 1u);
  EXPECT_EQ(plan->pools[0], (AllocationRange{"10.0.0.2", "10.0.0.254"}));
}

TEST(PlanSubnet, HostBitsAreCleared) {
  auto plan = plan_subnet("10.0.0.77/24", std::nullopt, {});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->network.to_string(), "10.0.0.0/24");
}

TEST(PlanSubnet, GatewayInTheMiddleSplitsThePool) {
  auto plan = plan_subnet("10.0.0.0/24", std::string("10.0.0.100"), {});
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->pools.size(), 2u);
  EXPECT_EQ(plan->pools[0], (AllocationRange{"10.0.0.1", "10.0.0.99"}));
  EXPECT_EQ(plan->pools[1], (AllocationRange{"10.0.0.101", "10.0.0.254"}));
}

TEST(PlanSubnet, NoGateway) {
  auto plan = plan_subnet("10.0.0.0/29", std::string(""), {});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->gateway_ip, "");
  ASSERT_EQ(plan->pools.size(), 1u);
  EXPECT_EQ(plan->pools[0], (AllocationRange{"10.0.0.1", "10.0.0.6"}));
}

TEST(PlanSubnet, ExplicitPoolsAreSortedAndChecked) {
  auto plan = plan_subnet("10.0.0.0/24", std::nullopt,
                          {{"10.0.0.100", "10.0.0.110"}, {"10.0.0.10", "10.0.0.20"}});
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->pools.size(), 2u);
  EXPECT_EQ(plan->pools[0].start, "10.0.0.10");
  EXPECT_EQ(plan_subnet("10.0.0.0/24", std::nullopt, {{"10.0.0.1", "10.0.0.20"}}).error().code,
            ErrorCode::kInvalidArgument);  // holds the gateway
  EXPECT_FALSE(plan_subnet("10.0.0.0/24", std::nullopt,
                           {{"10.0.0.10", "10.0.0.20"}, {"10.0.0.15", "10.0.0.30"}})
                   .ok());  // overlap
  EXPECT_FALSE(plan_subnet("10.0.0.0/24", std::nullopt, {{"10.0.0.10", "10.0.1.20"}}).ok());
  EXPECT_FALSE(plan_subnet("10.0.0.0/24", std::nullopt, {{"10.0.0.30", "10.0.0.20"}}).ok());
  EXPECT_FALSE(plan_subnet("10.0.0.0/24", std::nullopt, {{"x", "10.0.0.20"}}).ok());
}

TEST(PlanSubnet, RejectsBadInput) {
  EXPECT_FALSE(plan_subnet("10.0.0.0", std::nullopt, {}).ok());  // no prefix
  EXPECT_FALSE(plan_subnet("garbage", std::nullopt, {}).ok());
  EXPECT_FALSE(plan_subnet("fd00::/64", std::nullopt, {}).ok());
  EXPECT_FALSE(plan_subnet("10.0.0.0/31", std::nullopt, {}).ok());
  EXPECT_FALSE(plan_subnet("10.0.0.0/24", std::string("10.0.1.1"), {}).ok());
  EXPECT_FALSE(plan_subnet("10.0.0.0/24", std::string("10.0.0.0"), {}).ok());
  EXPECT_FALSE(plan_subnet("10.0.0.0/24", std::string("10.0.0.255"), {}).ok());
}

}  // namespace
}  // namespace chainlab::openstack
