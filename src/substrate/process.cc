#include "substrate/process.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iterator>

#include "common/enum_names.h"
#include "common/files.h"
#include "common/units.h"

namespace chainlab::substrate {
namespace {

// What the child was doing when it failed; reported back through the error pipe.
enum class Step : int {
  kJoinNet = 1,
  kJoinUts,
  kJoinMnt,
  kUnshare,
  kHostname,
  kMountSlave,
  kBindHosts,
  kMountSys,
  kCgroup,
  kStdio,
  kCwd,
  kSetsid,
  kExec,
};

// A close-on-exec pipe: {read end, write end}.
Result<std::pair<UniqueFd, UniqueFd>> cloexec_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return errno_error(errno, "pipe2");
  }
  return std::pair<UniqueFd, UniqueFd>(UniqueFd(fds[0]), UniqueFd(fds[1]));
}

// The steps' descriptions, in the order of Step from kJoinNet on.
constexpr const char* kStepNames[] = {"joining the network namespace",
                                      "joining the UTS namespace",
                                      "joining the mount namespace",
                                      "creating namespaces",
                                      "setting the hostname",
                                      "making mounts private",
                                      "binding /etc/hosts",
                                      "mounting /sys",
                                      "joining the cgroup",
                                      "redirecting stdio",
                                      "changing directory",
                                      "starting a session",
                                      "executing"};
static_assert(std::size(kStepNames) ==
              static_cast<std::size_t>(Step::kExec) - static_cast<std::size_t>(Step::kJoinNet) + 1);

const char* step_name(Step s) {
  return enum_name(kStepNames, Step::kJoinNet, s, "starting");
}

// Everything the child needs, prepared before fork so the child allocates nothing.
struct ChildPlan {
  const char* path = nullptr;
  std::vector<char*> argv;
  std::vector<char*> envp;
  int join_net = -1;
  int join_uts = -1;
  int join_mnt = -1;
  int netns = -1;
  int unshare_flags = 0;
  const char* hostname = nullptr;
  size_t hostname_len = 0;
  bool new_mount = false;
  const char* hosts_file = nullptr;
  bool mount_sysfs = false;
  std::vector<int> procs_fds;
  int in = -1;
  int out = -1;
  int err = -1;
  const char* cwd = "/";
  bool setsid = true;
  int error_pipe = -1;
};

[[noreturn]] void child_fail(int pipe_fd, Step step) {
  int msg[2] = {static_cast<int>(step), errno};
  ssize_t ignored = ::write(pipe_fd, msg, sizeof msg);
  (void)ignored;
  ::_exit(127);
}

// Runs in the child, which shares the parent's memory until it execs (CLONE_VM | CLONE_VFORK, as
// posix_spawn does): async-signal-safe system calls on the prepared plan only, nothing written
// to memory but its own stack. Signals arrive blocked (the parent blocked them around clone) and
// are unblocked once no handler of the parent's can run here.
[[noreturn]] void child_main(const ChildPlan& p) {
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) {
      signal(sig, SIG_DFL);
    }
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  if (p.join_net >= 0 && setns(p.join_net, CLONE_NEWNET) != 0) {
    child_fail(p.error_pipe, Step::kJoinNet);
  }
  if (p.join_uts >= 0 && setns(p.join_uts, CLONE_NEWUTS) != 0) {
    child_fail(p.error_pipe, Step::kJoinUts);
  }
  if (p.join_mnt >= 0 && setns(p.join_mnt, CLONE_NEWNS) != 0) {
    child_fail(p.error_pipe, Step::kJoinMnt);
  }
  if (p.netns >= 0 && setns(p.netns, CLONE_NEWNET) != 0) {
    child_fail(p.error_pipe, Step::kJoinNet);
  }
  if (p.unshare_flags != 0 && unshare(p.unshare_flags) != 0) {
    child_fail(p.error_pipe, Step::kUnshare);
  }
  if (p.hostname != nullptr && sethostname(p.hostname, p.hostname_len) != 0) {
    child_fail(p.error_pipe, Step::kHostname);
  }
  if (p.new_mount) {
    // Slave, not private: namespaces unmounted from the host's shared /run/netns disappear here
    // too.
    if (mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0) {
      child_fail(p.error_pipe, Step::kMountSlave);
    }
    umount2("/run/netns", MNT_DETACH);  // other instances' namespaces are none of its business
    if (p.hosts_file != nullptr &&
        mount(p.hosts_file, "/etc/hosts", nullptr, MS_BIND, nullptr) != 0) {
      child_fail(p.error_pipe, Step::kBindHosts);
    }
    if (p.mount_sysfs &&
        mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NOEXEC | MS_NODEV, nullptr) != 0) {
      child_fail(p.error_pipe, Step::kMountSys);
    }
  }
  for (int fd : p.procs_fds) {
    if (write(fd, "0", 1) != 1) {
      child_fail(p.error_pipe, Step::kCgroup);
    }
  }
  if (dup2(p.in, 0) < 0 || dup2(p.out, 1) < 0 || dup2(p.err, 2) < 0) {
    child_fail(p.error_pipe, Step::kStdio);
  }
  if (chdir(p.cwd) != 0) {
    child_fail(p.error_pipe, Step::kCwd);
  }
  if (p.setsid && setsid() < 0) {
    child_fail(p.error_pipe, Step::kSetsid);
  }
  execve(p.path, p.argv.data(), p.envp.data());
  child_fail(p.error_pipe, Step::kExec);
}

