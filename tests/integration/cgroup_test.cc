// Scenarios for substrate/cgroup.h on the real cgroupfs: groups are made under
// "chainlab-test/<unique>" below this process's own cgroups and always removed again.
#include "substrate/cgroup.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <thread>

#include <linux/magic.h>

#include <gtest/gtest.h>

#include "common/files.h"
#include "test_util.h"

namespace chainlab::substrate {
namespace {

using namespace std::chrono_literals;
using chainlab::testing::unique_name;

constexpr const char* kParent = "chainlab-test";
constexpr const char* kUnified = "/sys/fs/cgroup/unified";

std::string read_trimmed(const std::string& path) {
  Result<std::string> text = read_file(path);
  return text.ok() ? std::string(trim(*text)) : "<" + text.error().message + ">";
}

bool exists(const std::string& path) {
  return ::access(path.c_str(), F_OK) == 0;
}

// Owns the groups and child processes of one test; cleans up even when an assertion fails.
class Sandbox {
 public:
  explicit Sandbox(CgroupHost& host) : host_(host) {}
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  ~Sandbox() {
    for (auto it = groups_.rbegin(); it != groups_.rend(); ++it) {
      Result<std::unique_ptr<Cgroup>> group = host_.open(*it);
      if (group.ok()) {
        Status s = (*group)->remove();
        EXPECT_TRUE(s.ok()) << s.error().message;
      }
    }
    for (pid_t pid : children_) {
      ::kill(pid, SIGKILL);
      reap(pid);
    }
    for (const std::string& dir : host_.paths_for(kParent)) {
      ::rmdir(dir.c_str());  // only when empty: other runs may share it
    }
  }

  // "chainlab-test/<stem><pid>", remembered for cleanup.
  std::string name(const std::string& stem) {
    groups_.push_back(fmt::format("{}/{}", kParent, unique_name(stem)));
    return groups_.back();
  }

  // A child that spins (busy) or sleeps until killed. `join` files are written "0" first.
  pid_t spawn(bool busy, const std::vector<std::string>& join = {}) {
    std::vector<int> fds;
    for (const std::string& file : join) {
      fds.push_back(::open(file.c_str(), O_WRONLY | O_CLOEXEC));
    }
    pid_t pid = ::fork();
    if (pid == 0) {
      for (int fd : fds) {
        if (fd < 0 || ::write(fd, "0", 1) != 1) {
          ::_exit(3);
        }
        ::close(fd);
      }
      volatile uint64_t spin = 0;
      for (;;) {
        if (busy) {
          spin = spin + 1;
        } else {
          ::pause();
        }
      }
    }
    for (int fd : fds) {
      if (fd >= 0) {
        ::close(fd);
      }
    }
    if (pid > 0) {
      children_.push_back(pid);
    }
    return pid;
  }

  // Waits (bounded) for `pid` to exit; returns its wait status or -1.
  static int reap(pid_t pid) {
    for (int i = 0; i < 400; ++i) {
      int status = 0;
      pid_t r = ::waitpid(pid, &status, WNOHANG);
      if (r == pid) {
        return status;
      }
      if (r < 0) {
        return -1;
      }
      std::this_thread::sleep_for(5ms);
    }
    return -1;
  }

 private:
  CgroupHost& host_;
  std::vector<std::string> groups_;
  std::vector<pid_t> children_;
};

class CgroupV1Test : public ::testing::Test {
 protected:
  void SetUp() override {
    CL_REQUIRE_ROOT();
    auto host = CgroupHost::v1();
    if (!host.ok()) {
      GTEST_SKIP() << "no cgroup v1 here: " << host.error().message;
    }
    host_ = std::move(*host);
    sandbox_ = std::make_unique<Sandbox>(*host_);
  }
  void TearDown() override { sandbox_.reset(); }

  std::unique_ptr<Cgroup> create(const std::string& stem) {
    auto group = host_->create(sandbox_->name(stem));
    EXPECT_TRUE(group.ok()) << group.error().message;
    return group.ok() ? std::move(*group) : nullptr;
  }

