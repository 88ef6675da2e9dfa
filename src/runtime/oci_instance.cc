// One container instance of the oci driver: its parts (instance_parts.h), the overlay root file
// system and bundle, and runc driving the container's life.
#include "runtime/oci_instance.h"

#include <poll.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <mutex>

#include "common/fd.h"
#include "common/files.h"
#include "common/rollback.h"
#include "runtime/instance_parts.h"
#include "runtime/oci_bundle.h"
#include "substrate/cgroup_parse.h"
#include "substrate/process.h"

namespace chainlab::runtime::oci_internal {

using substrate::ObjectKind;

namespace {

namespace cg = substrate::cgroup_internal;

}  // namespace

std::vector<std::string> runc_cgroup_dirs(std::string_view relative) {
  std::vector<std::string> out;
  auto mountinfo = read_file("/proc/self/mountinfo");
  auto own_text = read_file("/proc/self/cgroup");
  if (!mountinfo.ok() || !own_text.ok()) {
    return out;
  }
  auto mounts = cg::parse_mountinfo(*mountinfo);
  auto own = cg::parse_proc_cgroup(*own_text);
  if (!mounts.ok() || !own.ok()) {
    return out;
  }
  for (const auto& m : *mounts) {
    for (const auto& c : *own) {
      bool match = false;
      if (m.fs_type == "cgroup2") {
        match = c.hierarchy_id == 0;
      } else if (m.fs_type == "cgroup" && !c.controllers.empty()) {
        match = std::all_of(c.controllers.begin(), c.controllers.end(), [&](const std::string& x) {
          return std::find(m.super_options.begin(), m.super_options.end(), x) !=
                 m.super_options.end();
        });
      }
      if (!match) {
        continue;
      }
      if (auto dir = cg::cgroup_dir(m, c.path); dir.ok()) {
        std::string path = *dir + "/" + std::string(relative);
        if (std::find(out.begin(), out.end(), path) == out.end()) {
          out.push_back(path);
        }
      }
    }
  }
  return out;
}

namespace {

bool exited(int pidfd) {
  pollfd p{pidfd, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

// Waits up to `timeout` for the process behind `pidfd` to exit.
bool wait_exit(int pidfd, std::chrono::milliseconds timeout) {
  pollfd p{pidfd, POLLIN, 0};
  int r;
  do {
    r = ::poll(&p, 1, static_cast<int>(timeout.count()));
  } while (r < 0 && errno == EINTR);
  return r > 0;
}

Status remove_tree(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    return errno == ENOENT ? ok_status() : errno_error(errno, fmt::format("stat {}", path));
  }
  if (S_ISDIR(st.st_mode)) {
    auto names = list_dir(path);
    if (!names.ok()) {
      return std::move(names).error();
    }
    for (const auto& n : *names) {
      CL_RETURN_IF_ERROR(remove_tree(path + "/" + n));
    }
    if (::rmdir(path.c_str()) != 0 && errno != ENOENT) {
      return errno_error(errno, fmt::format("rmdir {}", path));
    }
  } else if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return errno_error(errno, fmt::format("unlink {}", path));
  }
  return ok_status();
}

constexpr const char* kPathEnv =
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

class OciInstance final : public PartsInstance {
 public:
  OciInstance(substrate::Run& run, std::shared_ptr<LogPump> pump, OciInstanceSetup setup)
      : PartsInstance(run, std::move(pump)),
        setup_(std::move(setup)),
        runc_root_(run.dir() + "/runc") {}
  ~OciInstance() override { (void)destroy(); }

  // Everything but the container; on failure the destructor releases what was made.
  Status make();

  Status start() override;
  Status stop(std::chrono::milliseconds grace) override;
  Status update(const substrate::ResourceLimits& limits) override;
  Status pause() override;
  Status resume() override;
  Result<InstanceStatus> status() override { return snapshot(/*full=*/true); }
  Result<InstanceStatus> usage() override { return snapshot(/*full=*/false); }
  Result<ExecResult> exec(const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout) override;

