// Native compute instances for real: namespaces, cgroups, processes, veths.
#include "runtime/native_driver.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <thread>

#include <gtest/gtest.h>

#include "common/files.h"
#include "instance_set.h"
#include "runtime/drivers.h"
#include "substrate/netns.h"
#include "substrate/rtnl.h"
#include "test_util.h"

namespace chainlab::runtime {
namespace {

using namespace std::chrono_literals;

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

// Bytes a process has written (write(2) and friends), from /proc/<pid>/io.
uint64_t bytes_written(pid_t pid) {
  auto io = read_file(fmt::format("/proc/{}/io", pid));
  size_t at = io.ok() ? io->find("wchar: ") : std::string::npos;
  return at == std::string::npos ? 0 : std::strtoull(io->c_str() + at + 7, nullptr, 10);
}

off_t file_size(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? st.st_size : 0;
}

size_t thread_count() {
  auto tasks = list_dir("/proc/self/task");
  return tasks.ok() ? tasks->size() : 0;
}

class NativeDriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CL_REQUIRE_ROOT();
    // The default state dir, so `chainlab cleanup --check` (run last by ctest) sees any leak.
    auto run = substrate::Run::begin({});
    ASSERT_TRUE(run.ok()) << run.error().message;
    run_ = std::move(run).value();
    driver_ = std::make_unique<NativeDriver>(*run_);
    set_.use(driver_.get());
  }
  void TearDown() override {
    set_.clear();  // destroys what a failed test left
    driver_.reset();
    if (run_) {
      auto report = run_->teardown();
      EXPECT_TRUE(report.errors.empty());
      // Destroyed instances leave nothing for the teardown but the run's own cgroup parent.
      for (const auto& e : report.removed) {
        EXPECT_EQ(e.kind, substrate::ObjectKind::kCgroup) << e.id;
      }
    }
    run_.reset();
  }

  InstanceSpec spec(const std::string& name, std::vector<std::string> cmd = {}) {
    InstanceSpec s;
    s.name = name;
    s.command = std::move(cmd);
    return s;
  }

  std::string exec_ok(const std::string& name, std::vector<std::string> argv) {
    auto r = set_[name].exec(argv, 10s);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    if (!r.ok()) {
      return "";
    }
    EXPECT_EQ(r->exit_code, 0) << r->output;
    return r->output;
  }

  std::unique_ptr<substrate::Run> run_;
  std::unique_ptr<NativeDriver> driver_;
  testing::InstanceSet set_;
};

