#include "substrate/cleanup.h"

#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <thread>

#include "common/files.h"
#include "common/units.h"
#include "substrate/cgroup_fs.h"
#include "substrate/netns.h"
#include "substrate/process.h"
#include "substrate/rtnl.h"

namespace chainlab::substrate {
namespace {

using cgroup_internal::path_exists;

Result<bool> kill_recorded_process(std::string_view id) {
  auto fields = split(id, ' ');
  if (fields.size() != 2) {
    return make_error(ErrorCode::kInvalidArgument, "malformed process record '{}'", id);
  }
  auto parsed_pid = parse_int(fields[0], "pid", 1, std::numeric_limits<pid_t>::max());
  auto start = parse_uint(fields[1], "start time");
  if (!parsed_pid.ok() || !start.ok()) {
    return make_error(ErrorCode::kInvalidArgument, "malformed process record '{}'", id);
  }
  auto pid = static_cast<pid_t>(*parsed_pid);
  auto actual = process_start_time(pid);
  if (!actual.ok() || *actual != *start) {
    return false;  // gone, or the pid now belongs to someone else
  }
  if (::kill(pid, SIGKILL) != 0 && errno != ESRCH) {
    return errno_error(errno, fmt::format("kill {}", pid));
  }
  return true;
}

// Removes a directory of ordinary files and directories (our own state, never cgroupfs).
Status remove_tree(const std::string& path) {
  auto names = list_dir(path);
  if (!names.ok()) {
    return names.error().code == ErrorCode::kNotFound ? ok_status() : std::move(names).error();
  }
  for (const auto& name : *names) {
    std::string child = path + "/" + name;
    struct stat st;
    if (::lstat(child.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      CL_RETURN_IF_ERROR(remove_tree(child));
    } else if (::unlink(child.c_str()) != 0 && errno != ENOENT) {
      return errno_error(errno, fmt::format("unlink {}", child));
    }
  }
  if (::rmdir(path.c_str()) != 0 && errno != ENOENT) {
    return errno_error(errno, fmt::format("rmdir {}", path));
  }
  return ok_status();
}

}  // namespace

void CleanupReport::merge(CleanupReport&& other) {
  runs.insert(runs.end(), other.runs.begin(), other.runs.end());
  owners.insert(owners.end(), other.owners.begin(), other.owners.end());
  removed.insert(removed.end(), other.removed.begin(), other.removed.end());
  errors.insert(errors.end(), other.errors.begin(), other.errors.end());
}

Result<bool> remove_cgroup_tree(const std::string& path) {
  if (!path_exists(path)) {
    return false;
  }
  // Frozen tasks cannot die: thaw after each round of SIGKILLs (both freezers are hierarchical).
  auto thaw = [&path]() -> Status {
    if (path_exists(path + "/freezer.state")) {
      return write_file(path + "/freezer.state", "THAWED");
    }
    if (path_exists(path + "/cgroup.freeze")) {
      return write_file(path + "/cgroup.freeze", "0");
    }
    return ok_status();
  };
  if (path_exists(path + "/cgroup.kill")) {
    (void)write_file(path + "/cgroup.kill", "1");
  }
  CL_RETURN_IF_ERROR(cgroup_internal::kill_until_empty({path}, thaw));
  CL_RETURN_IF_ERROR(cgroup_internal::remove_group_dir(path));
  return true;
}

// true when `removal` removed something, false when it was already gone (NotFound).
Result<bool> removed(Status removal) {
  if (removal.ok()) {
    return true;
  }
  if (removal.error().code == ErrorCode::kNotFound) {
    return false;
  }
  return std::move(removal).error();
}

Result<bool> remove_object(const JournalEntry& entry) {
  switch (entry.kind) {
    case ObjectKind::kProcess:
      return kill_recorded_process(entry.id);
    case ObjectKind::kCgroup:
      return remove_cgroup_tree(entry.id);
    case ObjectKind::kLink: {
      CL_ASSIGN_OR_RETURN(Rtnl rtnl, Rtnl::open());
      return removed(rtnl.delete_link(entry.id));
    }
    case ObjectKind::kNetns:
      return removed(Netns::remove(entry.id));
    case ObjectKind::kMount: {
      if (::umount2(entry.id.c_str(), MNT_DETACH) == 0) {
        return true;
      }
      if (errno == EINVAL || errno == ENOENT) {
        return false;  // not (or no longer) a mount point
      }
      return errno_error(errno, fmt::format("umount {}", entry.id));
    }
    case ObjectKind::kFile: {
      if (::unlink(entry.id.c_str()) == 0) {
        return true;
      }
      if (errno == EISDIR && ::rmdir(entry.id.c_str()) == 0) {
        return true;
      }
      if (errno == ENOENT) {
        return false;
      }
      return errno_error(errno, fmt::format("remove {}", entry.id));
    }
  }
  return false;
}

CleanupReport cleanup_run_dir(const std::string& run_dir) {
  CleanupReport report;
  std::string prefix = run_dir.substr(run_dir.rfind('/') + 1);
  report.runs.push_back(prefix);
  report.owners.push_back(Journal::owner_text(run_dir));
  auto entries = Journal::load(run_dir);
  if (!entries.ok()) {
    report.errors.push_back(entries.error().message);
    return report;
  }
  // Processes first, then cgroups (deepest first), links, namespaces, mounts (deepest first), files
  // (deepest first).
  std::vector<JournalEntry> ordered = *entries;
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    if (a.kind != b.kind) {
      return a.kind < b.kind;
    }
    return a.id.size() > b.id.size();
  });
  auto remove = [&report](const JournalEntry& e) {
    auto r = remove_object(e);
    if (!r.ok()) {
      report.errors.push_back(
          fmt::format("{} {}: {}", object_kind_name(e.kind), e.id, r.error().message));
    } else if (*r) {
      report.removed.push_back(e);
    }
  };
  for (const auto& e : ordered) {
    remove(e);
  }
  // Sweep: objects named with the prefix that the journal missed.
  if (prefix.size() >= 6) {
    if (auto names = list_dir(kNetnsDir); names.ok()) {
      for (const auto& n : *names) {
        if (n.rfind(prefix, 0) == 0) {
          remove({ObjectKind::kNetns, n});
        }
      }
    }
    if (auto names = list_dir("/sys/class/net"); names.ok()) {
      for (const auto& n : *names) {
        if (n.rfind(prefix, 0) == 0) {
          remove({ObjectKind::kLink, n});
        }
      }
    }
  }
  // The run directory (journal, logs, hosts files) goes last.
  if (auto s = remove_tree(run_dir); !s.ok()) {
    report.errors.push_back(s.error().message);
  }
  return report;
}

CleanupReport cleanup_stale_runs(const std::string& state_dir, bool include_live) {
  CleanupReport report;
  std::string runs = state_dir + "/runs";
  auto names = list_dir(runs);
  if (!names.ok()) {
    if (names.error().code != ErrorCode::kNotFound) {
      report.errors.push_back(names.error().message);
    }
    return report;
  }
  for (const auto& name : *names) {
    std::string dir = runs + "/" + name;
    if (include_live || !Journal::owner_alive(dir)) {
      report.merge(cleanup_run_dir(dir));
    }
  }
  return report;
}

}  // namespace chainlab::substrate
