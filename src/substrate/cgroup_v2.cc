// cgroup v2: one directory in the unified hierarchy; limits need the cpu, cpuset and memory
// controllers enabled down from the own cgroup (absent ones make limit calls fail with
// kUnavailable).
#include <algorithm>

#include "common/files.h"
#include "substrate/cgroup_fs.h"
#include "substrate/cgroup_impl.h"

namespace chainlab::substrate::cgroup_internal {

namespace {

constexpr std::string_view kWantedControllers[] = {"cpu", "cpuset", "memory"};

Status write_v2_knob(const std::string& dir, std::string_view knob, std::string_view value) {
  Status s = write_file(fmt::format("{}/{}", dir, knob), value);
  if (!s.ok()) {
    return std::move(s).error().context(fmt::format("setting {}", knob));
  }
  return ok_status();
}

std::vector<std::string> read_word_list(const std::string& path) {
  std::vector<std::string> out;
  Result<std::string> text = read_file(path);
  if (text.ok()) {
    for (std::string_view word : split(trim(*text), ' ')) {
      if (!word.empty()) {
        out.emplace_back(word);
      }
    }
  }
  return out;
}

bool has(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

Result<std::map<std::string, uint64_t>> read_key_values(const std::string& path) {
  CL_ASSIGN_OR_RETURN(std::string text, read_file(path));
  return parse_key_values(text);
}

class V2Cgroup : public Cgroup {
 public:
  V2Cgroup(std::string dir, int ncpus)
      : dir_(std::move(dir)),
        ncpus_(ncpus),
        cpu_stat_(dir_ + "/cpu.stat"),
        memory_usage_(dir_ + "/memory.current"),
        procs_(dir_ + "/cgroup.procs") {}

  std::vector<std::string> paths() const override { return {dir_}; }
  std::vector<std::string> procs_files() const override { return {dir_ + "/cgroup.procs"}; }

  Status set_limits(const ResourceLimits& limits) override {
    bool cpu = limits.cpu_quota_us || limits.cpu_period_us || limits.cpu_shares;
    CL_RETURN_IF_ERROR(require(cpu, "cpu", "cpu.max"));
    CL_RETURN_IF_ERROR(require(limits.cpuset_cpus.has_value(), "cpuset", "cpuset.cpus"));
    CL_RETURN_IF_ERROR(require(limits.memory_bytes.has_value(), "memory", "memory.max"));

    LimitContext context;
    context.ncpus = ncpus_;
    CpuMax old_max;
    if (limits.cpu_quota_us || limits.cpu_period_us) {
      CL_ASSIGN_OR_RETURN(std::string text, read_file(dir_ + "/cpu.max"));
      CL_ASSIGN_OR_RETURN(old_max, parse_cpu_max(text));
      context.current_period_us = old_max.period_us;
    }
    if (limits.cpuset_cpus) {
      CL_ASSIGN_OR_RETURN(std::string text, read_file(parent_dir(dir_) + "/cpuset.cpus.effective"));
      CL_ASSIGN_OR_RETURN(context.parent_cpus, parse_cpu_list(text));
    }
    CL_RETURN_IF_ERROR(validate_limits(limits, context));

    if (limits.cpu_quota_us || limits.cpu_period_us) {
      // One write carries both, so the kernel never sees a half-updated pair.
      CpuMax new_max{limits.cpu_quota_us.value_or(old_max.quota_us),
                     limits.cpu_period_us.value_or(old_max.period_us)};
      CL_RETURN_IF_ERROR(write_v2_knob(dir_, "cpu.max", format_cpu_max(new_max)));
    }
    if (limits.cpu_shares) {
      CL_RETURN_IF_ERROR(write_v2_knob(dir_, "cpu.weight",
                                       fmt::format("{}", shares_to_weight(*limits.cpu_shares))));
    }
    if (limits.cpuset_cpus) {
      CL_RETURN_IF_ERROR(write_v2_knob(dir_, "cpuset.cpus", *limits.cpuset_cpus));
    }
    if (limits.memory_bytes) {
      std::string value =
          *limits.memory_bytes < 0 ? "max" : fmt::format("{}", *limits.memory_bytes);
      CL_RETURN_IF_ERROR(write_v2_knob(dir_, "memory.max", value));
    }
    return ok_status();
  }

  Result<AppliedLimits> limits() const override {
    AppliedLimits out;
    if (path_exists(dir_ + "/cpu.max")) {
      CL_ASSIGN_OR_RETURN(std::string text, read_file(dir_ + "/cpu.max"));
      CL_ASSIGN_OR_RETURN(CpuMax max, parse_cpu_max(text));
      out.cpu_quota_us = max.quota_us;
      out.cpu_period_us = max.period_us;
      CL_ASSIGN_OR_RETURN(uint64_t weight, read_uint64(dir_ + "/cpu.weight"));
      out.cpu_shares = weight_to_shares(weight);
    }
    if (path_exists(dir_ + "/cpuset.cpus")) {
      CL_ASSIGN_OR_RETURN(out.cpuset_cpus, read_trimmed(dir_ + "/cpuset.cpus"));
    }
    if (path_exists(dir_ + "/memory.max")) {
      CL_ASSIGN_OR_RETURN(std::string text, read_trimmed(dir_ + "/memory.max"));
      if (text == "max") {
        out.memory_bytes = -1;
      } else {
        CL_ASSIGN_OR_RETURN(out.memory_bytes, parse_int64(text));
      }
    }
    return out;
  }

  Result<CgroupStats> stats() const override {
    CgroupStats out;
    CL_ASSIGN_OR_RETURN(auto cpu, read_key_values(dir_ + "/cpu.stat"));
    out.cpu_usage_ns = cpu["usage_usec"] * 1000;
    out.nr_periods = cpu["nr_periods"];
    out.nr_throttled = cpu["nr_throttled"];
    out.throttled_ns = cpu["throttled_usec"] * 1000;
    if (path_exists(dir_ + "/memory.current")) {
      CL_ASSIGN_OR_RETURN(out.memory_bytes, read_uint64(dir_ + "/memory.current"));
    }
    CL_ASSIGN_OR_RETURN(std::vector<pid_t> members, pids());
    out.processes = members.size();
    return out;
  }

  Result<CgroupStats> usage() const override {
    CgroupStats out;
    CL_ASSIGN_OR_RETURN(std::string stat, cpu_stat_.read());
    CL_ASSIGN_OR_RETURN(auto cpu, parse_key_values(stat));
    out.cpu_usage_ns = cpu["usage_usec"] * 1000;
    if (auto memory = memory_usage_.read_uint64(); memory.ok()) {
      out.memory_bytes = *memory;  // absent without the memory controller
    }
    CL_ASSIGN_OR_RETURN(out.processes, procs_.count_lines());
    return out;
  }

  Status add_process(pid_t pid) override {
    Status s = write_pid(dir_, pid);
    if (!s.ok()) {
      return std::move(s).error().context(fmt::format("adding pid {} to {}", pid, dir_));
    }
    return ok_status();
  }

  Result<std::vector<pid_t>> pids() const override { return read_pids({dir_}); }

  Status freeze(bool frozen) override {
    if (!path_exists(dir_ + "/cgroup.freeze")) {
      return make_error(ErrorCode::kUnavailable, "{} has no cgroup.freeze (kernel < 5.2)", dir_);
    }
    CL_RETURN_IF_ERROR(write_v2_knob(dir_, "cgroup.freeze", frozen ? "1" : "0"));
    return wait_until(
        [&]() -> Result<bool> {
          CL_ASSIGN_OR_RETURN(auto events, read_key_values(dir_ + "/cgroup.events"));
          return (events["frozen"] == 1) == frozen;
        },
        kFreezeTimeout, fmt::format("{}/cgroup.events to say frozen {}", dir_, frozen ? 1 : 0));
  }

  Status kill_all() override {
    if (!path_exists(dir_)) {
      return ok_status();
    }
    if (path_exists(dir_ + "/cgroup.kill")) {
      CL_RETURN_IF_ERROR(write_v2_knob(dir_, "cgroup.kill", "1"));
      Status s = wait_until(
          [&]() -> Result<bool> {
            CL_ASSIGN_OR_RETURN(auto pids, read_pids_recursive({dir_}));
            return pids.empty();
          },
          kKillTimeout, fmt::format("{} to empty after cgroup.kill", dir_));
      if (s.ok()) {
        return s;
      }
    }
    return kill_until_empty({dir_}, [&]() -> Status {
      if (path_exists(dir_ + "/cgroup.freeze")) {
        return write_v2_knob(dir_, "cgroup.freeze", "0");
      }
      return ok_status();
    });
  }

  Status remove() override {
    CL_RETURN_IF_ERROR(kill_all());
    return remove_group_dir(dir_);
  }

 private:
  // Unavailable, naming the controller, when `needed` and the group lacks `knob`.
  Status require(bool needed, std::string_view controller, std::string_view knob) const {
    if (!needed || path_exists(fmt::format("{}/{}", dir_, knob))) {
      return ok_status();
    }
    Result<std::string> have = read_trimmed(parent_dir(dir_) + "/cgroup.subtree_control");
    return make_error(ErrorCode::kUnavailable,
                      "cgroup v2 controller '{}' is not enabled for {} (no {}; parent's "
                      "cgroup.subtree_control: '{}')",
                      controller, dir_, knob, have.ok() ? *have : "?");
  }

  std::string dir_;
  int ncpus_;
  // What usage() reads every monitor period, kept open.
  PinnedFile cpu_stat_;
  PinnedFile memory_usage_;
  PinnedFile procs_;
};

// Enables the wanted controllers the parent offers in `dir`'s cgroup.subtree_control.
Status enable_controllers(const std::string& dir) {
  std::vector<std::string> available = read_word_list(dir + "/cgroup.controllers");
  std::vector<std::string> enabled = read_word_list(dir + "/cgroup.subtree_control");
  for (std::string_view c : kWantedControllers) {
    if (has(available, c) && !has(enabled, c)) {
      CL_RETURN_IF_ERROR(write_v2_knob(dir, "cgroup.subtree_control", fmt::format("+{}", c)));
    }
  }
  return ok_status();
}

class V2Host : public CgroupHost {
 public:
  V2Host(std::string dir, int ncpus) : dir_(std::move(dir)), ncpus_(ncpus) {}

  int version() const override { return 2; }

  Result<std::unique_ptr<Cgroup>> create(std::string_view relative) override {
    CL_RETURN_IF_ERROR(validate_relative(relative));
    std::string leaf = fmt::format("{}/{}", dir_, relative);
    if (path_exists(leaf)) {
      return make_error(ErrorCode::kAlreadyExists, "cgroup {} already exists", leaf);
    }
    DirRollback rollback;
    Status s = make_chain(dir_, relative, rollback,
                          [](const std::string& dir, bool is_new, bool is_leaf) -> Status {
                            if (is_leaf) {
                              return ok_status();
                            }
                            Status enabled = enable_controllers(dir);
                            // A pre-existing group may hold processes ("no internal processes"
                            // makes the write fail); its children then lack those controllers
                            // and limit calls say so.
                            return is_new ? enabled : ok_status();
                          });
    if (!s.ok()) {
      return std::move(s).error().context(fmt::format("creating cgroup {}", relative));
    }
    rollback.commit();
    return std::unique_ptr<Cgroup>(new V2Cgroup(std::move(leaf), ncpus_));
  }

  Result<std::unique_ptr<Cgroup>> open(std::string_view relative) override {
    CL_RETURN_IF_ERROR(validate_relative(relative));
    std::string leaf = fmt::format("{}/{}", dir_, relative);
    if (!path_exists(leaf)) {
      return make_error(ErrorCode::kNotFound, "cgroup {} does not exist", leaf);
    }
    return std::unique_ptr<Cgroup>(new V2Cgroup(std::move(leaf), ncpus_));
  }

  std::vector<std::string> paths_for(std::string_view relative) const override {
    return {fmt::format("{}/{}", dir_, relative)};
  }

  int cpu_count() const override { return ncpus_; }

 private:
  std::string dir_;
  int ncpus_;
};

}  // namespace

std::unique_ptr<CgroupHost> make_v2_host(std::string dir, int ncpus) {
  return std::make_unique<V2Host>(std::move(dir), ncpus);
}

}  // namespace chainlab::substrate::cgroup_internal
