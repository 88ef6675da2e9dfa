// Containers for real: runc, overlayfs over an image layer, namespaces, cgroups, veths.
#include "runtime/oci_driver.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "common/files.h"
#include "instance_set.h"
#include "oci_test_image.h"
#include "substrate/netns.h"
#include "substrate/process.h"
#include "test_util.h"

namespace chainlab::runtime {
namespace {

using namespace std::chrono_literals;
using testing::run_command;

bool path_exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

// Alive and not a zombie (the container's init is reaped by whoever inherited it from runc).
bool running(pid_t pid) {
  auto stat = read_file(fmt::format("/proc/{}/stat", pid));
  if (!stat.ok()) {
    return false;
  }
  size_t close = stat->rfind(')');
  return close != std::string::npos && close + 2 < stat->size() && (*stat)[close + 2] != 'Z';
}

bool mounted_below(const std::string& dir) {
  auto mounts = read_file("/proc/mounts");
  return mounts.ok() && mounts->find(dir) != std::string::npos;
}

class OciDriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CL_REQUIRE_ROOT();
    if (!substrate::find_executable("runc").ok()) {
      GTEST_SKIP() << "runc not installed (scripts/install-deps.sh installs it)";
    }
    image_ = std::make_unique<testing::TestImage>();
    ASSERT_TRUE(image_->error().empty()) << image_->error();
    if (image_->dir().empty()) {
      GTEST_SKIP() << "busybox not installed (scripts/install-deps.sh installs it)";
    }
    auto run = substrate::Run::begin({});
    ASSERT_TRUE(run.ok()) << run.error().message;
    run_ = std::move(run).value();
    driver_ =
        std::make_unique<OciDriver>(*run_, [this](const std::string& ref) -> Result<ImageInfo> {
          if (ref != "test/busybox:latest") {
            return make_error(ErrorCode::kNotFound, "no image '{}'", ref);
          }
          return image_->info(config_);
        });
    set_.use(driver_.get());
  }
  void TearDown() override {
    set_.clear();  // destroys what a failed test left
    driver_.reset();
    if (run_) {
      std::string runc_root = run_->dir() + "/runc";
      auto listed = run_command("runc --root " + runc_root + " list -q");
      EXPECT_TRUE(trim(listed.output).empty()) << listed.output;
      EXPECT_FALSE(mounted_below(run_->dir()));
      auto report = run_->teardown();
      EXPECT_TRUE(report.errors.empty());
      for (const auto& e : report.removed) {
        EXPECT_EQ(e.kind, substrate::ObjectKind::kCgroup) << e.id;
      }
    }
    run_.reset();
    image_.reset();
  }

  InstanceSpec spec(const std::string& name, std::vector<std::string> cmd = {}) {
    InstanceSpec s;
    s.name = name;
    s.image = "test/busybox:latest";
    s.command = std::move(cmd);
    return s;
  }

  ExecResult exec_ok(const std::string& name, std::vector<std::string> argv) {
    auto r = set_[name].exec(argv, 10s);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : ExecResult{-1, "", false};
  }

