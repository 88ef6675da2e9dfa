#include "cli/gatekeeper_client.h"

#include <gtest/gtest.h>

namespace chainlab::cli {
namespace {

using nlohmann::json;

// The answers of GET /packages and GET /instantiations as each gatekeeper generation gives them.
TEST(GatekeeperClientTest, PackageEntriesOfEitherGeneration) {
  json llcm = json::parse(R"([{"uuid": "u1", "pd": {"name": "p", "version": "0.1"},
                               "created_at": "2019-01-01 10:00:00.0"}])");
  EXPECT_EQ(package_entries(llcm), llcm);
  json ours = {{"service_uuid_list", {"u1"}}, {"packages", llcm}};
  EXPECT_EQ(package_entries(ours), llcm);
  json dummy = {{"service_uuid_list", {"u1", "u2"}}};  // son-emu's own dummy gatekeeper
  EXPECT_EQ(package_entries(dummy), json::parse(R"([{"uuid": "u1"}, {"uuid": "u2"}])"));
  EXPECT_EQ(package_entries(json::object()), json::array());
  EXPECT_EQ(package_entries("Service not found"), json::array());
}

TEST(GatekeeperClientTest, InstanceEntriesOfEitherGeneration) {
  json llcm = json::parse(R"([{"uuid": "i1", "instance_name": "v.n.1-inst.0",
                               "status": "running", "created_at": "x"}])");
  EXPECT_EQ(instance_entries(llcm), llcm);
  EXPECT_EQ(instance_entries({{"service_instantiations_list", json::array()}, {"instances", llcm}}),
            llcm);
  json dummy = {{"service_instantiations_list", {{"i1", "i2"}, json::array(), {"i3"}}}};
  EXPECT_EQ(instance_entries(dummy),
            json::parse(R"([{"uuid": "i1"}, {"uuid": "i2"}, {"uuid": "i3"}])"));
  EXPECT_EQ(instance_entries({{"service_instantiations_list", 7}}), json::array());
}

// The reference gatekeepers answer an instantiation with its uuid only.
TEST(GatekeeperClientTest, InstanceTextOfAReferenceAnswer) {
  std::string text = service_instance_text({{"service_instance_uuid", "i9"}, {"id", "i9"}});
  EXPECT_EQ(text.rfind("instance i9 of ", 0), 0u) << text;
}

}  // namespace
}  // namespace chainlab::cli
