// Instance logs, exit codes and command checks end to end: `chainlab run` in the background, curl
// and the `chainlab` CLI as clients over real HTTP, real instances writing to real pipes.
#include <sys/stat.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "chainlab_process.h"
#include "common/files.h"
#include "test_util.h"

namespace chainlab::testing {
namespace {

using namespace std::chrono_literals;

uint64_t bytes_written(int pid) {
  auto io = read_file(fmt::format("/proc/{}/io", pid));
  size_t at = io.ok() ? io->find("wchar: ") : std::string::npos;
  return at == std::string::npos ? 0 : std::strtoull(io->c_str() + at + 7, nullptr, 10);
}

// Server-side TCP sockets on `port` in state CLOSE_WAIT (the client left, the server still
// holds the connection), from /proc/net/tcp.
int close_wait_sockets(int port) {
  auto tcp = read_file("/proc/net/tcp");
  int n = 0;
  std::string local_port = fmt::format(":{:04X}", port);
  for (std::string_view line : split(tcp.value_or(""), '\n')) {
    // "sl local_address rem_address st ...": st 08 is CLOSE_WAIT.
    std::vector<std::string_view> fields;
    for (std::string_view f : split(trim(line), ' ')) {
      if (!f.empty()) {
        fields.push_back(f);
      }
    }
    if (fields.size() > 3 && fields[1].ends_with(local_port) && fields[3] == "08") {
      ++n;
    }
  }
  return n;
}

class InstanceLogsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CL_REQUIRE_ROOT();
    ASSERT_TRUE(run_.start({"--listen", "127.0.0.1", "--port", "0", "--duration", "300"}))
        << run_.log();
    endpoint_ = run_.url("emulator REST");
    ASSERT_FALSE(endpoint_.empty()) << run_.log();
    port_ = std::atoi(endpoint_.substr(endpoint_.rfind(':') + 1).c_str());
  }
  void TearDown() override { run_.stop(); }
  CommandResult cli(const std::string& args) {
    return run_command("CHAINLAB_ENDPOINT=" + endpoint_ + " " + CHAINLAB_BINARY + " " + args);
  }
  CommandResult curl(const std::string& args) { return run_command("curl -s -S " + args); }
  std::string http_code(const std::string& args) {
    return curl("-o /dev/null -w '%{http_code}' " + args).output;
  }
  nlohmann::json status(const std::string& pop, const std::string& name) {
    auto r = curl(endpoint_ + "/restapi/compute/" + pop + "/" + name);
    return nlohmann::json::parse(r.output, nullptr, false);
  }
  std::string logs(const std::string& pop, const std::string& name, const std::string& query = "") {
    return curl(endpoint_ + "/restapi/compute/" + pop + "/" + name + "/logs" + query).output;
  }
  // Waits (polling the REST API) until the instance's whole log contains `text`.
  bool log_has(const std::string& pop, const std::string& name, const std::string& text) {
    for (auto end = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < end;
         std::this_thread::sleep_for(20ms)) {
      if (logs(pop, name).find(text) != std::string::npos) {
        return true;
      }
    }
    return false;
  }
  std::string run_dir() {
    auto info = nlohmann::json::parse(curl(endpoint_ + "/emulator/info").output, nullptr, false);
    return substrate_state_dir() + "/runs/" + info.value("prefix", std::string("?"));
  }
  static std::string substrate_state_dir() {
    const char* env = ::getenv("CHAINLAB_STATE_DIR");
    return env != nullptr && *env != '\0' ? env : "/run/chainlab";
  }

  ChainlabProcess run_;
  std::string endpoint_;
  int port_ = 0;
};

