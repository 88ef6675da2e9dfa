// A run killed with SIGKILL leaves namespaces, veths, cgroups and processes behind;
// `chainlab cleanup` must remove all of them and say so.
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/files.h"
#include "substrate/journal.h"
#include "substrate/netns.h"
#include "test_util.h"

namespace chainlab {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> names_with_prefix(const std::string& dir, const std::string& prefix) {
  std::vector<std::string> out;
  if (auto names = list_dir(dir); names.ok()) {
    for (const auto& n : *names) {
      if (n.rfind(prefix, 0) == 0) {
        out.push_back(n);
      }
    }
  }
  return out;
}

// Alive and not a zombie (killed orphans wait a moment for their new parent to reap them).
bool running(pid_t pid) {
  auto stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!stat.ok()) {
    return false;
  }
  size_t close = stat->rfind(')');
  return close != std::string::npos && close + 2 < stat->size() && (*stat)[close + 2] != 'Z';
}

TEST(Cleanup, KilledRunLeavesNothingAfterCleanup) {
  CL_REQUIRE_ROOT();
  char tmpl[] = "/tmp/chainlab-killed-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string state_dir = tmpl;
  const std::string out_path = state_dir + "/demo.out";

  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::setenv("CHAINLAB_STATE_DIR", state_dir.c_str(), 1);
    ::execl(CHAINLAB_BINARY, "chainlab", "demo", "--duration", "120", "--port", "0", nullptr);
    ::_exit(127);
  }
  // Wait until the demo is fully up (instances running, traffic sent).
  bool up = false;
  for (int i = 0; i < 300 && !up; ++i) {
    std::this_thread::sleep_for(50ms);
    auto out = read_file(out_path);
    up = out.ok() && out->find("demo up") != std::string::npos;
  }
  auto runs = list_dir(state_dir + "/runs");
  ASSERT_TRUE(up) << read_file(out_path).value_or("");
  // The demo shows the monitor's counters of its chains moving with the traffic it sent.
  std::string shown = read_file(out_path).value_or("");
  EXPECT_TRUE(std::regex_search(shown, std::regex(R"(chain cookie \d+ +\d+ +\d+ +[1-9]\d*)")))
      << shown;
  EXPECT_TRUE(std::regex_search(shown, std::regex(R"(client:emu0 sent +\d+ +\d+ +[1-9]\d*)")))
      << shown;
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  const std::string prefix = (*runs)[0];
  const std::string run_dir = state_dir + "/runs/" + prefix;
  auto entries = substrate::Journal::load(run_dir);
  ASSERT_TRUE(entries.ok());

  ::kill(pid, SIGKILL);
  int status;
  ::waitpid(pid, &status, 0);

  // The kill left real objects: namespaces, cgroups with live processes (three instances).
  EXPECT_EQ(names_with_prefix(substrate::kNetnsDir, prefix).size(), 3u);
  std::vector<pid_t> pids;
  std::vector<std::string> cgroups;
  for (const auto& e : *entries) {
    if (e.kind == substrate::ObjectKind::kProcess) {
      pids.push_back(static_cast<pid_t>(std::stol(e.id)));
    } else if (e.kind == substrate::ObjectKind::kCgroup) {
      cgroups.push_back(e.id);
    }
  }
  ASSERT_EQ(pids.size(), 3u);
  for (pid_t p : pids) {
    EXPECT_TRUE(running(p)) << "instance process " << p << " should still run";
  }

  auto result = testing::run_command(std::string("CHAINLAB_STATE_DIR=") + state_dir + " " +
                                     CHAINLAB_BINARY + " cleanup --json");
  ASSERT_EQ(result.status, 0) << result.output;
  auto report = nlohmann::json::parse(result.output);
  EXPECT_EQ(report["runs"], nlohmann::json::array({prefix}));
  EXPECT_TRUE(report["errors"].empty());
  int netns_removed = 0;
  for (const auto& r : report["removed"]) {
    netns_removed += r["kind"] == "netns";
  }
  EXPECT_EQ(netns_removed, 3);

  EXPECT_TRUE(names_with_prefix(substrate::kNetnsDir, prefix).empty());
  EXPECT_TRUE(names_with_prefix("/sys/class/net", prefix).empty());
  for (pid_t p : pids) {
    EXPECT_FALSE(running(p)) << "process " << p << " survived cleanup";
  }
  for (const auto& c : cgroups) {
    struct stat st;
    EXPECT_NE(::stat(c.c_str(), &st), 0) << "cgroup " << c << " survived cleanup";
  }
  EXPECT_FALSE(read_file(run_dir + "/journal").ok());

  // A second cleanup finds nothing.
  auto again = testing::run_command(std::string("CHAINLAB_STATE_DIR=") + state_dir + " " +
                                    CHAINLAB_BINARY + " cleanup --check");
  EXPECT_EQ(again.status, 0) << again.output;
  ::unlink(out_path.c_str());
  ::rmdir((state_dir + "/runs").c_str());
  ::rmdir(state_dir.c_str());
}

}  // namespace
}  // namespace chainlab