 private:
  const std::string& name() const { return setup_.spec.name; }
  // status() (full) or usage(): the latter reads only what a monitor samples.
  Result<InstanceStatus> snapshot(bool full);
  const std::string& instance_name() const override { return name(); }
  Status prepare_rootfs();
  Status write_bundle();
  // Notices a container whose main process has exited (state kExited, its output drained into
  // the log).
  void refresh();
  Status stop_locked(std::chrono::milliseconds grace);
  Status destroy_locked() override;
  // `runc --root <run dir>/runc args...` (its argv); runc() runs it, an error carries its output.
  std::vector<std::string> runc_argv(const std::vector<std::string>& args) const;
  Result<std::string> runc(const std::vector<std::string>& args,
                           std::chrono::milliseconds timeout = std::chrono::seconds(30));

  OciInstanceSetup setup_;
  const std::string runc_root_;  // <run dir>/runc: runc's state
  std::string id_;               // runc container id (the netns kernel name: unique, short)
  std::string bundle_;           // <run dir>/oci/<id>
  bool mounted_ = false;
  bool container_exists_ = false;  // known to runc (created, not deleted)
  pid_t pid_ = 0;                  // container init while running or paused
  UniqueFd pidfd_;                 // of `pid_`: readable once it has exited
  std::string process_record_;     // its journal id "<pid> <start time>"
  InstanceState state_ = InstanceState::kCreated;
  std::chrono::system_clock::time_point started_at_{};
};

std::vector<std::string> OciInstance::runc_argv(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {setup_.runc, "--root", runc_root_};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

Result<std::string> OciInstance::runc(const std::vector<std::string>& args,
                                      std::chrono::milliseconds timeout) {
  substrate::SpawnSpec spec;
  spec.argv = runc_argv(args);
  spec.env = {kPathEnv};
  CL_ASSIGN_OR_RETURN(substrate::CommandOutput out, substrate::run_captured(spec, timeout));
  if (out.timed_out || out.exit_code != 0) {
    return make_error(ErrorCode::kInternal, "runc {} {}: {}", args.empty() ? "" : args[0],
                      out.timed_out ? "timed out" : fmt::format("exited {}", out.exit_code),
                      trim(out.output));
  }
  return std::move(out.output);
}

// The cgroup: made (and limits validated) by us, then used by runc through the same relative
// path; runc adds directories in the hierarchies we do not use, journaled here as well.
Status OciInstance::make() {
  CL_RETURN_IF_ERROR(parts_.create_net(setup_.spec));
  id_ = parts_.net().netns();
  InstanceParts::ExtraDirs extra;
  if (parts_.run().cgroups().version() == 1) {
    extra = runc_cgroup_dirs;
  }
  CL_RETURN_IF_ERROR(parts_.create_cgroup(setup_.spec.limits, extra));
  CL_RETURN_IF_ERROR(prepare_rootfs());
  CL_RETURN_IF_ERROR(write_bundle());
  return parts_.create_log(setup_.log_bytes);
}

// <bundle>/{upper,work,rootfs}, rootfs an overlay of the image's layers (highest first).
Status OciInstance::prepare_rootfs() {
  substrate::Run& run = parts_.run();
  CL_RETURN_IF_ERROR(ensure_dir(run.dir() + "/oci"));
  bundle_ = fmt::format("{}/oci/{}", run.dir(), id_);
  for (const char* sub : {"", "/upper", "/work", "/rootfs"}) {
    CL_RETURN_IF_ERROR(ensure_dir(bundle_ + sub));
  }
  std::string lower;
  const auto& layers = setup_.image.layer_dirs;
  for (auto it = layers.rbegin(); it != layers.rend(); ++it) {
    if (it->find_first_of(":,") != std::string::npos) {
      return make_error(ErrorCode::kInvalidArgument, "layer path '{}' contains ':' or ','", *it);
    }
    lower += (lower.empty() ? "" : ":") + *it;
  }
  std::string options =
      fmt::format("lowerdir={},upperdir={}/upper,workdir={}/work", lower, bundle_, bundle_);
  if (options.size() >= 4000) {
    return make_error(ErrorCode::kInvalidArgument,
                      "image has too many layers for one overlay mount ({} bytes of options)",
                      options.size());
  }
  std::string rootfs = bundle_ + "/rootfs";
  CL_RETURN_IF_ERROR(run.journal().record(ObjectKind::kMount, rootfs));
  if (::mount("overlay", rootfs.c_str(), "overlay", 0, options.c_str()) != 0) {
    Error e = errno_error(errno, fmt::format("mount overlay on {}", rootfs));
    (void)run.journal().forget(ObjectKind::kMount, rootfs);
    return e;
  }
  mounted_ = true;
  return ok_status();
}

Status OciInstance::write_bundle() {
  OciBundleSpec bundle;
  bundle.image = setup_.image.config;
  bundle.command = setup_.spec.command;
  bundle.env = setup_.spec.env;
  bundle.hostname = setup_.spec.hostname;
  bundle.rootfs = bundle_ + "/rootfs";
  bundle.netns_path = parts_.net().netns_path();
  bundle.hosts_file = parts_.net().hosts_path();
  if (::access("/etc/resolv.conf", R_OK) == 0) {
    bundle.resolv_conf = "/etc/resolv.conf";
  }
  bundle.cgroups_path = parts_.cgroup_rel();
  bundle.limits = setup_.spec.limits;
  CL_ASSIGN_OR_RETURN(nlohmann::json config, make_oci_config(bundle));
  return write_file(bundle_ + "/config.json", config.dump(2) + "\n", true);
}

Status OciInstance::start() {
  std::lock_guard lock(parts_.mu());
  CL_RETURN_IF_ERROR(parts_.check_live(name()));
  refresh();
  CL_RETURN_IF_ERROR(require_startable(name(), state_));
  parts_.forget_limits();  // runc writes the bundle's resources into the group
  auto context = fmt::format("starting instance '{}'", name());
  if (container_exists_) {  // a restart: the old container goes, the file system stays
    CL_RETURN_IF_ERROR(runc({"delete", "--force", id_}));
    container_exists_ = false;
  }
  std::string pid_file = bundle_ + "/pid";
  ::unlink(pid_file.c_str());
  InstanceLog& log = *parts_.log();
  uint64_t log_start = log.span().end;
  // runc passes its stdout/stderr (the log's pipe) through to the container; its own errors land
  // there too, after `log_start`.
  substrate::SpawnSpec spawn;
  spawn.argv = runc_argv({"run", "--detach", "--pid-file", pid_file, "--bundle", bundle_, id_});
  spawn.env = {kPathEnv};
  CL_ASSIGN_OR_RETURN(UniqueFd output, parts_.pump().attach(parts_.log()));
  spawn.stdout_fd = output.get();
  spawn.stderr_fd = output.get();
  auto proc = substrate::spawn(spawn);
  output.reset();
  if (!proc.ok()) {
    parts_.pump().detach(log);
    return std::move(proc).error().context(context);
  }
  CL_ASSIGN_OR_RETURN(std::optional<int> code, proc->wait(std::chrono::seconds(60)));
  container_exists_ = true;  // even a failed run may leave a container to delete
  if (!code || *code != 0) {
    if (!code) {
      (void)proc->signal(SIGKILL);
      (void)proc->wait(std::chrono::seconds(5));
    }
    parts_.pump().drain(log);
    std::string out = log.read(log_start, 4096).value_or(InstanceLog::Chunk{}).data;
    return make_error(ErrorCode::kInternal, "{}: runc run {}: {}", context,
                      code ? fmt::format("exited {}", *code) : std::string("timed out"), trim(out));
  }
  CL_ASSIGN_OR_RETURN(std::string pid_text, read_file(pid_file));
  pid_t pid = static_cast<pid_t>(std::strtol(std::string(trim(pid_text)).c_str(), nullptr, 10));
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (pid <= 0 || !pidfd.valid()) {
    parts_.pump().drain(log);
    std::string tail = log.tail_bytes(2000).value_or("");
    return make_error(ErrorCode::kInternal, "{}: container process {} is gone at once; log: {}",
                      context, pid_text, trim(tail));
  }
  CL_ASSIGN_OR_RETURN(unsigned long long start_time, substrate::process_start_time(pid));
  // Recorded after the fact like native: the process is in the run's cgroup, which cleanup kills.
  process_record_ = fmt::format("{} {}", pid, start_time);
  CL_RETURN_IF_ERROR(parts_.run().journal().record(ObjectKind::kProcess, process_record_));
  pid_ = pid;
  pidfd_ = std::move(pidfd);
  state_ = InstanceState::kRunning;
  started_at_ = std::chrono::system_clock::now();
  return ok_status();
}

void OciInstance::refresh() {
  if (state_ == InstanceState::kRunning && pidfd_.valid() && exited(pidfd_.get())) {
    state_ = InstanceState::kExited;     // the exit code went to runc's reaper, not to us
    parts_.pump().drain(*parts_.log());  // once reported exited, what it wrote is in its log
  }
}

Status OciInstance::stop_locked(std::chrono::milliseconds grace) {
  refresh();
  if (state_ == InstanceState::kPaused) {
    CL_RETURN_IF_ERROR(runc({"resume", id_}));
    state_ = InstanceState::kRunning;
  }
  if (state_ == InstanceState::kRunning && pidfd_.valid()) {
    if (grace.count() > 0) {
      (void)runc({"kill", id_, "TERM"});
      wait_exit(pidfd_.get(), grace);
    }
    if (!exited(pidfd_.get())) {
      (void)runc({"kill", "--all", id_, "KILL"});
      if (!wait_exit(pidfd_.get(), std::chrono::seconds(5))) {
        return make_error(ErrorCode::kInternal, "container {} survived SIGKILL", id_);
      }
    }
  }
  // Whatever is left in the cgroup (processes `runc exec` started) goes too.
  if (parts_.has_cgroup()) {
    CL_RETURN_IF_ERROR(parts_.cgroup().kill_all());
  }
  if (!process_record_.empty()) {
    CL_RETURN_IF_ERROR(parts_.run().journal().forget(ObjectKind::kProcess, process_record_));
    process_record_.clear();
  }
  pidfd_.reset();
  pid_ = 0;
  if (state_ != InstanceState::kCreated) {
    state_ = InstanceState::kStopped;
  }
  return ok_status();
}

Status OciInstance::stop(std::chrono::milliseconds grace) {
  std::lock_guard lock(parts_.mu());
  CL_RETURN_IF_ERROR(parts_.check_live(name()));
  CL_RETURN_IF_ERROR(require_started(name(), state_));
  return stop_locked(grace);
}

Status OciInstance::update(const substrate::ResourceLimits& limits) {
  std::lock_guard lock(parts_.mu());
  CL_RETURN_IF_ERROR(parts_.check_live(name()));
  // Straight to cgroupfs (the group runc uses): validated like native, works in every state.
  CL_RETURN_IF_ERROR(parts_.set_limits(limits));
  substrate::merge_limits(setup_.spec.limits, limits);
  return ok_status();
}

Status OciInstance::pause() {
  std::lock_guard lock(parts_.mu());
  CL_RETURN_IF_ERROR(parts_.check_live(name()));
  refresh();
  CL_RETURN_IF_ERROR(require_state(name(), state_, InstanceState::kRunning));
  CL_RETURN_IF_ERROR(runc({"pause", id_}));
  state_ = InstanceState::kPaused;
  return ok_status();
}

Status OciInstance::resume() {
  std::lock_guard lock(parts_.mu());
  CL_RETURN_IF_ERROR(parts_.check_live(name()));
  CL_RETURN_IF_ERROR(require_state(name(), state_, InstanceState::kPaused));
  CL_RETURN_IF_ERROR(runc({"resume", id_}));
  state_ = InstanceState::kRunning;
  return ok_status();
}

Status OciInstance::destroy_locked() {
  if (!parts_.check_live(name()).ok()) {
    return ok_status();
  }
  Status first;
  auto note = [&first](Status s) { keep_first_error(first, std::move(s)); };
  note(stop_locked(std::chrono::milliseconds(0)));
  if (container_exists_) {
    auto deleted = runc({"delete", "--force", id_});
    if (!deleted.ok() && deleted.error().message.find("does not exist") == std::string::npos) {
      note(std::move(deleted).error());
    }
    container_exists_ = false;
  }
  if (mounted_) {
    std::string rootfs = bundle_ + "/rootfs";
    if (::umount2(rootfs.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
      note(errno_error(errno, fmt::format("umount {}", rootfs)));
    } else {
      note(parts_.run().journal().forget(ObjectKind::kMount, rootfs));
      mounted_ = false;
    }
  }
  if (!bundle_.empty() && !mounted_) {
    note(remove_tree(bundle_));
  }
  note(parts_.release());
  return first;
}

Result<InstanceStatus> OciInstance::snapshot(bool full) {
  std::lock_guard lock(parts_.mu());
  CL_RETURN_IF_ERROR(parts_.check_live(name()));
  refresh();
  InstanceStatus st;
  st.name = name();
  st.driver = "oci";
  st.image = setup_.spec.image;
  st.state = state_;
  bool alive = state_ == InstanceState::kRunning || state_ == InstanceState::kPaused;
  st.pid = alive ? pid_ : 0;
  st.hostname = setup_.spec.hostname;
  st.started_at = started_at_;
  CL_RETURN_IF_ERROR(full ? parts_.fill_status(st) : parts_.fill_usage(st));
  return st;
}

Result<ExecResult> OciInstance::exec(const std::vector<std::string>& argv,
                                     std::chrono::milliseconds timeout) {
  if (argv.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "exec needs a command");
  }
  substrate::SpawnSpec spec;
  {
    std::lock_guard lock(parts_.mu());
    CL_RETURN_IF_ERROR(parts_.check_live(name()));
    refresh();
    CL_RETURN_IF_ERROR(require_state(name(), state_, InstanceState::kRunning));
    // The container's environment, cwd and user come from its config.json.
    spec.argv = runc_argv({"exec", id_});
    spec.argv.insert(spec.argv.end(), argv.begin(), argv.end());
    spec.env = {kPathEnv};
  }
  // Without the lock: a long exec must not block the instance's other calls. runc's own errors
  // (no such executable, ...) come back in the output with a non-zero exit code.
  CL_ASSIGN_OR_RETURN(substrate::CommandOutput out, substrate::run_captured(spec, timeout));
  return ExecResult{out.exit_code, std::move(out.output), out.timed_out};
}

}  // namespace

Result<std::unique_ptr<ComputeInstance>> create_oci_instance(substrate::Run& run,
                                                             std::shared_ptr<LogPump> pump,
                                                             OciInstanceSetup setup) {
  const std::string context = fmt::format("creating instance '{}'", setup.spec.name);
  auto inst = std::make_unique<OciInstance>(run, std::move(pump), std::move(setup));
  if (Status made = inst->make(); !made.ok()) {
    return std::move(made).error().context(context);  // `inst` releases what was made
  }
  return std::unique_ptr<ComputeInstance>(std::move(inst));
}

}  // namespace chainlab::runtime::oci_internal