TEST_F(InstanceLogsTest, TailOverRestAndCli) {
  auto r = cli(
      "compute start -d dc1 -n talker -c 'for i in 1 2 3 4 5; do echo line$i; done; echo err >&2; "
      "exec sleep 1000'");
  ASSERT_EQ(r.status, 0) << r.output;
  ASSERT_TRUE(log_has("dc1", "talker", "err\n"));
  EXPECT_EQ(logs("dc1", "talker"), "line1\nline2\nline3\nline4\nline5\nerr\n");
  EXPECT_EQ(logs("dc1", "talker", "?tail=2"), "line5\nerr\n");
  EXPECT_EQ(logs("dc1", "talker", "?tail=0"), "");
  EXPECT_EQ(logs("dc1", "talker", "?tail=all"), "line1\nline2\nline3\nline4\nline5\nerr\n");
  auto head = curl("-D - -o /dev/null " + endpoint_ + "/restapi/compute/dc1/talker/logs");
  EXPECT_NE(head.output.find("Content-Type: text/plain"), std::string::npos) << head.output;

  std::string base = endpoint_ + "/restapi/compute/";
  EXPECT_EQ(http_code(base + "dc1/talker/logs?tail=-1"), "400");
  EXPECT_EQ(http_code(base + "dc1/talker/logs?tail=100001"), "400");
  EXPECT_EQ(http_code(base + "dc1/talker/logs?tail=3x"), "400");
  EXPECT_EQ(http_code(base + "dc1/talker/logs?follow=maybe"), "400");
  EXPECT_EQ(http_code(base + "dc1/nobody/logs"), "404");
  EXPECT_EQ(http_code(base + "dc2/talker/logs"), "404");  // it lives in dc1
  EXPECT_NE(curl(base + "dc1/nobody/logs").output.find("\"error\""), std::string::npos);

  r = cli("logs talker --tail 1");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.output, "err\n");
  r = cli("logs -d dc1 talker");
  EXPECT_EQ(r.output, "line1\nline2\nline3\nline4\nline5\nerr\n");
  r = cli("logs nobody");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("error: no instance named 'nobody'"), std::string::npos) << r.output;
  r = cli("logs talker --tail lots");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("tail: 'lots'"), std::string::npos) << r.output;
}

