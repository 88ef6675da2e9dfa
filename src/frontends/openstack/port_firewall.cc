#include "frontends/openstack/port_firewall.h"

#include "substrate/nftables.h"

namespace chainlab::openstack {

Status NamespaceFirewall::apply(const std::string& instance, const std::string& ruleset) {
  CL_ASSIGN_OR_RETURN(emulator::ComputeInfo info, emulation_.compute_status(instance));
  if (info.status.netns.empty()) {
    return make_error(ErrorCode::kNotFound, "instance {} has no network namespace", instance);
  }
  return substrate::load_nftables(info.status.netns, ruleset);
}

}  // namespace chainlab::openstack
