// Packet capture from the switch side end to end: `chainlab capture` (the CLI over REST) while a
// ping crosses a chain between two PoPs; the real tcpdump reads the pcapng it wrote; hostile
// queries get the API's 4xx; a client that goes away leaves no capture socket behind.
#include <sys/stat.h>

#include <chrono>
#include <cstring>
#include <thread>

#include <nlohmann/json.hpp>

#include "chainlab_process.h"
#include "common/files.h"
#include "test_util.h"

namespace chainlab::testing {
namespace {

using namespace std::chrono_literals;

// The epb_flags direction (1 inbound, 2 outbound) of every Enhanced Packet Block in a pcapng file
// this host wrote (host byte order; the writer puts epb_flags first among the options).
std::vector<uint32_t> directions(const std::string& bytes) {
  std::vector<uint32_t> out;
  for (size_t at = 0; at + 12 <= bytes.size();) {
    uint32_t type = 0;
    uint32_t length = 0;
    std::memcpy(&type, bytes.data() + at, 4);
    std::memcpy(&length, bytes.data() + at + 4, 4);
    if (length < 12 || at + length > bytes.size()) {
      break;
    }
    if (type == 6) {
      uint32_t captured = 0;
      std::memcpy(&captured, bytes.data() + at + 20, 4);
      size_t options = at + 28 + (captured + 3) / 4 * 4;
      uint32_t flags = 0;
      std::memcpy(&flags, bytes.data() + options + 4, 4);
      out.push_back(flags & 3);
    }
    at += length;
  }
  return out;
}

// Packet sockets open in this network namespace (the run's capture sockets among them).
int packet_sockets() {
  auto table = read_file("/proc/net/packet");
  return static_cast<int>(split(table.value_or(""), '\n').size());
}

class CaptureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CL_REQUIRE_ROOT();
    if (run_command("command -v tcpdump").status != 0) {
      GTEST_SKIP() << "tcpdump is not installed (scripts/install-deps.sh installs it)";
    }
    ASSERT_TRUE(run_.start({"--listen", "127.0.0.1", "--port", "0", "--duration", "300"}))
        << run_.log();
    endpoint_ = run_.url("emulator REST");
    ASSERT_FALSE(endpoint_.empty()) << run_.log();
    file_ = "/tmp/chainlab-capture-" + std::to_string(::getpid()) + ".pcapng";
  }
  void TearDown() override {
    run_.stop();
    ::unlink(file_.c_str());
  }
  CommandResult cli(const std::string& args) {
    return run_command("CHAINLAB_ENDPOINT=" + endpoint_ + " " + CHAINLAB_BINARY + " " + args);
  }
  std::string http_code(const std::string& path) {
    return run_command("curl -s -o /dev/null -w '%{http_code}' '" + endpoint_ + path + "'").output;
  }
  void start_chain() {
    ASSERT_EQ(cli("compute start -d dc1 -n a --net '(id=emu0,ip=10.0.20.1/24)'").status, 0);
    ASSERT_EQ(cli("compute start -d dc2 -n b --net '(id=emu0,ip=10.0.20.2/24)'").status, 0);
    auto r = cli("network add -src a:emu0 -dst b:emu0 -b");
    ASSERT_EQ(r.status, 0) << r.output;
  }

  ChainlabProcess run_;
  std::string endpoint_;
  std::string file_;
};

