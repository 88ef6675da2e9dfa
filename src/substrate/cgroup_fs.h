// cgroupfs helpers shared by the v1 and v2 implementations (internal to substrate/cgroup*.cc):
// creating a chain of group directories with rollback, removing groups, killing their processes.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/fd.h"
#include "common/result.h"
#include "substrate/cgroup.h"

namespace chainlab::substrate::cgroup_internal {

inline constexpr std::chrono::milliseconds kKillTimeout{2000};
inline constexpr std::chrono::milliseconds kFreezeTimeout{2000};
inline constexpr std::chrono::milliseconds kRmdirTimeout{1000};

bool path_exists(const std::string& path);
std::string parent_dir(const std::string& path);
Result<std::string> read_trimmed(const std::string& path);
Result<int64_t> read_int64(const std::string& path);
Result<uint64_t> read_uint64(const std::string& path);

// A file a monitor reads every period (cpuacct.usage, memory.current, cgroup.procs): opened on the
// first read and kept, then read with pread, one system call instead of open, read and close.
// Without a free descriptor (EMFILE) it reads by path. Safe to read from several threads.
class PinnedFile {
 public:
  explicit PinnedFile(std::string path) : path_(std::move(path)) {}
  PinnedFile(const PinnedFile&) = delete;
  PinnedFile& operator=(const PinnedFile&) = delete;

  const std::string& path() const { return path_; }
  Result<std::string> read() const;
  Result<uint64_t> read_uint64() const;
  // Non-empty lines (cgroup.procs: the group's processes).
  Result<uint64_t> count_lines() const;

 private:
  std::string path_;
  mutable std::mutex mu_;
  mutable UniqueFd fd_;
};

// Directories made by one create() call; removed again (deepest first) unless committed.
class DirRollback {
 public:
  DirRollback() = default;
  DirRollback(const DirRollback&) = delete;
  DirRollback& operator=(const DirRollback&) = delete;
  ~DirRollback();
  void add(std::string dir) { dirs_.push_back(std::move(dir)); }
  void commit() { dirs_.clear(); }

 private:
  std::vector<std::string> dirs_;
};

// Called for `base` and every directory of `relative` below it, top-down, with whether this call
// made it and whether it is the leaf.
using DirHook = std::function<Status(const std::string& dir, bool is_new, bool is_leaf)>;

// mkdir -p base/relative; AlreadyExists if the leaf exists. New directories go to `rollback`.
Status make_chain(const std::string& base, std::string_view relative, DirRollback& rollback,
                  const DirHook& hook);

// Sorted, unique pids in the cgroup.procs of `dirs` (missing directories count as empty).
Result<std::vector<pid_t>> read_pids(const std::vector<std::string>& dirs);
// The same over `dirs` and all their descendant groups.
Result<std::vector<pid_t>> read_pids_recursive(const std::vector<std::string>& dirs);

// SIGKILLs every process in `dirs` and their descendants until none is left (bounded by
// kKillTimeout). `after_signal` runs after each round of signals (e.g. to thaw a frozen group).
Status kill_until_empty(const std::vector<std::string>& dirs,
                        const std::function<Status()>& after_signal);

// Polls `done` every few milliseconds until it returns true, fails, or `timeout` passes.
Status wait_until(const std::function<Result<bool>()>& done, std::chrono::milliseconds timeout,
                  std::string_view what);

// rmdir of `dir` and its descendant groups (deepest first), retrying while the kernel still holds
// dying tasks. A missing directory is fine.
Status remove_group_dir(const std::string& dir);

// Writes `pid` into `dir`/cgroup.procs.
Status write_pid(const std::string& dir, pid_t pid);

// CPUs this process may run on (sched_getaffinity).
int affinity_cpu_count();

}  // namespace chainlab::substrate::cgroup_internal
