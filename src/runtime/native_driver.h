// `native` compute driver: an instance is a process tree running a host command in its own
// network, UTS and mount namespaces (private hostname and /etc/hosts) and its own cgroup, sharing
// the host's filesystem (a Mininet host, a COMPOSER native network function). Works on any Linux
// host with namespaces and cgroups; no images, no daemon.
//
// Per instance: netns /run/netns/<prefix>n<k>, cgroup <own>/chainlab/<prefix>/<prefix>g<k>,
// log <run dir>/logs/<netns>.log (+ .log.1; at most `log_bytes` in all, fed through a pipe by the
// driver's one LogPump thread; removed with the instance), hosts file <run dir>/hosts/<netns>
// unless one is given. Default command: `sleep infinity`. Environment: PATH, HOME=/root,
// HOSTNAME, then the spec's env. command[0] must be executable (looked up in chainlab's PATH, as
// spawn does) and InstanceSpec.program in the instance's PATH, both on the host.
// See also: compute.h (the interface), substrate/process.h (how the process is started).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "runtime/compute.h"
#include "runtime/log_pump.h"
#include "substrate/process.h"
#include "substrate/run.h"

namespace chainlab::runtime {

class NativeDriver final : public ComputeDriver {
 public:
  // `log_bytes`: the cap of each instance's log (validate_instance_log_bytes).
  explicit NativeDriver(substrate::Run& run, uint64_t log_bytes = kDefaultInstanceLogBytes);
  ~NativeDriver() override;

  std::string_view name() const override { return "native"; }
  Status create(const InstanceSpec& spec) override;
  Status start(std::string_view name) override;
  Status stop(std::string_view name, std::chrono::milliseconds grace) override;
  Status update(std::string_view name, const substrate::ResourceLimits& limits) override;
  Status pause(std::string_view name) override;
  Status resume(std::string_view name) override;
  Status destroy(std::string_view name) override;
  Result<InstanceStatus> status(std::string_view name) override;
  std::vector<std::string> list() const override;
  Result<InterfaceStatus> add_interface(std::string_view name, const InterfaceSpec& intf) override;
  Status remove_interface(std::string_view name, std::string_view intf) override;
  Result<ExecResult> exec(std::string_view name, const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout) override;
  Result<std::shared_ptr<InstanceLog>> log(std::string_view name) override;

 private:
  struct Instance;
  Result<Instance*> find(std::string_view name);
  // Reaps the main process if it has exited (state kExited, exit code kept, its output drained
  // into the log).
  void refresh(Instance& inst);
  Status stop_locked(Instance& inst, std::chrono::milliseconds grace);
  Status destroy_locked(Instance& inst);

  substrate::Run& run_;
  const uint64_t log_bytes_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Instance>, std::less<>> instances_;
  std::unique_ptr<LogPump> pump_;  // started with the first instance
};

}  // namespace chainlab::runtime
