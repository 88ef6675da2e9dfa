// The compute interface (COMPOSER Table 5): how chainlab creates, starts, stops, updates, pauses,
// destroys, inspects and enters compute instances. A `ComputeDriver` only makes instances:
// `create(spec)` returns a `ComputeInstance`, one object per instance, which the caller owns and
// keeps wherever it keeps its instances (the emulation's one instance map; a driver has none, so
// names are unique where the caller says so). Drivers are chosen by name from a `DriverRegistry`
// (drivers.h): `native` (native_driver.h), `oci` (oci_driver.h); both build their instances from
// the same parts (instance_parts.h: namespace and interfaces, cgroup, log).
//
// An instance owns its network namespace; the caller (the emulator) plugs interfaces into it with
// `add_interface`, which returns the host end of the veth pair for the data plane to attach.
//
// Every command, direct or through a shell, is checked before anything is allocated: a program
// that does not exist is an InvalidArgument, not an instance that starts and dies at once.
// An instance's stdout and stderr go through a pipe into a capped log (log_pump.h), read with
// `log`.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "runtime/instance_log.h"
#include "substrate/addr.h"
#include "substrate/cgroup.h"

namespace chainlab::runtime {

enum class InstanceState { kCreated, kRunning, kPaused, kExited, kStopped };
std::string_view instance_state_name(InstanceState state);
// FailedPrecondition "instance 'x' is stopped, not running" unless `state` is `wanted`.
Status require_state(std::string_view name, InstanceState state, InstanceState wanted);
// FailedPrecondition "instance 'x' is already running" for a running or paused instance.
Status require_startable(std::string_view name, InstanceState state);
// FailedPrecondition "instance 'x' was never started" for a created one.
Status require_started(std::string_view name, InstanceState state);

struct InstanceSpec {
  std::string name;                  // user name (validate_object_name); unique where kept
  std::string image;                 // native: informational; oci: image reference
  std::vector<std::string> command;  // argv; empty: the driver's default (native: sleep forever)
  // Another program the command starts that must exist, when that is not command[0] (the first
  // command of a `sh -c` script, found by the emulator). Like command[0] it is resolved before
  // anything is created, in the instance's PATH on its file system (native: the host's; oci: the
  // image's); InvalidArgument when it is not there. "" = nothing more to check.
  std::string program;
  std::vector<std::pair<std::string, std::string>> env;  // added to PATH/HOME/HOSTNAME defaults
  std::string hostname;                                  // default: name (truncated to 64 bytes)
  std::string hosts_file;  // bound over /etc/hosts; empty: a private one is written
  substrate::ResourceLimits limits;
};

struct InterfaceSpec {
  std::string name;  // name inside the instance ("input", "emu0"), <= 15 bytes
  std::optional<substrate::Cidr> ip;
  std::optional<substrate::MacAddress> mac;  // default: random locally administered
  std::optional<int> mtu;
  // The instance's default route goes via this address (on this interface) when it has none yet
  // (a Neutron subnet's gateway; a router's external gateway).
  std::optional<substrate::IpAddress> gateway;
};

struct InterfaceStatus {
  std::string name;         // inside the instance
  std::string host_ifname;  // host end of the veth pair (short kernel name)
  std::optional<substrate::Cidr> ip;
  substrate::MacAddress mac;
  int mtu = 0;
};

struct InstanceStatus {
  std::string name;
  std::string driver;
  std::string image;
  InstanceState state = InstanceState::kCreated;
  pid_t pid = 0;                 // main process while running or paused
  std::optional<int> exit_code;  // when exited (128 + signal when killed)
  std::string netns;             // kernel name of its network namespace (/run/netns/<netns>)
  std::string hostname;
  std::vector<InterfaceStatus> interfaces;
  substrate::AppliedLimits limits;
  substrate::CgroupStats stats;
  std::chrono::system_clock::time_point started_at{};
};

struct ExecResult {
  int exit_code = 0;
  std::string output;  // stdout and stderr, interleaved
  bool timed_out = false;
};

// One instance. Every call is safe from any thread; `exec` runs without blocking the others.
// Destroying the object destroys the instance (like `destroy`, errors ignored).
class ComputeInstance {
 public:
  virtual ~ComputeInstance() = default;

  virtual Status start() = 0;
  // SIGTERM to the process group, then SIGKILL to the whole cgroup after `grace`.
  virtual Status stop(std::chrono::milliseconds grace) = 0;
  virtual Status update(const substrate::ResourceLimits& limits) = 0;
  virtual Status pause() = 0;
  virtual Status resume() = 0;
  // Stops (without grace) and releases everything; afterwards every other call fails
  // (FailedPrecondition).
  // Idempotent; returns the first error but keeps going.
  virtual Status destroy() = 0;
  virtual Result<InstanceStatus> status() = 0;
  // What a monitor samples, cheaply: the status with state, exit code, limits (as last set) and
  // usage (CPU time, memory, processes) filled; interfaces and the finer stats left out.
  virtual Result<InstanceStatus> usage() { return status(); }

  virtual Result<InterfaceStatus> add_interface(const InterfaceSpec& intf) = 0;
  virtual Status remove_interface(std::string_view intf) = 0;

  // Runs argv inside the running instance (its namespaces, cgroup and environment).
  virtual Result<ExecResult> exec(const std::vector<std::string>& argv,
                                  std::chrono::milliseconds timeout) = 0;
  // The instance's stdout/stderr log (capped, rotated; instance_log.h). A reader may keep it
  // longer than the instance (the files are removed with the instance).
  virtual std::shared_ptr<InstanceLog> log() = 0;
  // The last `max_bytes` of that log.
  Result<std::string> logs(size_t max_bytes);
};

class ComputeDriver {
 public:
  virtual ~ComputeDriver() = default;
  virtual std::string_view name() const = 0;

  // Allocates everything (namespace, cgroup, files) without running anything. Invalid specs are
  // rejected before anything is made; on failure nothing is left. Instances may outlive the
  // driver object (what they share with it, they hold).
  virtual Result<std::unique_ptr<ComputeInstance>> create(const InstanceSpec& spec) = 0;
};

}  // namespace chainlab::runtime