TEST_F(CaptureTest, APingThroughAChainIsCapturedExactlyAndTcpdumpReadsIt) {
  start_chain();
  CommandResult capture;
  std::thread t([&] { capture = cli("capture b:emu0 icmp -c 6 -w " + file_); });
  // The stream's header is written once the capture socket is open.
  for (auto end = std::chrono::steady_clock::now() + 10s;
       file_size(file_) <= 0 && std::chrono::steady_clock::now() < end;) {
    std::this_thread::sleep_for(10ms);
  }
  auto ping = cli("exec a -- ping -c 3 -i 0.2 -W 2 10.0.20.2");
  t.join();
  EXPECT_EQ(ping.status, 0) << ping.output;
  ASSERT_EQ(capture.status, 0) << capture.output;
  EXPECT_NE(capture.output.find("6 frames captured on b:emu0"), std::string::npos)
      << capture.output;

  auto read = run_command("tcpdump -nn -r " + file_);
  ASSERT_EQ(read.status, 0) << read.output;
  auto lines = split(trim(read.output), '\n');
  std::vector<std::string> frames;
  for (auto line : lines) {
    if (line.find(" IP ") != std::string_view::npos) {
      frames.emplace_back(line);
    }
  }
  ASSERT_EQ(frames.size(), 6u) << read.output;
  for (size_t i = 0; i < frames.size(); ++i) {
    bool request = i % 2 == 0;
    EXPECT_NE(frames[i].find(request ? "10.0.20.1 > 10.0.20.2: ICMP echo request"
                                     : "10.0.20.2 > 10.0.20.1: ICMP echo reply"),
              std::string::npos)
        << read.output;
  }
  // From the switch: the requests leave it towards b, the replies enter it from b.
  EXPECT_EQ(directions(read_file(file_).value_or("")), (std::vector<uint32_t>{2, 1, 2, 1, 2, 1}));
}

TEST_F(CaptureTest, StdoutPipesIntoTcpdumpAndADurationEndsAQuietCapture) {
  start_chain();
  std::string err = file_ + ".err";
  auto r = cli("capture a:emu0 'tcp port 9' --duration 1 2>" + err +
               " | tcpdump -nn -r - 2>&1; echo rc=$?; cat " + err + "; rm -f " + err);
  EXPECT_NE(r.output.find("0 frames captured on a:emu0"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("link-type EN10MB"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("rc=0"), std::string::npos) << r.output;
  EXPECT_NE(cli("capture a:emu0 icmp -c 0").status, 0) << "the count is 1..1000000";
  r = cli("capture a:emu0 'icmp and and' -c 1 -w " + file_);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("syntax error"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("frames captured"), std::string::npos) << r.output;
  EXPECT_EQ(file_size(file_), -1) << "a refused capture leaves no file";
  r = cli("capture a-emu0 icmp -c 1");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("INSTANCE:IF"), std::string::npos) << r.output;
}

TEST_F(CaptureTest, HostileQueriesAre4xxAndAGoneClientLeavesNoSocket) {
  start_chain();
  std::string base = "/restapi/compute/dc1/a/capture/emu0";
  EXPECT_EQ(http_code(base + "?filter=icmp%20and%20and"), "400");
  EXPECT_EQ(http_code(base + "?filter=" + std::string(5000, 'x')), "400");
  EXPECT_EQ(http_code(base + "?count=0"), "400");
  EXPECT_EQ(http_code(base + "?count=abc"), "400");
  EXPECT_EQ(http_code(base + "?count=99999999999999999999999"), "400");
  EXPECT_EQ(http_code(base + "?duration=86401"), "400");
  EXPECT_EQ(http_code(base + "?snaplen=10"), "400");
  EXPECT_EQ(http_code("/restapi/compute/dc1/a/capture/nope"), "404");
  EXPECT_EQ(http_code("/restapi/compute/dc2/a/capture/emu0"), "404");  // a lives in dc1
  EXPECT_EQ(http_code("/restapi/compute/dc1/nobody/capture/emu0"), "404");
  auto body = run_command("curl -s '" + endpoint_ + base + "?filter=icmp%20and%20and'").output;
  EXPECT_NE(body.find("filter"), std::string::npos) << body;

  int before = packet_sockets();
  // A capture that matches nothing, abandoned by its client after a second.
  run_command("curl -s -o /dev/null --max-time 1 '" + endpoint_ + base + "?filter=tcp%20port%209'");
  int after = packet_sockets();
  for (auto end = std::chrono::steady_clock::now() + 5s;
       after > before && std::chrono::steady_clock::now() < end; after = packet_sockets()) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(after, before) << "the capture socket outlived its client";
}

}  // namespace
}  // namespace chainlab::testing
