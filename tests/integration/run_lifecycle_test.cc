// Scenario: how a `chainlab run` ends (issue 10). SIGHUP (the terminal went away) tears the run
// down like SIGTERM: exit 0 and nothing left. An owner killed with SIGKILL whose parent has not
// reaped it yet (a zombie) counts as dead: `chainlab cleanup` removes its run.
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/files.h"
#include "substrate/netns.h"
#include "substrate/process.h"
#include "test_util.h"

namespace chainlab::testing {
namespace {

using namespace std::chrono_literals;

// `chainlab run` on a one-PoP topology (ephemeral REST port, no other endpoints) in a private
// state directory. The destructor kills and reaps it and sweeps the state directory, whatever
// the test did.
class OwnRun {
 public:
  OwnRun() {
    char tmpl[] = "/tmp/chainlab-lifecycle-XXXXXX";
    if (::mkdtemp(tmpl) != nullptr) {
      dir_ = tmpl;
    }
    (void)write_file(dir_ + "/topo.yaml",
                     "name: lifecycle\nemulator: {rest_port: 0}\npops: [dc1]\n", true);
  }
  ~OwnRun() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    (void)cli("cleanup");
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Starts the run; false (see log()) when it is not up within 30 s.
  bool start() {
    pid_ = ::fork();
    if (pid_ == 0) {
      int fd = ::open((dir_ + "/run.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::signal(SIGHUP, SIG_DFL);  // whatever the test runner ignores, the run sees the default
      sigset_t none;
      sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      ::setenv("CHAINLAB_STATE_DIR", dir_.c_str(), 1);
      std::string topo = dir_ + "/topo.yaml";
      ::execl(CHAINLAB_BINARY, "chainlab", "run", topo.c_str(), nullptr);
      ::_exit(127);
    }
    for (int i = 0; i < 600; ++i) {
      if (log().find("is up") != std::string::npos) {
        return true;
      }
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  std::string log() const { return read_file(dir_ + "/run.log").value_or(""); }
  pid_t pid() const { return pid_; }
  void forget() { pid_ = -1; }

  std::string url() const {
    std::smatch m;
    std::string out = log();
    std::regex line(R"(emulator REST[^\n]*(http://[0-9.]+:\d+))");
    return std::regex_search(out, m, line) ? m[1].str() : "";
  }

  // The run's prefix (its directory under runs/), "" when none.
  std::string prefix() const {
    auto runs = list_dir(dir_ + "/runs");
    return runs.ok() && runs->size() == 1 ? (*runs)[0] : "";
  }

  // `chainlab ARGS` against this state directory.
  CommandResult cli(const std::string& args) const {
    return run_command("CHAINLAB_STATE_DIR=" + dir_ + " " + CHAINLAB_BINARY + " " + args);
  }

  // Waits up to 30 s for the child to end; its wait status, or -1.
  int wait_exit() {
    for (int i = 0; i < 600; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return status;
      }
      std::this_thread::sleep_for(50ms);
    }
    return -1;
  }

 private:
  std::string dir_;
  pid_t pid_ = -1;
};

size_t netns_with_prefix(const std::string& prefix) {
  size_t n = 0;
  if (auto names = list_dir(substrate::kNetnsDir); names.ok() && !prefix.empty()) {
    for (const auto& name : *names) {
      n += name.rfind(prefix, 0) == 0 ? 1 : 0;
    }
  }
  return n;
}

TEST(RunLifecycle, SighupTearsDownLikeSigterm) {
  CL_REQUIRE_ROOT();
  OwnRun run;
  ASSERT_TRUE(run.start()) << run.log();
  std::string prefix = run.prefix();
  ASSERT_FALSE(prefix.empty());
  auto started = run.cli("compute start -e " + run.url() + " -d dc1 -n hup1");
  ASSERT_EQ(started.status, 0) << started.output;
  EXPECT_EQ(netns_with_prefix(prefix), 1u);

  ASSERT_EQ(::kill(run.pid(), SIGHUP), 0);
  int status = run.wait_exit();
  ASSERT_NE(status, -1) << "the run did not end after SIGHUP\n" << run.log();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "wait status " << status << "\n"
                                                             << run.log();
  EXPECT_NE(run.log().find("tearing down"), std::string::npos) << run.log();
  auto check = run.cli("cleanup --check");
  EXPECT_EQ(check.status, 0) << "cleanup found leftovers:\n" << check.output;
  EXPECT_EQ(netns_with_prefix(prefix), 0u);
}

TEST(RunLifecycle, CleanupRemovesARunWhoseOwnerIsAZombie) {
  CL_REQUIRE_ROOT();
  OwnRun run;
  ASSERT_TRUE(run.start()) << run.log();
  std::string prefix = run.prefix();
  ASSERT_FALSE(prefix.empty());
  auto started = run.cli("compute start -e " + run.url() + " -d dc1 -n zomb1");
  ASSERT_EQ(started.status, 0) << started.output;
  ASSERT_EQ(netns_with_prefix(prefix), 1u);

  // Killed, and not reaped: the test is its parent and waits only after the cleanup.
  ASSERT_EQ(::kill(run.pid(), SIGKILL), 0);
  bool zombie = false;
  for (int i = 0; i < 200 && !zombie; ++i) {
    auto st = substrate::process_stat(run.pid());
    zombie = st.ok() && st->state == 'Z';
    if (!zombie) {
      std::this_thread::sleep_for(25ms);
    }
  }
  ASSERT_TRUE(zombie) << "the killed run never became a zombie";

  auto result = run.cli("cleanup --json");
  ASSERT_EQ(result.status, 0) << result.output;
  auto report = nlohmann::json::parse(result.output, nullptr, false);
  ASSERT_TRUE(report.is_object()) << result.output;
  EXPECT_EQ(report["runs"], nlohmann::json::array({prefix})) << result.output;
  EXPECT_EQ(netns_with_prefix(prefix), 0u);
  EXPECT_TRUE(run.prefix().empty()) << "the run directory survived";

  ASSERT_EQ(::waitpid(run.pid(), nullptr, 0), run.pid());
  run.forget();
  EXPECT_EQ(run.cli("cleanup --check").status, 0);
}

}  // namespace
}  // namespace chainlab::testing
