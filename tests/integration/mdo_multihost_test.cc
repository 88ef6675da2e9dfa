// Scenario: one multi-domain orchestrator, two chainlab nodes on two "hosts" and an OpenStack PoP
// (docs/mdo.md). Each
// host is a network namespace with its own address on a shared underlay (a bridge in the test's
// namespace); `chainlab node` runs inside it (as `nsenter --net` starts it) with one NIC leading
// to an end host (another namespace). The nodes meet at the SAP "wire", a gre-tunnel end-point on
// each side that chainlab nodes realise as VXLAN over the underlay, so traffic between them
// crosses a real tunnel. The orchestrator reaches both nodes' NF-FG APIs and description buses
// over the underlay. The OpenStack PoP (`chainlab run` with its OpenStack APIs, in the test's
// namespace) is a third domain, reachable from node A at 25 ms a way and able to run bridges.
//
// SAP1 -> nf1 -> nf2 -> SAP2 (and back), each NF a bridge VNF taking the one core each node
// offers, under an end-to-end delay budget that only nf1 on node A and nf2 on node B meet (the
// wire costs 5 ms a crossing; the other way round crosses it three times, the cloud is 50 ms
// away and back): ping
// and an HTTP transfer go end to end through both VNFs (their bridges' counters move, and the
// tunnel's); DELETE removes the graphs from both nodes; a request whose second NF cannot start
// on node B leaves nothing on either node.
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "bridge_vnf.h"
#include "chainlab_process.h"
#include "common/files.h"
#include "test_util.h"

namespace chainlab::testing {
namespace {

using json = nlohmann::json;

json multihost_nf(const std::string& id, const std::string& type) {
  return {{"id", id},
          {"functional_type", type},
          {"ports", {{{"id", 1}}, {{"id", 2}}}},
          {"specification", {{"resources", {{"cpu", 1}, {"mem", 1}, {"storage", 0}}}}}};
}

json multihost_hop(int id, const std::string& from, int fp, const std::string& to, int tp) {
  return {{"id", id}, {"src_node", from}, {"src_port", fp}, {"dst_node", to}, {"dst_port", tp}};
}

struct Host {
  std::string ns;      // the host's namespace, where its node runs
  std::string up;      // its underlay veth, test side (on the bridge)
  std::string nic;     // the node's NIC (in ns) to the end host
  std::string end;     // the end host's namespace
  std::string addr;    // underlay address
  std::string end_ip;  // the end host's address
  ChainlabProcess node;
};

class MdoMultiHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CL_REQUIRE_ROOT();
    char dir[] = "/tmp/chainlab-mdomh-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    bridge_ = unique_name("mhbr");
    ASSERT_EQ(sh("ip link add " + bridge_ + " type bridge && ip addr add 192.168.77.254/24 dev " +
                 bridge_ + " && ip link set " + bridge_ + " up"),
              0);
    for (int i = 0; i < 2; ++i) {
      Host& h = hosts_[i];
      std::string x = i == 0 ? "a" : "b";
      h.ns = unique_name("mhh" + x);
      h.end = unique_name("mhe" + x);
      h.up = unique_name("mhu" + x);
      h.nic = "nic" + x;
      h.addr = "192.168.77." + std::to_string(i + 1);
      h.end_ip = "10.79.0." + std::to_string(i + 1);
      ASSERT_EQ(
          sh("ip netns add " + h.ns + " && ip netns add " + h.end + " && ip -n " + h.ns +
             " link set lo up && ip link add " + h.up + " type veth peer name uplink netns " +
             h.ns + " && ip link set " + h.up + " master " + bridge_ + " up && ip -n " + h.ns +
             " addr add " + h.addr + "/24 dev uplink && ip -n " + h.ns +
             " link set uplink up && ip -n " + h.ns + " link add " + h.nic +
             " type veth peer name eth0 netns " + h.end + " && ip -n " + h.ns + " link set " +
             h.nic + " up && ip -n " + h.end + " addr add " + h.end_ip + "/24 dev eth0 && ip -n " +
             h.end + " link set eth0 up && ip -n " + h.end + " link set lo up"),
          0);
    }
    write_templates();
    ::setenv("CHAINLAB_STATE_DIR", (dir_ + "/state").c_str(), 1);
    std::ofstream(dir_ + "/cloud.yaml") << "name: mh-cloud\nemulator: {rest_port: 0}\npops:\n"
                                           "  - {name: os1, endpoints: {openstack: 16311}}\n";
    ASSERT_TRUE(cloud_.start({dir_ + "/cloud.yaml"})) << cloud_.log();
    for (int i = 0; i < 2; ++i) {
      start_node(i);
    }
    start_mdo();
  }
  void TearDown() override {
    mdo_.stop();
    cloud_.stop();
    for (Host& h : hosts_) {
      h.node.stop();
    }
    if (!http_pid_.empty()) {
      sh("kill " + http_pid_);
    }
    ::unsetenv("CHAINLAB_STATE_DIR");
    ::unsetenv("CHAINLAB_NODE_DIR");
    for (Host& h : hosts_) {
      for (const auto& ns : {h.ns, h.end}) {
        if (!ns.empty()) {
          sh("ip netns del " + ns);
        }
      }
      if (!h.up.empty()) {
        sh("ip link del " + h.up);
      }
    }
    if (!bridge_.empty()) {
      sh("ip link del " + bridge_);
    }
    std::filesystem::remove_all(dir_);
  }
  static int sh(const std::string& cmd) { return run_command(cmd).status; }