int child_entry(void* plan) {
  child_main(*static_cast<const ChildPlan*>(plan));
}

// Starts child_main on its own stack without copying the parent's page tables (a fork of this
// process costs milliseconds, and more with every packet ring it maps); the parent resumes once
// the child has exec'd or failed.
pid_t clone_child(ChildPlan& plan) {
  constexpr size_t kStack = 256 * 1024;
  void* stack = ::mmap(nullptr, kStack, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) {
    return -1;
  }
  sigset_t all;
  sigset_t old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pid_t pid = ::clone(child_entry, static_cast<char*>(stack) + kStack,
                      CLONE_VM | CLONE_VFORK | SIGCHLD, &plan);
  int err = errno;
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ::munmap(stack, kStack);
  errno = err;
  return pid;
}

Result<UniqueFd> open_fd(const std::string& path, int flags) {
  UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC, 0644));
  if (!fd.valid()) {
    return errno_error(errno, fmt::format("open {}", path));
  }
  return fd;
}

}  // namespace

namespace {

bool executable_file(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

Result<std::string> find_executable(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    if (::access(name.c_str(), X_OK) != 0) {
      return make_error(ErrorCode::kNotFound, "command not found or not executable: {}", name);
    }
    return name;
  }
  // The process's own PATH, as execvp reads it: process semantics, not configuration (the one
  // environment read outside src/app, docs/design/architecture.md).
  const char* env_path = ::getenv("PATH");
  return find_executable_in(name, env_path != nullptr ? env_path : "/usr/local/bin:/usr/bin:/bin");
}

Result<std::string> find_executable_in(const std::string& name, std::string_view path_list,
                                       std::string_view cwd) {
  if (name.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "empty command");
  }
  if (name.find('/') != std::string::npos) {
    std::string path = name.front() == '/' ? name : fmt::format("{}/{}", cwd, name);
    if (!executable_file(path)) {
      return make_error(ErrorCode::kNotFound, "command not found or not executable: {}", name);
    }
    return path;
  }
  for (std::string_view dir : split(path_list, ':')) {
    if (dir.empty()) {
      continue;
    }
    std::string candidate = fmt::format("{}/{}", dir, name);
    if (executable_file(candidate)) {
      return candidate;
    }
  }
  return make_error(ErrorCode::kNotFound, "command not found in PATH: {}", name);
}

