#include "runtime/oci_driver.h"

#include <poll.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "common/fd.h"
#include "common/files.h"
#include "runtime/instance_net.h"
#include "runtime/layer_lookup.h"
#include "runtime/oci_bundle.h"
#include "substrate/cgroup_parse.h"
#include "substrate/process.h"

namespace chainlab::runtime {

using substrate::ObjectKind;

struct OciDriver::Instance {
  InstanceSpec spec;
  ImageInfo image;
  std::string id;  // runc container id (the netns kernel name: unique, short)
  std::unique_ptr<InstanceNet> net;
  std::string cgroup_rel;                 // relative to the process's (and runc's) own cgroup
  std::vector<std::string> cgroup_paths;  // journaled: ours and those runc adds (v1)
  std::unique_ptr<substrate::Cgroup> cgroup;
  std::string bundle;  // <run dir>/oci/<id>
  bool mounted = false;
  std::shared_ptr<InstanceLog> log;
  bool container_exists = false;  // known to runc (created, not deleted)
  pid_t pid = 0;                  // container init while running or paused
  UniqueFd pidfd;                 // of `pid`: readable once it has exited
  std::string process_record;     // its journal id "<pid> <start time>"
  InstanceState state = InstanceState::kCreated;
  std::chrono::system_clock::time_point started_at{};
};

namespace {

namespace cg = substrate::cgroup_internal;

// Directories runc (cgroupfs driver, relative cgroupsPath) makes on a v1 host beyond the
// controllers CgroupHost uses: one per mounted hierarchy (devices, pids, name=systemd, ...), and
// the unified one on hybrid hosts.
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

// The programs the container will start exist in the image (its PATH, its working directory).
Status check_programs(const ImageInfo& image, const InstanceSpec& spec,
                      const std::vector<std::string>& args) {
  std::string path;
  for (const auto& e : oci_process_env(image.config, spec.env, spec.hostname)) {
    if (e.rfind("PATH=", 0) == 0) {
      path = e.substr(5);
    }
  }
  std::string cwd = image.config.working_dir.empty() ? "/" : image.config.working_dir;
  CL_RETURN_IF_ERROR(find_program_in_layers(image.layer_dirs, args[0], path, cwd));
  if (!spec.program.empty()) {
    CL_RETURN_IF_ERROR(find_program_in_layers(image.layer_dirs, spec.program, path, cwd));
  }
  return ok_status();
}

}  // namespace

OciDriver::OciDriver(substrate::Run& run, ImageResolver resolve, std::string runc,
                     uint64_t log_bytes)
    : run_(run), resolve_(std::move(resolve)), runc_(std::move(runc)), log_bytes_(log_bytes) {
  if (auto path = substrate::find_executable(runc_); path.ok()) {
    runc_ = std::move(path).value();
  }
}

OciDriver::~OciDriver() {
  std::lock_guard lock(mu_);
  for (auto& [name, inst] : instances_) {
    (void)destroy_locked(*inst);
  }
  instances_.clear();
}

std::string OciDriver::runc_root() const {
  return run_.dir() + "/runc";
}

Result<std::string> OciDriver::runc(const std::vector<std::string>& args,
                                    std::chrono::milliseconds timeout) {
  substrate::SpawnSpec spec;
  spec.argv = {runc_, "--root", runc_root()};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
  CL_ASSIGN_OR_RETURN(substrate::CommandOutput out, substrate::run_captured(spec, timeout));
  if (out.timed_out || out.exit_code != 0) {
    return make_error(ErrorCode::kInternal, "runc {} {}: {}", args.empty() ? "" : args[0],
                      out.timed_out ? "timed out" : fmt::format("exited {}", out.exit_code),
                      trim(out.output));
  }
  return std::move(out.output);
}

Result<OciDriver::Instance*> OciDriver::find(std::string_view name) {
  auto it = instances_.find(name);
  if (it == instances_.end()) {
    return make_error(ErrorCode::kNotFound, "no instance named '{}'", name);
  }
  return it->second.get();
}

Status OciDriver::create(const InstanceSpec& spec) {
  CL_RETURN_IF_ERROR(validate_instance_spec(spec));
  if (!substrate::find_executable(runc_).ok()) {
    return make_error(ErrorCode::kUnavailable,
                      "the oci driver needs runc ('{}' not found; scripts/install-deps.sh installs "
                      "it)",
                      runc_);
  }
  CL_ASSIGN_OR_RETURN(ImageInfo image, resolve_(spec.image));
  if (image.layer_dirs.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "image '{}' has no layers", spec.image);
  }
  // The process (args, its program, user) is checked before anything is allocated.
  CL_ASSIGN_OR_RETURN(std::vector<std::string> args, oci_process_args(image.config, spec.command));
  CL_RETURN_IF_ERROR(check_programs(image, spec, args));
  CL_RETURN_IF_ERROR(oci_user(image.config.user));