  void write_templates() {
    std::string t = dir_ + "/templates";
    for (const char* name : {"bridge", "broken"}) {
      std::filesystem::create_directories(t + "/" + name);
      json tmpl = {{"functional-capability", name},
                   {"vnf-type", "native"},
                   {"uri", name},
                   {"ports", {{{"position", "0-7"}, {"label", "inout"}}}}};
      ASSERT_TRUE(write_file(t + "/" + name + ".json", tmpl.dump(), true).ok());
    }
    ASSERT_TRUE(write_file(t + "/bridge/start", kBridgeStart, true).ok());
    ASSERT_TRUE(write_file(t + "/broken/start", "#!/bin/sh\nexit 3\n", true).ok());
    for (const char* name : {"bridge", "broken"}) {
      std::filesystem::permissions(t + "/" + name + "/start", std::filesystem::perms::owner_all);
    }
  }
  void start_node(int i) {
    Host& h = hosts_[i];
    ::setenv("CHAINLAB_NODE_DIR", (dir_ + "/node" + std::to_string(i)).c_str(), 1);
    h.node.netns = h.ns;
    ASSERT_TRUE(
        h.node.start({"-i", h.nic, "--templates", dir_ + "/templates", "--port", "8080", "--listen",
                      h.addr, "--admin-password", "pw", "--name", i == 0 ? "una" : "unb"},
                     "node"))
        << h.node.log();
  }
  void start_mdo() {
    json domains = json::array();
    for (int i = 0; i < 2; ++i) {
      const Host& h = hosts_[i];
      const Host& other = hosts_[1 - i];
      domains.push_back(
          {{"name", i == 0 ? "una" : "unb"},
           {"kind", "chainlab-node"},
           {"url", "http://" + h.addr + ":8080"},
           {"password", "pw"},
           {"bus", "tcp://" + h.addr + ":9080"},
           {"delay", 1},
           {"resources", {{"cpu", 1}}},
           {"saps",
            {{i == 0 ? "SAP1" : "SAP2", {{"interface", h.nic}}},
             {"wire",
              {{"gre", {{"local-ip", h.addr}, {"remote-ip", other.addr}, {"key", 77}}},
               {"border", true},
               {"delay", 2.5}}}}}});
    }
    domains[0]["saps"]["far"] = {
        {"gre", {{"local-ip", hosts_[0].addr}, {"remote-ip", "192.168.77.254"}, {"key", 78}}},
        {"border", true},
        {"delay", 25}};
    domains.push_back({{"name", "os"},
                       {"kind", "openstack"},
                       {"auth_url", "http://127.0.0.1:16311/v3"},
                       {"password", "admin"},
                       {"supported", {"bridge"}},
                       {"saps", {{"far", {{"network", "default"}}}}}});
    std::ofstream(dir_ + "/mdo.yaml") << json{{"domains", domains}}.dump(2);
    ASSERT_TRUE(mdo_.start({"--config", dir_ + "/mdo.yaml", "--port", "0"}, "mdo")) << mdo_.log();
    mdo_url_ = mdo_.url("ESCAPE API");
  }
  // SAP1 -> nf1 -> nf2 -> SAP2 and back within `budget` ms end to end.
  std::string request(const std::string& id, const std::string& second_type, double budget) {
    json req = {
        {"parameters", {{"id", id}, {"version", "1.0"}}},
        {"node_nfs", {multihost_nf("nf1", "bridge"), multihost_nf("nf2", second_type)}},
        {"node_saps",
         {{{"id", "SAP1"}, {"ports", {{{"id", 1}}}}}, {{"id", "SAP2"}, {"ports", {{{"id", 1}}}}}}},
        {"edge_sg_nexthops",
         {multihost_hop(1, "SAP1", 1, "nf1", 1), multihost_hop(2, "nf1", 2, "nf2", 1),
          multihost_hop(3, "nf2", 2, "SAP2", 1), multihost_hop(4, "SAP2", 1, "nf2", 2),
          multihost_hop(5, "nf2", 1, "nf1", 2), multihost_hop(6, "nf1", 1, "SAP1", 1)}},
        {"edge_reqs",
         {{{"id", "budget"},
           {"src_node", "SAP1"},
           {"src_port", 1},
           {"dst_node", "SAP2"},
           {"dst_port", 1},
           {"delay", budget},
           {"sg_path", {1, 2, 3}}}}}};
    std::string path = dir_ + "/" + id + ".nffg";
    std::ofstream(path) << req.dump(2);
    return path;
  }
  CommandResult cli(const std::string& args) {
    return run_command(std::string(CHAINLAB_BINARY) + " " + args + " 2>&1");
  }
  bool ping(int tries) {
    for (int i = 0; i < tries; ++i) {
      if (sh("ip netns exec " + hosts_[0].end + " ping -c 1 -W 1 " + hosts_[1].end_ip) == 0) {
        return true;
      }
    }
    return false;
  }
  // Packets the bridges of every bridge VNF have seen (rx of their ports, summed).
  uint64_t vnf_packets() {
    auto r = run_command(
        "for n in $(ip netns list | cut -d' ' -f1); do ip -n $n -s link show master br0 "
        "2>/dev/null; done | awk '/RX:/ {getline; s += $2} END {print s + 0}'");
    return std::stoull(r.output);
  }
  // Frames host `i`'s VXLAN device sent and received.
  uint64_t tunnel_packets(int i) {
    auto r = run_command("ip -n " + hosts_[i].ns + " -s -d link | awk '/vxlan id/ {v = 1} " +
                         "v && /RX:/ {getline; s += $2} v && /TX:/ {getline; s += $2; v = 0} " +
                         "END {print s + 0}'");
    return std::stoull(r.output);
  }
  // The node's graph list (the command must work: an empty answer would pass every "gone").
  std::string graphs_on(int i) {
    auto r = cli("nffg list --json -e http://" + hosts_[i].addr + ":8080 -p pw");
    EXPECT_EQ(r.status, 0) << r.output;
    return r.output;
  }

