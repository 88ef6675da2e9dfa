#include "runtime/native_driver.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "common/files.h"
#include "runtime/instance_net.h"

namespace chainlab::runtime {

using substrate::ObjectKind;

struct NativeDriver::Instance {
  InstanceSpec spec;
  std::unique_ptr<InstanceNet> net;  // namespace, interfaces, hosts file
  std::string cgroup_rel;            // relative to the process's own cgroup
  std::vector<std::string> cgroup_paths;
  std::unique_ptr<substrate::Cgroup> cgroup;
  std::shared_ptr<InstanceLog> log;
  std::optional<substrate::Process> process;
  std::string process_record;  // its journal id "<pid> <start time>"
  InstanceState state = InstanceState::kCreated;
  std::optional<int> exit_code;
  std::chrono::system_clock::time_point started_at{};
};

namespace {

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// PATH, HOME=/root, HOSTNAME, then the spec's env (a later key replaces an earlier one).
std::vector<std::string> environment(const InstanceSpec& spec) {
  std::vector<std::string> env = {
      std::string("PATH=") + kDefaultPath,
      "HOME=/root",
      "HOSTNAME=" + spec.hostname,
  };
  for (const auto& [key, value] : spec.env) {
    std::string prefix = key + "=";
    std::erase_if(env, [&](const std::string& e) { return e.rfind(prefix, 0) == 0; });
    env.push_back(prefix + value);
  }
  return env;
}

std::string path_of(const InstanceSpec& spec) {
  for (const auto& e : environment(spec)) {
    if (e.rfind("PATH=", 0) == 0) {
      return e.substr(5);
    }
  }
  return "";
}

// Before anything is created: a command that cannot run is a bad request.
Status validate_spec(const InstanceSpec& spec) {
  CL_RETURN_IF_ERROR(validate_instance_spec(spec));
  if (!spec.command.empty()) {
    auto found = substrate::find_executable(spec.command[0]);
    if (!found.ok()) {
      return make_error(ErrorCode::kInvalidArgument, "{}", found.error().message);
    }
  }
  if (!spec.program.empty()) {
    std::string path = path_of(spec);
    if (!substrate::find_executable_in(spec.program, path, "/").ok()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "command not found: '{}' is not an executable file{}", spec.program,
                        spec.program.find('/') == std::string::npos
                            ? fmt::format(" in PATH={}", path)
                            : std::string());
    }
  }
  return ok_status();
}

}  // namespace

NativeDriver::NativeDriver(substrate::Run& run, uint64_t log_bytes)
    : run_(run), log_bytes_(log_bytes) {}

NativeDriver::~NativeDriver() {
  std::lock_guard lock(mu_);
  for (auto& [name, inst] : instances_) {
    (void)destroy_locked(*inst);
  }
  instances_.clear();
}

Result<NativeDriver::Instance*> NativeDriver::find(std::string_view name) {
  auto it = instances_.find(name);
  if (it == instances_.end()) {
    return make_error(ErrorCode::kNotFound, "no instance named '{}'", name);
  }
  return it->second.get();
}

Status NativeDriver::create(const InstanceSpec& spec) {
  CL_RETURN_IF_ERROR(validate_spec(spec));
  std::lock_guard lock(mu_);
  if (instances_.count(spec.name) != 0) {
    return make_error(ErrorCode::kAlreadyExists, "instance '{}' already exists", spec.name);
  }
  if (!pump_) {
    CL_ASSIGN_OR_RETURN(pump_, LogPump::start());
  }
  auto inst = std::make_unique<Instance>();
  inst->spec = spec;
  if (inst->spec.hostname.empty()) {
    inst->spec.hostname = spec.name.substr(0, 64);
  }
  // From here on a failure destroys the partial instance (destroy_locked tolerates missing parts).
  auto fail = [&](Error e) -> Status {
    (void)destroy_locked(*inst);
    return std::move(e).context(fmt::format("creating instance '{}'", spec.name));
  };
  auto& journal = run_.journal();
  auto net = InstanceNet::create(run_, spec.name, inst->spec.hostname, spec.hosts_file);
  if (!net.ok()) {
    return fail(std::move(net).error());
  }
  inst->net = std::move(net).value();

  inst->cgroup_rel = fmt::format("{}/{}", run_.cgroup_base(), run_.names().next('g'));
  inst->cgroup_paths = run_.cgroups().paths_for(inst->cgroup_rel);
  for (const auto& path : inst->cgroup_paths) {
    if (auto s = journal.record(ObjectKind::kCgroup, path); !s.ok()) {
      return fail(std::move(s).error());
    }
  }
  auto cg = run_.cgroups().create(inst->cgroup_rel);
  if (!cg.ok()) {
    return fail(std::move(cg).error());
  }
  inst->cgroup = std::move(cg).value();
  if (auto s = inst->cgroup->set_limits(spec.limits); !s.ok()) {
    return fail(std::move(s).error());
  }

  if (auto s = ensure_dir(run_.dir() + "/logs"); !s.ok()) {
    return fail(std::move(s).error());
  }
  auto log = InstanceLog::create(fmt::format("{}/logs/{}.log", run_.dir(), inst->net->netns()),
                                 log_bytes_);
  if (!log.ok()) {
    return fail(std::move(log).error());
  }
  inst->log = std::move(log).value();
  instances_.emplace(spec.name, std::move(inst));
  return ok_status();
}

