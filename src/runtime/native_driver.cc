#include "runtime/native_driver.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "common/files.h"
#include "runtime/instance_net.h"
#include "runtime/instance_parts.h"
#include "substrate/process.h"

namespace chainlab::runtime {

using substrate::ObjectKind;

namespace {

// PATH, HOME=/root, HOSTNAME, then the spec's env (a later key replaces an earlier one).
std::vector<std::string> environment(const InstanceSpec& spec) {
  std::vector<std::string> env = {
      fmt::format("PATH={}", substrate::kStandardPath),
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

class NativeInstance final : public PartsInstance {
 public:
  NativeInstance(substrate::Run& run, std::shared_ptr<LogPump> pump, InstanceSpec spec)
      : PartsInstance(run, std::move(pump)), spec_(std::move(spec)) {}
  ~NativeInstance() override { (void)destroy(); }

  // Everything but the process; on failure the destructor releases what was made.
  Status make(uint64_t log_bytes) {
    CL_RETURN_IF_ERROR(parts_.create_net(spec_));
    CL_RETURN_IF_ERROR(parts_.create_cgroup(spec_.limits));
    return parts_.create_log(log_bytes);
  }

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
  // status() (full) or usage(): the latter reads only what a monitor samples.
  Result<InstanceStatus> snapshot(bool full);
  const std::string& instance_name() const override { return spec_.name; }
  // Reaps the main process if it has exited (state kExited, exit code kept, its output drained
  // into the log).
  void refresh();
  Status stop_locked(std::chrono::milliseconds grace);
  Status destroy_locked() override;

  InstanceSpec spec_;
  std::optional<substrate::Process> process_;
  std::string process_record_;  // its journal id "<pid> <start time>"
  InstanceState state_ = InstanceState::kCreated;
  std::optional<int> exit_code_;
  std::chrono::system_clock::time_point started_at_{};
};

Status NativeInstance::start() {
  std::lock_guard lock(parts_.mu());
  CL_RETURN_IF_ERROR(parts_.check_live(spec_.name));
  refresh();
  CL_RETURN_IF_ERROR(require_startable(spec_.name, state_));
  substrate::SpawnSpec spawn;
  spawn.argv =
      spec_.command.empty() ? std::vector<std::string>{"sleep", "infinity"} : spec_.command;
  spawn.env = environment(spec_);
  spawn.cwd = "/";
  spawn.netns_path = parts_.net().netns_path();
  spawn.new_uts = true;
  spawn.hostname = spec_.hostname;
  spawn.new_mount = true;
  spawn.hosts_file = parts_.net().hosts_path();
  // No private /sys: mounting sysfs in a namespace that already has interfaces costs ~30 ms per
  // instance here (measured); tools use netlink and /proc/net, which are per-namespace already.
  spawn.mount_sysfs = false;
  spawn.cgroup_procs_files = parts_.cgroup().procs_files();
  CL_ASSIGN_OR_RETURN(UniqueFd output, parts_.pump().attach(parts_.log()));
  spawn.stdout_fd = output.get();
  spawn.stderr_fd = output.get();
  auto proc = substrate::spawn(spawn);
  output.reset();  // the child holds it now; EOF once it and its children are gone
  if (!proc.ok()) {
    parts_.pump().detach(*parts_.log());
    return std::move(proc).error().context(fmt::format("starting instance '{}'", spec_.name));
  }
  CL_ASSIGN_OR_RETURN(unsigned long long start_time, substrate::process_start_time(proc->pid()));
  // Recorded after the fact: the process is in the run's cgroup, which cleanup kills anyway.
  process_record_ = fmt::format("{} {}", proc->pid(), start_time);
  process_ = std::move(proc).value();
  CL_RETURN_IF_ERROR(parts_.run().journal().record(ObjectKind::kProcess, process_record_));
  state_ = InstanceState::kRunning;
  exit_code_.reset();
  started_at_ = std::chrono::system_clock::now();
  return ok_status();
}

void NativeInstance::refresh() {
  if (!process_ || (state_ != InstanceState::kRunning)) {
    return;
  }
  auto code = process_->wait(std::chrono::milliseconds(0));
  if (code.ok() && code->has_value()) {
    exit_code_ = **code;
    state_ = InstanceState::kExited;
    parts_.pump().drain(*parts_.log());  // once reported exited, what it wrote is in its log
  }
}

Status NativeInstance::stop_locked(std::chrono::milliseconds grace) {
  refresh();
  if (state_ == InstanceState::kPaused) {
    CL_RETURN_IF_ERROR(parts_.cgroup().freeze(false));
    state_ = InstanceState::kRunning;
  }
  if (process_ && state_ == InstanceState::kRunning && grace.count() > 0) {
    (void)process_->signal(SIGTERM, /*group=*/true);
    CL_ASSIGN_OR_RETURN(std::optional<int> code, process_->wait(grace));
    if (code) {
      exit_code_ = *code;
    }
  }
  // Whatever is left in the cgroup (the main process, daemons it forked) is killed.
  CL_RETURN_IF_ERROR(parts_.cgroup().kill_all());
  if (process_ && !exit_code_) {
    CL_ASSIGN_OR_RETURN(std::optional<int> code, process_->wait(std::chrono::seconds(5)));
    exit_code_ = code;
  }
  if (!process_record_.empty()) {
    CL_RETURN_IF_ERROR(parts_.run().journal().forget(ObjectKind::kProcess, process_record_));
    process_record_.clear();
  }
  process_.reset();
  state_ = state_ == InstanceState::kCreated ? InstanceState::kCreated : InstanceState::kStopped;
  return ok_status();
}

Status NativeInstance::stop(std::chrono::milliseconds grace) {
  std::lock_guard lock(parts_.mu());
  CL_RETURN_IF_ERROR(parts_.check_live(spec_.name));
  CL_RETURN_IF_ERROR(require_started(spec_.name, state_));
  return stop_locked(grace);
}

Status NativeInstance::update(const substrate::ResourceLimits& limits) {
  std::lock_guard lock(parts_.mu());
  CL_RETURN_IF_ERROR(parts_.check_live(spec_.name));
  CL_RETURN_IF_ERROR(parts_.set_limits(limits));
  substrate::merge_limits(spec_.limits, limits);
  return ok_status();
}

Status NativeInstance::pause() {
  std::lock_guard lock(parts_.mu());
  CL_RETURN_IF_ERROR(parts_.check_live(spec_.name));
  refresh();
  CL_RETURN_IF_ERROR(require_state(spec_.name, state_, InstanceState::kRunning));
  CL_RETURN_IF_ERROR(parts_.cgroup().freeze(true));
  state_ = InstanceState::kPaused;
  return ok_status();
}

Status NativeInstance::resume() {
  std::lock_guard lock(parts_.mu());
  CL_RETURN_IF_ERROR(parts_.check_live(spec_.name));
  CL_RETURN_IF_ERROR(require_state(spec_.name, state_, InstanceState::kPaused));
  CL_RETURN_IF_ERROR(parts_.cgroup().freeze(false));
  state_ = InstanceState::kRunning;
  return ok_status();
}

Status NativeInstance::destroy_locked() {
  if (!parts_.check_live(spec_.name).ok()) {
    return ok_status();
  }
  Status stopped = ok_status();
  if (parts_.has_cgroup()) {  // else it never got far enough to run anything
    stopped = stop_locked(std::chrono::milliseconds(0));
  }
  Status released = parts_.release();
  return stopped.ok() ? released : stopped;
}

Result<InstanceStatus> NativeInstance::snapshot(bool full) {
  std::lock_guard lock(parts_.mu());
  CL_RETURN_IF_ERROR(parts_.check_live(spec_.name));
  refresh();
  InstanceStatus st;
  st.name = spec_.name;
  st.driver = "native";
  st.image = spec_.image;
  st.state = state_;
  bool alive = state_ == InstanceState::kRunning || state_ == InstanceState::kPaused;
  st.pid = alive && process_ ? process_->pid() : 0;
  st.exit_code = exit_code_;
  st.hostname = spec_.hostname;
  st.started_at = started_at_;
  CL_RETURN_IF_ERROR(full ? parts_.fill_status(st) : parts_.fill_usage(st));
  return st;
}

Result<ExecResult> NativeInstance::exec(const std::vector<std::string>& argv,
                                        std::chrono::milliseconds timeout) {
  substrate::SpawnSpec spec;
  {
    std::lock_guard lock(parts_.mu());
    CL_RETURN_IF_ERROR(parts_.check_live(spec_.name));
    refresh();
    CL_RETURN_IF_ERROR(require_state(spec_.name, state_, InstanceState::kRunning));
    spec.argv = argv;
    spec.env = environment(spec_);
    spec.join_pid = process_->pid();
    spec.cgroup_procs_files = parts_.cgroup().procs_files();
  }
  // Runs without the lock: a long exec must not block the instance's other calls.
  CL_ASSIGN_OR_RETURN(substrate::CommandOutput out, substrate::run_captured(spec, timeout));
  return ExecResult{out.exit_code, std::move(out.output), out.timed_out};
}

}  // namespace

Result<std::unique_ptr<ComputeInstance>> NativeDriver::create(const InstanceSpec& spec) {
  CL_RETURN_IF_ERROR(validate_spec(spec));
  std::shared_ptr<LogPump> pump;
  {
    std::lock_guard lock(mu_);
    CL_ASSIGN_OR_RETURN(pump, shared_pump(pump_));
  }
  InstanceSpec full = spec;
  if (full.hostname.empty()) {
    full.hostname = spec.name.substr(0, 64);
  }
  auto inst = std::make_unique<NativeInstance>(run_, std::move(pump), std::move(full));
  if (Status made = inst->make(log_bytes_); !made.ok()) {
    return std::move(made).error().context(fmt::format("creating instance '{}'", spec.name));
  }
  return std::unique_ptr<ComputeInstance>(std::move(inst));
}

}  // namespace chainlab::runtime