  std::string dir_, bridge_, mdo_url_, http_pid_;
  Host hosts_[2];
  ChainlabProcess cloud_, mdo_;
};

TEST_F(MdoMultiHostTest, AChainAcrossTwoHostsCarriesPingAndHttpThroughBothVnfs) {
  auto add = cli("sg add " + request("across", "bridge", 10) + " -e " + mdo_url_);
  ASSERT_EQ(add.status, 0) << add.output << mdo_.log();
  auto info = json::parse(cli("sg list --json -e " + mdo_url_).output);
  ASSERT_EQ(info.size(), 1u);
  std::map<std::string, std::string> where;
  for (const auto& m : info[0]["mapping"]) {
    where[m["nf"]["id"]] = m["bisbis"]["domain"];
  }
  EXPECT_EQ(where["nf1"], "una");
  EXPECT_EQ(where["nf2"], "unb");
  EXPECT_EQ(info[0]["domains"], json({"una", "unb"})) << "nothing for the cloud";
  auto view = json::parse(cli("view --json -e " + mdo_url_).output);
  EXPECT_EQ(view["node_infras"].size(), 3u) << "two nodes and the cloud in the global view";
  EXPECT_NE(graphs_on(0).find("across"), std::string::npos);
  EXPECT_NE(graphs_on(1).find("across"), std::string::npos);
  uint64_t before = vnf_packets();
  ASSERT_TRUE(ping(20)) << "end host A reaches end host B through nf1, the tunnel and nf2\n"
                        << hosts_[0].node.log() << hosts_[1].node.log();
  // HTTP: 1 MB from a server on end host B.
  ASSERT_TRUE(write_file(dir_ + "/blob", std::string(1 << 20, 'x'), true).ok());
  auto server =
      run_command("ip netns exec " + hosts_[1].end + " python3 -m http.server 8000 " + "--bind " +
                  hosts_[1].end_ip + " --directory " + dir_ + " >/dev/null 2>&1 & echo $!");
  http_pid_ = server.output.substr(0, server.output.find('\n'));
  std::string size;
  for (int i = 0; i < 50 && size != "1048576"; ++i) {  // until the server listens
    size = run_command("ip netns exec " + hosts_[0].end + " curl -s -m 5 -o /dev/null -w " +
                       "'%{size_download}' http://" + hosts_[1].end_ip + ":8000/blob")
               .output;
  }
  EXPECT_EQ(size, "1048576");
  EXPECT_GT(vnf_packets(), before + 700) << "the transfer crossed both bridge VNFs";
  EXPECT_GT(tunnel_packets(0), 700u) << "the transfer crossed the VXLAN tunnel";
  auto del = cli("sg delete across -e " + mdo_url_);
  ASSERT_EQ(del.status, 0) << del.output;
  EXPECT_EQ(graphs_on(0).find("across"), std::string::npos) << graphs_on(0);
  EXPECT_EQ(graphs_on(1).find("across"), std::string::npos) << graphs_on(1);
  EXPECT_FALSE(ping(1));
}

TEST_F(MdoMultiHostTest, ADomainThatFailsMidDeployLeavesNothingAnywhere) {
  // nf2 ("broken") goes to node B, whose start script fails after node A took nf1.
  auto add = cli("sg add " + request("doomed", "broken", 10) + " -e " + mdo_url_);
  EXPECT_EQ(add.status, 1) << add.output;
  EXPECT_NE(add.output.find("unb"), std::string::npos) << add.output;
  EXPECT_EQ(graphs_on(0).find("doomed"), std::string::npos) << graphs_on(0);
  EXPECT_EQ(graphs_on(1).find("doomed"), std::string::npos) << graphs_on(1);
  EXPECT_EQ(cli("sg list -e " + mdo_url_).output, "no services\n");
  // A budget no placement meets is refused before anything is deployed.
  auto tight = cli("sg add " + request("tight", "bridge", 0.5) + " -e " + mdo_url_);
  EXPECT_EQ(tight.status, 1);
  EXPECT_NE(tight.output.find("delay"), std::string::npos) << tight.output;
}

}  // namespace
}  // namespace chainlab::testing
