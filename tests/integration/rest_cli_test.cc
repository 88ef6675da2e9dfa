// REST API and CLI end to end: `chainlab run` in the background, the `chainlab` CLI and curl as
// clients, as a son-emu user would drive it.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <thread>
#include <tuple>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "chainlab_process.h"
#include "common/files.h"
#include "test_util.h"

namespace chainlab::testing {
namespace {

using namespace std::chrono_literals;

class RestCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CL_REQUIRE_ROOT();
    ASSERT_TRUE(run_.start({"--listen", "127.0.0.1", "--port", "0", "--duration", "300"}))
        << run_.log();
    endpoint_ = run_.url("emulator REST");
    ASSERT_FALSE(endpoint_.empty()) << run_.log();
  }
  void TearDown() override { run_.stop(); }
  CommandResult cli(const std::string& args) {
    return run_command("CHAINLAB_ENDPOINT=" + endpoint_ + " " + CHAINLAB_BINARY + " " + args);
  }
  CommandResult curl(const std::string& args) { return run_command("curl -s -S " + args); }

  ChainlabProcess run_;
  std::string endpoint_;
};

TEST_F(RestCliTest, SonEmuWorkflow) {
  auto r = cli("compute start -d dc1 -n vnf1 --net '(id=input,ip=10.0.10.1/24)'");
  ASSERT_EQ(r.status, 0) << r.output;
  r = curl(
      "-X PUT -H 'Content-Type: application/json' -d "
      "'{\"image\":\"x\",\"docker_command\":\"sleep "
      "1000\",\"network\":\"(id=input,ip=10.0.10.2/24)\"}' " +
      endpoint_ + "/restapi/compute/dc2/vnf2");
  ASSERT_EQ(r.status, 0);
  auto status = nlohmann::json::parse(r.output);
  EXPECT_EQ(status["name"], "vnf2");
  EXPECT_EQ(status["datacenter"], "dc2");
  EXPECT_EQ(status["state"]["Running"], true);
  // son-emu's interface shape: the address with its prefix, the prefix length as netmask.
  EXPECT_EQ(status["network"][0]["ip"], "10.0.10.2/24");
  EXPECT_EQ(status["network"][0]["netmask"], 24);
  EXPECT_TRUE(std::regex_match(status["network"][0]["dc_portname"].get<std::string>(),
                               std::regex(R"(dc2\.s1-eth\d+)")))
      << status;

  r = curl(endpoint_ + "/restapi/compute");
  auto list = nlohmann::json::parse(r.output);
  ASSERT_EQ(list.size(), 2u);
  // `vim-emu compute list` without -d asks for the PoP "None": all of them.
  r = curl(endpoint_ + "/restapi/compute/None");
  EXPECT_EQ(nlohmann::json::parse(r.output), list) << r.output;
  r = curl(endpoint_ + "/restapi/datacenter/dc1");
  EXPECT_EQ(nlohmann::json::parse(r.output)["n_running_containers"], 1);

  EXPECT_NE(cli("exec vnf1 -- ping -c1 -W1 vnf2").status, 0) << "no chain yet";
  r = cli("network add -src vnf1:input -dst vnf2:input -b -c 10");
  ASSERT_EQ(r.status, 0) << r.output;
  // son-emu's answer, which scripts grep for (net.py _chainAddFlow).
  EXPECT_EQ(r.output.rfind("success: add-flow between vnf1 and vnf2 with options: {\n", 0), 0u)
      << r.output;
  EXPECT_NE(r.output.find("success: add-flow between vnf2 and vnf1"), std::string::npos);
  EXPECT_NE(r.output.find(" \"path\": [\n  \"dc1.s1\",\n  \"dc2.s1\"\n ]"), std::string::npos)
      << r.output;
  r = cli("exec vnf1 -- ping -c1 -W2 vnf2");
  EXPECT_EQ(r.status, 0) << r.output;
  r = cli("network list --json");
  EXPECT_EQ(nlohmann::json::parse(r.output).size(), 1u) << r.output;
  r = curl(endpoint_ + "/restapi/network/d3jsgraph");
  auto graph = nlohmann::json::parse(r.output);
  EXPECT_EQ(graph["nodes"].size(), 4u);  // 2 PoPs + 2 instances
  r = cli("network remove -src vnf1:input -dst vnf2:input -b -c 10");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.rfind("success: del-flows between vnf1 and vnf2 with options: {\n", 0), 0u)
      << r.output;
  EXPECT_NE(cli("exec vnf1 -- ping -c1 -W1 vnf2").status, 0);

  // Errors: JSON body and status, nothing half-made.
  r = curl("-o /dev/null -w '%{http_code}' -X PUT -d '{\"network\":\"(id=x,ip=bad)\"}' " +
           endpoint_ + "/restapi/compute/dc1/vnf3");
  EXPECT_EQ(r.output, "400");
  r = curl("-o /dev/null -w '%{http_code}' " + endpoint_ + "/restapi/compute/dc1/nobody");
  EXPECT_EQ(r.output, "404");
  r = curl("-o /dev/null -w '%{http_code}' -X PUT -d '{}' " + endpoint_ + "/restapi/compute/dc9/x");
  EXPECT_EQ(r.output, "404");
  r = curl("-X PUT -d 'not json' " + endpoint_ + "/restapi/network");
  EXPECT_NE(r.output.find("\"error\""), std::string::npos) << r.output;
  EXPECT_EQ(nlohmann::json::parse(curl(endpoint_ + "/restapi/compute").output).size(), 2u);

  r = cli("compute stop -d dc1 -n vnf1");
  EXPECT_EQ(r.status, 0) << r.output;
  r = cli("compute list --json");
  EXPECT_EQ(nlohmann::json::parse(r.output).size(), 1u) << r.output;
}