TEST_F(InstanceLogsTest, FollowUntilTheInstanceExitsAndExitCodeShown) {
  const std::string script =
      "i=0; while [ $i -lt 3 ]; do echo tick$i; i=$((i+1)); sleep 0.3; done; exit 7";
  auto r = cli("compute start -d dc2 -n ticker -c '" + script + "'");
  ASSERT_EQ(r.status, 0) << r.output;
  auto t0 = std::chrono::steady_clock::now();
  // curl returns when the stream ends: the instance's output ended when it exited.
  r = curl("-N --max-time 20 '" + endpoint_ + "/restapi/compute/dc2/ticker/logs?follow=1'");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "tick0\ntick1\ntick2\n");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
  // Following an instance whose output has ended returns what is kept, at once.
  r = cli("logs -f ticker");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.output, "tick0\ntick1\ntick2\n");

  for (auto end = std::chrono::steady_clock::now() + 10s;
       status("dc2", "ticker")["state"]["Status"] != "exited" &&
       std::chrono::steady_clock::now() < end;
       std::this_thread::sleep_for(20ms)) {
  }
  EXPECT_EQ(status("dc2", "ticker")["state"]["ExitCode"], 7);
  r = cli("compute status -d dc2 -n ticker");
  EXPECT_NE(r.output.find("state:       exited\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("exit code:   7\n"), std::string::npos) << r.output;
  r = cli("compute list");
  EXPECT_NE(r.output.find("STATE   EXIT"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("exited  7"), std::string::npos) << r.output;
  r = cli("compute list --json");
  auto list = nlohmann::json::parse(r.output, nullptr, false);
  ASSERT_TRUE(list.is_array()) << r.output;
  EXPECT_EQ(list[0][1]["state"]["ExitCode"], 7);  // the JSON is the server's, unchanged
}

TEST_F(InstanceLogsTest, CliFollowsALiveInstance) {
  ASSERT_EQ(cli("compute start -d dc1 -n live -c 'echo first; exec sleep 1000'").status, 0);
  ASSERT_TRUE(log_has("dc1", "live", "first\n"));
  // `logs -f` keeps running while the instance is silent; it ends when the instance is stopped.
  std::string out = "/tmp/chainlab-logs-follow-" + std::to_string(::getpid());
  auto bg =
      run_command("(CHAINLAB_ENDPOINT=" + endpoint_ + " " + CHAINLAB_BINARY + " logs -f live > " +
                  out + " 2>&1; echo $? >> " + out + ") </dev/null >/dev/null 2>&1 & echo started");
  ASSERT_EQ(bg.output, "started\n");
  for (auto end = std::chrono::steady_clock::now() + 10s;
       read_file(out).value_or("") != "first\n" && std::chrono::steady_clock::now() < end;
       std::this_thread::sleep_for(20ms)) {
  }
  EXPECT_EQ(read_file(out).value_or(""), "first\n");  // still following: no exit status yet
  ASSERT_EQ(cli("compute stop -d dc1 -n live").status, 0);
  for (auto end = std::chrono::steady_clock::now() + 10s;
       read_file(out).value_or("") == "first\n" && std::chrono::steady_clock::now() < end;
       std::this_thread::sleep_for(20ms)) {
  }
  EXPECT_EQ(read_file(out).value_or(""), "first\n0\n");
  ::unlink(out.c_str());
}

TEST_F(InstanceLogsTest, FollowersThatLeaveFreeTheirConnections) {
  ASSERT_EQ(cli("compute start -d dc1 -n silent -c 'exec sleep 1000'").status, 0);
  // Twelve followers (more than the server has HTTP threads) give up while nothing is written.
  auto r = run_command("for i in $(seq 12); do curl -s -N --max-time 1 '" + endpoint_ +
                       "/restapi/compute/dc1/silent/logs?follow=1' & done; wait");
  int left = -1;
  for (auto end = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < end;
       std::this_thread::sleep_for(50ms)) {
    left = close_wait_sockets(port_);
    if (left == 0) {
      break;
    }
  }
  EXPECT_EQ(left, 0) << "the server still holds connections its followers closed";
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(http_code("--max-time 5 " + endpoint_ + "/restapi/compute"), "200");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
}

TEST_F(InstanceLogsTest, YesStaysUnderTheCap) {
  ASSERT_EQ(cli("compute start -d dc1 -n yes -c 'exec yes'").status, 0);
  auto st = status("dc1", "yes");
  int pid = st["state"]["Pid"].get<int>();
  std::string path = run_dir() + "/logs/" + st["netns"].get<std::string>() + ".log";
  ASSERT_GE(file_size(path), 0) << path;
  // The reproduction wrote 1.99 GB in 3 s; 200 MiB is plenty to cross the cap 20 times.
  const uint64_t cap = 10ull << 20;
  uint64_t max_kept = 0;
  for (auto end = std::chrono::steady_clock::now() + 60s;
       bytes_written(pid) < 20 * cap && std::chrono::steady_clock::now() < end;
       std::this_thread::sleep_for(10ms)) {
    max_kept =
        std::max<uint64_t>(max_kept, file_size(path) + std::max<off_t>(0, file_size(path + ".1")));
  }
  EXPECT_GE(bytes_written(pid), 20 * cap);
  EXPECT_LE(max_kept, cap);
  EXPECT_GT(file_size(path + ".1"), 0);
  std::string tail = logs("dc1", "yes", "?tail=3");
  EXPECT_EQ(tail, "y\ny\ny\n");
  ASSERT_EQ(cli("compute stop -d dc1 -n yes").status, 0);
  EXPECT_EQ(file_size(path), -1) << "the log goes with the instance";
  EXPECT_EQ(file_size(path + ".1"), -1);
}

TEST_F(InstanceLogsTest, NonexistentCommandIsABadRequestAndCreatesNothing) {
  std::string netns_before = run_command("ls /run/netns").output;
  auto r = curl(
      "-w '\\n%{http_code}' -X PUT -H 'Content-Type: application/json' -d "
      "'{\"docker_command\":\"no-such-binary --flag\"}' " +
      endpoint_ + "/restapi/compute/dc1/x");
  EXPECT_NE(r.output.find("no-such-binary"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.substr(r.output.rfind('\n') + 1), "400");
  EXPECT_EQ(curl(endpoint_ + "/restapi/compute").output, "[]");
  auto dc = nlohmann::json::parse(curl(endpoint_ + "/restapi/datacenter/dc1").output);
  EXPECT_EQ(dc["n_running_containers"], 0);
  EXPECT_EQ(run_command("ls /run/netns").output, netns_before);

  r = cli("compute start -d dc1 -n y -c 'exec /no/such/path'");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("'/no/such/path'"), std::string::npos) << r.output;
  r = cli("compute start -d dc1 -n y -c \"'unterminated\"");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("unterminated single quote"), std::string::npos) << r.output;
  EXPECT_EQ(curl(endpoint_ + "/restapi/compute").output, "[]");

  // Through a shell the program is the shell: it starts, fails, and says why in its log.
  r = cli("compute start -d dc1 -n z -c \"sh -c 'no-such-binary'\"");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(log_has("dc1", "z", "no-such-binary: not found"));
}

}  // namespace
}  // namespace chainlab::testing