  // Waits until the instance's log contains `text`.
  bool log_has(const std::string& name, const std::string& text) {
    for (int i = 0; i < 200; ++i) {
      auto log = set_[name].logs(1 << 16);
      if (log.ok() && log->find(text) != std::string::npos) {
        return true;
      }
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  ImageConfig config_{{"/bin/sh", "-c"},
                      {"echo default-cmd; exec sleep 1000"},
                      {"GREETING=hello", "PATH=/bin"},
                      "/work",
                      "",
                      {}};
  std::unique_ptr<testing::TestImage> image_;
  std::unique_ptr<substrate::Run> run_;
  std::unique_ptr<OciDriver> driver_;
  testing::InstanceSet set_;
};

TEST_F(OciDriverTest, ImageConfigHonoured) {
  ASSERT_NE(set_.create(spec("d1")), nullptr);
  ASSERT_TRUE(set_["d1"].start().ok());
  EXPECT_TRUE(log_has("d1", "default-cmd"));

  InstanceSpec s = spec("c1", {"echo greeting=$GREETING vnf=$VNF_NAME cwd=$(pwd) host=$(hostname)"
                               " pid=$$; exec sleep 1000"});
  s.env = {{"VNF_NAME", "vnf-c1"}};
  s.hostname = "c1host";
  ASSERT_NE(set_.create(s), nullptr);
  auto started = set_["c1"].start();
  ASSERT_TRUE(started.ok()) << started.error().message;
  EXPECT_TRUE(log_has("c1", "greeting=hello vnf=vnf-c1 cwd=/work host=c1host pid=1"))
      << set_["c1"].logs(4096).value_or("");
  auto st = set_["c1"].status();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->state, InstanceState::kRunning);
  EXPECT_EQ(st->driver, "oci");
  EXPECT_GT(st->pid, 0);
  EXPECT_TRUE(substrate::Netns::exists(st->netns));
  // The emulation's hosts file and a private network namespace with its interfaces.
  EXPECT_NE(exec_ok("c1", {"cat", "/etc/hosts"}).output.find("c1host"), std::string::npos);
  InterfaceSpec intf;
  intf.name = "emu0";
  intf.ip = *substrate::Cidr::parse("10.9.0.2/24");
  auto added = set_["c1"].add_interface(intf);
  ASSERT_TRUE(added.ok()) << added.error().message;
  auto ip = exec_ok("c1", {"ip", "addr", "show", "emu0"});
  EXPECT_NE(ip.output.find("10.9.0.2/24"), std::string::npos) << ip.output;
  EXPECT_TRUE(set_["c1"].remove_interface("emu0").ok());
  EXPECT_TRUE(set_.destroy("c1").ok());
  EXPECT_TRUE(set_.destroy("d1").ok());
}

TEST_F(OciDriverTest, InstancesDoNotShareWrites) {
  ASSERT_NE(set_.create(spec("a")), nullptr);
  ASSERT_NE(set_.create(spec("b")), nullptr);
  ASSERT_TRUE(set_["a"].start().ok());
  ASSERT_TRUE(set_["b"].start().ok());
  EXPECT_EQ(
      exec_ok("a", {"sh", "-c", "echo mine > /tmp/x && echo changed > /etc/layer-file"}).exit_code,
      0);
  EXPECT_EQ(exec_ok("a", {"cat", "/tmp/x"}).output, "mine\n");
  EXPECT_NE(exec_ok("b", {"cat", "/tmp/x"}).exit_code, 0);
  EXPECT_EQ(exec_ok("b", {"cat", "/etc/layer-file"}).output, "layer-file\n");
  EXPECT_EQ(read_file(image_->dir() + "/etc/layer-file").value_or(""), "layer-file\n");
  EXPECT_TRUE(set_.destroy("a").ok());
  EXPECT_TRUE(set_.destroy("b").ok());
}

TEST_F(OciDriverTest, LimitsInCgroupfsAndCpuNearQuota) {
  InstanceSpec s = spec("cpu", {"while :; do :; done"});
  s.limits.cpu_quota_us = 20000;
  s.limits.cpu_period_us = 100000;
  s.limits.memory_bytes = 64 << 20;
  ASSERT_NE(set_.create(s), nullptr);
  auto started = set_["cpu"].start();
  ASSERT_TRUE(started.ok()) << started.error().message;
  auto before = set_["cpu"].status();
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->limits.cpu_quota_us, 20000);
  EXPECT_EQ(before->limits.cpu_period_us, 100000);
  EXPECT_EQ(before->limits.memory_bytes, 64 << 20);
  // The container's init is in the group the driver reports on.
  auto cgroup = read_file(fmt::format("/proc/{}/cgroup", before->pid));
  ASSERT_TRUE(cgroup.ok());
  EXPECT_NE(cgroup->find(run_->cgroup_base()), std::string::npos) << *cgroup;

  auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(2s);
  auto after = set_["cpu"].status();
  auto wall = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(after.ok());
  double share = static_cast<double>(after->stats.cpu_usage_ns - before->stats.cpu_usage_ns) /
                 static_cast<double>(std::chrono::nanoseconds(wall).count());
  std::printf("oci: CPU-bound container at quota 20%%: %.1f%%\n", share * 100);
  EXPECT_NEAR(share, 0.20, 0.05);

  substrate::ResourceLimits more;
  more.cpu_quota_us = 50000;
  ASSERT_TRUE(set_["cpu"].update(more).ok());
  EXPECT_EQ(set_["cpu"].status()->limits.cpu_quota_us, 50000);
  EXPECT_TRUE(set_.destroy("cpu").ok());
}

