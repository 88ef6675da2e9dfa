#include "cli/views.h"

#include <gtest/gtest.h>

namespace chainlab::cli {
namespace {

const char* kComputeList = R"([
  ["vnf1", {"name": "vnf1", "datacenter": "dc1", "image": "ubuntu:trusty",
            "state": {"Status": "running", "Running": true, "Pid": 42},
            "network": [{"intf_name": "input", "ip": "10.0.0.1/24"},
                        {"intf_name": "output", "ip": "10.0.1.1/24"}]}],
  ["vnf2", {"name": "vnf2", "datacenter": "dc2", "image": "",
            "state": {"Status": "exited", "ExitCode": 3}, "network": []}],
  ["weird", 17]
])";

TEST(CliViews, ComputeListTable) {
  Table t = compute_list_table(nlohmann::json::parse(kComputeList));
  EXPECT_EQ(t.render(),
            "POP  NAME   IMAGE          STATE    EXIT  INTERFACES\n"
            "dc1  vnf1   ubuntu:trusty  running  -     input:10.0.0.1/24, output:10.0.1.1/24\n"
            "dc2  vnf2                  exited   3     -\n"
            "-    weird  -              -        -     -\n");
}

TEST(CliViews, ComputeListOfNonListIsEmpty) {
  EXPECT_TRUE(compute_list_table(nlohmann::json::object()).empty());
  EXPECT_TRUE(compute_list_table(nullptr).empty());
}

TEST(CliViews, FirstIpAndFields) {
  auto list = nlohmann::json::parse(kComputeList);
  EXPECT_EQ(first_ip(list[0][1]), "10.0.0.1");
  EXPECT_EQ(first_ip(list[1][1]), "");
  EXPECT_EQ(field(list[0][1], "missing"), "-");
  EXPECT_EQ(field(list[0][1]["state"], "Pid"), "42");
  EXPECT_EQ(field(nlohmann::json::array(), "x"), "-");
}

TEST(CliViews, ComputeStatusText) {
  auto status = nlohmann::json::parse(kComputeList)[0][1];
  std::string text = compute_status_text(status);
  EXPECT_NE(text.find("state:       running\n"), std::string::npos) << text;
  EXPECT_NE(text.find("pid:         42\n"), std::string::npos) << text;
  EXPECT_NE(text.find("exit code:   -\n"), std::string::npos) << text;
  EXPECT_NE(text.find("INTERFACE  IP"), std::string::npos) << text;
  text = compute_status_text(nlohmann::json::parse(kComputeList)[1][1]);
  EXPECT_NE(text.find("state:       exited\npid:         -\nexit code:   3\n"), std::string::npos)
      << text;
}

TEST(CliViews, DatacenterAndChainTables) {
  auto pops = nlohmann::json::parse(
      R"([{"label": "dc1", "internalname": "dc1", "switch": "dc1.s1", "n_running_containers": 2,
           "resource_model": "fixed"}])");
  EXPECT_EQ(datacenter_list_table(pops).render(),
            "LABEL  INTERNAL  SWITCH  INSTANCES  RESOURCE_MODEL\n"
            "dc1    dc1       dc1.s1  2          fixed\n");
  auto chains = nlohmann::json::parse(
      R"([{"id": 1, "vnf_src_name": "vnf1", "vnf_src_interface": "output",
           "vnf_dst_name": "vnf2", "vnf_dst_interface": "", "path": ["dc1", "s1", "dc2"],
           "vlan": 7, "cookie": 10, "bidirectional": true}])");
  EXPECT_EQ(chain_list_table(chains).render(),
            "ID  SRC          DST   PATH        VLAN  COOKIE  BIDIR\n"
            "1   vnf1:output  vnf2  dc1,s1,dc2  7     10      true\n");
}

TEST(CliViews, DatacenterStatusText) {
  auto pop = nlohmann::json::parse(
      R"({"label": "dc1", "internalname": "dc1", "switch": "dc1.s1", "n_running_containers": 2,
          "vnf_list": ["a", "b"], "resource_model": "fixed", "metadata": {}})");
  EXPECT_EQ(datacenter_status_text(pop),
            "label:           dc1\n"
            "internalname:    dc1\n"
            "switch:          dc1.s1\n"
            "instances:       2\n"
            "vnf_list:        a, b\n"
            "resource_model:  fixed\n"
            "resource_state:  -\n"
            "metadata:        {}\n");
}

TEST(ShellViews, PingMatrix) {
  std::vector<std::vector<bool>> ok = {{false, true}, {false, false}};
  EXPECT_EQ(ping_matrix_text({"a", "b"}, ok),
            "FROM \\ TO  a  b\n"
            "a          -  ok\n"
            "b          X  -\n"
            "1/2 reachable\n");
}

}  // namespace
}  // namespace chainlab::cli
