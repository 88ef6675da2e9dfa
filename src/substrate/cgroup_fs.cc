#include "substrate/cgroup_fs.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <thread>

#include "common/files.h"
#include "substrate/cgroup_parse.h"

namespace chainlab::substrate::cgroup_internal {

namespace {

constexpr std::chrono::milliseconds kPollInterval{5};

// Child group directories of `dir` (cgroupfs lists groups as directories, knobs as files).
std::vector<std::string> child_groups(const std::string& dir) {
  std::vector<std::string> out;
  Result<std::vector<std::string>> names = list_dir(dir);
  if (!names.ok()) {
    return out;
  }
  for (const std::string& name : *names) {
    std::string path = dir + "/" + name;
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      out.push_back(std::move(path));
    }
  }
  return out;
}

void collect_dirs(const std::string& dir, std::vector<std::string>& out) {
  out.push_back(dir);
  for (const std::string& child : child_groups(dir)) {
    collect_dirs(child, out);
  }
}

}  // namespace

bool path_exists(const std::string& path) {
  return ::access(path.c_str(), F_OK) == 0;
}

std::string parent_dir(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) {
    return "/";
  }
  return path.substr(0, slash);
}

Result<std::string> read_trimmed(const std::string& path) {
  CL_ASSIGN_OR_RETURN(std::string text, read_file(path));
  return std::string(trim(text));
}

namespace {

// The file's text through `parse`; a parse error names the file.
template <class T>
Result<T> read_parsed(const std::string& path, Result<T> (*parse)(std::string_view)) {
  CL_ASSIGN_OR_RETURN(std::string text, read_file(path));
  Result<T> v = parse(text);
  if (!v.ok()) {
    return std::move(v).error().context(path);
  }
  return v;
}

}  // namespace

Result<int64_t> read_int64(const std::string& path) {
  return read_parsed<int64_t>(path, parse_int64);
}

Result<uint64_t> read_uint64(const std::string& path) {
  return read_parsed<uint64_t>(path, parse_uint64);
}

Result<std::string> PinnedFile::read() const {
  std::lock_guard lock(mu_);
  if (!fd_.valid()) {
    fd_ = UniqueFd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd_.valid()) {
      int err = errno;
      if (err == EMFILE || err == ENFILE) {
        return read_file(path_);
      }
      return errno_error(err, "open " + path_);
    }
  }
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::pread(fd_.get(), buf, sizeof buf, static_cast<off_t>(out.size()));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      int err = errno;
      return errno_error(err, "read " + path_);
    }
    if (n == 0) {
      return out;
    }
    out.append(buf, static_cast<size_t>(n));
  }
}

Result<uint64_t> PinnedFile::read_uint64() const {
  CL_ASSIGN_OR_RETURN(std::string text, read());
  Result<uint64_t> v = parse_uint64(text);
  if (!v.ok()) {
    return std::move(v).error().context(path_);
  }
  return v;
}

Result<uint64_t> PinnedFile::count_lines() const {
  CL_ASSIGN_OR_RETURN(std::string text, read());
  uint64_t lines = 0;
  for (std::string_view line : split(text, '\n')) {
    lines += trim(line).empty() ? 0 : 1;
  }
  return lines;
}

DirRollback::~DirRollback() {
  // Plain rmdir: a directory someone else filled meanwhile is theirs now.
  for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
    (void)::rmdir(it->c_str());
  }
}

Status make_chain(const std::string& base, std::string_view relative, DirRollback& rollback,
                  const DirHook& hook) {
  CL_RETURN_IF_ERROR(hook(base, false, false));
  std::vector<std::string_view> parts = split(relative, '/');
  std::string dir = base;
  for (size_t i = 0; i < parts.size(); ++i) {
    bool is_leaf = i + 1 == parts.size();
    dir += "/";
    dir += parts[i];
    bool is_new = true;
    if (::mkdir(dir.c_str(), 0755) != 0) {
      int err = errno;
      if (err != EEXIST) {
        return errno_error(err, fmt::format("mkdir {}", dir));
      }
      if (is_leaf) {
        return make_error(ErrorCode::kAlreadyExists, "cgroup {} already exists", dir);
      }
      is_new = false;
    }
    if (is_new) {
      rollback.add(dir);
    }
    CL_RETURN_IF_ERROR(hook(dir, is_new, is_leaf));
  }
  return ok_status();
}

Result<std::vector<pid_t>> read_pids(const std::vector<std::string>& dirs) {
  std::vector<pid_t> pids;
  for (const std::string& dir : dirs) {
    Result<std::string> text = read_file(dir + "/cgroup.procs");
    if (!text.ok()) {
      if (text.error().code == ErrorCode::kNotFound) {
        continue;
      }
      return std::move(text).error();
    }
    for (std::string_view line : split(*text, '\n')) {
      if (trim(line).empty()) {
        continue;
      }
      CL_ASSIGN_OR_RETURN(int64_t pid, parse_int64(line));
      pids.push_back(static_cast<pid_t>(pid));
    }
  }
  std::sort(pids.begin(), pids.end());
  pids.erase(std::unique(pids.begin(), pids.end()), pids.end());
  return pids;
}

Result<std::vector<pid_t>> read_pids_recursive(const std::vector<std::string>& dirs) {
  std::vector<std::string> all;
  for (const std::string& dir : dirs) {
    collect_dirs(dir, all);
  }
  return read_pids(all);
}

Status wait_until(const std::function<Result<bool>()>& done, std::chrono::milliseconds timeout,
                  std::string_view what) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    CL_ASSIGN_OR_RETURN(bool finished, done());
    if (finished) {
      return ok_status();
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return make_error(ErrorCode::kInternal, "timed out after {} ms waiting for {}",
                        timeout.count(), what);
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

Status kill_until_empty(const std::vector<std::string>& dirs,
                        const std::function<Status()>& after_signal) {
  std::vector<pid_t> left;
  Status status = wait_until(
      [&]() -> Result<bool> {
        CL_ASSIGN_OR_RETURN(left, read_pids_recursive(dirs));
        if (left.empty()) {
          return true;
        }
        for (pid_t pid : left) {
          (void)::kill(pid, SIGKILL);
        }
        if (after_signal) {
          CL_RETURN_IF_ERROR(after_signal());
        }
        return false;
      },
      kKillTimeout, "the group's processes to die");
  if (!status.ok()) {
    return std::move(status).error().context(
        fmt::format("killing {} process(es) in {}", left.size(), dirs.empty() ? "" : dirs[0]));
  }
  return ok_status();
}

Status remove_group_dir(const std::string& dir) {
  for (const std::string& child : child_groups(dir)) {
    CL_RETURN_IF_ERROR(remove_group_dir(child));
  }
  return wait_until(
      [&]() -> Result<bool> {
        if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) {
          return true;
        }
        if (errno == EBUSY) {
          return false;  // dying tasks still hold the group
        }
        return errno_error(errno, fmt::format("rmdir {}", dir));
      },
      kRmdirTimeout, fmt::format("rmdir {}", dir));
}

Status write_pid(const std::string& dir, pid_t pid) {
  return write_file(dir + "/cgroup.procs", fmt::format("{}\n", pid));
}

int affinity_cpu_count() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) != 0) {
    return 1;
  }
  return std::max(CPU_COUNT(&set), 1);
}

}  // namespace chainlab::substrate::cgroup_internal
