// Host bridges (control.h, HostBridgeRequest): Linux bridges in the emulation's own network
// namespace that instance interfaces are plugged into instead of a PoP's switch. Each is recorded
// in the run journal before it is made (a killed run leaves nothing `chainlab cleanup` cannot
// find) and deleted with its last member; the run's teardown deletes what is left.
#include <fmt/format.h>

#include "emulator/emulation.h"
#include "emulator/emulation_impl.h"
#include "substrate/journal.h"
#include "substrate/names.h"
#include "substrate/rtnl.h"
#include "substrate/run.h"

namespace chainlab::emulator {
namespace {

// A new bridge `ifname` with `address`, up; on failure nothing is left.
Status make_bridge(substrate::Run& run, const std::string& ifname, const substrate::Cidr& address) {
  CL_ASSIGN_OR_RETURN(substrate::Rtnl rtnl, substrate::Rtnl::open());
  CL_RETURN_IF_ERROR(run.journal().record(substrate::ObjectKind::kLink, ifname));
  Status made = rtnl.create_bridge(ifname);
  if (made.ok()) {
    made = rtnl.add_address(ifname, address);
  }
  if (made.ok()) {
    made = rtnl.set_up(ifname, true);
  }
  if (!made.ok()) {
    (void)rtnl.delete_link(ifname);
    (void)run.journal().forget(substrate::ObjectKind::kLink, ifname);
  }
  return made;
}

}  // namespace

Result<std::string> Emulation::Impl::join_host_bridge(const HostBridgeRequest& bridge) {
  CL_RETURN_IF_ERROR(substrate::validate_object_name(bridge.name, "host bridge name"));
  CL_ASSIGN_OR_RETURN(substrate::Cidr address, substrate::Cidr::parse(bridge.address));
  auto it = host_bridges.find(bridge.name);
  if (it != host_bridges.end()) {
    if (it->second.address != address.to_string()) {
      return make_error(ErrorCode::kInvalidArgument, "host bridge '{}' holds {}, not {}",
                        bridge.name, it->second.address, bridge.address);
    }
    ++it->second.members;
    return it->second.ifname;
  }
  std::string ifname = run_handle->names().next('b');
  if (Status made = make_bridge(*run_handle, ifname, address); !made.ok()) {
    return std::move(made).error().context(fmt::format("host bridge '{}'", bridge.name));
  }
  host_bridges[bridge.name] = HostBridge{ifname, address.to_string(), 1};
  return ifname;
}

void Emulation::Impl::leave_host_bridge(const std::string& name) {
  auto it = host_bridges.find(name);
  if (it == host_bridges.end() || --it->second.members > 0) {
    return;
  }
  if (auto rtnl = substrate::Rtnl::open(); rtnl.ok()) {
    (void)rtnl->delete_link(it->second.ifname);
  }
  (void)run_handle->journal().forget(substrate::ObjectKind::kLink, it->second.ifname);
  host_bridges.erase(it);
}

Result<dataplane::PortId> Emulation::Impl::bridge_port(const std::string& host_ifname,
                                                       const HostBridgeRequest& bridge) {
  CL_ASSIGN_OR_RETURN(std::string ifname, join_host_bridge(bridge));
  auto rtnl = substrate::Rtnl::open();
  Status enslaved = rtnl.ok() ? rtnl->set_master(host_ifname, ifname) : Status(rtnl.error());
  if (!enslaved.ok()) {
    leave_host_bridge(bridge.name);
    return std::move(enslaved).error();
  }
  return dataplane::PortId{0};
}

void Emulation::Impl::unplug(dataplane::LsiId lsi, const InterfaceInfo& intf) {
  if (intf.host_bridge.empty()) {
    (void)engine->remove_port(lsi, intf.port);
  } else {
    leave_host_bridge(intf.host_bridge);
  }
}

}  // namespace chainlab::emulator
