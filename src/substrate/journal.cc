#include "substrate/journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <random>

#include "common/files.h"
#include "common/units.h"
#include "substrate/names.h"
#include "substrate/process.h"

namespace chainlab::substrate {
namespace {

constexpr std::string_view kKindNames[] = {"process", "cgroup", "link", "netns", "mount", "file"};

// The inode of this process's PID namespace (0 when unknown): a run's owner pid means something
// only in the namespace it was written from.
unsigned long long pid_namespace() {
  struct stat st {};
  return ::stat("/proc/self/ns/pid", &st) == 0 ? static_cast<unsigned long long>(st.st_ino) : 0;
}

Status mkdir_p(const std::string& path) {
  std::string partial;
  for (std::string_view part : split(path, '/')) {
    if (part.empty()) {
      continue;
    }
    partial += '/';
    partial += part;
    if (::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) {
      return errno_error(errno, fmt::format("mkdir {}", partial));
    }
  }
  return ok_status();
}

// This process's command line, arguments joined by spaces, at most 1000 bytes.
std::string own_command_line() {
  std::string text = read_file("/proc/self/cmdline").value_or("");
  text = text.substr(0, 1000);
  std::replace(text.begin(), text.end(), '\0', ' ');
  return std::string(trim(text));
}

}  // namespace

std::string_view object_kind_name(ObjectKind kind) {
  return kKindNames[static_cast<int>(kind)];
}

Result<ObjectKind> parse_object_kind(std::string_view name) {
  for (size_t i = 0; i < std::size(kKindNames); ++i) {
    if (kKindNames[i] == name) {
      return static_cast<ObjectKind>(i);
    }
  }
  return make_error(ErrorCode::kInvalidArgument, "unknown object kind '{}'", name);
}

Result<std::unique_ptr<Journal>> Journal::begin(const std::string& state_dir) {
  std::string runs = state_dir + "/runs";
  CL_RETURN_IF_ERROR(mkdir_p(runs));
  std::random_device rd;
  for (int attempt = 0; attempt < 64; ++attempt) {
    std::string suffix = base36(rd() % (36u * 36u * 36u * 36u));
    std::string prefix = "cl" + std::string(4 - suffix.size(), '0') + suffix;
    std::string dir = fmt::format("{}/{}", runs, prefix);
    if (::mkdir(dir.c_str(), 0755) != 0) {
      if (errno == EEXIST) {
        continue;
      }
      return errno_error(errno, fmt::format("mkdir {}", dir));
    }
    CL_ASSIGN_OR_RETURN(unsigned long long start, process_start_time(::getpid()));
    Status owner = write_file(dir + "/owner",
                              fmt::format("{} {} {}\n", ::getpid(), start, pid_namespace()), true);
    (void)write_file(dir + "/command", own_command_line() + "\n", true);  // diagnostics only
    UniqueFd fd(
        ::open((dir + "/journal").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    if (!owner.ok() || !fd.valid()) {
      int err = errno;
      ::unlink((dir + "/owner").c_str());
      ::unlink((dir + "/command").c_str());
      ::rmdir(dir.c_str());
      return owner.ok() ? errno_error(err, "create journal") : std::move(owner).error();
    }
    return std::unique_ptr<Journal>(new Journal(prefix, dir, std::move(fd)));
  }
  return make_error(ErrorCode::kResourceExhausted, "no free run prefix in {}", runs);
}

Status Journal::append(char op, ObjectKind kind, std::string_view id) {
  if (id.find('\n') != std::string_view::npos) {
    return make_error(ErrorCode::kInvalidArgument, "journal id contains a newline");
  }
  std::string line = fmt::format("{} {} {}\n", op, object_kind_name(kind), id);
  std::lock_guard lock(mu_);
  // O_APPEND and one write per line: a kill leaves at most one partial last line.
  if (::write(fd_.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    return errno_error(errno, fmt::format("write journal {}", dir_));
  }
  return ok_status();
}

Status Journal::record(ObjectKind kind, std::string_view id) {
  return append('+', kind, id);
}
Status Journal::forget(ObjectKind kind, std::string_view id) {
  return append('-', kind, id);
}

std::vector<JournalEntry> Journal::parse(std::string_view text) {
  std::vector<JournalEntry> live;
  for (std::string_view line : split(text, '\n')) {
    if (line.size() < 4 || (line[0] != '+' && line[0] != '-') || line[1] != ' ') {
      continue;
    }
    std::string_view rest = line.substr(2);
    size_t space = rest.find(' ');
    if (space == std::string_view::npos || space + 1 >= rest.size()) {
      continue;
    }
    auto kind = parse_object_kind(rest.substr(0, space));
    if (!kind.ok()) {
      continue;
    }
    JournalEntry entry{*kind, std::string(rest.substr(space + 1))};
    if (line[0] == '+') {
      live.push_back(std::move(entry));
    } else {
      auto it = std::find(live.rbegin(), live.rend(), entry);
      if (it != live.rend()) {
        live.erase(std::next(it).base());
      }
    }
  }
  return live;
}

Result<std::vector<JournalEntry>> Journal::load(const std::string& run_dir) {
  auto text = read_file(run_dir + "/journal");
  if (!text.ok()) {
    if (text.error().code == ErrorCode::kNotFound) {
      return std::vector<JournalEntry>{};
    }
    return std::move(text).error();
  }
  return parse(*text);
}

bool Journal::owner_alive(const std::string& run_dir) {
  auto owner = read_file(run_dir + "/owner");
  if (!owner.ok()) {
    return false;
  }
  auto fields = split(trim(*owner), ' ');
  if (fields.size() != 2 && fields.size() != 3) {
    return false;
  }
  // An owner in another PID namespace (a container sharing this state directory) cannot be looked
  // up from here: its run is taken as live, never cleaned up from this side.
  if (fields.size() == 3) {
    auto ns = parse_uint(fields[2], "pid namespace");
    if (ns.ok() && *ns != 0 && pid_namespace() != 0 && *ns != pid_namespace()) {
      return true;
    }
  }
  auto pid = parse_int(fields[0], "pid", 1, std::numeric_limits<pid_t>::max());
  auto start = parse_uint(fields[1], "start time");
  // A zombie owner (killed, not yet reaped by its parent) is dead: its run is stale.
  return pid.ok() && start.ok() && process_running(static_cast<pid_t>(*pid), *start);
}

std::string Journal::owner_text(const std::string& run_dir) {
  auto owner = read_file(run_dir + "/owner");
  if (!owner.ok()) {
    return "";
  }
  auto fields = split(trim(*owner), ' ');
  std::string pid(fields.empty() ? "?" : fields.front());
  std::string command(trim(read_file(run_dir + "/command").value_or("")));
  return command.empty() ? "pid " + pid : fmt::format("pid {}: {}", pid, command);
}

}  // namespace chainlab::substrate
