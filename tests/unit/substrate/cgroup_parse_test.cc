#include "substrate/cgroup_parse.h"

#include <gtest/gtest.h>

namespace chainlab::substrate::cgroup_internal {
namespace {

TEST(MountInfoTest, ParsesCgroupV1Line) {
  auto m = parse_mountinfo_line(
      "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:8 - cgroup cgroup "
      "rw,cpu,cpuacct");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->root, "/");
  EXPECT_EQ(m->mount_point, "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ(m->fs_type, "cgroup");
  EXPECT_EQ(m->super_options, (std::vector<std::string>{"rw", "cpu", "cpuacct"}));
}

TEST(MountInfoTest, NoOptionalFieldsAndEscapes) {
  auto m = parse_mountinfo_line("41 31 0:38 /a\\040b /mnt/x\\134y rw - cgroup2 cgroup2 rw\n");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->root, "/a b");
  EXPECT_EQ(m->mount_point, "/mnt/x\\y");
  EXPECT_EQ(m->fs_type, "cgroup2");
}

TEST(MountInfoTest, RejectsMalformedLines) {
  EXPECT_FALSE(parse_mountinfo_line("").ok());
  EXPECT_FALSE(parse_mountinfo_line("32 31 0:29 / /x rw").ok());
  EXPECT_FALSE(parse_mountinfo_line("32 31 0:29 / /x rw - cgroup").ok());
  EXPECT_FALSE(parse_mountinfo_line("32 31 0:29 / /x rw - cgroup cgroup").ok());
  EXPECT_EQ(parse_mountinfo_line("1 2").error().code, ErrorCode::kInvalidArgument);
}

TEST(MountInfoTest, ParsesWholeFileSkippingBlankLines) {
  auto all = parse_mountinfo(
      "1 0 0:1 / / rw - ext4 /dev/sda rw\n\n"
      "2 1 0:2 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
}

TEST(ProcCgroupTest, ParsesV1AndV2Lines) {
  auto own = parse_proc_cgroup(
      "9:name=systemd:/\n4:memory:/process_api/6d4a\n2:cpu,cpuacct:/a:b\n0::/user.slice\n");
  ASSERT_TRUE(own.ok()) << own.error().message;
  ASSERT_EQ(own->size(), 4u);
  EXPECT_EQ((*own)[1].hierarchy_id, 4);
  EXPECT_EQ((*own)[1].controllers, std::vector<std::string>{"memory"});
  EXPECT_EQ((*own)[1].path, "/process_api/6d4a");
  EXPECT_EQ((*own)[2].controllers, (std::vector<std::string>{"cpu", "cpuacct"}));
  EXPECT_EQ((*own)[2].path, "/a:b");  // colons in the path survive
  EXPECT_EQ((*own)[3].hierarchy_id, 0);
  EXPECT_TRUE((*own)[3].controllers.empty());
}

TEST(ProcCgroupTest, RejectsBadLines) {
  EXPECT_FALSE(parse_proc_cgroup("4:memory").ok());
  EXPECT_FALSE(parse_proc_cgroup("x:memory:/").ok());
  EXPECT_FALSE(parse_proc_cgroup("-1:memory:/").ok());
  EXPECT_FALSE(parse_proc_cgroup("4:memory:relative").ok());
  EXPECT_FALSE(parse_proc_cgroup("4:memory:").ok());
  EXPECT_TRUE(parse_proc_cgroup("").ok());
}

TEST(CgroupDirTest, StripsMountRoot) {
  MountInfo m{"/", "/sys/fs/cgroup/memory", "cgroup", {"rw", "memory"}};
  EXPECT_EQ(*cgroup_dir(m, "/"), "/sys/fs/cgroup/memory");
  EXPECT_EQ(*cgroup_dir(m, "/a/b/"), "/sys/fs/cgroup/memory/a/b");
  m.root = "/docker/abc";
  EXPECT_EQ(*cgroup_dir(m, "/docker/abc"), "/sys/fs/cgroup/memory");
  EXPECT_EQ(*cgroup_dir(m, "/docker/abc/x"), "/sys/fs/cgroup/memory/x");
  EXPECT_EQ(cgroup_dir(m, "/docker/abcd").error().code, ErrorCode::kUnavailable);
  EXPECT_FALSE(cgroup_dir(m, "/other").ok());
}

std::vector<MountInfo> sample_mounts(bool comounted) {
  std::vector<MountInfo> m = {
      {"/", "/sys/fs/cgroup", "tmpfs", {"rw"}},
      {"/", "/sys/fs/cgroup/cpuset", "cgroup", {"rw", "cpuset"}},
      {"/", "/sys/fs/cgroup/memory", "cgroup", {"rw", "memory"}},
      {"/", "/sys/fs/cgroup/freezer", "cgroup", {"rw", "freezer"}},
      {"/", "/sys/fs/cgroup/unified", "cgroup2", {"rw"}},
  };
  if (comounted) {
    m.push_back({"/", "/sys/fs/cgroup/cpu,cpuacct", "cgroup", {"rw", "cpu", "cpuacct"}});
  } else {
    m.push_back({"/", "/sys/fs/cgroup/cpu", "cgroup", {"rw", "cpu"}});
    m.push_back({"/", "/sys/fs/cgroup/cpuacct", "cgroup", {"rw", "cpuacct"}});
  }
  return m;
}

const std::vector<std::string> kRequired = {"cpu", "cpuacct", "cpuset", "memory", "freezer"};

TEST(FindHierarchiesTest, SeparateMounts) {
  auto own = parse_proc_cgroup("6:freezer:/\n4:memory:/api/x\n3:cpuset:/\n2:cpuacct:/\n1:cpu:/\n");
  ASSERT_TRUE(own.ok());
  auto h = find_v1_hierarchies(sample_mounts(false), *own, kRequired, {"pids"});
  ASSERT_TRUE(h.ok()) << h.error().message;
  ASSERT_EQ(h->size(), 5u);
  EXPECT_EQ((*h)[0].dir, "/sys/fs/cgroup/cpu");
  EXPECT_EQ((*h)[1].dir, "/sys/fs/cgroup/cpuacct");
  EXPECT_EQ((*h)[3].dir, "/sys/fs/cgroup/memory/api/x");
}

TEST(FindHierarchiesTest, CoMountedCpuCpuacctIsOneHierarchy) {
  auto own = parse_proc_cgroup("6:freezer:/\n4:memory:/\n3:cpuset:/\n2:cpu,cpuacct:/u\n");
  ASSERT_TRUE(own.ok());
  auto h = find_v1_hierarchies(sample_mounts(true), *own, kRequired, {});
  ASSERT_TRUE(h.ok()) << h.error().message;
  ASSERT_EQ(h->size(), 4u);
  EXPECT_EQ((*h)[0].dir, "/sys/fs/cgroup/cpu,cpuacct/u");
  EXPECT_EQ((*h)[0].controllers, (std::vector<std::string>{"cpu", "cpuacct"}));
}

TEST(FindHierarchiesTest, MissingRequiredControllerIsUnavailable) {
  auto own = parse_proc_cgroup("4:memory:/\n3:cpuset:/\n2:cpu,cpuacct:/\n");
  ASSERT_TRUE(own.ok());
  auto h = find_v1_hierarchies(sample_mounts(true), *own, kRequired, {});
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(h.error().message.find("freezer"), std::string::npos);
}

TEST(FindHierarchiesTest, ControllerInProcButNotMounted) {
  auto own = parse_proc_cgroup("7:pids:/\n6:freezer:/\n4:memory:/\n3:cpuset:/\n2:cpu,cpuacct:/\n");
  ASSERT_TRUE(own.ok());
  EXPECT_TRUE(find_v1_hierarchies(sample_mounts(true), *own, kRequired, {"pids"}).ok());
  auto h = find_v1_hierarchies(sample_mounts(true), *own, {"pids"}, {});
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.error().message.find("pids"), std::string::npos);
}

TEST(FindV2DirTest, FindsOwnGroup) {
  auto own = parse_proc_cgroup("1:cpu:/\n0::/sub\n");
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(*find_v2_dir(sample_mounts(false), *own, "/sys/fs/cgroup/unified"),
            "/sys/fs/cgroup/unified/sub");
  EXPECT_FALSE(find_v2_dir(sample_mounts(false), *own, "/sys/fs/cgroup/cpu").ok());
  EXPECT_FALSE(find_v2_dir(sample_mounts(false), *own, "/nowhere").ok());
  auto v1_only = parse_proc_cgroup("1:cpu:/\n");
  EXPECT_FALSE(find_v2_dir(sample_mounts(false), *v1_only, "/sys/fs/cgroup/unified").ok());
}

TEST(RelativeTest, AcceptsAndRejects) {
  EXPECT_TRUE(validate_relative("chainlab/clab12/g3").ok());
  EXPECT_TRUE(validate_relative("a.b-c_d:e").ok());
  for (const char* bad : {"", "/a", "a/", "a//b", "..", "a/../b", ".", "a b", "a/\n"}) {
    Status s = validate_relative(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument) << bad;
  }
  EXPECT_FALSE(validate_relative(std::string(256, 'a')).ok());
  EXPECT_FALSE(validate_relative("a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q").ok());
}

TEST(CpuListTest, ParsesRangesAndSingles) {
  EXPECT_EQ(*parse_cpu_list("0-1,3"), (std::vector<int>{0, 1, 3}));
  EXPECT_EQ(*parse_cpu_list("3,0-1,1\n"), (std::vector<int>{0, 1, 3}));
  EXPECT_EQ(*parse_cpu_list("5"), (std::vector<int>{5}));
  EXPECT_EQ(*parse_cpu_list("2-2"), (std::vector<int>{2}));
  EXPECT_TRUE(parse_cpu_list("").value().empty());
  EXPECT_TRUE(parse_cpu_list(" \n").value().empty());
}

TEST(CpuListTest, RejectsBadSyntax) {
  for (const char* bad :
       {"a", "1,,2", "-1", "1-", "-", "3-1", "1-2-3", "0-99999", "1 ,2", "+1", ",", "0x1", "1;2"}) {
    auto r = parse_cpu_list(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    }
  }
}

TEST(CpuListTest, FormatsCompactly) {
  EXPECT_EQ(format_cpu_list({0, 1, 3}), "0-1,3");
  EXPECT_EQ(format_cpu_list({0, 1, 2, 3}), "0-3");
  EXPECT_EQ(format_cpu_list({4}), "4");
  EXPECT_EQ(format_cpu_list({}), "");
  EXPECT_EQ(format_cpu_list({0, 2, 4, 5}), "0,2,4-5");
}

TEST(KeyValuesTest, ParsesCpuStat) {
  auto kv = parse_key_values(
      "usage_usec 123\nuser_usec 100\nnr_periods 7\nnr_throttled 2\nthrottled_usec 99\n");
  ASSERT_TRUE(kv.ok());
  EXPECT_EQ((*kv)["usage_usec"], 123u);
  EXPECT_EQ((*kv)["nr_throttled"], 2u);
  EXPECT_EQ(kv->count("missing"), 0u);
  EXPECT_TRUE(parse_key_values("").value().empty());
}

TEST(KeyValuesTest, RejectsBadLines) {
  EXPECT_FALSE(parse_key_values("usage_usec").ok());
  EXPECT_FALSE(parse_key_values("usage_usec abc").ok());
  EXPECT_FALSE(parse_key_values("usage_usec -1").ok());
  EXPECT_FALSE(parse_key_values(" 5").ok());
}

TEST(IntegerTest, ParsesWithWhitespace) {
  EXPECT_EQ(*parse_int64(" -1\n"), -1);
  EXPECT_EQ(*parse_int64("9223372036854775807"), INT64_MAX);
  EXPECT_FALSE(parse_int64("9223372036854775808").ok());
  EXPECT_FALSE(parse_int64("").ok());
  EXPECT_FALSE(parse_int64("12x").ok());
  EXPECT_FALSE(parse_int64("+3").ok());
  EXPECT_EQ(*parse_uint64("18446744073709551615"), UINT64_MAX);
  EXPECT_FALSE(parse_uint64("-1").ok());
}

TEST(CpuMaxTest, ParsesAndFormats) {
  auto m = parse_cpu_max("max 100000\n");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->quota_us, -1);
  EXPECT_EQ(m->period_us, 100000);
  m = parse_cpu_max("20000 50000");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->quota_us, 20000);
  EXPECT_EQ(m->period_us, 50000);
  EXPECT_EQ(format_cpu_max({-1, 100000}), "max 100000");
  EXPECT_EQ(format_cpu_max({20000, 100000}), "20000 100000");
  for (const char* bad :
       {"", "max", "20000", "abc 100000", "0 100000", "max 0", "max -5", "1 2 3"}) {
    EXPECT_FALSE(parse_cpu_max(bad).ok()) << bad;
  }
}

