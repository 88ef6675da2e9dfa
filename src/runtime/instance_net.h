// The network side of a compute instance, shared by the compute drivers (native, oci): its network
// namespace (loopback up), the veth interfaces plugged into it, and its private /etc/hosts file.
// Every kernel object is recorded in the run journal before it is made, like everything else a run
// creates, so a killed run leaves nothing `chainlab cleanup` cannot find.
//
// Names: netns /run/netns/<prefix>n<k>, host veth ends <prefix>v<k>, hosts file
// <run dir>/hosts/<netns> (unless the spec names one, which is then used and never removed).
// See also: compute.h (InterfaceSpec, InterfaceStatus), native_driver.h, oci_driver.h.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/compute.h"
#include "substrate/run.h"

namespace chainlab::runtime {

class InstanceNet {
 public:
  // Creates the namespace and, when `hosts_file` is empty, writes a private hosts file naming
  // `hostname`. `instance` (the user's name) only appears in error messages. On failure nothing is
  // left behind.
  static Result<std::unique_ptr<InstanceNet>> create(substrate::Run& run, std::string instance,
                                                     const std::string& hostname,
                                                     const std::string& hosts_file);
  ~InstanceNet() = default;
  InstanceNet(const InstanceNet&) = delete;
  InstanceNet& operator=(const InstanceNet&) = delete;

  const std::string& netns() const { return netns_; }
  // /run/netns/<netns>, for setns or an OCI network namespace path.
  std::string netns_path() const;
  // The file to bind over /etc/hosts.
  const std::string& hosts_path() const { return hosts_path_; }
  const std::vector<InterfaceStatus>& interfaces() const { return interfaces_; }

  // A veth pair: `intf.name` inside the namespace (with its IP, MAC and MTU, up), the returned
  // host end up in the host namespace. AlreadyExists on a taken name; on failure nothing is left.
  Result<InterfaceStatus> add_interface(const InterfaceSpec& intf);
  Status remove_interface(std::string_view intf);

  // Removes the namespace (its veths go with it) and the private hosts file, and forgets them in
  // the journal. Idempotent; returns the first error but keeps going.
  Status release();

 private:
  InstanceNet(substrate::Run& run, std::string instance)
      : run_(run), instance_(std::move(instance)) {}

  substrate::Run& run_;
  std::string instance_;
  std::string netns_;
  std::string hosts_path_;
  bool own_hosts_ = false;
  std::vector<InterfaceStatus> interfaces_;
};

// What every driver checks: the name, the hostname length, environment variable names.
Status validate_instance_spec(const InstanceSpec& spec);

// mkdir that tolerates an existing directory.
Status ensure_dir(const std::string& path);

}  // namespace chainlab::runtime
