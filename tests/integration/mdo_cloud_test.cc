// Scenario: the multi-domain orchestrator with an OpenStack cloud as a domain (docs/mdo.md, kind
// openstack): `chainlab run` serves one PoP's OpenStack APIs; the real `openstack` client adds
// the image "fw"; `chainlab mdo --config` has the cloud as a domain whose SAPs stand for its
// network "default". `chainlab sg add` of SAP1 -> fw -> SAP2 becomes one Heat stack: the real
// client lists the server the stack made; `sg delete` takes the stack and the server away; a
// request whose SAP network the cloud does not have fails and leaves no stack and no server.
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "chainlab_process.h"
#include "common/files.h"
#include "test_util.h"

namespace chainlab::testing {
namespace {

using json = nlohmann::json;

constexpr int kCloudKeystone = 16301;

class MdoCloudTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CL_REQUIRE_ROOT();
    if (run_command("command -v openstack").status != 0) {
      GTEST_SKIP() << "the openstack client is not installed (python3-openstackclient)";
    }
    char dir[] = "/tmp/chainlab-mdocloud-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    ::setenv("CHAINLAB_STATE_DIR", (dir_ + "/state").c_str(), 1);
    std::ofstream(dir_ + "/cloud.yaml") << "name: mdo-cloud\n"
                                           "emulator: {rest_port: 0}\n"
                                           "pops:\n"
                                           "  - name: os1\n"
                                           "    endpoints: {openstack: "
                                        << kCloudKeystone << "}\n";
    ASSERT_TRUE(cloud_.start({dir_ + "/cloud.yaml"})) << cloud_.log();
    ASSERT_EQ(os("image create --disk-format raw --container-format bare fw").status, 0);
    json config = {{"domains",
                    {{{"name", "os"},
                      {"kind", "openstack"},
                      {"auth_url", "http://127.0.0.1:" + std::to_string(kCloudKeystone) + "/v3"},
                      {"password", "admin"},
                      {"flavor", "m1.tiny"},
                      {"saps",
                       {{"SAP1", {{"network", "default"}}},
                        {"SAP2", {{"network", "default"}}},
                        {"SAP3", {{"network", "nowhere"}}}}}}}}};
    std::ofstream(dir_ + "/mdo.yaml") << config.dump(2);
    ASSERT_TRUE(mdo_.start({"--config", dir_ + "/mdo.yaml", "--port", "0"}, "mdo")) << mdo_.log();
    mdo_url_ = mdo_.url("ESCAPE API");
  }
  void TearDown() override {
    mdo_.stop();
    cloud_.stop();
    ::unsetenv("CHAINLAB_STATE_DIR");
    if (!dir_.empty()) {
      std::filesystem::remove_all(dir_);
    }
  }
  CommandResult os(const std::string& args) {
    return run_command(
        "env OS_AUTH_URL=http://127.0.0.1:" + std::to_string(kCloudKeystone) +
        "/v3 OS_USERNAME=admin OS_PASSWORD=admin OS_PROJECT_NAME=admin "
        "OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default OS_IDENTITY_API_VERSION=3 "
        "OS_REGION_NAME=RegionOne openstack " +
        args);
  }
  // Server names (the client must work: an error would pass every "gone").
  std::string servers() {
    auto r = os("server list -f value -c Name");
    EXPECT_EQ(r.status, 0) << r.output;
    return r.output;
  }
  // SAP1 -> fw -> `out`.
  std::string request(const std::string& out) {
    json req = {
        {"parameters", {{"id", "cloud-svc"}, {"version", "1.0"}}},
        {"node_nfs",
         {{{"id", "fw"},
           {"functional_type", "fw"},
           {"ports", {{{"id", 1}}, {{"id", 2}}}},
           {"specification", {{"resources", {{"cpu", 1}, {"mem", 64}, {"storage", 0}}}}}}}},
        {"node_saps",
         {{{"id", "SAP1"}, {"ports", {{{"id", 1}}}}}, {{"id", out}, {"ports", {{{"id", 1}}}}}}},
        {"edge_sg_nexthops",
         {{{"id", 1}, {"src_node", "SAP1"}, {"src_port", 1}, {"dst_node", "fw"}, {"dst_port", 1}},
          {{"id", 2}, {"src_node", "fw"}, {"src_port", 2}, {"dst_node", out}, {"dst_port", 1}}}}};
    std::string path = dir_ + "/" + out + ".nffg";
    std::ofstream(path) << req.dump(2);
    return path;
  }
  CommandResult cli(const std::string& args) {
    return run_command(std::string(CHAINLAB_BINARY) + " " + args + " -e " + mdo_url_ + " 2>&1");
  }

  std::string dir_, mdo_url_;
  ChainlabProcess cloud_, mdo_;
};

TEST_F(MdoCloudTest, AServiceBecomesAHeatStackTheRealClientSees) {
  auto add = cli("sg add " + request("SAP2"));
  ASSERT_EQ(add.status, 0) << add.output << mdo_.log();
  EXPECT_NE(servers().find("mdo-cloud-svc-fw"), std::string::npos) << servers();
  EXPECT_NE(os("stack list -f value -c 'Stack Name'").output.find("mdo-cloud-svc"),
            std::string::npos);
  auto del = cli("sg delete cloud-svc");
  ASSERT_EQ(del.status, 0) << del.output;
  EXPECT_EQ(servers().find("mdo-cloud-svc-fw"), std::string::npos) << servers();
}

TEST_F(MdoCloudTest, AStackThatFailsLeavesNothing) {
  auto add = cli("sg add " + request("SAP3"));  // SAP3's network is not in the cloud
  EXPECT_EQ(add.status, 1) << add.output;
  EXPECT_NE(add.output.find("domain os"), std::string::npos) << add.output;
  EXPECT_EQ(servers().find("mdo-cloud-svc"), std::string::npos) << servers();
  EXPECT_EQ(os("stack list -f value").output, "");
}

}  // namespace
}  // namespace chainlab::testing
