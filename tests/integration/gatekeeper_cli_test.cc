// Scenario: the gatekeeper from the command line, as the README shows it, against both gatekeeper
// generations (emulator.gatekeeper_api tango and sonata): `chainlab run` with the gatekeeper on,
// `chainlab package upload DIR` (a package source tree zipped by the CLI), `package list`,
// `service start latest [--saps]`, `service list`, `service stop`, and clear errors.
#include <stdlib.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "chainlab_process.h"
#include "common/files.h"
#include "test_util.h"

namespace chainlab::testing {
namespace {

class GatekeeperCliTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    CL_REQUIRE_ROOT();
    char dir[] = "/tmp/chainlab-gkcli-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    std::string topology = dir_ + "/topology.yaml";
    ASSERT_TRUE(write_file(topology,
                           "name: gkcli\n"
                           "emulator: {rest_port: 0, gatekeeper_port: 0, gatekeeper_api: " +
                               std::string(GetParam()) +
                               "}\n"
                               "pops: [dc1, dc2]\n"
                               "links: [{a: dc1, b: dc2}]\n",
                           true)
                    .ok());
    ASSERT_TRUE(run_.start({topology, "--listen", "127.0.0.1", "--catalogue", dir_ + "/catalogue",
                            "--duration", "300"}))
        << run_.log();
    gatekeeper_ = run_.url("gatekeeper");
    ASSERT_FALSE(gatekeeper_.empty()) << run_.log();
  }
  void TearDown() override {
    run_.stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  CommandResult cli(const std::string& args) {
    return run_command(std::string(CHAINLAB_BINARY) + " " + args + " -e " + gatekeeper_ + " 2>&1");
  }
  nlohmann::json json_of(const CommandResult& r) {
    auto j = nlohmann::json::parse(r.output, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.output;
    return j;
  }

  ChainlabProcess run_;
  std::string dir_;
  std::string gatekeeper_;
};

TEST_P(GatekeeperCliTest, UploadStartListStop) {
  std::string pkg = std::string(CHAINLAB_SOURCE_DIR) + "/examples/services/cdn-demo";
  auto r = cli("package upload " + pkg + " --json");
  ASSERT_EQ(r.status, 0) << r.output;
  std::string service = json_of(r).value("service_uuid", "");
  ASSERT_FALSE(service.empty()) << r.output;

  r = cli("package list --json");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(json_of(r).size(), 1u) << r.output;

  r = cli("service start latest");  // the table view, with progress lines
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.find("(SAP)"), std::string::npos) << "no SAPs unless asked\n" << r.output;
  r = cli("service start latest --saps --json");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(json_of(r)["saps"].size(), 2u) << r.output;
  r = cli("service start latest --saps --no-saps");
  EXPECT_NE(r.status, 0) << r.output;
  r = cli("service list --json");
  ASSERT_EQ(r.status, 0) << r.output;
  auto instances = json_of(r);
  ASSERT_EQ(instances.size(), 2u) << r.output;
  EXPECT_EQ(instances[0].value("service_uuid", ""), service) << r.output;
  r = cli("service list");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find(instances[1].value("uuid", "")), std::string::npos) << r.output;

  for (const auto& instance : instances) {
    r = cli("service stop " + instance.value("uuid", ""));
    EXPECT_EQ(r.status, 0) << r.output;
  }
  r = cli("service list --json");
  EXPECT_EQ(json_of(r).size(), 0u) << r.output;
  r = cli("service stop " + instances[0].value("uuid", ""));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("no service instance with uuid"), std::string::npos) << r.output;

  r = cli("package upload " + dir_ + "/no-such-package");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("error:"), std::string::npos) << r.output;
  r = cli("service start no-such-service");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("no-such-service"), std::string::npos) << r.output;
}

INSTANTIATE_TEST_SUITE_P(BothGenerations, GatekeeperCliTest, ::testing::Values("tango", "sonata"),
                         [](const auto& generation) { return std::string(generation.param); });

}  // namespace
}  // namespace chainlab::testing