TEST(WeightTest, MapsLikeRunc) {
  EXPECT_EQ(shares_to_weight(2), 1u);
  EXPECT_EQ(shares_to_weight(1024), 39u);
  EXPECT_EQ(shares_to_weight(262144), 10000u);
  EXPECT_EQ(weight_to_shares(1), 2u);
  EXPECT_EQ(weight_to_shares(10000), 262144u);
  EXPECT_EQ(shares_to_weight(weight_to_shares(100)), 100u);
}

TEST(MemoryTest, V1UnlimitedIsMinusOne) {
  EXPECT_EQ(memory_limit_from_v1(9223372036854771712ull), -1);
  EXPECT_EQ(memory_limit_from_v1(64ull << 20), int64_t{64} << 20);
}

LimitContext context() {
  LimitContext c;
  c.current_period_us = 100000;
  c.ncpus = 2;
  c.parent_cpus = {0, 1};
  return c;
}

ErrorCode code_of(const ResourceLimits& l) {
  Status s = validate_limits(l, context());
  return s.ok() ? ErrorCode::kInternal : s.error().code;
}

TEST(ValidateLimitsTest, AcceptsValidAndEmpty) {
  EXPECT_TRUE(validate_limits({}, context()).ok());
  ResourceLimits l;
  l.cpu_quota_us = 20000;
  l.cpu_period_us = 100000;
  l.cpu_shares = 512;
  l.cpuset_cpus = "0-1";
  l.memory_bytes = 64 << 20;
  EXPECT_TRUE(validate_limits(l, context()).ok());
  l.cpu_quota_us = -1;
  l.memory_bytes = -1;
  EXPECT_TRUE(validate_limits(l, context()).ok());
  l.cpu_quota_us = 200000;  // two full CPUs
  EXPECT_TRUE(validate_limits(l, context()).ok());
}

