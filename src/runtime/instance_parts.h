// The parts every compute instance has, whatever runs in it (native_driver.cc, oci_instance.cc):
// its network namespace with interfaces and hosts file (instance_net.h), its cgroup below the
// run's cgroup base (every directory journaled before it is made), and its capped log
// (<run dir>/logs/<netns>.log) fed by the driver's LogPump. A driver's create() makes them in
// that order; release() removes whatever exists, so it also undoes a half-made instance.
// The instance that holds the parts serialises its calls with mu(); the calls below that say
// "locks" take it themselves, the others expect the caller to hold it.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/compute.h"
#include "runtime/instance_net.h"
#include "runtime/log_pump.h"
#include "substrate/cgroup.h"
#include "substrate/run.h"

namespace chainlab::runtime {

class InstanceParts {
 public:
  InstanceParts(substrate::Run& run, std::shared_ptr<LogPump> pump)
      : run_(run), pump_(std::move(pump)) {}

  // The namespace and hosts file for `spec` (its hostname already defaulted).
  Status create_net(const InstanceSpec& spec);
  // The cgroup <cgroup base>/<prefix>g<k> with `limits`. `extra_dirs` (may be empty) names more
  // directories, given the relative path, that someone else will make and that must be
  // journaled and removed with it (runc's other hierarchies).
  using ExtraDirs = std::function<std::vector<std::string>(std::string_view relative)>;
  Status create_cgroup(const substrate::ResourceLimits& limits, const ExtraDirs& extra_dirs = {});
  Status create_log(uint64_t log_bytes);

  // Releases everything in reverse (cgroup, namespace, log); the first error, but it keeps going.
  // Only once: afterwards check_live fails.
  Status release();
  // FailedPrecondition "instance 'x' is destroyed" once released.
  Status check_live(std::string_view name) const;

  // The fields every driver reports the same way: netns, interfaces, limits, stats.
  Status fill_status(InstanceStatus& status) const;
  // The monitor's share of them: limits (re-read only after set_limits or forget_limits) and
  // usage (cgroup usage()).
  Status fill_usage(InstanceStatus& status);
  // Sets the cgroup's limits (the cached ones are read again on the next fill_usage).
  Status set_limits(const substrate::ResourceLimits& limits);
  // Something else (runc) may have written the limits: read them again next time.
  void forget_limits() { limits_cached_.reset(); }

  // ComputeInstance's calls that do not depend on what runs in the instance (locks).
  Result<InterfaceStatus> add_interface(std::string_view name, const InterfaceSpec& intf);
  Status remove_interface(std::string_view name, std::string_view intf);
  std::shared_ptr<InstanceLog> shared_log();

  std::mutex& mu() { return mu_; }

  substrate::Run& run() { return run_; }
  LogPump& pump() { return *pump_; }
  InstanceNet& net() { return *net_; }
  bool has_cgroup() const { return cgroup_ != nullptr; }
  substrate::Cgroup& cgroup() { return *cgroup_; }
  const std::string& cgroup_rel() const { return cgroup_rel_; }
  const std::shared_ptr<InstanceLog>& log() const { return log_; }

 private:
  std::mutex mu_;
  substrate::Run& run_;
  std::shared_ptr<LogPump> pump_;
  std::unique_ptr<InstanceNet> net_;
  std::string cgroup_rel_;                 // relative to the process's own cgroup
  std::vector<std::string> cgroup_paths_;  // journaled: ours and the extra ones
  std::unique_ptr<substrate::Cgroup> cgroup_;
  std::shared_ptr<InstanceLog> log_;
  std::optional<substrate::AppliedLimits> limits_cached_;
  bool released_ = false;
};

// The base of every driver's instance: its InstanceParts and the ComputeInstance calls that only
// forward to them. A driver gives instance_name() and destroy_locked() (called with mu() held).
class PartsInstance : public ComputeInstance {
 public:
  PartsInstance(substrate::Run& run, std::shared_ptr<LogPump> pump)
      : parts_(run, std::move(pump)) {}

  Status destroy() final {
    std::lock_guard lock(parts_.mu());
    return destroy_locked();
  }
  Result<InterfaceStatus> add_interface(const InterfaceSpec& intf) final {
    return parts_.add_interface(instance_name(), intf);
  }
  Status remove_interface(std::string_view intf) final {
    return parts_.remove_interface(instance_name(), intf);
  }
  std::shared_ptr<InstanceLog> log() final { return parts_.shared_log(); }

 protected:
  virtual const std::string& instance_name() const = 0;
  virtual Status destroy_locked() = 0;

  InstanceParts parts_;
};

// The driver's one LogPump, started with its first instance (under the caller's lock).
Result<std::shared_ptr<LogPump>> shared_pump(std::shared_ptr<LogPump>& pump);

}  // namespace chainlab::runtime
