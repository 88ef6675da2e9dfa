// Scenario: the multi-domain orchestrator driving a real chainlab node (docs/mdo.md, kind
// chainlab-node). Two namespaces stand for the hosts behind the node's two NICs (veth pairs);
// `chainlab node` serves its NF-FG API and its description bus; `chainlab mdo --config` has the
// node as a domain whose SAP1 and SAP2 are those NICs. `chainlab sg add` of SAP1 -> bridge VNF ->
// SAP2 makes the node run one NF-FG: the hosts ping each other through the VNF (its counters
// move); `sg delete` removes the graph from the node and the path is gone.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include <nlohmann/json.hpp>

#include "bridge_vnf.h"
#include "chainlab_process.h"
#include "common/files.h"
#include "test_util.h"

namespace chainlab::testing {
namespace {

using json = nlohmann::json;

json nf() {
  return {{"id", "br"},
          {"functional_type", "bridge"},
          {"ports", {{{"id", 1}}, {{"id", 2}}}},
          {"specification", {{"resources", {{"cpu", 1}, {"mem", 1}, {"storage", 0}}}}}};
}

json hop(int id, const std::string& from, int fp, const std::string& to, int tp) {
  return {{"id", id}, {"src_node", from}, {"src_port", fp}, {"dst_node", to}, {"dst_port", tp}};
}

class MdoNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CL_REQUIRE_ROOT();
    char dir[] = "/tmp/chainlab-mdonode-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    for (int i = 0; i < 2; ++i) {
      ns_[i] = unique_name(i == 0 ? "mna" : "mnb");
      host_[i] = unique_name(i == 0 ? "mha" : "mhb");
      std::string ip = "10.78.0." + std::to_string(i + 1) + "/24";
      auto r = run_command("ip netns add " + ns_[i] + " && ip link add " + host_[i] +
                           " type veth peer name eth0 netns " + ns_[i] + " && ip link set " +
                           host_[i] + " up && ip -n " + ns_[i] + " addr add " + ip +
                           " dev eth0 && ip -n " + ns_[i] + " link set eth0 up");
      ASSERT_EQ(r.status, 0) << r.output;
    }
    write_templates();
    ::setenv("CHAINLAB_NODE_DIR", (dir_ + "/node").c_str(), 1);
    ::setenv("CHAINLAB_STATE_DIR", (dir_ + "/state").c_str(), 1);
    ASSERT_TRUE(node_.start({"-i", host_[0], "-i", host_[1], "--templates", dir_ + "/templates",
                             "--port", "0", "--admin-password", "pw", "--name", "un"},
                            "node"))
        << node_.log();
    node_url_ = node_.url("NF-FG");
    std::smatch m;
    std::string log = node_.log();
    ASSERT_TRUE(std::regex_search(log, m, std::regex(R"(bus: (tcp://[0-9.:]+))"))) << log;
    start_mdo(m[1].str());
  }
  void TearDown() override {
    mdo_.stop();
    node_.stop();
    ::unsetenv("CHAINLAB_NODE_DIR");
    ::unsetenv("CHAINLAB_STATE_DIR");
    for (const auto& ns : ns_) {
      if (!ns.empty()) {
        (void)run_command("ip netns del " + ns);
      }
    }
    std::filesystem::remove_all(dir_);
  }
  void write_templates() {
    std::string t = dir_ + "/templates";
    std::filesystem::create_directories(t + "/bridge");
    ASSERT_TRUE(write_file(t + "/bridge/start", kBridgeStart, true).ok());
    std::filesystem::permissions(t + "/bridge/start", std::filesystem::perms::owner_all);
    json tmpl = {{"functional-capability", "bridge"},
                 {"vnf-type", "native"},
                 {"uri", "bridge"},
                 {"ports", {{{"position", "0-7"}, {"label", "inout"}}}}};
    ASSERT_TRUE(write_file(t + "/bridge.json", tmpl.dump(), true).ok());
  }
  void start_mdo(const std::string& bus) {
    json config = {
        {"domains",
         {{{"name", "un"},
           {"kind", "chainlab-node"},
           {"url", node_url_},
           {"password", "pw"},
           {"bus", bus},
           {"saps", {{"SAP1", {{"interface", host_[0]}}}, {"SAP2", {{"interface", host_[1]}}}}}}}}};
    std::ofstream(dir_ + "/mdo.yaml") << config.dump(2);
    ASSERT_TRUE(mdo_.start({"--config", dir_ + "/mdo.yaml", "--port", "0"}, "mdo")) << mdo_.log();
    mdo_url_ = mdo_.url("ESCAPE API");
    ASSERT_FALSE(mdo_url_.empty()) << mdo_.log();
  }
  std::string request() {
    json req = {
        {"parameters", {{"id", "through-bridge"}, {"version", "1.0"}}},
        {"node_nfs", {nf()}},
        {"node_saps",
         {{{"id", "SAP1"}, {"ports", {{{"id", 1}}}}}, {{"id", "SAP2"}, {"ports", {{{"id", 1}}}}}}},
        {"edge_sg_nexthops",
         {hop(1, "SAP1", 1, "br", 1), hop(2, "br", 2, "SAP2", 1), hop(3, "SAP2", 1, "br", 2),
          hop(4, "br", 1, "SAP1", 1)}}};
    std::string path = dir_ + "/req.nffg";
    std::ofstream(path) << req.dump(2);
    return path;
  }
  CommandResult cli(const std::string& args) {
    return run_command(std::string(CHAINLAB_BINARY) + " " + args + " 2>&1");
  }
  bool ping(int tries) {
    for (int i = 0; i < tries; ++i) {
      if (run_command("ip netns exec " + ns_[0] + " ping -c 1 -W 1 10.78.0.2").status == 0) {
        return true;
      }
    }
    return false;
  }

  std::string dir_, node_url_, mdo_url_;
  std::string ns_[2], host_[2];
  ChainlabProcess node_, mdo_;
};

