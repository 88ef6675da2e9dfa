// PortFirewall: what enforces the security groups of a server's ports (security_group.h makes the
// ruleset, the Cloud decides when). One implementation loads it into the instance's network
// namespace; unit tests record what they are given.
#pragma once

#include <string>

#include "common/result.h"
#include "emulator/control.h"

namespace chainlab::openstack {

class PortFirewall {
 public:
  virtual ~PortFirewall() = default;
  // Replaces the filters of the emulation's instance `instance` with `ruleset`
  // (security_ruleset's text). NotFound when the instance is gone.
  virtual Status apply(const std::string& instance, const std::string& ruleset) = 0;
};

// The ruleset loaded by libnftables into the instance's own network namespace, so that it filters
// what enters and leaves the instance's interfaces whatever the data plane is.
class NamespaceFirewall final : public PortFirewall {
 public:
  explicit NamespaceFirewall(emulator::Control& emulation) : emulation_(emulation) {}
  Status apply(const std::string& instance, const std::string& ruleset) override;

 private:
  emulator::Control& emulation_;
};

}  // namespace chainlab::openstack