Status NativeDriver::start(std::string_view name) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(Instance * inst, find(name));
  refresh(*inst);
  if (inst->state == InstanceState::kRunning || inst->state == InstanceState::kPaused) {
    return make_error(ErrorCode::kFailedPrecondition, "instance '{}' is already {}", name,
                      instance_state_name(inst->state));
  }
  substrate::SpawnSpec spawn;
  spawn.argv = inst->spec.command.empty() ? std::vector<std::string>{"sleep", "infinity"}
                                          : inst->spec.command;
  spawn.env = environment(inst->spec);
  spawn.cwd = "/";
  spawn.netns_path = inst->net->netns_path();
  spawn.new_uts = true;
  spawn.hostname = inst->spec.hostname;
  spawn.new_mount = true;
  spawn.hosts_file = inst->net->hosts_path();
  // No private /sys: mounting sysfs in a namespace that already has interfaces costs ~30 ms per
  // instance here (measured); tools use netlink and /proc/net, which are per-namespace already.
  spawn.mount_sysfs = false;
  spawn.cgroup_procs_files = inst->cgroup->procs_files();
  CL_ASSIGN_OR_RETURN(UniqueFd output, pump_->attach(inst->log));
  spawn.stdout_fd = output.get();
  spawn.stderr_fd = output.get();
  auto proc = substrate::spawn(spawn);
  output.reset();  // the child holds it now; EOF once it and its children are gone
  if (!proc.ok()) {
    pump_->detach(*inst->log);
    return std::move(proc).error().context(fmt::format("starting instance '{}'", name));
  }
  CL_ASSIGN_OR_RETURN(unsigned long long start_time, substrate::process_start_time(proc->pid()));
  // Recorded after the fact: the process is in the run's cgroup, which cleanup kills anyway.
  inst->process_record = fmt::format("{} {}", proc->pid(), start_time);
  inst->process = std::move(proc).value();
  CL_RETURN_IF_ERROR(run_.journal().record(ObjectKind::kProcess, inst->process_record));
  inst->state = InstanceState::kRunning;
  inst->exit_code.reset();
  inst->started_at = std::chrono::system_clock::now();
  return ok_status();
}

void NativeDriver::refresh(Instance& inst) {
  if (!inst.process || (inst.state != InstanceState::kRunning)) {
    return;
  }
  auto code = inst.process->wait(std::chrono::milliseconds(0));
  if (code.ok() && code->has_value()) {
    inst.exit_code = **code;
    inst.state = InstanceState::kExited;
    pump_->drain(*inst.log);  // once reported exited, what it wrote is in its log
  }
}

Status NativeDriver::stop_locked(Instance& inst, std::chrono::milliseconds grace) {
  refresh(inst);
  if (inst.state == InstanceState::kPaused) {
    CL_RETURN_IF_ERROR(inst.cgroup->freeze(false));
    inst.state = InstanceState::kRunning;
  }
  if (inst.process && inst.state == InstanceState::kRunning) {
    if (grace.count() > 0) {
      (void)inst.process->signal(SIGTERM, /*group=*/true);
      CL_ASSIGN_OR_RETURN(std::optional<int> code, inst.process->wait(grace));
      if (code) {
        inst.exit_code = *code;
      }
    }
  }
  // Whatever is left in the cgroup (the main process, daemons it forked) is killed.
  CL_RETURN_IF_ERROR(inst.cgroup->kill_all());
  if (inst.process && !inst.exit_code) {
    CL_ASSIGN_OR_RETURN(std::optional<int> code, inst.process->wait(std::chrono::seconds(5)));
    inst.exit_code = code;
  }
  if (!inst.process_record.empty()) {
    CL_RETURN_IF_ERROR(run_.journal().forget(ObjectKind::kProcess, inst.process_record));
    inst.process_record.clear();
  }
  inst.process.reset();
  inst.state =
      inst.state == InstanceState::kCreated ? InstanceState::kCreated : InstanceState::kStopped;
  return ok_status();
}