TEST_F(MdoNodeTest, AServiceBecomesTheNodesNffgAndCarriesTraffic) {
  EXPECT_FALSE(ping(1)) << "nothing joins the hosts before the service";
  auto view = cli("view -e " + mdo_url_);
  EXPECT_NE(view.output.find("BiSBiS"), std::string::npos) << view.output;
  auto add = cli("sg add " + request() + " -e " + mdo_url_);
  ASSERT_EQ(add.status, 0) << add.output << mdo_.log();
  EXPECT_NE(add.output.find("br"), std::string::npos) << add.output;
  auto list = cli("nffg list -e " + node_url_ + " -p pw");
  EXPECT_NE(list.output.find("through-bridge"), std::string::npos) << list.output;
  EXPECT_TRUE(ping(10)) << "the hosts reach each other through the bridge VNF\n" << node_.log();
  auto del = cli("sg delete through-bridge -e " + mdo_url_);
  ASSERT_EQ(del.status, 0) << del.output;
  list = cli("nffg list -e " + node_url_ + " -p pw --json");
  ASSERT_EQ(list.status, 0) << list.output;
  EXPECT_EQ(list.output.find("through-bridge"), std::string::npos) << list.output;
  EXPECT_FALSE(ping(1));
}

TEST_F(MdoNodeTest, ARequestTheNodeCannotRunFailsAndLeavesNothing) {
  json req = json::parse(*read_file(request()));
  req["node_nfs"][0]["functional_type"] = "firewall";  // no such template on the node
  std::string path = dir_ + "/bad.nffg";
  std::ofstream(path) << req.dump();
  auto add = cli("sg add " + path + " -e " + mdo_url_);
  EXPECT_EQ(add.status, 1) << add.output;
  auto list = cli("nffg list -e " + node_url_ + " -p pw --json");
  ASSERT_EQ(list.status, 0) << list.output;
  EXPECT_EQ(list.output.find("through-bridge"), std::string::npos) << list.output;
  EXPECT_EQ(cli("sg list -e " + mdo_url_).output, "no services\n");
}

}  // namespace
}  // namespace chainlab::testing