// E-LANs over REST and the CLI: add, list (table and JSON, members as PUT takes them, the tree
// of nodes spanned), traffic between members, remove.
TEST_F(RestCliTest, ElanAddListRemove) {
  for (auto [pop, name, ip] :
       {std::tuple{"dc1", "v1", "10.0.20.1/24"}, std::tuple{"dc1", "v2", "10.0.20.2/24"},
        std::tuple{"dc2", "v3", "10.0.20.3/24"}}) {
    auto r = cli(fmt::format("compute start -d {} -n {} --net '(id=lan,ip={})'", pop, name, ip));
    ASSERT_EQ(r.status, 0) << r.output;
  }
  EXPECT_NE(cli("elan add lan1 v1:lan").status, 0) << "one member is not a LAN";
  auto r = cli("elan add lan1 v1:lan v2:lan v3:lan");
  ASSERT_EQ(r.status, 0) << r.output;
  r = cli("exec v1 -- ping -c1 -W2 10.0.20.3");
  EXPECT_EQ(r.status, 0) << r.output;
  r = cli("elan list --json");
  ASSERT_EQ(r.status, 0) << r.output;
  auto list = nlohmann::json::parse(r.output);
  ASSERT_EQ(list.size(), 1u) << r.output;
  EXPECT_EQ(list[0]["name"], "lan1");
  EXPECT_EQ(list[0]["members"], nlohmann::json({"v1:lan", "v2:lan", "v3:lan"}));
  EXPECT_EQ(list[0]["tree"], nlohmann::json({"dc1", "dc2"})) << list;
  EXPECT_GT(list[0]["vlan"].get<int>(), 0);
  r = cli("elan list");
  EXPECT_NE(r.output.find("lan1"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("v1:lan,v2:lan,v3:lan"), std::string::npos) << r.output;
  r = curl("-o /dev/null -w '%{http_code}' -X PUT -d '{\"members\":[\"v1:lan\",\"v2:lan\"]}' " +
           endpoint_ + "/restapi/elan/lan1");
  EXPECT_EQ(r.output, "409") << "a second lan1";
  ASSERT_EQ(cli("elan remove lan1").status, 0);
  EXPECT_NE(cli("exec v1 -- ping -c1 -W1 10.0.20.3").status, 0);
  r = cli("elan list --json");
  EXPECT_EQ(nlohmann::json::parse(r.output), nlohmann::json::array()) << r.output;
  r = cli("elan list");
  EXPECT_NE(r.output.find("no E-LANs"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace chainlab::testing
