// `chainlab top` and `chainlab monitor ...` end to end: `chainlab run` of the learning example in
// the background, real instances pinging each other across two PoPs, the `chainlab` binary as the
// client over real HTTP, curl to look at /metrics and HTTP statuses.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <thread>

#include <nlohmann/json.hpp>

#include "chainlab_process.h"
#include "test_util.h"

namespace chainlab::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// A loopback port nothing listens on: bound, then closed.
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// The item of `merged["instances"]` named `name` (null if none).
json instance_of(const json& merged, const std::string& name) {
  if (merged.is_object() && merged.contains("instances") && merged["instances"].is_array()) {
    for (const auto& i : merged["instances"]) {
      if (i.value("instance", "") == name) {
        return i;
      }
    }
  }
  return nullptr;
}

// `direction` ("rx"/"tx") packets per second of the first interface of instance `i`.
double first_interface_rate(const json& i, const char* direction) {
  if (!i.is_object() || !i.contains("interfaces") || i["interfaces"].empty()) {
    return 0;
  }
  return i["interfaces"][0].value(direction, json::object()).value("packets_per_s", 0.0);
}

class MonitorCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CL_REQUIRE_ROOT();
    ASSERT_TRUE(run_.start({std::string(CHAINLAB_SOURCE_DIR) + "/examples/topologies/learning.yaml",
                            "--listen", "127.0.0.1", "--port", "0", "--duration", "300",
                            "--monitor-period", "250ms"}))
        << run_.log();
    endpoint_ = run_.url("emulator REST");
    ASSERT_FALSE(endpoint_.empty()) << run_.log();
    // a in dc1 is pinged five times a second by b in dc2: learning mode, no chain needed.
    start("dc1", "a", "10.0.0.1/24", "sleep 1000");
    start("dc2", "b", "10.0.0.2/24", "ping -i 0.2 10.0.0.1");
    // The monitor shows what it sampled: wait for a sample with both instances.
    json merged = top_json_until([](const json& m) {
      return instance_of(m, "a").is_object() && instance_of(m, "b").is_object();
    });
    ASSERT_TRUE(instance_of(merged, "b").is_object()) << merged.dump(2);
  }
  void TearDown() override { run_.stop(); }

  void start(const std::string& pop, const std::string& name, const std::string& ip,
             const std::string& command) {
    auto r = cli(fmt::format("compute start -d {} -n {} --net '(id=eth0,ip={})' -c '{}'", pop, name,
                             ip, command));
    ASSERT_EQ(r.status, 0) << r.output;
  }
  CommandResult cli(const std::string& args) {
    return run_command("CHAINLAB_ENDPOINT=" + endpoint_ + " " + CHAINLAB_BINARY + " " + args);
  }
  CommandResult curl(const std::string& args) { return run_command("curl -s -S " + args); }
  std::string metrics() { return curl(endpoint_ + "/metrics").output; }

  // `top --once --json` until `ok` holds for it (10 s at most); the last one read.
  json top_json_until(const std::function<bool(const json&)>& ok) {
    json merged;
    for (auto end = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < end;
         std::this_thread::sleep_for(100ms)) {
      merged = json::parse(cli("top --once --json").output, nullptr, false);
      if (ok(merged)) {
        break;
      }
    }
    return merged;
  }

  ChainlabProcess run_;
  std::string endpoint_;
};

TEST_F(MonitorCliTest, TopJsonShowsCpuAndTraffic) {
  json merged = top_json_until([](const json& m) {
    return first_interface_rate(instance_of(m, "b"), "tx") > 0 &&
           first_interface_rate(instance_of(m, "a"), "rx") > 0;
  });
  json a = instance_of(merged, "a");
  json b = instance_of(merged, "b");
  ASSERT_TRUE(b.is_object()) << merged.dump(2);
  EXPECT_EQ(b["pop"], "dc2");
  EXPECT_EQ(b["state"], "running");
  ASSERT_TRUE(b["cpu_cores"].is_number()) << b.dump(2);
  EXPECT_GE(b["cpu_cores"].get<double>(), 0);
  EXPECT_GT(b["cpu_seconds"].get<double>(), 0) << "ping has used some CPU";
  EXPECT_GT(b["memory_bytes"].get<double>(), 0);
  EXPECT_GE(b["processes"].get<int>(), 1);
  ASSERT_EQ(b["interfaces"].size(), 1u) << b.dump(2);
  EXPECT_EQ(b["interfaces"][0]["interface"], "eth0");
  // Five echo requests a second leave b; the same arrive at a (plus ARP now and then).
  double b_tx = first_interface_rate(b, "tx");
  EXPECT_GT(b_tx, 1) << b.dump(2);
  EXPECT_LT(b_tx, 20) << b.dump(2);
  EXPECT_GT(first_interface_rate(a, "rx"), 0) << a.dump(2);
  EXPECT_GT(b["interfaces"][0]["tx"]["bytes_per_s"].get<double>(), 0);
  EXPECT_FALSE(b["interfaces"][0].contains("instance")) << "merged into its instance";

  json only_dc2 = json::parse(cli("top --once --json --pop dc2").output, nullptr, false);
  ASSERT_EQ(only_dc2["instances"].size(), 1u) << only_dc2.dump(2);
  EXPECT_EQ(only_dc2["instances"][0]["instance"], "b");
}