  std::lock_guard lock(mu_);
  if (instances_.count(spec.name) != 0) {
    return make_error(ErrorCode::kAlreadyExists, "instance '{}' already exists", spec.name);
  }
  if (!pump_) {
    CL_ASSIGN_OR_RETURN(pump_, LogPump::start());
  }
  auto inst = std::make_unique<Instance>();
  inst->spec = spec;
  inst->image = std::move(image);
  if (inst->spec.hostname.empty()) {
    inst->spec.hostname = spec.name.substr(0, 64);
  }
  auto fail = [&](Error e) -> Status {
    (void)destroy_locked(*inst);
    return std::move(e).context(fmt::format("creating instance '{}'", spec.name));
  };
  auto net = InstanceNet::create(run_, spec.name, inst->spec.hostname, spec.hosts_file);
  if (!net.ok()) {
    return fail(std::move(net).error());
  }
  inst->net = std::move(net).value();
  inst->id = inst->net->netns();

  // The cgroup: made (and limits validated) by us, then used by runc through the same relative
  // path; runc adds directories in the hierarchies we do not use, recorded here as well.
  auto& journal = run_.journal();
  if (run_.cgroups().version() == 1 && !parents_recorded_) {
    for (const auto& dir : runc_cgroup_dirs(run_.cgroup_base())) {
      if (auto s = journal.record(ObjectKind::kCgroup, dir); !s.ok()) {
        return fail(std::move(s).error());
      }
    }
    parents_recorded_ = true;
  }
  inst->cgroup_rel = fmt::format("{}/{}", run_.cgroup_base(), run_.names().next('g'));
  inst->cgroup_paths = run_.cgroups().paths_for(inst->cgroup_rel);
  if (run_.cgroups().version() == 1) {
    for (auto& dir : runc_cgroup_dirs(inst->cgroup_rel)) {
      if (std::find(inst->cgroup_paths.begin(), inst->cgroup_paths.end(), dir) ==
          inst->cgroup_paths.end()) {
        inst->cgroup_paths.push_back(std::move(dir));
      }
    }
  }
  for (const auto& path : inst->cgroup_paths) {
    if (auto s = journal.record(ObjectKind::kCgroup, path); !s.ok()) {
      return fail(std::move(s).error());
    }
  }
  auto group = run_.cgroups().create(inst->cgroup_rel);
  if (!group.ok()) {
    return fail(std::move(group).error());
  }
  inst->cgroup = std::move(group).value();
  if (auto s = inst->cgroup->set_limits(spec.limits); !s.ok()) {
    return fail(std::move(s).error());
  }

  if (auto s = prepare_rootfs(*inst); !s.ok()) {
    return fail(std::move(s).error());
  }
  OciBundleSpec bundle;
  bundle.image = inst->image.config;
  bundle.command = spec.command;
  bundle.env = spec.env;
  bundle.hostname = inst->spec.hostname;
  bundle.rootfs = inst->bundle + "/rootfs";
  bundle.netns_path = inst->net->netns_path();
  bundle.hosts_file = inst->net->hosts_path();
  if (::access("/etc/resolv.conf", R_OK) == 0) {
    bundle.resolv_conf = "/etc/resolv.conf";
  }
  bundle.cgroups_path = inst->cgroup_rel;
  bundle.limits = spec.limits;
  auto config = make_oci_config(bundle);
  if (!config.ok()) {
    return fail(std::move(config).error());
  }
  if (auto s = write_file(inst->bundle + "/config.json", config->dump(2) + "\n", true); !s.ok()) {
    return fail(std::move(s).error());
  }
  if (auto s = ensure_dir(run_.dir() + "/logs"); !s.ok()) {
    return fail(std::move(s).error());
  }
  auto log = InstanceLog::create(fmt::format("{}/logs/{}.log", run_.dir(), inst->id), log_bytes_);
  if (!log.ok()) {
    return fail(std::move(log).error());
  }
  inst->log = std::move(log).value();
  instances_.emplace(spec.name, std::move(inst));
  return ok_status();
}