TEST(ValidateLimitsTest, RejectsOutOfRange) {
  auto with = [](auto set) {
    ResourceLimits l;
    set(l);
    return code_of(l);
  };
  EXPECT_EQ(with([](ResourceLimits& l) { l.cpu_quota_us = 500; }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(with([](ResourceLimits& l) { l.cpu_quota_us = -2; }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(with([](ResourceLimits& l) { l.cpu_quota_us = 200001; }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(with([](ResourceLimits& l) { l.cpu_period_us = 5; }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(with([](ResourceLimits& l) { l.cpu_period_us = 1000001; }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(with([](ResourceLimits& l) { l.cpu_shares = 1; }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(with([](ResourceLimits& l) { l.cpu_shares = 262145; }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(with([](ResourceLimits& l) { l.memory_bytes = 1 << 20; }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(with([](ResourceLimits& l) { l.memory_bytes = 0; }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(with([](ResourceLimits& l) { l.cpuset_cpus = "0-99"; }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(with([](ResourceLimits& l) { l.cpuset_cpus = ""; }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(with([](ResourceLimits& l) { l.cpuset_cpus = "0-"; }), ErrorCode::kInvalidArgument);
}

TEST(ValidateLimitsTest, QuotaBoundUsesNewPeriod) {
  ResourceLimits l;
  l.cpu_period_us = 10000;
  l.cpu_quota_us = 30000;  // > 10000 * 2 CPUs
  EXPECT_EQ(code_of(l), ErrorCode::kInvalidArgument);
  l.cpu_quota_us = 20000;
  EXPECT_TRUE(validate_limits(l, context()).ok());
}

TEST(WriteOrderTest, NeverRaisesTheRatio) {
  EXPECT_TRUE(write_period_first(100000, 200000, 40000));  // growing period first
  EXPECT_TRUE(write_period_first(100000, 100000, 40000));  // same period: either
  EXPECT_FALSE(write_period_first(100000, 10000, 5000));   // shrinking period: quota first
  EXPECT_FALSE(write_period_first(100000, 200000, -1));    // unlimited quota goes first
}

}  // namespace
}  // namespace chainlab::substrate::cgroup_internal