Status NativeDriver::stop(std::string_view name, std::chrono::milliseconds grace) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(Instance * inst, find(name));
  if (inst->state == InstanceState::kCreated) {
    return make_error(ErrorCode::kFailedPrecondition, "instance '{}' was never started", name);
  }
  return stop_locked(*inst, grace);
}

Status NativeDriver::update(std::string_view name, const substrate::ResourceLimits& limits) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(Instance * inst, find(name));
  CL_RETURN_IF_ERROR(inst->cgroup->set_limits(limits));
  substrate::merge_limits(inst->spec.limits, limits);
  return ok_status();
}

Status NativeDriver::pause(std::string_view name) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(Instance * inst, find(name));
  refresh(*inst);
  CL_RETURN_IF_ERROR(require_state(name, inst->state, InstanceState::kRunning));
  CL_RETURN_IF_ERROR(inst->cgroup->freeze(true));
  inst->state = InstanceState::kPaused;
  return ok_status();
}

Status NativeDriver::resume(std::string_view name) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(Instance * inst, find(name));
  CL_RETURN_IF_ERROR(require_state(name, inst->state, InstanceState::kPaused));
  CL_RETURN_IF_ERROR(inst->cgroup->freeze(false));
  inst->state = InstanceState::kRunning;
  return ok_status();
}

Status NativeDriver::destroy_locked(Instance& inst) {
  auto& journal = run_.journal();
  Status first;
  auto note = [&first](Status s) {
    if (!s.ok() && first.ok()) {
      first = std::move(s);
    }
  };
  if (inst.cgroup) {
    note(stop_locked(inst, std::chrono::milliseconds(0)));
    note(inst.cgroup->remove());
    inst.cgroup.reset();
  }
  for (const auto& path : inst.cgroup_paths) {
    note(journal.forget(ObjectKind::kCgroup, path));
  }
  if (inst.net) {
    note(inst.net->release());
  }
  if (inst.log) {
    pump_->detach(*inst.log);
    inst.log->remove();
  }
  return first;
}

Status NativeDriver::destroy(std::string_view name) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(Instance * inst, find(name));
  Status s = destroy_locked(*inst);
  instances_.erase(instances_.find(name));
  return s;
}

Result<InstanceStatus> NativeDriver::status(std::string_view name) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(Instance * inst, find(name));
  refresh(*inst);
  InstanceStatus st;
  st.name = inst->spec.name;
  st.driver = "native";
  st.image = inst->spec.image;
  st.state = inst->state;
  bool alive = inst->state == InstanceState::kRunning || inst->state == InstanceState::kPaused;
  st.pid = alive && inst->process ? inst->process->pid() : 0;
  st.exit_code = inst->exit_code;
  st.netns = inst->net->netns();
  st.hostname = inst->spec.hostname;
  st.interfaces = inst->net->interfaces();
  st.started_at = inst->started_at;
  CL_ASSIGN_OR_RETURN(st.limits, inst->cgroup->limits());
  CL_ASSIGN_OR_RETURN(st.stats, inst->cgroup->stats());
  return st;
}

std::vector<std::string> NativeDriver::list() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> names;
  for (const auto& [name, inst] : instances_) {
    names.push_back(name);
  }
  return names;
}

Result<InterfaceStatus> NativeDriver::add_interface(std::string_view name,
                                                    const InterfaceSpec& intf) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(Instance * inst, find(name));
  return inst->net->add_interface(intf);
}

Status NativeDriver::remove_interface(std::string_view name, std::string_view intf) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(Instance * inst, find(name));
  return inst->net->remove_interface(intf);
}

Result<ExecResult> NativeDriver::exec(std::string_view name, const std::vector<std::string>& argv,
                                      std::chrono::milliseconds timeout) {
  substrate::SpawnSpec spec;
  {
    std::lock_guard lock(mu_);
    CL_ASSIGN_OR_RETURN(Instance * inst, find(name));
    refresh(*inst);
    CL_RETURN_IF_ERROR(require_state(name, inst->state, InstanceState::kRunning));
    spec.argv = argv;
    spec.env = environment(inst->spec);
    spec.join_pid = inst->process->pid();
    spec.cgroup_procs_files = inst->cgroup->procs_files();
  }
  // Runs without the lock: a long exec must not block the control plane.
  CL_ASSIGN_OR_RETURN(substrate::CommandOutput out, substrate::run_captured(spec, timeout));
  return ExecResult{out.exit_code, std::move(out.output), out.timed_out};
}

Result<std::shared_ptr<InstanceLog>> NativeDriver::log(std::string_view name) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(Instance * inst, find(name));
  return inst->log;
}

}  // namespace chainlab::runtime