TEST_F(OciDriverTest, ExecOutputAndExitCode) {
  ASSERT_NE(set_.create(spec("e")), nullptr);
  EXPECT_EQ(set_["e"].exec({"true"}, 5s).error().code, ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(set_["e"].start().ok());
  auto r = exec_ok("e", {"sh", "-c", "echo out; echo err >&2; echo $GREETING; exit 3"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.output.find("out"), std::string::npos);
  EXPECT_NE(r.output.find("err"), std::string::npos);
  EXPECT_NE(r.output.find("hello"), std::string::npos);  // the container's environment
  EXPECT_NE(exec_ok("e", {"/no/such/binary"}).exit_code, 0);
  auto slow = set_["e"].exec({"sleep", "30"}, 300ms);
  ASSERT_TRUE(slow.ok());
  EXPECT_TRUE(slow->timed_out);
  EXPECT_TRUE(set_.destroy("e").ok());
}

TEST_F(OciDriverTest, StopWithGraceThenKill) {
  // Handles SIGTERM: stops within the grace period.
  ASSERT_NE(set_.create(spec("t", {"trap 'echo got-term; exit 0' TERM; echo trap-set; "
                                   "while :; do sleep 0.05; done"})),
            nullptr);
  ASSERT_TRUE(set_["t"].start().ok());
  ASSERT_TRUE(log_has("t", "trap-set"));  // wait for the trap, not for a guessed time
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(set_["t"].stop(5s).ok());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
  EXPECT_TRUE(log_has("t", "got-term"));
  EXPECT_EQ(set_["t"].status()->state, InstanceState::kStopped);

  // Ignores SIGTERM: killed after the grace period.
  ASSERT_NE(set_.create(spec("k", {"trap '' TERM; exec sleep 1000"})), nullptr);
  ASSERT_TRUE(set_["k"].start().ok());
  t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(set_["k"].stop(500ms).ok());
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(took, 500ms);
  EXPECT_LT(took, 5s);
  EXPECT_EQ(set_["k"].status()->state, InstanceState::kStopped);
  // A stopped instance starts again.
  auto again = set_["k"].start();
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(set_["k"].status()->state, InstanceState::kRunning);
  EXPECT_TRUE(set_.destroy("k").ok());
  EXPECT_TRUE(set_.destroy("t").ok());
}

TEST_F(OciDriverTest, PauseResume) {
  ASSERT_NE(set_.create(spec("p", {"while :; do :; done"})), nullptr);
  ASSERT_TRUE(set_["p"].start().ok());
  ASSERT_TRUE(set_["p"].pause().ok());
  EXPECT_EQ(set_["p"].status()->state, InstanceState::kPaused);
  auto a = set_["p"].status()->stats.cpu_usage_ns;
  std::this_thread::sleep_for(300ms);
  auto b = set_["p"].status()->stats.cpu_usage_ns;
  EXPECT_LT(b - a, 5'000'000u);  // frozen: no CPU
  ASSERT_TRUE(set_["p"].resume().ok());
  EXPECT_EQ(set_["p"].status()->state, InstanceState::kRunning);
  std::this_thread::sleep_for(300ms);
  EXPECT_GT(set_["p"].status()->stats.cpu_usage_ns - b, 50'000'000u);
  // Destroying a paused instance works too.
  ASSERT_TRUE(set_["p"].pause().ok());
  EXPECT_TRUE(set_.destroy("p").ok());
}

TEST_F(OciDriverTest, DestroyLeavesNothing) {
  ASSERT_NE(set_.create(spec("x")), nullptr);
  ASSERT_TRUE(set_["x"].start().ok());
  auto st = set_["x"].status();
  ASSERT_TRUE(st.ok());
  const std::string netns = st->netns;
  const std::string bundle = run_->dir() + "/oci/" + netns;
  ASSERT_TRUE(path_exists(bundle + "/config.json"));
  ASSERT_TRUE(mounted_below(bundle));
  auto cgroup_line = read_file(fmt::format("/proc/{}/cgroup", st->pid)).value_or("");
  pid_t pid = st->pid;
  ComputeInstance& x = set_["x"];
  ASSERT_TRUE(x.destroy().ok());
  EXPECT_FALSE(path_exists(bundle));
  EXPECT_FALSE(mounted_below(bundle));
  EXPECT_FALSE(substrate::Netns::exists(netns));
  EXPECT_FALSE(running(pid));
  auto leftovers =
      run_command("find /sys/fs/cgroup -type d -path '*" + run_->cgroup_base() + "/*'");
  EXPECT_TRUE(trim(leftovers.output).empty()) << leftovers.output << cgroup_line;
  EXPECT_EQ(x.status().error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(x.start().error().code, ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(x.destroy().ok());
}

TEST_F(OciDriverTest, UnknownImageAndBadSpec) {
  InstanceSpec s = spec("u");
  s.image = "nope:latest";
  EXPECT_EQ(driver_->create(s).error().code, ErrorCode::kNotFound);
  config_.user = "www-data";
  EXPECT_EQ(driver_->create(spec("u")).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(OciDriverTest, ProgramsMustExistInTheImage) {
  std::string netns_before = run_command("ls /run/netns").output;
  config_.entrypoint = {};
  // Not in the image (its PATH is /bin; socat may be on the host): refused before anything is
  // made.
  auto r = driver_->create(spec("p1", {"no-such-binary", "--flag"}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("'no-such-binary'"), std::string::npos) << r.error().message;
  EXPECT_EQ(driver_->create(spec("p2", {"/usr/bin/socat"})).error().code,
            ErrorCode::kInvalidArgument);
  config_.entrypoint = {"/no/entrypoint"};
  EXPECT_EQ(driver_->create(spec("p3", {"sleep", "1"})).error().code, ErrorCode::kInvalidArgument);
  config_.entrypoint = {};
  InstanceSpec extra = spec("p4", {"sh", "-c", "nothing-here"});
  extra.program = "nothing-here";
  EXPECT_EQ(driver_->create(extra).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(run_command("ls /run/netns").output, netns_before);
  // Busybox applets are symlinks in the image: found through them.
  ASSERT_NE(set_.create(spec("p5", {"ls", "/"})), nullptr);
  ASSERT_TRUE(set_["p5"].start().ok());
  EXPECT_TRUE(log_has("p5", "etc\n"));
  EXPECT_TRUE(set_.destroy("p5").ok());
}

TEST_F(OciDriverTest, StartTime) {
  std::vector<double> create_ms;
  std::vector<double> start_ms;
  for (int i = 0; i < 20; ++i) {
    std::string name = fmt::format("s{}", i);
    auto t0 = std::chrono::steady_clock::now();
    ASSERT_NE(set_.create(spec(name)), nullptr);
    auto t1 = std::chrono::steady_clock::now();
    auto started = set_[name].start();
    auto t2 = std::chrono::steady_clock::now();
    ASSERT_TRUE(started.ok()) << started.error().message;
    create_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    start_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
    ASSERT_TRUE(set_.destroy(name).ok());
  }
  auto pct = [](std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5)];
  };
  std::printf("oci: create p50 %.1f ms p95 %.1f ms; start (runc run -d) p50 %.1f ms p95 %.1f ms\n",
              pct(create_ms, 0.5), pct(create_ms, 0.95), pct(start_ms, 0.5), pct(start_ms, 0.95));
}

// A run killed with SIGKILL while a container runs: `chainlab cleanup` removes the container, its
// overlay mount, namespace and cgroups.
TEST_F(OciDriverTest, KilledRunLeavesNothingAfterCleanup) {
  char tmpl[] = "/tmp/chainlab-oci-killed-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string state_dir = tmpl;
  ImageInfo image = image_->info(config_);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    substrate::RunOptions options;
    options.state_dir = state_dir;
    auto run = substrate::Run::begin(std::move(options));
    if (!run.ok()) {
      ::_exit(1);
    }
    OciDriver driver(**run, [&](const std::string&) -> Result<ImageInfo> { return image; });
    InstanceSpec s = spec("victim");
    auto victim = driver.create(s);
    if (!victim.ok() || !(*victim)->start().ok()) {
      ::_exit(2);
    }
    (void)write_file(state_dir + "/up", (*victim)->status()->netns, true);
    ::pause();
    ::_exit(0);
  }
  std::string netns;
  for (int i = 0; i < 500 && netns.empty(); ++i) {
    std::this_thread::sleep_for(20ms);
    netns = read_file(state_dir + "/up").value_or("");
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_FALSE(netns.empty());
  auto runs = list_dir(state_dir + "/runs");
  ASSERT_TRUE(runs.ok() && runs->size() == 1u);
  const std::string prefix = (*runs)[0];
  ASSERT_TRUE(mounted_below(state_dir));
  ASSERT_TRUE(substrate::Netns::exists(netns));

  auto cleanup = run_command("CHAINLAB_STATE_DIR=" + state_dir + " " CHAINLAB_BINARY " cleanup");
  EXPECT_EQ(cleanup.status, 0) << cleanup.output;
  EXPECT_NE(cleanup.output.find("mount"), std::string::npos) << cleanup.output;
  EXPECT_FALSE(mounted_below(state_dir));
  EXPECT_FALSE(substrate::Netns::exists(netns));
  EXPECT_FALSE(path_exists(state_dir + "/runs/" + prefix));
  auto leftovers = run_command("find /sys/fs/cgroup -type d -name '" + prefix + "*'");
  EXPECT_TRUE(trim(leftovers.output).empty()) << leftovers.output;
  auto procs = run_command("pgrep -f 'sleep 1000' -a");
  EXPECT_EQ(procs.output.find(netns), std::string::npos);
  run_command("rm -rf " + state_dir);
}

}  // namespace
}  // namespace chainlab::runtime