// <bundle>/{upper,work,rootfs}, rootfs an overlay of the image's layers (highest first).
Status OciDriver::prepare_rootfs(Instance& inst) {
  CL_RETURN_IF_ERROR(ensure_dir(run_.dir() + "/oci"));
  inst.bundle = fmt::format("{}/oci/{}", run_.dir(), inst.id);
  for (const char* sub : {"", "/upper", "/work", "/rootfs"}) {
    CL_RETURN_IF_ERROR(ensure_dir(inst.bundle + sub));
  }
  std::string lower;
  for (auto it = inst.image.layer_dirs.rbegin(); it != inst.image.layer_dirs.rend(); ++it) {
    if (it->find_first_of(":,") != std::string::npos) {
      return make_error(ErrorCode::kInvalidArgument, "layer path '{}' contains ':' or ','", *it);
    }
    lower += (lower.empty() ? "" : ":") + *it;
  }
  std::string options =
      fmt::format("lowerdir={},upperdir={}/upper,workdir={}/work", lower, inst.bundle, inst.bundle);
  if (options.size() >= 4000) {
    return make_error(ErrorCode::kInvalidArgument,
                      "image has too many layers for one overlay mount ({} bytes of options)",
                      options.size());
  }
  std::string rootfs = inst.bundle + "/rootfs";
  CL_RETURN_IF_ERROR(run_.journal().record(ObjectKind::kMount, rootfs));
  if (::mount("overlay", rootfs.c_str(), "overlay", 0, options.c_str()) != 0) {
    Error e = errno_error(errno, fmt::format("mount overlay on {}", rootfs));
    (void)run_.journal().forget(ObjectKind::kMount, rootfs);
    return e;
  }
  inst.mounted = true;
  return ok_status();
}

Status OciDriver::start(std::string_view name) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(Instance * inst, find(name));
  refresh(*inst);
  if (inst->state == InstanceState::kRunning || inst->state == InstanceState::kPaused) {
    return make_error(ErrorCode::kFailedPrecondition, "instance '{}' is already {}", name,
                      instance_state_name(inst->state));
  }
  auto context = fmt::format("starting instance '{}'", name);
  if (inst->container_exists) {  // a restart: the old container goes, the file system stays
    CL_RETURN_IF_ERROR(runc({"delete", "--force", inst->id}));
    inst->container_exists = false;
  }
  std::string pid_file = inst->bundle + "/pid";
  ::unlink(pid_file.c_str());
  uint64_t log_start = inst->log->span().end;
  // runc passes its stdout/stderr (the log's pipe) through to the container; its own errors land
  // there too, after `log_start`.
  substrate::SpawnSpec spawn;
  spawn.argv = {runc_,        "--root", runc_root(), "run",        "--detach",
                "--pid-file", pid_file, "--bundle",  inst->bundle, inst->id};
  spawn.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
  CL_ASSIGN_OR_RETURN(UniqueFd output, pump_->attach(inst->log));
  spawn.stdout_fd = output.get();
  spawn.stderr_fd = output.get();
  auto proc = substrate::spawn(spawn);
  output.reset();
  if (!proc.ok()) {
    pump_->detach(*inst->log);
    return std::move(proc).error().context(context);
  }
  CL_ASSIGN_OR_RETURN(std::optional<int> code, proc->wait(std::chrono::seconds(60)));
  inst->container_exists = true;  // even a failed run may leave a container to delete
  if (!code || *code != 0) {
    if (!code) {
      (void)proc->signal(SIGKILL);
      (void)proc->wait(std::chrono::seconds(5));
    }
    pump_->drain(*inst->log);
    std::string out = inst->log->read(log_start, 4096).value_or(InstanceLog::Chunk{}).data;
    return make_error(ErrorCode::kInternal, "{}: runc run {}: {}", context,
                      code ? fmt::format("exited {}", *code) : std::string("timed out"), trim(out));
  }
  CL_ASSIGN_OR_RETURN(std::string pid_text, read_file(pid_file));
  pid_t pid = static_cast<pid_t>(std::strtol(std::string(trim(pid_text)).c_str(), nullptr, 10));
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (pid <= 0 || !pidfd.valid()) {
    pump_->drain(*inst->log);
    std::string tail = inst->log->tail_bytes(2000).value_or("");
    return make_error(ErrorCode::kInternal, "{}: container process {} is gone at once; log: {}",
                      context, pid_text, trim(tail));
  }
  CL_ASSIGN_OR_RETURN(unsigned long long start_time, substrate::process_start_time(pid));
  // Recorded after the fact like native: the process is in the run's cgroup, which cleanup kills.
  inst->process_record = fmt::format("{} {}", pid, start_time);
  CL_RETURN_IF_ERROR(run_.journal().record(ObjectKind::kProcess, inst->process_record));
  inst->pid = pid;
  inst->pidfd = std::move(pidfd);
  inst->state = InstanceState::kRunning;
  inst->started_at = std::chrono::system_clock::now();
  return ok_status();
}

