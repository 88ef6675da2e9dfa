// Pure parsing and validation behind substrate/cgroup.h (internal): /proc/self/mountinfo and
// /proc/self/cgroup lines, cpu lists ("0-1,3"), flat keyed files (cpu.stat, cgroup.events),
// cpu.max, the runc shares/weight mapping and the range checks of ResourceLimits. No file system
// access.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "substrate/cgroup.h"

namespace chainlab::substrate::cgroup_internal {

inline constexpr int64_t kMinPeriodUs = 1000;
inline constexpr int64_t kMaxPeriodUs = 1000000;
inline constexpr int64_t kMinQuotaUs = 1000;
inline constexpr uint64_t kMinShares = 2;
inline constexpr uint64_t kMaxShares = 262144;
inline constexpr int64_t kMinMemoryBytes = int64_t{4} << 20;
inline constexpr int kMaxCpuIndex = 8191;

// One line of /proc/<pid>/mountinfo (escapes like "\040" decoded).
struct MountInfo {
  std::string root;         // the mounted directory inside its file system ("/" mostly)
  std::string mount_point;  // where it is mounted
  std::string fs_type;      // "cgroup", "cgroup2", ...
  std::vector<std::string> super_options;  // "rw", "cpu", "cpuacct", "name=systemd", ...
};
Result<MountInfo> parse_mountinfo_line(std::string_view line);
// All parseable lines of a mountinfo file; malformed lines are an error.
Result<std::vector<MountInfo>> parse_mountinfo(std::string_view text);

// One line of /proc/<pid>/cgroup: "4:memory:/a/b", "1:cpu,cpuacct:/", "0::/user.slice".
struct ProcCgroup {
  int hierarchy_id = 0;
  std::vector<std::string> controllers;  // empty for the v2 line
  std::string path;                      // absolute within the hierarchy
};
Result<std::vector<ProcCgroup>> parse_proc_cgroup(std::string_view text);

// The directory of cgroup `path` (as /proc/self/cgroup shows it) under `mount` (whose root may be
// a subdirectory, e.g. in containers). Unavailable when the path is not below the mount's root.
Result<std::string> cgroup_dir(const MountInfo& mount, std::string_view path);

// A v1 hierarchy (one mount, one or more co-mounted controllers) and the own cgroup's directory.
struct V1Hierarchy {
  std::vector<std::string> controllers;  // as /proc/self/cgroup lists them: {"cpu", "cpuacct"}
  std::string dir;                       // e.g. /sys/fs/cgroup/cpu,cpuacct/user.slice
};
// The hierarchies holding `required` and `optional` controllers, each once. Unavailable, naming
// the controller, when a required one is not mounted or the process is not in that hierarchy.
Result<std::vector<V1Hierarchy>> find_v1_hierarchies(const std::vector<MountInfo>& mounts,
                                                     const std::vector<ProcCgroup>& own,
                                                     const std::vector<std::string>& required,
                                                     const std::vector<std::string>& optional);
// The own cgroup's directory under the cgroup2 mount at `mount_point`.
Result<std::string> find_v2_dir(const std::vector<MountInfo>& mounts,
                                const std::vector<ProcCgroup>& own, std::string_view mount_point);

// A group name below the own cgroup: "a/b/c", 1..16 components of 1..255 bytes of
// [A-Za-z0-9_.:-], not "." or "..".
Status validate_relative(std::string_view relative);

// "0-1,3" -> {0, 1, 3} (sorted, unique). Empty (or whitespace) input is the empty set.
Result<std::vector<int>> parse_cpu_list(std::string_view text);
// {0, 1, 3} -> "0-1,3".
std::string format_cpu_list(const std::vector<int>& cpus);

// "key value" lines (cpu.stat, cgroup.events, memory.stat) with unsigned values.
Result<std::map<std::string, uint64_t>> parse_key_values(std::string_view text);

Result<int64_t> parse_int64(std::string_view text);  // surrounding whitespace allowed
Result<uint64_t> parse_uint64(std::string_view text);

// cgroup v2 cpu.max: "max 100000" (quota -1) or "20000 100000".
struct CpuMax {
  int64_t quota_us = -1;
  int64_t period_us = 100000;
};
Result<CpuMax> parse_cpu_max(std::string_view text);
std::string format_cpu_max(const CpuMax& value);

// v1 cpu.shares <-> v2 cpu.weight, the way runc maps them (2..262144 -> 1..10000).
uint64_t shares_to_weight(uint64_t shares);
uint64_t weight_to_shares(uint64_t weight);

// v1 memory.limit_in_bytes reads a huge page-rounded number for "unlimited".
int64_t memory_limit_from_v1(uint64_t raw);

// What validation needs to know about the group.
struct LimitContext {
  int64_t current_period_us = 100000;
  int ncpus = 1;
  std::vector<int> parent_cpus;  // CPUs the parent group allows (checked when cpuset_cpus is set)
};
// Checks every set field of `limits` against the ranges documented in cgroup.h.
Status validate_limits(const ResourceLimits& limits, const LimitContext& context);

// Whether to write the new period before the new quota when both change, so that the kernel never
// sees a pair with a higher quota/period ratio than both the old and the new one.
bool write_period_first(int64_t old_period_us, int64_t new_period_us, int64_t new_quota_us);

}  // namespace chainlab::substrate::cgroup_internal
