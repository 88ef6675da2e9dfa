// cgroup v1: one directory per hierarchy (cpu, cpuacct, cpuset, memory, freezer, pids; co-mounted
// controllers share one).
#include <algorithm>

#include "common/files.h"
#include "substrate/cgroup_fs.h"
#include "substrate/cgroup_impl.h"

namespace chainlab::substrate::cgroup_internal {

namespace {

std::string join(const std::string& dir, std::string_view relative) {
  return fmt::format("{}/{}", dir, relative);
}

Status write_v1_knob(const std::string& dir, std::string_view knob, std::string_view value) {
  Status s = write_file(join(dir, knob), value);
  if (!s.ok()) {
    return std::move(s).error().context(fmt::format("setting {}", knob));
  }
  return ok_status();
}

class V1Cgroup : public Cgroup {
 public:
  V1Cgroup(const std::vector<V1Hierarchy>& hierarchies, std::string_view relative, int ncpus)
      : ncpus_(ncpus) {
    for (const V1Hierarchy& h : hierarchies) {
      std::string dir = join(h.dir, relative);
      for (const std::string& c : h.controllers) {
        if (c == "cpu") {
          cpu_ = dir;
        } else if (c == "cpuacct") {
          cpuacct_ = dir;
        } else if (c == "cpuset") {
          cpuset_ = dir;
        } else if (c == "memory") {
          memory_ = dir;
        } else if (c == "freezer") {
          freezer_ = dir;
        }
      }
      dirs_.push_back(std::move(dir));
    }
    cpu_usage_.emplace(cpuacct_ + "/cpuacct.usage");
    memory_usage_.emplace(memory_ + "/memory.usage_in_bytes");
    procs_.emplace(cpu_ + "/cgroup.procs");
  }

  std::vector<std::string> paths() const override { return dirs_; }

  std::vector<std::string> procs_files() const override {
    std::vector<std::string> out;
    for (const std::string& dir : dirs_) {
      out.push_back(dir + "/cgroup.procs");
    }
    return out;
  }

  Status set_limits(const ResourceLimits& limits) override {
    CL_ASSIGN_OR_RETURN(int64_t old_period, read_int64(cpu_ + "/cpu.cfs_period_us"));
    LimitContext context;
    context.current_period_us = old_period;
    context.ncpus = ncpus_;
    if (limits.cpuset_cpus) {
      CL_ASSIGN_OR_RETURN(context.parent_cpus, parent_cpus());
    }
    CL_RETURN_IF_ERROR(validate_limits(limits, context));

    auto quota = [&]() {
      return write_v1_knob(cpu_, "cpu.cfs_quota_us", fmt::format("{}", *limits.cpu_quota_us));
    };
    auto period = [&]() {
      return write_v1_knob(cpu_, "cpu.cfs_period_us", fmt::format("{}", *limits.cpu_period_us));
    };
    if (limits.cpu_quota_us && limits.cpu_period_us) {
      if (write_period_first(old_period, *limits.cpu_period_us, *limits.cpu_quota_us)) {
        CL_RETURN_IF_ERROR(period());
        CL_RETURN_IF_ERROR(quota());
      } else {
        CL_RETURN_IF_ERROR(quota());
        CL_RETURN_IF_ERROR(period());
      }
    } else if (limits.cpu_quota_us) {
      CL_RETURN_IF_ERROR(quota());
    } else if (limits.cpu_period_us) {
      CL_RETURN_IF_ERROR(period());
    }
    if (limits.cpu_shares) {
      CL_RETURN_IF_ERROR(write_v1_knob(cpu_, "cpu.shares", fmt::format("{}", *limits.cpu_shares)));
    }
    if (limits.cpuset_cpus) {
      CL_RETURN_IF_ERROR(write_v1_knob(cpuset_, "cpuset.cpus", *limits.cpuset_cpus));
    }
    if (limits.memory_bytes) {
      CL_RETURN_IF_ERROR(
          write_v1_knob(memory_, "memory.limit_in_bytes", fmt::format("{}", *limits.memory_bytes)));
    }
    return ok_status();
  }