void OciDriver::refresh(Instance& inst) {
  if (inst.state == InstanceState::kRunning && inst.pidfd.valid() && exited(inst.pidfd.get())) {
    inst.state = InstanceState::kExited;  // the exit code went to runc's reaper, not to us
    pump_->drain(*inst.log);              // once reported exited, what it wrote is in its log
  }
}

Status OciDriver::stop_locked(Instance& inst, std::chrono::milliseconds grace) {
  refresh(inst);
  if (inst.state == InstanceState::kPaused) {
    CL_RETURN_IF_ERROR(runc({"resume", inst.id}));
    inst.state = InstanceState::kRunning;
  }
  if (inst.state == InstanceState::kRunning && inst.pidfd.valid()) {
    if (grace.count() > 0) {
      (void)runc({"kill", inst.id, "TERM"});
      wait_exit(inst.pidfd.get(), grace);
    }
    if (!exited(inst.pidfd.get())) {
      (void)runc({"kill", "--all", inst.id, "KILL"});
      if (!wait_exit(inst.pidfd.get(), std::chrono::seconds(5))) {
        return make_error(ErrorCode::kInternal, "container {} survived SIGKILL", inst.id);
      }
    }
  }
  // Whatever is left in the cgroup (processes `runc exec` started) goes too.
  if (inst.cgroup) {
    CL_RETURN_IF_ERROR(inst.cgroup->kill_all());
  }
  if (!inst.process_record.empty()) {
    CL_RETURN_IF_ERROR(run_.journal().forget(ObjectKind::kProcess, inst.process_record));
    inst.process_record.clear();
  }
  inst.pidfd.reset();
  inst.pid = 0;
  if (inst.state != InstanceState::kCreated) {
    inst.state = InstanceState::kStopped;
  }
  return ok_status();
}

Status OciDriver::stop(std::string_view name, std::chrono::milliseconds grace) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(Instance * inst, find(name));
  if (inst->state == InstanceState::kCreated) {
    return make_error(ErrorCode::kFailedPrecondition, "instance '{}' was never started", name);
  }
  return stop_locked(*inst, grace);
}

Status OciDriver::update(std::string_view name, const substrate::ResourceLimits& limits) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(Instance * inst, find(name));
  // Straight to cgroupfs (the group runc uses): validated like native, works in every state.
  CL_RETURN_IF_ERROR(inst->cgroup->set_limits(limits));
  substrate::merge_limits(inst->spec.limits, limits);
  return ok_status();
}

Status OciDriver::pause(std::string_view name) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(Instance * inst, find(name));
  refresh(*inst);
  CL_RETURN_IF_ERROR(require_state(name, inst->state, InstanceState::kRunning));
  CL_RETURN_IF_ERROR(runc({"pause", inst->id}));
  inst->state = InstanceState::kPaused;
  return ok_status();
}

Status OciDriver::resume(std::string_view name) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(Instance * inst, find(name));
  CL_RETURN_IF_ERROR(require_state(name, inst->state, InstanceState::kPaused));
  CL_RETURN_IF_ERROR(runc({"resume", inst->id}));
  inst->state = InstanceState::kRunning;
  return ok_status();
}