TEST_F(NativeDriverTest, StartExecStopDestroy) {
  InstanceSpec s = spec("vnf1");
  s.env = {{"VNF_NAME", "vnf1"}};
  ASSERT_NE(set_.create(s), nullptr);
  auto created = set_["vnf1"].status();
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->state, InstanceState::kCreated);
  const std::string netns = created->netns;
  EXPECT_TRUE(substrate::Netns::exists(netns));
  EXPECT_LE(netns.size(), 15u);

  ASSERT_TRUE(set_["vnf1"].start().ok());
  auto st = set_["vnf1"].status();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->state, InstanceState::kRunning);
  EXPECT_GT(st->pid, 0);
  EXPECT_EQ(set_["vnf1"].start().error().code, ErrorCode::kFailedPrecondition);

  // Own UTS namespace, own /etc/hosts, own network namespace, its environment.
  EXPECT_EQ(exec_ok("vnf1", {"hostname"}), "vnf1\n");
  EXPECT_NE(exec_ok("vnf1", {"cat", "/etc/hosts"}).find("127.0.1.1\tvnf1"), std::string::npos);
  EXPECT_EQ(exec_ok("vnf1", {"sh", "-c", "echo $VNF_NAME"}), "vnf1\n");
  std::string links = exec_ok("vnf1", {"ip", "-o", "link"});
  EXPECT_NE(links.find("lo:"), std::string::npos);
  EXPECT_EQ(links.find("eth"), std::string::npos) << links;
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  EXPECT_NE(std::string(host), "vnf1");
  auto r = set_["vnf1"].exec({"sh", "-c", "exit 4"}, 5s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 4);

  ASSERT_TRUE(set_["vnf1"].stop(2s).ok());
  st = set_["vnf1"].status();
  EXPECT_EQ(st->state, InstanceState::kStopped);
  EXPECT_EQ(st->exit_code, 128 + SIGTERM);
  EXPECT_EQ(set_["vnf1"].exec({"true"}, 1s).error().code, ErrorCode::kFailedPrecondition);
  // Restartable after stop.
  ASSERT_TRUE(set_["vnf1"].start().ok());
  EXPECT_EQ(exec_ok("vnf1", {"hostname"}), "vnf1\n");

  std::vector<std::string> cgroup_dirs = run_->cgroups().paths_for(run_->cgroup_base());
  ComputeInstance& vnf1 = set_["vnf1"];
  ASSERT_TRUE(vnf1.destroy().ok());
  EXPECT_FALSE(substrate::Netns::exists(netns));
  // A destroyed instance refuses everything; destroying it again is fine.
  EXPECT_EQ(vnf1.status().error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(vnf1.start().error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(vnf1.exec({"true"}, 1s).error().code, ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(vnf1.destroy().ok());
  for (const auto& dir : cgroup_dirs) {
    auto children = list_dir(dir);
    ASSERT_TRUE(children.ok());
    for (const auto& c : *children) {
      EXPECT_FALSE(exists(dir + "/" + c + "/cgroup.procs")) << "left cgroup " << c;
    }
  }
}

TEST_F(NativeDriverTest, ExitIsDetectedAndLogsAreCaptured) {
  ASSERT_NE(set_.create(spec("job", {"sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3"})),
            nullptr);
  ASSERT_TRUE(set_["job"].start().ok());
  for (int i = 0; i < 200; ++i) {
    auto st = set_["job"].status();
    ASSERT_TRUE(st.ok());
    if (st->state == InstanceState::kExited) {
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  auto st = set_["job"].status();
  EXPECT_EQ(st->state, InstanceState::kExited);
  EXPECT_EQ(st->exit_code, 3);
  auto logs = set_["job"].logs(1 << 20);
  ASSERT_TRUE(logs.ok());
  EXPECT_EQ(*logs, "to-stdout\nto-stderr\n");
  EXPECT_EQ(*set_["job"].logs(10), "to-stderr\n");
  ASSERT_TRUE(set_.destroy("job").ok());
}

TEST_F(NativeDriverTest, LogsAreCappedAndPumpedByOneThread) {
  constexpr uint64_t kCap = 1 << 20;
  driver_ = std::make_unique<NativeDriver>(*run_, kCap);
  set_.use(driver_.get());
  const size_t threads_before = thread_count();
  for (int i = 0; i < 20; ++i) {
    std::string name = fmt::format("q{}", i);
    ASSERT_NE(
        set_.create(spec(name, {"sh", "-c", "echo hello from " + name + "; exec sleep 1000"})),
        nullptr);
    ASSERT_TRUE(set_[name].start().ok());
  }
  EXPECT_LE(thread_count(), threads_before + 1) << "one pump thread, not one per instance";
  for (int i = 0; i < 20; ++i) {
    std::string want = fmt::format("hello from q{}\n", i);
    std::shared_ptr<InstanceLog> log = set_[fmt::format("q{}", i)].log();
    auto cursor = LogCursor::open(log, std::nullopt, /*follow=*/true);
    ASSERT_TRUE(cursor.ok());
    std::string got;
    while (got.size() < want.size() && !cursor->done()) {
      got += cursor->next(100, 10s).value_or("");
    }
    EXPECT_EQ(got, want);
  }

  // `yes` writes as fast as it can; the files never hold more than the cap.
  ASSERT_NE(set_.create(spec("yes", {"yes"})), nullptr);
  ASSERT_TRUE(set_["yes"].start().ok());
  auto st = set_["yes"].status();
  ASSERT_TRUE(st.ok());
  const std::string path = fmt::format("{}/logs/{}.log", run_->dir(), st->netns);
  auto deadline = std::chrono::steady_clock::now() + 60s;
  uint64_t max_kept = 0;
  while (bytes_written(st->pid) < 64 * kCap && std::chrono::steady_clock::now() < deadline) {
    max_kept = std::max<uint64_t>(max_kept, file_size(path) + file_size(path + ".1"));
    std::this_thread::sleep_for(10ms);  // sampling the files while `yes` runs
  }
  EXPECT_GE(bytes_written(st->pid), 64 * kCap);
  EXPECT_LE(max_kept, kCap);
  EXPECT_LE(file_size(path) + file_size(path + ".1"), static_cast<off_t>(kCap));
  EXPECT_GT(file_size(path + ".1"), 0);
  std::string tail = set_["yes"].logs(100).value_or("");
  EXPECT_EQ(tail.size(), 100u);
  EXPECT_EQ(tail.find_first_not_of("y\n"), std::string::npos) << tail;
  ASSERT_TRUE(set_.destroy("yes").ok());
  EXPECT_FALSE(exists(path));
  EXPECT_FALSE(exists(path + ".1"));
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(set_.destroy(fmt::format("q{}", i)).ok());
  }
}

TEST_F(NativeDriverTest, InterfacesCarryAddressesAndPassTraffic) {
  ASSERT_NE(set_.create(spec("srv")), nullptr);
  ASSERT_TRUE(set_["srv"].start().ok());
  InterfaceSpec intf;
  intf.name = "input";
  intf.ip = *substrate::Cidr::parse("10.77.0.2/24");
  intf.mac = *substrate::MacAddress::parse("02:00:00:00:77:02");
  auto added = set_["srv"].add_interface(intf);
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_LE(added->host_ifname.size(), 15u);
  EXPECT_EQ(added->host_ifname.rfind(run_->prefix(), 0), 0u);
  EXPECT_EQ(set_["srv"].add_interface(intf).error().code, ErrorCode::kAlreadyExists);
  InterfaceSpec too_long;
  too_long.name = "a-very-long-interface-name";
  EXPECT_EQ(set_["srv"].add_interface(too_long).error().code, ErrorCode::kInvalidArgument);

  std::string addr = exec_ok("srv", {"ip", "-o", "addr", "show", "input"});
  EXPECT_NE(addr.find("10.77.0.2/24"), std::string::npos) << addr;
  EXPECT_NE(exec_ok("srv", {"ip", "-o", "link", "show", "input"}).find("02:00:00:00:77:02"),
            std::string::npos);

  // The host end, addressed from the root namespace, reaches the instance.
  auto root = substrate::Rtnl::open();
  ASSERT_TRUE(root.ok());
  ASSERT_TRUE(root->add_address(added->host_ifname, *substrate::Cidr::parse("10.77.0.1/24")).ok());
  auto ping = testing::run_command("ping -c1 -W2 10.77.0.2");
  EXPECT_EQ(ping.status, 0) << ping.output;

  ASSERT_TRUE(set_["srv"].remove_interface("input").ok());
  EXPECT_FALSE(root->get_link(added->host_ifname).ok());
  EXPECT_EQ(set_["srv"].remove_interface("input").error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(set_.destroy("srv").ok());
}

TEST_F(NativeDriverTest, LimitsAreAppliedUpdatedAndPaused) {
  InstanceSpec s = spec("busy", {"sh", "-c", "while :; do :; done"});
  s.limits.cpu_quota_us = 30000;
  s.limits.cpu_period_us = 100000;
  s.limits.memory_bytes = 64ll << 20;
  ASSERT_NE(set_.create(s), nullptr);
  ASSERT_TRUE(set_["busy"].start().ok());
  auto st = set_["busy"].status();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->limits.cpu_quota_us, 30000);
  EXPECT_EQ(st->limits.cpu_period_us, 100000);
  EXPECT_EQ(st->limits.memory_bytes, 64ll << 20);

  substrate::ResourceLimits update;
  update.cpu_quota_us = 10000;
  update.memory_bytes = 128ll << 20;
  ASSERT_TRUE(set_["busy"].update(update).ok());
  st = set_["busy"].status();
  EXPECT_EQ(st->limits.cpu_quota_us, 10000);
  EXPECT_EQ(st->limits.memory_bytes, 128ll << 20);
  substrate::ResourceLimits bad;
  bad.cpu_quota_us = 10;
  EXPECT_EQ(set_["busy"].update(bad).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(set_["busy"].status()->limits.cpu_quota_us, 10000);

  ASSERT_TRUE(set_["busy"].pause().ok());
  EXPECT_EQ(set_["busy"].status()->state, InstanceState::kPaused);
  uint64_t before = set_["busy"].status()->stats.cpu_usage_ns;
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(set_["busy"].status()->stats.cpu_usage_ns, before);  // frozen: no CPU at all
  ASSERT_TRUE(set_["busy"].resume().ok());
  EXPECT_EQ(set_["busy"].status()->state, InstanceState::kRunning);
  ASSERT_TRUE(set_.destroy("busy").ok());
}

TEST_F(NativeDriverTest, BadRequestsLeaveNothing) {
  EXPECT_EQ(driver_->create(spec("bad/name")).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(driver_->create(spec("")).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(driver_->create(spec("x", {"no-such-binary-chainlab"})).error().code,
            ErrorCode::kInvalidArgument);
  InstanceSpec script = spec("y", {"sh", "-c", "no-such-binary-chainlab --flag"});
  script.program = "no-such-binary-chainlab";
  auto refused = driver_->create(script);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.error().message.find("'no-such-binary-chainlab'"), std::string::npos)
      << refused.error().message;
  // The instance's PATH decides, not chainlab's.
  InstanceSpec narrow = spec("z", {"sh", "-c", "ping -V"});
  narrow.program = "ping";
  narrow.env = {{"PATH", "/nonexistent"}};
  EXPECT_EQ(driver_->create(narrow).error().code, ErrorCode::kInvalidArgument);
  InstanceSpec over = spec("over");
  over.limits.memory_bytes = 1024;  // below the 4 MiB floor
  EXPECT_EQ(driver_->create(over).error().code, ErrorCode::kInvalidArgument);
  // Nothing of the failed creations is left in the journal, the netns dir or cgroupfs.
  auto entries = substrate::Journal::load(run_->dir());
  ASSERT_TRUE(entries.ok());
  for (const auto& e : *entries) {
    EXPECT_EQ(e.kind, substrate::ObjectKind::kCgroup) << e.id;  // only the run's own parent
  }
  auto names = list_dir(substrate::kNetnsDir);
  ASSERT_TRUE(names.ok());
  for (const auto& n : *names) {
    EXPECT_NE(n.rfind(run_->prefix(), 0), 0u) << "leaked netns " << n;
  }
  // Names are the caller's business (the emulation keeps them unique): two instances of one
  // name are two instances, each with its own namespace.
  auto first = driver_->create(spec("same"));
  auto second = driver_->create(spec("same"));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE((*first)->status()->netns, (*second)->status()->netns);
  ASSERT_TRUE((*first)->destroy().ok());
  EXPECT_EQ((*second)->status()->state, InstanceState::kCreated);
}

// Drivers are made by name from the registry; the emulation keeps the instances they make.
TEST_F(NativeDriverTest, BuiltinDriversComeFromTheRegistry) {
  DriverRegistry registry("compute driver");
  register_builtin_drivers(registry);
  EXPECT_EQ(registry.names(), (std::vector<std::string>{"native", "oci"}));
  DriverContext context{*run_, kDefaultInstanceLogBytes, nullptr};
  auto native = registry.create("native", context);
  ASSERT_TRUE(native.ok()) << native.error().message;
  EXPECT_EQ((*native)->name(), "native");
  auto oci = registry.create("oci", context);  // no image store in this context
  ASSERT_FALSE(oci.ok());
  EXPECT_EQ(oci.error().code, ErrorCode::kUnavailable);
  auto unknown = registry.create("docker", context);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(unknown.error().message, "unknown compute driver 'docker' (known: native, oci)");

  // An instance outlives the driver that made it (it holds what it shares with it).
  auto inst = (*native)->create(spec("orphan", {"sh", "-c", "echo still-here; exec sleep 1000"}));
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  native->reset();
  ASSERT_TRUE((*inst)->start().ok());
  auto cursor = LogCursor::open((*inst)->log(), std::nullopt, /*follow=*/true);
  ASSERT_TRUE(cursor.ok());
  std::string got;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (got.size() < 11 && !cursor->done() && std::chrono::steady_clock::now() < deadline) {
    got += cursor->next(100, 1s).value_or("");
  }
  EXPECT_EQ(got, "still-here\n");
  EXPECT_TRUE((*inst)->destroy().ok());
}

}  // namespace
}  // namespace chainlab::runtime
