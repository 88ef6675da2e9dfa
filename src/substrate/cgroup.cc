#include "substrate/cgroup.h"

#include <sys/statfs.h>

#include <cerrno>

#include <linux/magic.h>

#include "common/files.h"
#include "substrate/cgroup_fs.h"
#include "substrate/cgroup_impl.h"
#include "substrate/cgroup_parse.h"

namespace chainlab::substrate {

namespace {

using cgroup_internal::MountInfo;
using cgroup_internal::ProcCgroup;

constexpr const char* kDefaultMount = "/sys/fs/cgroup";

struct ProcView {
  std::vector<MountInfo> mounts;
  std::vector<ProcCgroup> own;
};

Result<ProcView> read_proc_view() {
  ProcView view;
  CL_ASSIGN_OR_RETURN(std::string mountinfo, read_file("/proc/self/mountinfo"));
  CL_ASSIGN_OR_RETURN(view.mounts, cgroup_internal::parse_mountinfo(mountinfo));
  CL_ASSIGN_OR_RETURN(std::string cgroup, read_file("/proc/self/cgroup"));
  CL_ASSIGN_OR_RETURN(view.own, cgroup_internal::parse_proc_cgroup(cgroup));
  return view;
}

// CPUs of the own cpuset (read from `file`), or the affinity mask when that is unreadable.
int own_cpu_count(const std::string& file) {
  Result<std::string> text = read_file(file);
  if (text.ok()) {
    Result<std::vector<int>> cpus = cgroup_internal::parse_cpu_list(*text);
    if (cpus.ok() && !cpus->empty()) {
      return static_cast<int>(cpus->size());
    }
  }
  return cgroup_internal::affinity_cpu_count();
}

}  // namespace

Result<std::unique_ptr<CgroupHost>> CgroupHost::detect() {
  struct statfs st {};
  if (::statfs(kDefaultMount, &st) != 0) {
    return errno_error(errno, fmt::format("statfs {}", kDefaultMount));
  }
  if (st.f_type == CGROUP2_SUPER_MAGIC) {
    return v2(kDefaultMount);
  }
  return v1();
}

Result<std::unique_ptr<CgroupHost>> CgroupHost::v1() {
  CL_ASSIGN_OR_RETURN(ProcView view, read_proc_view());
  CL_ASSIGN_OR_RETURN(
      std::vector<cgroup_internal::V1Hierarchy> hierarchies,
      cgroup_internal::find_v1_hierarchies(
          view.mounts, view.own, {"cpu", "cpuacct", "cpuset", "memory", "freezer"}, {"pids"}));
  std::string cpuset_file;
  for (const auto& h : hierarchies) {
    for (const std::string& c : h.controllers) {
      if (c == "cpuset") {
        cpuset_file = h.dir + "/cpuset.effective_cpus";
      }
    }
  }
  int ncpus = own_cpu_count(cpuset_file);
  return cgroup_internal::make_v1_host(std::move(hierarchies), ncpus);
}

Result<std::unique_ptr<CgroupHost>> CgroupHost::v2(std::string mount_point) {
  struct statfs st {};
  if (::statfs(mount_point.c_str(), &st) != 0) {
    return errno_error(errno, fmt::format("statfs {}", mount_point));
  }
  if (st.f_type != CGROUP2_SUPER_MAGIC) {
    return make_error(ErrorCode::kUnavailable, "{} is not a cgroup2 mount", mount_point);
  }
  CL_ASSIGN_OR_RETURN(ProcView view, read_proc_view());
  CL_ASSIGN_OR_RETURN(std::string dir,
                      cgroup_internal::find_v2_dir(view.mounts, view.own, mount_point));
  int ncpus = own_cpu_count(dir + "/cpuset.cpus.effective");
  return cgroup_internal::make_v2_host(std::move(dir), ncpus);
}

void merge_limits(ResourceLimits& base, const ResourceLimits& change) {
  auto take = [](auto& into, const auto& from) {
    if (from) {
      into = from;
    }
  };
  take(base.cpu_quota_us, change.cpu_quota_us);
  take(base.cpu_period_us, change.cpu_period_us);
  take(base.cpu_shares, change.cpu_shares);
  take(base.cpuset_cpus, change.cpuset_cpus);
  take(base.memory_bytes, change.memory_bytes);
}

}  // namespace chainlab::substrate