Status OciDriver::destroy_locked(Instance& inst) {
  auto& journal = run_.journal();
  Status first;
  auto note = [&first](Status s) {
    if (!s.ok() && first.ok()) {
      first = std::move(s);
    }
  };
  note(stop_locked(inst, std::chrono::milliseconds(0)));
  if (inst.container_exists) {
    auto deleted = runc({"delete", "--force", inst.id});
    if (!deleted.ok() && deleted.error().message.find("does not exist") == std::string::npos) {
      note(std::move(deleted).error());
    }
    inst.container_exists = false;
  }
  if (inst.mounted) {
    std::string rootfs = inst.bundle + "/rootfs";
    if (::umount2(rootfs.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
      note(errno_error(errno, fmt::format("umount {}", rootfs)));
    } else {
      note(journal.forget(ObjectKind::kMount, rootfs));
      inst.mounted = false;
    }
  }
  if (!inst.bundle.empty() && !inst.mounted) {
    note(remove_tree(inst.bundle));
  }
  if (inst.cgroup) {
    note(inst.cgroup->remove());
    inst.cgroup.reset();
  }
  for (const auto& path : inst.cgroup_paths) {
    auto removed = substrate::remove_cgroup_tree(path);  // runc's extra hierarchies
    if (!removed.ok()) {
      note(std::move(removed).error());
    }
    note(journal.forget(ObjectKind::kCgroup, path));
  }
  inst.cgroup_paths.clear();
  if (inst.net) {
    note(inst.net->release());
  }
  if (inst.log) {
    pump_->detach(*inst.log);
    inst.log->remove();
  }
  return first;
}

Status OciDriver::destroy(std::string_view name) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(Instance * inst, find(name));
  Status s = destroy_locked(*inst);
  instances_.erase(instances_.find(name));
  return s;
}

Result<InstanceStatus> OciDriver::status(std::string_view name) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(Instance * inst, find(name));
  refresh(*inst);
  InstanceStatus st;
  st.name = inst->spec.name;
  st.driver = "oci";
  st.image = inst->spec.image;
  st.state = inst->state;
  bool alive = inst->state == InstanceState::kRunning || inst->state == InstanceState::kPaused;
  st.pid = alive ? inst->pid : 0;
  st.netns = inst->net->netns();
  st.hostname = inst->spec.hostname;
  st.interfaces = inst->net->interfaces();
  st.started_at = inst->started_at;
  CL_ASSIGN_OR_RETURN(st.limits, inst->cgroup->limits());
  CL_ASSIGN_OR_RETURN(st.stats, inst->cgroup->stats());
  return st;
}

std::vector<std::string> OciDriver::list() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> names;
  for (const auto& [name, inst] : instances_) {
    names.push_back(name);
  }
  return names;
}

Result<InterfaceStatus> OciDriver::add_interface(std::string_view name, const InterfaceSpec& intf) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(Instance * inst, find(name));
  return inst->net->add_interface(intf);
}

Status OciDriver::remove_interface(std::string_view name, std::string_view intf) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(Instance * inst, find(name));
  return inst->net->remove_interface(intf);
}

Result<ExecResult> OciDriver::exec(std::string_view name, const std::vector<std::string>& argv,
                                   std::chrono::milliseconds timeout) {
  if (argv.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "exec needs a command");
  }
  substrate::SpawnSpec spec;
  {
    std::lock_guard lock(mu_);
    CL_ASSIGN_OR_RETURN(Instance * inst, find(name));
    refresh(*inst);
    CL_RETURN_IF_ERROR(require_state(name, inst->state, InstanceState::kRunning));
    // The container's environment, cwd and user come from its config.json.
    spec.argv = {runc_, "--root", runc_root(), "exec", inst->id};
    spec.argv.insert(spec.argv.end(), argv.begin(), argv.end());
    spec.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
  }
  // Without the lock: a long exec must not block the control plane. runc's own errors (no such
  // executable, ...) come back in the output with a non-zero exit code.
  CL_ASSIGN_OR_RETURN(substrate::CommandOutput out, substrate::run_captured(spec, timeout));
  return ExecResult{out.exit_code, std::move(out.output), out.timed_out};
}

Result<std::shared_ptr<InstanceLog>> OciDriver::log(std::string_view name) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(Instance * inst, find(name));
  return inst->log;
}

}  // namespace chainlab::runtime
