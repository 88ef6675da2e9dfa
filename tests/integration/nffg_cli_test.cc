// Scenario: this machine as a Universal Node, from the command line as docs/nffg.md shows it.
// Two namespaces stand for the hosts behind two NICs (veth pairs); `chainlab node -i A -i B`
// attaches the host ends to LSI-0; `chainlab nffg create` deploys a graph joining them; pings
// cross; `nffg list|status|get|update|delete` answer; a bad graph is refused naming the field.
#include <stdlib.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "chainlab_process.h"
#include "common/files.h"
#include "test_util.h"

namespace chainlab::testing {
namespace {

using nlohmann::json;

json joining(const std::string& a, const std::string& b, const json& extra_match = {}) {
  json m1 = {{"port_in", "endpoint:a"}};
  if (!extra_match.is_null()) {
    m1.update(extra_match);
  }
  return {{"forwarding-graph",
           {{"name", "join"},
            {"end-points",
             {{{"id", "a"}, {"type", "interface"}, {"interface", {{"if-name", a}}}},
              {{"id", "b"}, {"type", "interface"}, {"interface", {{"if-name", b}}}}}},
            {"big-switch",
             {{"flow-rules",
               {{{"id", "1"},
                 {"priority", 1},
                 {"match", m1},
                 {"actions", {{{"output_to_port", "endpoint:b"}}}}},
                {{"id", "2"},
                 {"priority", 1},
                 {"match", {{"port_in", "endpoint:b"}}},
                 {"actions", {{{"output_to_port", "endpoint:a"}}}}}}}}}}}};
}

class NffgCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CL_REQUIRE_ROOT();
    char dir[] = "/tmp/chainlab-uncli-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    for (int i = 0; i < 2; ++i) {
      ns_[i] = unique_name(i == 0 ? "una" : "unb");
      host_[i] = unique_name(i == 0 ? "uha" : "uhb");
      std::string ip = "10.77.0." + std::to_string(i + 1) + "/24";
      auto r = run_command("ip netns add " + ns_[i] + " && ip link add " + host_[i] +
                           " type veth peer name eth0 netns " + ns_[i] + " && ip link set " +
                           host_[i] + " up && ip -n " + ns_[i] + " addr add " + ip +
                           " dev eth0 && ip -n " + ns_[i] + " link set eth0 up");
      ASSERT_EQ(r.status, 0) << r.output;
    }
    ::setenv("CHAINLAB_NODE_DIR", (dir_ + "/node").c_str(), 1);
    ASSERT_TRUE(run_.start(
        {"-i", host_[0], "-i", host_[1], "--port", "0", "--admin-password", "pw", "--name", "un"},
        "node"))
        << run_.log();
    url_ = run_.url("NF-FG");
    ASSERT_FALSE(url_.empty()) << run_.log();
  }
  void TearDown() override {
    run_.stop();
    ::unsetenv("CHAINLAB_NODE_DIR");
    for (const auto& ns : ns_) {
      if (!ns.empty()) {
        (void)run_command("ip netns del " + ns);
      }
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  CommandResult cli(const std::string& args) {
    return run_command(std::string(CHAINLAB_BINARY) + " nffg " + args + " -e " + url_ +
                       " -p pw 2>&1");
  }
  std::string write_graph(const std::string& name, const json& g) {
    std::string path = dir_ + "/" + name;
    EXPECT_TRUE(write_file(path, g.dump(2), true).ok());
    return path;
  }
  bool ping(int tries) {
    for (int i = 0; i < tries; ++i) {
      if (run_command("ip netns exec " + ns_[0] + " ping -c 1 -W 1 10.77.0.2").status == 0) {
        return true;
      }
    }
    return false;
  }

  ChainlabProcess run_;
  std::string dir_, url_;
  std::string ns_[2], host_[2];
};

TEST_F(NffgCliTest, AGraphJoiningTwoNicsCarriesTrafficAndTheCliManagesIt) {
  EXPECT_NE(run_.log().find("un NF-FG interfaces: " + host_[0] + ", " + host_[1]),
            std::string::npos)
      << run_.log();
  auto r = cli("create " + write_graph("join.json", joining(host_[0], host_[1])) + " --json");
  ASSERT_EQ(r.status, 0) << r.output;
  std::string id = json::parse(r.output).at("nffg-uuid");
  EXPECT_TRUE(ping(10)) << "ns1 reaches ns2 through LSI-0";

  r = cli("list");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.output.find(id), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("join"), std::string::npos) << r.output;
  r = cli("status " + id);
  EXPECT_EQ(r.output, "complete 100%\n");
  r = cli("get " + id);
  ASSERT_EQ(r.status, 0);
  EXPECT_EQ(json::parse(r.output)["forwarding-graph"]["name"], "join");

  // Rule 1 now takes IPv6 only: IPv4 (and ARP) from ns1 no longer crosses.
  r = cli("update " + id + " " +
          write_graph("v6.json", joining(host_[0], host_[1], {{"ether_type", "0x86dd"}})));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_FALSE(ping(1));
  r = cli("delete " + id);
  ASSERT_EQ(r.status, 0) << r.output;
  r = cli("status " + id);
  EXPECT_EQ(r.status, 1);
}

TEST_F(NffgCliTest, BadGraphsAndCredentialsAreRefusedClearly) {
  json bad = joining(host_[0], host_[1]);
  bad["forwarding-graph"]["big-switch"]["flow-rules"][0]["actions"][0]["output_to_port"] =
      "endpoint:zz";
  auto r = cli("create " + write_graph("bad.json", bad));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("Graph-Parser"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("flow-rules[0].actions: no end-point 'zz'"), std::string::npos)
      << r.output;
  r = cli("create " + write_graph("nic.json", joining(host_[0], "wlan9")));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("no interface 'wlan9'"), std::string::npos) << r.output;
  r = run_command(std::string(CHAINLAB_BINARY) + " nffg list -e " + url_ + " -p wrong 2>&1");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("logging in"), std::string::npos) << r.output;
  r = cli("get no-such-graph");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("no such graph"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace chainlab::testing