TEST_F(MonitorCliTest, TopTable) {
  auto r = cli("top --once");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.rfind("INSTANCE  POP  STATE    CPU %  CPU LIMIT  MEM", 0), 0u) << r.output;
  for (const char* column : {"MEM LIMIT", "PIDS", "INTERFACE", "RX PKT/S", "TX PKT/S"}) {
    EXPECT_NE(r.output.find(column), std::string::npos) << column << "\n" << r.output;
  }
  EXPECT_NE(r.output.find("\na         dc1  running"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\nb         dc2  running"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("\033["), std::string::npos) << "no terminal codes into a pipe";

  // Not a terminal: successive plain tables, one per refresh.
  auto start = std::chrono::steady_clock::now();
  auto live = cli("top -n 3 --interval 200ms");
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(live.status, 0) << live.output;
  size_t headers = 0;
  for (size_t at = live.output.find("INSTANCE"); at != std::string::npos;
       at = live.output.find("INSTANCE", at + 1)) {
    ++headers;
  }
  EXPECT_EQ(headers, 3u) << live.output;
  EXPECT_GE(took, 400ms);

  auto bad_pop = cli("top --once --pop dc9");
  EXPECT_EQ(bad_pop.status, 1);
  EXPECT_NE(bad_pop.output.find("error: --pop: the run has no PoP named 'dc9'"), std::string::npos)
      << bad_pop.output;
  auto bad_interval = cli("top --interval 1ms");
  EXPECT_EQ(bad_interval.status, 1);
  EXPECT_NE(bad_interval.output.find("error: --interval"), std::string::npos)
      << bad_interval.output;
}

TEST_F(MonitorCliTest, MonitorStartStop) {
  auto r = cli("monitor interface start --vnf a:eth0 --metric rx_bytes");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "Started monitoring: rx_bytes on a:eth0\n");
  // son-emu's spelling; the interface is the VNF's first when not given.
  r = cli("monitor setup_metric -vnf b -m tx_packets");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "Started monitoring: tx_packets on b:eth0\n");
  r = cli("monitor flow start --vnf a:eth0 -m tx_bytes --cookie 7");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "Started monitoring flow:7 tx_bytes on a:eth0\n");
  std::string m = metrics();
  EXPECT_NE(m.find(R"(sonemu_rx_count_bytes{vnf_name="a",vnf_interface="eth0",flow_id="None"})"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find(R"(sonemu_tx_count_packets{vnf_name="b",vnf_interface="eth0")"),
            std::string::npos);

  // Stop sends DELETE (son-emu's CLI sent PUT, which would answer "Started" again) and stops
  // only that metric.
  r = cli("monitor interface stop --vnf a:eth0 --metric rx_bytes");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "Stopped monitoring: rx_bytes on a:eth0\n");
  m = metrics();
  EXPECT_EQ(m.find(R"(sonemu_rx_count_bytes{vnf_name="a")"), std::string::npos) << m;
  EXPECT_NE(m.find(R"(sonemu_tx_count_packets{vnf_name="b")"), std::string::npos) << m;
  r = cli("monitor interface stop --vnf a:eth0 --metric rx_bytes");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_EQ(r.output, "error: Error stopping monitoring metric: rx_bytes on a:eth0\n");
  r = cli("monitor stop_metric -vnf b:eth0 -m tx_packets");
  EXPECT_EQ(r.output, "Stopped monitoring: tx_packets on b:eth0\n");
  r = cli("monitor stop_flow --vnf_name a:eth0 -m tx_bytes -c 7");
  EXPECT_EQ(r.output, "Stopped monitoring flow 7: tx_bytes on a:eth0\n");
  EXPECT_EQ(metrics().find("sonemu_"), std::string::npos) << metrics();
}