  // Directory of `group` in the hierarchy holding `controller`.
  std::string dir_of(const Cgroup& group, const std::string& knob) {
    for (const std::string& dir : group.paths()) {
      if (exists(dir + "/" + knob)) {
        return dir;
      }
    }
    return "<no " + knob + ">";
  }

  std::map<std::string, std::string> snapshot(const Cgroup& group) {
    std::map<std::string, std::string> out;
    for (const char* knob : {"cpu.cfs_quota_us", "cpu.cfs_period_us", "cpu.shares", "cpuset.cpus",
                             "memory.limit_in_bytes"}) {
      out[knob] = read_trimmed(dir_of(group, knob) + "/" + knob);
    }
    return out;
  }

  std::unique_ptr<CgroupHost> host_;
  std::unique_ptr<Sandbox> sandbox_;
};

TEST_F(CgroupV1Test, CreateAndRemove) {
  auto group = create("cr");
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(host_->version(), 1);
  std::vector<std::string> paths = group->paths();
  ASSERT_GE(paths.size(), 4u);  // cpu, cpuacct, cpuset, memory, freezer (co-mounted or not)
  for (const std::string& dir : paths) {
    EXPECT_TRUE(exists(dir)) << dir;
  }
  ASSERT_TRUE(group->remove().ok());
  for (const std::string& dir : paths) {
    EXPECT_FALSE(exists(dir)) << dir;
  }
  EXPECT_TRUE(group->remove().ok());  // twice is fine
}

TEST_F(CgroupV1Test, DuplicateCreateIsAlreadyExists) {
  std::string name = sandbox_->name("dup");
  auto first = host_->create(name);
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto second = host_->create(name);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kAlreadyExists);
  EXPECT_TRUE(host_->open(name).ok());
  EXPECT_EQ(host_->open(name + "x").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(host_->create("../escape").error().code, ErrorCode::kInvalidArgument);
}

TEST_F(CgroupV1Test, RemoveTakesNestedGroupsAlong) {
  std::string outer = sandbox_->name("nest");
  auto inner = host_->create(outer + "/a/b");
  ASSERT_TRUE(inner.ok()) << inner.error().message;
  pid_t child = sandbox_->spawn(false);
  ASSERT_TRUE((*inner)->add_process(child).ok());
  auto group = host_->open(outer);
  ASSERT_TRUE(group.ok()) << group.error().message;
  EXPECT_TRUE((*group)->pids()->empty());  // pids() lists the group itself, not descendants
  Status s = (*group)->remove();
  ASSERT_TRUE(s.ok()) << s.error().message;
  for (const std::string& dir : host_->paths_for(outer)) {
    EXPECT_FALSE(exists(dir)) << dir;
  }
  int status = Sandbox::reap(child);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
}

TEST_F(CgroupV1Test, NewGroupGetsParentCpuset) {
  auto group = create("cs");
  ASSERT_NE(group, nullptr);
  std::string dir = dir_of(*group, "cpuset.cpus");
  std::string parent = dir.substr(0, dir.rfind('/'));
  EXPECT_FALSE(read_trimmed(dir + "/cpuset.cpus").empty());
  EXPECT_EQ(read_trimmed(dir + "/cpuset.cpus"), read_trimmed(parent + "/cpuset.cpus"));
  EXPECT_EQ(read_trimmed(dir + "/cpuset.mems"), read_trimmed(parent + "/cpuset.mems"));
  EXPECT_GE(host_->cpu_count(), 1);
}

TEST_F(CgroupV1Test, SetLimitsWritesCgroupfsAndUpdatesAtRuntime) {
  auto group = create("lim");
  ASSERT_NE(group, nullptr);
  ResourceLimits limits;
  limits.cpu_quota_us = 20000;
  limits.cpu_period_us = 100000;
  limits.cpu_shares = 512;
  limits.cpuset_cpus = "0";
  limits.memory_bytes = int64_t{64} << 20;
  Status s = group->set_limits(limits);
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto files = snapshot(*group);
  EXPECT_EQ(files["cpu.cfs_quota_us"], "20000");
  EXPECT_EQ(files["cpu.cfs_period_us"], "100000");
  EXPECT_EQ(files["cpu.shares"], "512");
  EXPECT_EQ(files["cpuset.cpus"], "0");
  EXPECT_EQ(files["memory.limit_in_bytes"], std::to_string(64 << 20));
  auto applied = group->limits();
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_EQ(applied->cpu_quota_us, 20000);
  EXPECT_EQ(applied->cpu_period_us, 100000);
  EXPECT_EQ(applied->cpu_shares, 512u);
  EXPECT_EQ(applied->cpuset_cpus, "0");
  EXPECT_EQ(applied->memory_bytes, int64_t{64} << 20);

  // Shrinking the period writes the quota first; growing it writes the period first.
  ResourceLimits shrink;
  shrink.cpu_quota_us = 5000;
  shrink.cpu_period_us = 10000;
  s = group->set_limits(shrink);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(snapshot(*group)["cpu.cfs_quota_us"], "5000");
  EXPECT_EQ(snapshot(*group)["cpu.cfs_period_us"], "10000");
  ResourceLimits grow;
  grow.cpu_quota_us = 150000;
  grow.cpu_period_us = 1000000;
  s = group->set_limits(grow);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(snapshot(*group)["cpu.cfs_quota_us"], "150000");
  EXPECT_EQ(snapshot(*group)["cpu.cfs_period_us"], "1000000");

  // Only the set fields change; -1 lifts limits.
  ResourceLimits lift;
  lift.cpu_quota_us = -1;
  lift.memory_bytes = -1;
  s = group->set_limits(lift);
  ASSERT_TRUE(s.ok()) << s.error().message;
  applied = group->limits();
  ASSERT_TRUE(applied.ok());
  EXPECT_EQ(applied->cpu_quota_us, -1);
  EXPECT_EQ(applied->cpu_period_us, 1000000);
  EXPECT_EQ(applied->cpu_shares, 512u);
  EXPECT_EQ(applied->memory_bytes, -1);
  EXPECT_EQ(snapshot(*group)["cpu.cfs_quota_us"], "-1");
}

TEST_F(CgroupV1Test, InvalidLimitsAreRejectedBeforeAnyWrite) {
  auto group = create("bad");
  ASSERT_NE(group, nullptr);
  ResourceLimits base;
  base.cpu_quota_us = 30000;
  base.cpu_period_us = 100000;
  ASSERT_TRUE(group->set_limits(base).ok());
  auto before = snapshot(*group);

  std::vector<ResourceLimits> bad(6);
  bad[0].cpu_quota_us = 500;
  bad[1].cpu_period_us = 5;
  bad[2].memory_bytes = int64_t{1} << 20;
  bad[3].cpuset_cpus = "0-99";
  bad[4].cpu_shares = 1;
  bad[5].cpu_quota_us = 40000;  // valid, but together with an invalid field nothing is written
  bad[5].cpu_shares = 100;
  bad[5].memory_bytes = 1024;
  for (size_t i = 0; i < bad.size(); ++i) {
    Status s = group->set_limits(bad[i]);
    ASSERT_FALSE(s.ok()) << i;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument) << i << ": " << s.error().message;
    EXPECT_EQ(snapshot(*group), before) << i;
  }
}

TEST_F(CgroupV1Test, AddProcessShowsInPids) {
  auto group = create("pid");
  ASSERT_NE(group, nullptr);
  pid_t child = sandbox_->spawn(false);
  ASSERT_GT(child, 0);
  Status s = group->add_process(child);
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto pids = group->pids();
  ASSERT_TRUE(pids.ok()) << pids.error().message;
  EXPECT_EQ(*pids, std::vector<pid_t>{child});
  for (const std::string& dir : group->paths()) {
    EXPECT_EQ(read_trimmed(dir + "/cgroup.procs"), std::to_string(child)) << dir;
  }
  EXPECT_EQ(group->add_process(999999999).error().code, ErrorCode::kNotFound);
}

TEST_F(CgroupV1Test, ChildJoinsThroughProcsFiles) {
  auto group = create("join");
  ASSERT_NE(group, nullptr);
  pid_t child = sandbox_->spawn(false, group->procs_files());
  ASSERT_GT(child, 0);
  std::vector<pid_t> pids;
  for (int i = 0; i < 200 && pids.empty(); ++i) {
    auto now = group->pids();
    ASSERT_TRUE(now.ok());
    pids = *now;
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(pids, std::vector<pid_t>{child});
}

uint64_t usage(const Cgroup& group) {
  auto stats = group.stats();
  EXPECT_TRUE(stats.ok()) << stats.error().message;
  return stats.ok() ? stats->cpu_usage_ns : 0;
}

// usage(): the monitor's three files agree with the full stats().
TEST_F(CgroupV1Test, UsageReadsCpuMemoryAndProcesses) {
  auto group = create("use");
  ASSERT_NE(group, nullptr);
  pid_t child = sandbox_->spawn(true);
  ASSERT_TRUE(group->add_process(child).ok());
  for (int i = 0; i < 200 && usage(*group) == 0; ++i) {
    std::this_thread::sleep_for(5ms);
  }
  auto light = group->usage();
  auto full = group->stats();
  ASSERT_TRUE(light.ok() && full.ok());
  EXPECT_EQ(light->processes, 1u);
  EXPECT_EQ(full->processes, 1u);
  EXPECT_GT(light->cpu_usage_ns, 0u);
  EXPECT_LE(light->cpu_usage_ns, full->cpu_usage_ns) << "read first";
  EXPECT_EQ(light->nr_periods, 0u) << "not read";
  ASSERT_TRUE(group->kill_all().ok());
  (void)Sandbox::reap(child);
  EXPECT_TRUE(group->remove().ok());
}

TEST_F(CgroupV1Test, FreezeAndThaw) {
  auto group = create("frz");
  ASSERT_NE(group, nullptr);
  pid_t child = sandbox_->spawn(true);
  ASSERT_TRUE(group->add_process(child).ok());
  Status s = group->freeze(true);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(read_trimmed(dir_of(*group, "freezer.state") + "/freezer.state"), "FROZEN");
  uint64_t u0 = usage(*group);
  std::this_thread::sleep_for(200ms);
  EXPECT_LT(usage(*group) - u0, 5'000'000u);  // < 5 ms of CPU while frozen
  s = group->freeze(false);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(read_trimmed(dir_of(*group, "freezer.state") + "/freezer.state"), "THAWED");
  u0 = usage(*group);
  std::this_thread::sleep_for(200ms);
  EXPECT_GT(usage(*group) - u0, 20'000'000u);
}

TEST_F(CgroupV1Test, KillAllEmptiesTheGroupEvenWhenFrozen) {
  auto group = create("kill");
  ASSERT_NE(group, nullptr);
  pid_t a = sandbox_->spawn(true);
  pid_t b = sandbox_->spawn(false);
  ASSERT_TRUE(group->add_process(a).ok());
  ASSERT_TRUE(group->add_process(b).ok());
  ASSERT_TRUE(group->freeze(true).ok());
  Status s = group->kill_all();
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_TRUE(group->pids()->empty());
  for (pid_t pid : {a, b}) {
    int status = Sandbox::reap(pid);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  }
  EXPECT_TRUE(group->remove().ok());
}

TEST_F(CgroupV1Test, CpuQuotaCapsABusyChildAtTwentyPercent) {
  auto group = create("cpu");
  ASSERT_NE(group, nullptr);
  ResourceLimits limits;
  limits.cpu_quota_us = 20000;
  limits.cpu_period_us = 100000;
  ASSERT_TRUE(group->set_limits(limits).ok());
  pid_t child = sandbox_->spawn(true);
  ASSERT_TRUE(group->add_process(child).ok());
  std::this_thread::sleep_for(300ms);
  auto t0 = std::chrono::steady_clock::now();
  auto s0 = group->stats();
  ASSERT_TRUE(s0.ok()) << s0.error().message;
  std::this_thread::sleep_for(3s);
  auto s1 = group->stats();
  auto t1 = std::chrono::steady_clock::now();
  ASSERT_TRUE(s1.ok());
  double wall_ns = static_cast<double>(std::chrono::nanoseconds(t1 - t0).count());
  double share = static_cast<double>(s1->cpu_usage_ns - s0->cpu_usage_ns) / wall_ns;
  RecordProperty("cpu_share_percent", std::to_string(share * 100));
  std::printf("cpu share under quota 20000/100000: %.2f%%\n", share * 100);
  EXPECT_NEAR(share, 0.20, 0.03);
  EXPECT_GT(s1->nr_periods, s0->nr_periods);
  EXPECT_GT(s1->nr_throttled, s0->nr_throttled);
  EXPECT_GT(s1->throttled_ns, s0->throttled_ns);
}

// Hybrid hosts: the cgroup2 mount beside the v1 controllers, usually with no limit controllers.
class CgroupV2HybridTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CL_REQUIRE_ROOT();
    struct statfs st {};
    if (::statfs(kUnified, &st) != 0 || st.f_type != CGROUP2_SUPER_MAGIC) {
      GTEST_SKIP() << kUnified << " is not a cgroup2 mount";
    }
    auto host = CgroupHost::v2(kUnified);
    ASSERT_TRUE(host.ok()) << host.error().message;
    host_ = std::move(*host);
    sandbox_ = std::make_unique<Sandbox>(*host_);
  }
  void TearDown() override { sandbox_.reset(); }

