// Scenario: the multi-domain orchestrator with its own emulation as a domain (docs/mdo.md, kind
// local): `chainlab mdo --config` starts the config's topology (two PoPs, a 5 ms link) in
// process; the view shows the PoPs as EEs and the link with its delay; `chainlab sg add` of
// SAP1 -> fw -> SAP2 starts the NF and the SAPs in their PoPs with a chain per hop (seen through
// the emulation's son-emu REST API); `sg delete` removes them; a request that does not fit
// changes nothing.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include <nlohmann/json.hpp>

#include "chainlab_process.h"
#include "common/files.h"
#include "test_util.h"

namespace chainlab::testing {
namespace {

using json = nlohmann::json;

class MdoLocalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CL_REQUIRE_ROOT();
    char dir[] = "/tmp/chainlab-mdolocal-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    ::setenv("CHAINLAB_STATE_DIR", (dir_ + "/state").c_str(), 1);
    std::ofstream(dir_ + "/topo.yaml") << "name: mdo-local\n"
                                          "emulator: {rest_port: 0}\n"
                                          "pops:\n"
                                          "  - {name: dc1, resources: {model: fixed, "
                                          "max_cu: 2, max_mu: 2048}}\n"
                                          "  - {name: dc2, resources: {model: fixed, "
                                          "max_cu: 2, max_mu: 2048}}\n"
                                          "links:\n"
                                          "  - {a: dc1, b: dc2, delay: 5ms}\n";
    std::ofstream(dir_ + "/mdo.yaml") << "domains:\n"
                                         "  - name: emu\n"
                                         "    kind: local\n"
                                         "    topology: topo.yaml\n"
                                         "    saps: {SAP1: dc1, SAP2: dc2}\n"
                                         "    supported: [fw]\n";
    ASSERT_TRUE(mdo_.start({"--config", dir_ + "/mdo.yaml", "--port", "0"}, "mdo")) << mdo_.log();
    mdo_url_ = mdo_.url("ESCAPE API");
    rest_url_ = mdo_.url("emulator REST");
    ASSERT_FALSE(rest_url_.empty()) << mdo_.log();
  }
  void TearDown() override {
    mdo_.stop();
    ::unsetenv("CHAINLAB_STATE_DIR");
    std::filesystem::remove_all(dir_);
  }
  std::string request(double cpu) {
    json req = {
        {"parameters", {{"id", "local-svc"}, {"version", "1.0"}}},
        {"node_nfs",
         {{{"id", "fw"},
           {"functional_type", "fw"},
           {"ports", {{{"id", 1}}, {{"id", 2}}}},
           {"specification", {{"resources", {{"cpu", cpu}, {"mem", 64}, {"storage", 0}}}}}}}},
        {"node_saps",
         {{{"id", "SAP1"}, {"ports", {{{"id", 1}}}}}, {{"id", "SAP2"}, {"ports", {{{"id", 1}}}}}}},
        {"edge_sg_nexthops",
         {{{"id", 1}, {"src_node", "SAP1"}, {"src_port", 1}, {"dst_node", "fw"}, {"dst_port", 1}},
          {{"id", 2},
           {"src_node", "fw"},
           {"src_port", 2},
           {"dst_node", "SAP2"},
           {"dst_port", 1}}}}};
    std::string path = dir_ + "/req-" + std::to_string(cpu) + ".nffg";
    std::ofstream(path) << req.dump(2);
    return path;
  }
  CommandResult cli(const std::string& args) {
    return run_command(std::string(CHAINLAB_BINARY) + " " + args + " 2>&1");
  }

  std::string dir_, mdo_url_, rest_url_;
  ChainlabProcess mdo_;
};

TEST_F(MdoLocalTest, TheEmulationIsADomain) {
  auto view = cli("view --json -e " + mdo_url_);
  ASSERT_EQ(view.status, 0) << view.output;
  json v = json::parse(view.output);
  ASSERT_EQ(v["node_infras"].size(), 2u) << v.dump();
  EXPECT_EQ(v["node_infras"][0]["type"], "EE");
  bool five_ms = false;
  for (const auto& l : v["edge_links"]) {
    five_ms = five_ms || (l.value("delay", 0.0) == 5.0);
  }
  EXPECT_TRUE(five_ms) << v.dump();
  auto add = cli("sg add " + request(1) + " -e " + mdo_url_);
  ASSERT_EQ(add.status, 0) << add.output << mdo_.log();
  auto computes = cli("compute list -e " + rest_url_);
  EXPECT_NE(computes.output.find("local-svc-fw"), std::string::npos) << computes.output;
  auto chains = cli("network list -e " + rest_url_ + " --json");
  EXPECT_NE(chains.output.find("local-svc-fw"), std::string::npos) << chains.output;
  auto del = cli("sg delete local-svc -e " + mdo_url_);
  ASSERT_EQ(del.status, 0) << del.output;
  computes = cli("compute list -e " + rest_url_);
  ASSERT_EQ(computes.status, 0) << computes.output;
  EXPECT_EQ(computes.output.find("local-svc-fw"), std::string::npos) << computes.output;
}

TEST_F(MdoLocalTest, ARequestThatDoesNotFitChangesNothing) {
  auto add = cli("sg add " + request(3) + " -e " + mdo_url_);  // 3 cores, a PoP has 2
  EXPECT_EQ(add.status, 1) << add.output;
  EXPECT_NE(add.output.find("mapping failed"), std::string::npos) << add.output;
  auto computes = cli("compute list -e " + rest_url_ + " --json");
  ASSERT_EQ(computes.status, 0) << computes.output;
  EXPECT_EQ(computes.output.find("local-svc"), std::string::npos) << computes.output;
}

}  // namespace
}  // namespace chainlab::testing