TEST_F(MonitorCliTest, MonitorErrors) {
  // An unknown VNF: the server's 404 and its message.
  std::string code = curl("-o /dev/null -w '%{http_code}' -X PUT '" + endpoint_ +
                          "/restapi/monitor/interface?vnf_name=nobody&metric=rx_bytes'")
                         .output;
  EXPECT_EQ(code, "404");
  auto r = cli("monitor interface start --vnf nobody --metric rx_bytes");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.output, "error: no instance named 'nobody'\n");
  r = cli("monitor setup_flow -vnf a:eth9 -m rx_bytes -c 3");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.output, "error: vnf interface a:eth9 not found!\n");
  // Refused before anything is sent.
  r = cli("monitor interface start --vnf a --metric rx_bits");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.output,
            "error: --metric: 'rx_bits' is not tx_packets, rx_packets, tx_bytes or rx_bytes\n");
  r = cli("monitor flow start --vnf a --cookie -1");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("error: --cookie"), std::string::npos) << r.output;
  EXPECT_EQ(metrics().find("sonemu_"), std::string::npos);
}

TEST_F(MonitorCliTest, MonitorLink) {
  auto r = cli("monitor link start --src a:eth0 --dst b:eth0 -c 33 -m rx_packets --placement rx");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.rfind("success: add-flow between a and b with options: {", 0), 0u) << r.output;
  EXPECT_NE(r.output.find("} Started monitoring flow:33 rx_packets on b:eth0\n"), std::string::npos)
      << r.output;
  std::string chains = cli("network list").output;
  EXPECT_NE(chains.find("  33  "), std::string::npos) << chains;
  EXPECT_NE(metrics().find(R"(sonemu_rx_count_packets{vnf_name="b",vnf_interface="eth0",)"
                           R"(flow_id="33"})"),
            std::string::npos)
      << metrics();
  r = cli("monitor link stop --src a:eth0 --dst b:eth0 -c 33 -m rx_packets --placement rx");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.rfind("success: del-flows between a and b", 0), 0u) << r.output;
  EXPECT_NE(r.output.find("} Stopped monitoring flow 33: rx_packets on b:eth0\n"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(cli("network list").output, "no chains\n");
  EXPECT_EQ(cli("monitor link start --src a --dst b --placement both").output,
            "error: --placement: 'both' is not tx or rx\n");
}

TEST(MonitorCliUnreachable, TopAndMonitorFailClearly) {
  std::string endpoint = fmt::format("http://127.0.0.1:{}", closed_port());
  for (const char* args :
       {"top --once", "top --once --json", "top -n 0", "monitor interface start --vnf a"}) {
    auto r = run_command(std::string(CHAINLAB_BINARY) + " " + args + " -e " + endpoint);
    EXPECT_EQ(r.status, 1) << args;
    EXPECT_EQ(r.output,
              "error: cannot connect: is `chainlab run` running? (endpoint " + endpoint + ")\n")
        << args;
  }
}

}  // namespace
}  // namespace chainlab::testing

namespace chainlab::testing {
namespace {

// `chainlab alarm` and `chainlab events`: an alarm on any instance's CPU fires for a busy one
// and resolves when it is stopped; the events show it, after the instance's start.
TEST_F(MonitorCliTest, AlarmFiresAndResolvesInEvents) {
  auto set =
      cli("alarm set busy --metric cpu --selector 'instance/*' --op '>' --value 0.5 "
          "--for 1s");
  ASSERT_EQ(set.status, 0) << set.output;
  EXPECT_EQ(set.output, "alarm 'busy' set\n");
  EXPECT_NE(cli("alarm set bad --value nope").status, 0);
  start("dc1", "spin", "10.0.0.9/24", "while :; do :; done");
  auto events_until = [&](const std::string& type) {
    std::string out;
    for (auto end = std::chrono::steady_clock::now() + 30s;
         std::chrono::steady_clock::now() < end && out.find(type) == std::string::npos;) {
      out = cli("events --json").output;  // all kept; the loop awaits the condition
      if (out.find(type) == std::string::npos) {
        std::this_thread::sleep_for(200ms);
      }
    }
    return out;
  };
  std::string fired = events_until("\"alarm.fired\"");
  ASSERT_NE(fired.find("\"alarm.fired\""), std::string::npos) << fired;
  EXPECT_NE(fired.find("instance/spin/cpu"), std::string::npos) << fired;
  EXPECT_LT(fired.find("\"instance.started\""), fired.find("\"alarm.fired\""));
  auto list = cli("alarm list");
  EXPECT_NE(list.output.find("instance/spin/cpu"), std::string::npos) << list.output;
  ASSERT_EQ(cli("compute stop -d dc1 -n spin").status, 0);
  std::string resolved = events_until("\"alarm.resolved\"");
  EXPECT_NE(resolved.find("\"alarm.resolved\""), std::string::npos) << resolved;
  auto human = cli("events");
  EXPECT_NE(human.output.find("instance.stopped"), std::string::npos) << human.output;
  EXPECT_EQ(cli("alarm remove busy").status, 0);
  EXPECT_NE(cli("alarm remove busy").status, 0) << "gone";
}

}  // namespace
}  // namespace chainlab::testing