Result<Process> spawn(const SpawnSpec& spec) {
  if (spec.argv.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "spawn: empty command");
  }
  if (!spec.hosts_file.empty() && !spec.new_mount) {
    return make_error(ErrorCode::kInvalidArgument, "spawn: hosts_file needs a new mount namespace");
  }
  CL_ASSIGN_OR_RETURN(std::string path, find_executable(spec.argv[0]));

  ChildPlan plan;
  std::vector<std::string> argv = spec.argv;
  std::vector<std::string> env = spec.env;
  for (auto& a : argv) {
    plan.argv.push_back(a.data());
  }
  plan.argv.push_back(nullptr);
  for (auto& e : env) {
    plan.envp.push_back(e.data());
  }
  plan.envp.push_back(nullptr);
  plan.path = path.c_str();

  std::vector<UniqueFd> owned;  // closed in the parent after fork
  auto keep = [&owned](UniqueFd fd) {
    owned.push_back(std::move(fd));
    return owned.back().get();
  };
  if (spec.join_pid > 0) {
    for (auto [ns, slot] : {std::pair{"net", &plan.join_net}, std::pair{"uts", &plan.join_uts},
                            std::pair{"mnt", &plan.join_mnt}}) {
      auto fd = open_fd(fmt::format("/proc/{}/ns/{}", spec.join_pid, ns), O_RDONLY);
      if (!fd.ok()) {
        return make_error(ErrorCode::kFailedPrecondition, "process {} is not running",
                          spec.join_pid);
      }
      *slot = keep(std::move(fd).value());
    }
  }
  if (!spec.netns_path.empty()) {
    CL_ASSIGN_OR_RETURN(UniqueFd fd, open_fd(spec.netns_path, O_RDONLY));
    plan.netns = keep(std::move(fd));
  }
  if (spec.new_uts) {
    plan.unshare_flags |= CLONE_NEWUTS;
    if (!spec.hostname.empty()) {
      plan.hostname = spec.hostname.c_str();
      plan.hostname_len = spec.hostname.size();
    }
  }
  if (spec.new_mount) {
    plan.unshare_flags |= CLONE_NEWNS;
    plan.new_mount = true;
    plan.hosts_file = spec.hosts_file.empty() ? nullptr : spec.hosts_file.c_str();
    plan.mount_sysfs = spec.mount_sysfs;
  }
  for (const auto& f : spec.cgroup_procs_files) {
    CL_ASSIGN_OR_RETURN(UniqueFd fd, open_fd(f, O_WRONLY));
    plan.procs_fds.push_back(keep(std::move(fd)));
  }
  CL_ASSIGN_OR_RETURN(UniqueFd devnull, open_fd("/dev/null", O_RDWR));
  plan.in = plan.out = plan.err = keep(std::move(devnull));
  if (!spec.log_path.empty()) {
    CL_ASSIGN_OR_RETURN(UniqueFd log, open_fd(spec.log_path, O_WRONLY | O_CREAT | O_APPEND));
    plan.out = plan.err = keep(std::move(log));
  }
  if (spec.stdin_fd >= 0) {
    plan.in = spec.stdin_fd;
  }
  if (spec.stdout_fd >= 0) {
    plan.out = spec.stdout_fd;
  }
  if (spec.stderr_fd >= 0) {
    plan.err = spec.stderr_fd;
  }
  plan.cwd = spec.cwd.c_str();
  plan.setsid = spec.new_session;

  CL_ASSIGN_OR_RETURN(auto error_pipe, cloexec_pipe());
  UniqueFd& err_read = error_pipe.first;
  UniqueFd& err_write = error_pipe.second;
  plan.error_pipe = err_write.get();

  pid_t pid = clone_child(plan);
  if (pid < 0) {
    return errno_error(errno, "clone");
  }
  err_write.reset();
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  int msg[2] = {0, 0};
  ssize_t n;
  do {
    n = ::read(err_read.get(), msg, sizeof msg);
  } while (n < 0 && errno == EINTR);
  if (n > 0) {
    int status;
    ::waitpid(pid, &status, 0);
    Error e = errno_error(
        msg[1], fmt::format("starting {}: {}", spec.argv[0], step_name(static_cast<Step>(msg[0]))));
    if (static_cast<Step>(msg[0]) == Step::kExec && msg[1] == ENOENT) {
      e.code = ErrorCode::kNotFound;
    }
    return e;
  }
  if (!pidfd.valid()) {
    int err = errno;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return errno_error(err, "pidfd_open");
  }
  return Process(pid, std::move(pidfd));
}

Result<std::optional<int>> Process::wait(std::chrono::milliseconds timeout) {
  if (!pidfd_.valid()) {
    return make_error(ErrorCode::kFailedPrecondition, "process {} already reaped", pid_);
  }
  pollfd pfd{pidfd_.get(), POLLIN, 0};
  int ms = timeout.count() < 0 ? -1 : static_cast<int>(timeout.count());
  int r;
  do {
    r = ::poll(&pfd, 1, ms);
  } while (r < 0 && errno == EINTR);
  if (r < 0) {
    return errno_error(errno, "poll pidfd");
  }
  if (r == 0) {
    return std::optional<int>{};
  }
  siginfo_t info{};
  if (::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd_.get()), &info, WEXITED) !=
      0) {
    return errno_error(errno, "waitid");
  }
  pidfd_.reset();
  int code = info.si_code == CLD_EXITED ? info.si_status : 128 + info.si_status;
  return std::optional<int>{code};
}