  Result<AppliedLimits> limits() const override {
    AppliedLimits out;
    CL_ASSIGN_OR_RETURN(out.cpu_quota_us, read_int64(cpu_ + "/cpu.cfs_quota_us"));
    if (out.cpu_quota_us < 0) {
      out.cpu_quota_us = -1;
    }
    CL_ASSIGN_OR_RETURN(out.cpu_period_us, read_int64(cpu_ + "/cpu.cfs_period_us"));
    CL_ASSIGN_OR_RETURN(out.cpu_shares, read_uint64(cpu_ + "/cpu.shares"));
    CL_ASSIGN_OR_RETURN(out.cpuset_cpus, read_trimmed(cpuset_ + "/cpuset.cpus"));
    CL_ASSIGN_OR_RETURN(uint64_t memory, read_uint64(memory_ + "/memory.limit_in_bytes"));
    out.memory_bytes = memory_limit_from_v1(memory);
    return out;
  }

  Result<CgroupStats> stats() const override {
    CgroupStats out;
    CL_ASSIGN_OR_RETURN(out.cpu_usage_ns, read_uint64(cpuacct_ + "/cpuacct.usage"));
    CL_ASSIGN_OR_RETURN(std::string cpu_stat, read_file(cpu_ + "/cpu.stat"));
    CL_ASSIGN_OR_RETURN(auto values, parse_key_values(cpu_stat));
    out.nr_periods = values["nr_periods"];
    out.nr_throttled = values["nr_throttled"];
    out.throttled_ns = values["throttled_time"];
    CL_ASSIGN_OR_RETURN(out.memory_bytes, read_uint64(memory_ + "/memory.usage_in_bytes"));
    // Every hierarchy holds the same processes: one cgroup.procs is enough.
    CL_ASSIGN_OR_RETURN(std::vector<pid_t> members, read_pids({cpu_}));
    out.processes = members.size();
    return out;
  }

  Result<CgroupStats> usage() const override {
    CgroupStats out;
    CL_ASSIGN_OR_RETURN(out.cpu_usage_ns, cpu_usage_->read_uint64());
    CL_ASSIGN_OR_RETURN(out.memory_bytes, memory_usage_->read_uint64());
    CL_ASSIGN_OR_RETURN(out.processes, procs_->count_lines());
    return out;
  }

  Status add_process(pid_t pid) override {
    for (const std::string& dir : dirs_) {
      Status s = write_pid(dir, pid);
      if (!s.ok()) {
        return std::move(s).error().context(fmt::format("adding pid {} to {}", pid, dir));
      }
    }
    return ok_status();
  }

  Result<std::vector<pid_t>> pids() const override { return read_pids(dirs_); }

  Status freeze(bool frozen) override {
    std::string state = frozen ? "FROZEN" : "THAWED";
    CL_RETURN_IF_ERROR(write_v1_knob(freezer_, "freezer.state", state));
    return wait_until(
        [&]() -> Result<bool> {
          CL_ASSIGN_OR_RETURN(std::string now, read_trimmed(freezer_ + "/freezer.state"));
          return now == state;
        },
        kFreezeTimeout, fmt::format("{}/freezer.state to read {}", freezer_, state));
  }

  Status kill_all() override {
    return kill_until_empty(dirs_, [&]() -> Status {
      // Frozen tasks act on SIGKILL only once thawed.
      Result<std::string> state = read_trimmed(freezer_ + "/freezer.state");
      if (state.ok() && *state != "THAWED") {
        return write_v1_knob(freezer_, "freezer.state", "THAWED");
      }
      return ok_status();
    });
  }

  Status remove() override {
    CL_RETURN_IF_ERROR(kill_all());
    for (const std::string& dir : dirs_) {
      CL_RETURN_IF_ERROR(remove_group_dir(dir));
    }
    return ok_status();
  }

