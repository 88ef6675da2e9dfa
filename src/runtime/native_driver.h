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

#include <memory>
#include <mutex>

#include "runtime/compute.h"
#include "runtime/log_pump.h"
#include "substrate/run.h"

namespace chainlab::runtime {

class NativeDriver final : public ComputeDriver {
 public:
  // `log_bytes`: the cap of each instance's log (validate_instance_log_bytes).
  explicit NativeDriver(substrate::Run& run, uint64_t log_bytes = kDefaultInstanceLogBytes)
      : run_(run), log_bytes_(log_bytes) {}

  std::string_view name() const override { return "native"; }
  Result<std::unique_ptr<ComputeInstance>> create(const InstanceSpec& spec) override;

 private:
  substrate::Run& run_;
  const uint64_t log_bytes_;
  std::mutex mu_;
  std::shared_ptr<LogPump> pump_;  // started with the first instance, shared with every one
};

}  // namespace chainlab::runtime