Status Process::signal(int sig, bool group) {
  if (!pidfd_.valid()) {
    return make_error(ErrorCode::kFailedPrecondition, "process {} already exited", pid_);
  }
  if (group) {
    // The child called setsid(), so its pid is its process group id.
    if (::kill(-pid_, sig) != 0 && errno != ESRCH) {
      return errno_error(errno, fmt::format("kill process group {}", pid_));
    }
    return ok_status();
  }
  if (::syscall(SYS_pidfd_send_signal, pidfd_.get(), sig, nullptr, 0) != 0 && errno != ESRCH) {
    return errno_error(errno, fmt::format("signal process {}", pid_));
  }
  return ok_status();
}

Result<CommandOutput> run_captured(SpawnSpec spec, std::chrono::milliseconds timeout,
                                   size_t max_output) {
  CL_ASSIGN_OR_RETURN(auto output_pipe, cloexec_pipe());
  UniqueFd& out_read = output_pipe.first;
  UniqueFd& out_write = output_pipe.second;
  spec.stdout_fd = out_write.get();
  spec.stderr_fd = out_write.get();
  spec.log_path.clear();
  CL_ASSIGN_OR_RETURN(Process proc, spawn(spec));
  out_write.reset();
  ::fcntl(out_read.get(), F_SETFL, O_NONBLOCK);

  CommandOutput result;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool eof = false;
  char buf[16384];
  auto drain = [&] {
    for (;;) {
      ssize_t n = ::read(out_read.get(), buf, sizeof buf);
      if (n > 0) {
        size_t room = max_output - std::min(max_output, result.output.size());
        result.output.append(buf, std::min(room, static_cast<size_t>(n)));
        continue;
      }
      eof = n == 0;
      return;
    }
  };
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 && !result.timed_out) {
      result.timed_out = true;
      (void)proc.signal(SIGKILL, spec.new_session);
    }
    pollfd pfds[2];
    int nfds = 0;
    if (!eof) {
      pfds[nfds++] = {out_read.get(), POLLIN, 0};
    }
    pfds[nfds++] = {proc.pidfd(), POLLIN, 0};
    int wait_ms = result.timed_out ? 100 : static_cast<int>(std::max<int64_t>(left.count(), 0));
    if (::poll(pfds, nfds, wait_ms) < 0 && errno != EINTR) {
      return errno_error(errno, "poll");
    }
    if (!eof) {
      drain();
    }
    if ((pfds[nfds - 1].revents & POLLIN) != 0) {
      CL_ASSIGN_OR_RETURN(std::optional<int> code, proc.wait(std::chrono::milliseconds(0)));
      if (code.has_value()) {
        result.exit_code = *code;
        // Background children may keep the pipe open: take what is there and stop.
        if (!eof) {
          drain();
        }
        break;
      }
    }
  }
  return result;
}

Result<ProcessStat> parse_process_stat(std::string_view text) {
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so look for the last ')'.
  size_t close = text.rfind(')');
  if (close == std::string_view::npos || close + 2 >= text.size()) {
    return make_error(ErrorCode::kInvalidArgument, "malformed stat line: no state after (comm)");
  }
  std::string_view rest = text.substr(close + 2);  // starts at field 3
  std::vector<std::string_view> fields = split(rest, ' ');
  constexpr size_t kStartTime = 22 - 3;
  if (fields.size() <= kStartTime || fields[0].size() != 1) {
    return make_error(ErrorCode::kInvalidArgument, "malformed stat line: {} fields after (comm)",
                      fields.size());
  }
  ProcessStat st;
  st.state = fields[0][0];
  CL_ASSIGN_OR_RETURN(st.start_time, parse_uint(trim(fields[kStartTime]), "starttime"));
  return st;
}

Result<ProcessStat> process_stat(pid_t pid) {
  CL_ASSIGN_OR_RETURN(std::string text, read_file(fmt::format("/proc/{}/stat", pid)));
  auto st = parse_process_stat(text);
  if (!st.ok()) {
    return make_error(ErrorCode::kInternal, "/proc/{}/stat: {}", pid, st.error().message);
  }
  return st;
}

Result<unsigned long long> process_start_time(pid_t pid) {
  CL_ASSIGN_OR_RETURN(ProcessStat st, process_stat(pid));
  return st.start_time;
}

bool process_running(pid_t pid, unsigned long long start_time) {
  if (pid <= 0) {
    return false;
  }
  auto st = process_stat(pid);
  return st.ok() && st->start_time == start_time && !st->exited();
}

}  // namespace chainlab::substrate
