// `native` compute driver: an instance is a process tree running a host command in its own
// network, UTS and mount namespaces (private hostname and /etc/hosts) and its own cgroup, sharing
// the host's filesystem (a Mininet host, a COMPOSER native network function). Works on any Linux
// host with namespaces and cgroups; no images, no daemon.
//
// Per instance: netns /run/netns/<prefix>n<k>, cgroup <own>/chainlab/<prefix>/<prefix>g<k>,
// log <run dir>/logs/<netns>.log, hosts file <run dir>/hosts/<netns> unless one is given.
// Default command: `sleep infinity`. Environment: PATH, HOME=/root, HOSTNAME, then the spec's env.
// See also: compute.h (the interface), substrate/process.h (how the process is started).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "runtime/compute.h"
#include "substrate/process.h"
#include "substrate/run.h"

namespace chainlab::runtime {

class NativeDriver final : public ComputeDriver {
 public:
  explicit NativeDriver(substrate::Run& run);
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
  Result<std::string> logs(std::string_view name, size_t max_bytes) override;

 private:
  struct Instance;
  Result<Instance*> find(std::string_view name);
  // Reaps the main process if it has exited (state kExited, exit code kept).
  void refresh(Instance& inst);
  Status stop_locked(Instance& inst, std::chrono::milliseconds grace);
  Status destroy_locked(Instance& inst);
  std::vector<std::string> environment(const Instance& inst) const;

  substrate::Run& run_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Instance>, std::less<>> instances_;
};

}  // namespace chainlab::runtime
