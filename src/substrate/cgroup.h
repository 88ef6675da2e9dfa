// Control groups for CPU and memory limits, on cgroup v1 and v2 hosts alike.
//
// `CgroupHost::detect()` picks the hierarchy: v2 when /sys/fs/cgroup is a cgroup2 mount (unified),
// otherwise the v1 controllers (cpu, cpuacct, cpuset, memory, freezer; co-mounted or not, as
// /proc/self/mountinfo says). Groups are created below the calling process's own cgroup of each
// hierarchy (works under delegation and in nested containers), in a directory named by the caller.
// Limits are validated before anything is written and can be changed at runtime.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace chainlab::substrate {

// Unset fields are left as they are. Ranges (checked before any write):
//   cpu_period_us 1000..1000000; cpu_quota_us 1000..(period * ncpus) or -1 = unlimited;
//   cpu_shares 2..262144 (v2: mapped to cpu.weight 1..10000 the way runc does);
//   cpuset_cpus like "0-1,3", only CPUs the parent group allows;
//   memory_bytes >= 4 MiB, or -1 = unlimited.
struct ResourceLimits {
  std::optional<int64_t> cpu_quota_us;
  std::optional<int64_t> cpu_period_us;
  std::optional<uint64_t> cpu_shares;
  std::optional<std::string> cpuset_cpus;
  std::optional<int64_t> memory_bytes;
};

// Copies the fields set in `change` over `base` (what a runtime update leaves in effect).
void merge_limits(ResourceLimits& base, const ResourceLimits& change);

// What the kernel currently applies (read back from cgroupfs).
struct AppliedLimits {
  int64_t cpu_quota_us = -1;  // -1: unlimited
  int64_t cpu_period_us = 0;
  uint64_t cpu_shares = 0;
  std::string cpuset_cpus;
  int64_t memory_bytes = -1;  // -1: unlimited
};

struct CgroupStats {
  uint64_t cpu_usage_ns = 0;  // total CPU time used by the group
  uint64_t nr_periods = 0;    // CFS enforcement periods elapsed
  uint64_t nr_throttled = 0;  // periods in which the group was throttled
  uint64_t throttled_ns = 0;  // total time throttled
  uint64_t memory_bytes = 0;  // current memory usage
  uint64_t processes = 0;     // processes in the group (cgroup.procs)
};

class Cgroup {
 public:
  virtual ~Cgroup() = default;
  // The directories of this group (one per v1 hierarchy, one on v2), for the run journal.
  virtual std::vector<std::string> paths() const = 0;
  // Files a process writes "0" into to join this group (v1: every hierarchy's cgroup.procs). A
  // freshly forked child opens nothing: the caller opens these before fork.
  virtual std::vector<std::string> procs_files() const = 0;
  virtual Status set_limits(const ResourceLimits& limits) = 0;
  // On v2, fields of controllers not enabled for the group keep their defaults.
  virtual Result<AppliedLimits> limits() const = 0;
  virtual Result<CgroupStats> stats() const = 0;
  // What a monitor samples, from three files: CPU time, memory use, process count (the other
  // fields stay 0).
  virtual Result<CgroupStats> usage() const = 0;
  virtual Status add_process(pid_t pid) = 0;
  virtual Result<std::vector<pid_t>> pids() const = 0;
  // Pause (freezer / cgroup.freeze) or resume every process of the group.
  virtual Status freeze(bool frozen) = 0;
  // SIGKILLs every process in the group and waits (bounded) until the group is empty.
  virtual Status kill_all() = 0;
  // kill_all, then removes the directories. NotFound-tolerant: removing twice is fine.
  virtual Status remove() = 0;
};

class CgroupHost {
 public:
  virtual ~CgroupHost() = default;

  // Detects the host's hierarchy (see the file comment).
  static Result<std::unique_ptr<CgroupHost>> detect();
  // A v1 host over the v1 mounts found in /proc/self/mountinfo.
  static Result<std::unique_ptr<CgroupHost>> v1();
  // A v2 host rooted at a cgroup2 mount (`mount_point`, e.g. /sys/fs/cgroup or, on hybrid hosts,
  // /sys/fs/cgroup/unified). Controllers not enabled there make limit calls fail with kUnavailable.
  static Result<std::unique_ptr<CgroupHost>> v2(std::string mount_point);

  virtual int version() const = 0;
  // Creates the group `relative` (e.g. "chainlab/clab12/g3") below this process's own cgroup,
  // creating missing parents (and, on v1, copying cpuset.cpus/mems down; on v2 enabling the
  // controllers in each parent's cgroup.subtree_control). AlreadyExists if the leaf exists; on
  // failure nothing new is left.
  virtual Result<std::unique_ptr<Cgroup>> create(std::string_view relative) = 0;
  // Opens an existing group (NotFound if absent).
  virtual Result<std::unique_ptr<Cgroup>> open(std::string_view relative) = 0;
  // The directories `relative` maps to (whether or not they exist), for cleanup sweeps.
  virtual std::vector<std::string> paths_for(std::string_view relative) const = 0;
  // Number of CPUs usable by new groups (for quota ranges and tests).
  virtual int cpu_count() const = 0;
};

}  // namespace chainlab::substrate