 private:
  Result<std::vector<int>> parent_cpus() const {
    std::string parent = parent_dir(cpuset_);
    Result<std::string> text = read_file(parent + "/cpuset.effective_cpus");
    if (!text.ok()) {
      text = read_file(parent + "/cpuset.cpus");
    }
    if (!text.ok()) {
      return std::move(text).error();
    }
    return parse_cpu_list(*text);
  }

  std::vector<std::string> dirs_;
  std::string cpu_;
  std::string cpuacct_;
  std::string cpuset_;
  std::string memory_;
  // What usage() reads every monitor period, kept open.
  std::optional<PinnedFile> cpu_usage_;
  std::optional<PinnedFile> memory_usage_;
  std::optional<PinnedFile> procs_;
  std::string freezer_;
  int ncpus_;
};

// A new cpuset group starts with no CPUs and no memory nodes; it gets its parent's.
Status copy_cpuset_from_parent(const std::string& dir) {
  std::string parent = parent_dir(dir);
  for (const char* knob : {"cpuset.cpus", "cpuset.mems"}) {
    CL_ASSIGN_OR_RETURN(std::string value, read_trimmed(parent + "/" + knob));
    CL_RETURN_IF_ERROR(write_v1_knob(dir, knob, value + "\n"));
  }
  return ok_status();
}

class V1Host : public CgroupHost {
 public:
  V1Host(std::vector<V1Hierarchy> hierarchies, int ncpus)
      : hierarchies_(std::move(hierarchies)), ncpus_(ncpus) {}

  int version() const override { return 1; }

  Result<std::unique_ptr<Cgroup>> create(std::string_view relative) override {
    CL_RETURN_IF_ERROR(validate_relative(relative));
    for (const std::string& dir : paths_for(relative)) {
      if (path_exists(dir)) {
        return make_error(ErrorCode::kAlreadyExists, "cgroup {} already exists", dir);
      }
    }
    DirRollback rollback;
    for (const V1Hierarchy& h : hierarchies_) {
      bool is_cpuset =
          std::find(h.controllers.begin(), h.controllers.end(), "cpuset") != h.controllers.end();
      Status s = make_chain(h.dir, relative, rollback,
                            [&](const std::string& dir, bool is_new, bool) -> Status {
                              if (!is_cpuset || dir == h.dir) {
                                return ok_status();
                              }
                              if (!is_new) {
                                // Fill a pre-existing parent only if someone left it empty.
                                Result<std::string> cpus = read_trimmed(dir + "/cpuset.cpus");
                                if (cpus.ok() && !cpus->empty()) {
                                  return ok_status();
                                }
                              }
                              return copy_cpuset_from_parent(dir);
                            });
      if (!s.ok()) {
        return std::move(s).error().context(fmt::format("creating cgroup {}", relative));
      }
    }
    rollback.commit();
    return std::unique_ptr<Cgroup>(new V1Cgroup(hierarchies_, relative, ncpus_));
  }

  Result<std::unique_ptr<Cgroup>> open(std::string_view relative) override {
    CL_RETURN_IF_ERROR(validate_relative(relative));
    for (const std::string& dir : paths_for(relative)) {
      if (!path_exists(dir)) {
        return make_error(ErrorCode::kNotFound, "cgroup {} does not exist", dir);
      }
    }
    return std::unique_ptr<Cgroup>(new V1Cgroup(hierarchies_, relative, ncpus_));
  }

  std::vector<std::string> paths_for(std::string_view relative) const override {
    std::vector<std::string> out;
    for (const V1Hierarchy& h : hierarchies_) {
      out.push_back(join(h.dir, relative));
    }
    return out;
  }

  int cpu_count() const override { return ncpus_; }

 private:
  std::vector<V1Hierarchy> hierarchies_;
  int ncpus_;
};

}  // namespace

std::unique_ptr<CgroupHost> make_v1_host(std::vector<V1Hierarchy> hierarchies, int ncpus) {
  return std::make_unique<V1Host>(std::move(hierarchies), ncpus);
}

}  // namespace chainlab::substrate::cgroup_internal