  std::unique_ptr<CgroupHost> host_;
  std::unique_ptr<Sandbox> sandbox_;
};

TEST_F(CgroupV2HybridTest, CreateAddStatsAndRemove) {
  EXPECT_EQ(host_->version(), 2);
  std::string name = sandbox_->name("v2");
  auto created = host_->create(name);
  ASSERT_TRUE(created.ok()) << created.error().message;
  std::unique_ptr<Cgroup> group = std::move(*created);
  EXPECT_EQ(host_->create(name).error().code, ErrorCode::kAlreadyExists);
  ASSERT_EQ(group->paths().size(), 1u);
  std::string dir = group->paths()[0];
  EXPECT_EQ(dir, host_->paths_for(name)[0]);
  EXPECT_TRUE(exists(dir));

  pid_t child = sandbox_->spawn(true);
  Status s = group->add_process(child);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(*group->pids(), std::vector<pid_t>{child});
  uint64_t u0 = usage(*group);
  std::this_thread::sleep_for(300ms);
  EXPECT_GT(usage(*group) - u0, 50'000'000u);  // a busy child gets well over 50 ms of 300 ms

  if (exists(dir + "/cgroup.freeze")) {
    ASSERT_TRUE(group->freeze(true).ok());
    EXPECT_NE(read_trimmed(dir + "/cgroup.events").find("frozen 1"), std::string::npos);
    ASSERT_TRUE(group->freeze(false).ok());
  }

  if (!exists(dir + "/cpu.max")) {
    ResourceLimits cpu;
    cpu.cpu_quota_us = 20000;
    s = group->set_limits(cpu);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(s.error().message.find("'cpu'"), std::string::npos) << s.error().message;
  }
  if (!exists(dir + "/memory.max")) {
    ResourceLimits memory;
    memory.memory_bytes = int64_t{64} << 20;
    s = group->set_limits(memory);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(s.error().message.find("'memory'"), std::string::npos) << s.error().message;
  }
  EXPECT_TRUE(group->limits().ok());

  s = group->remove();
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_FALSE(exists(dir));
  int status = Sandbox::reap(child);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
}

TEST(CgroupDetectTest, DetectsThisHost) {
  auto host = CgroupHost::detect();
  ASSERT_TRUE(host.ok()) << host.error().message;
  struct statfs st {};
  ASSERT_EQ(::statfs("/sys/fs/cgroup", &st), 0);
  EXPECT_EQ((*host)->version(), st.f_type == CGROUP2_SUPER_MAGIC ? 2 : 1);
  EXPECT_GE((*host)->cpu_count(), 1);
}

}  // namespace
}  // namespace chainlab::substrate
