// Starting processes inside namespaces and cgroups, without a shell and without `ip netns exec`.
//
// `spawn` prepares everything that allocates (argv, environment, file descriptors, the resolved
// binary path) before fork; the child then only makes raw system calls: join or create
// namespaces, bind the private /etc/hosts, join the cgroups, redirect stdio, exec. A failure in the
// child is reported back through a close-on-exec pipe with the step that failed, so the caller gets
// a precise error instead of a dead child.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/fd.h"
#include "common/result.h"

namespace chainlab::substrate {

struct SpawnSpec {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH when it has no '/'
  std::vector<std::string> env;   // the whole environment, "KEY=value"
  std::string cwd = "/";

  // Namespaces. Either join those of a running process (`join_pid`, for exec) or build new ones.
  pid_t join_pid = 0;        // setns into /proc/<pid>/ns/{net,uts,mnt}
  std::string netns_path;    // join this network namespace (e.g. /run/netns/x)
  bool new_uts = false;      // own hostname
  std::string hostname;      // set when new_uts
  bool new_mount = false;    // own mount namespace (mounts slave to the host's)
  std::string hosts_file;    // bind-mounted over /etc/hosts (needs new_mount)
  bool mount_sysfs = false;  // a fresh /sys showing the joined network namespace's devices
  bool new_session = true;   // setsid(): the child leads its own process group

  std::vector<std::string> cgroup_procs_files;  // "0" is written to each before exec

  // Standard streams. A log path opens O_APPEND|O_CREAT for stdout and stderr; otherwise the given
  // fds are used (-1: /dev/null).
  std::string log_path;
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
};

// A child process held through a pidfd (no pid reuse races). Reaped by wait().
class Process {
 public:
  Process(pid_t pid, UniqueFd pidfd) : pid_(pid), pidfd_(std::move(pidfd)) {}
  Process(Process&&) noexcept = default;
  Process& operator=(Process&&) noexcept = default;

  pid_t pid() const { return pid_; }
  int pidfd() const { return pidfd_.get(); }
  // Waits up to `timeout` (negative: forever) for the child to exit and reaps it. Returns its exit
  // code (128 + signal when killed), or nullopt if it is still running.
  Result<std::optional<int>> wait(std::chrono::milliseconds timeout);
  // Sends `sig` to the child (or its whole process group).
  Status signal(int sig, bool group = false);

 private:
  pid_t pid_ = -1;
  UniqueFd pidfd_;
};

Result<Process> spawn(const SpawnSpec& spec);

// The PATH an instance starts with, and where a native function's dependencies are looked up.
inline constexpr std::string_view kStandardPath =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// Looks `name` up in PATH (or checks it when it contains '/'). NotFound when nothing executable.
Result<std::string> find_executable(const std::string& name);
// The same with an explicit ':'-separated `path_list` (an instance's PATH); a relative name with a
// '/' is taken relative to `cwd`. NotFound when nothing executable.
Result<std::string> find_executable_in(const std::string& name, std::string_view path_list,
                                       std::string_view cwd = "/");

// Runs argv to completion (joined to `spec`'s namespaces and cgroups), capturing stdout+stderr
// (at most `max_output` bytes kept). Kills it after `timeout`.
struct CommandOutput {
  int exit_code = 0;
  std::string output;
  bool timed_out = false;
};
Result<CommandOutput> run_captured(SpawnSpec spec, std::chrono::milliseconds timeout,
                                   size_t max_output = 1 << 20);

// What /proc/<pid>/stat says about a process: its state (field 3: 'R', 'S', 'D', 'T', 'Z' for a
// zombie, 'X' dead, ...) and its start time in clock ticks since boot (field 22), which together
// with the pid identifies a process across pid reuse.
struct ProcessStat {
  char state = '?';
  unsigned long long start_time = 0;
  // Exited: a zombie waiting for its parent's waitpid, or already dead.
  bool exited() const { return state == 'Z' || state == 'X' || state == 'x'; }
};
// Parses the text of /proc/<pid>/stat. InvalidArgument when malformed.
Result<ProcessStat> parse_process_stat(std::string_view text);
// NotFound when the process does not exist (not even as a zombie).
Result<ProcessStat> process_stat(pid_t pid);
// The start time alone (see ProcessStat). NotFound when it does not exist.
Result<unsigned long long> process_start_time(pid_t pid);
// True while the process started at `start_time` with this pid exists and has not exited (a zombie
// whose parent has not reaped it yet counts as gone).
bool process_running(pid_t pid, unsigned long long start_time);

}  // namespace chainlab::substrate
