// How a VNF of an NF-FG becomes an instance on the node: the template the resolver chose decides
// what runs. A native template's `uri` names a bundle directory or a .tgz/.tar.gz/.tar of one
// (relative paths are under the template directory; an archive is unpacked once into the bundle
// cache, keyed by template id, size and modification time) whose executable `start` runs in the
// instance's namespaces as COMPOSER's native functions did: `start <graph-LSI> <vnf name> <port
// count> <interface names...>` (exit 0 is success, unlike the reference's inverted convention),
// then the instance stays up; its optional `stop` runs with the same arguments before the instance
// is removed. A docker template's `uri` is an image of the local store. VMs and DPDK functions do
// not run on this node.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "emulator/control.h"
#include "frontends/unode/nffg.h"
#include "frontends/unode/templates.h"

namespace chainlab::unode {

struct LaunchContext {
  std::string pop;
  std::string graph_lsi;
  std::string bundle_root;      // where relative native bundle paths start
  std::string bundle_cache;     // where .tgz bundles are unpacked ("" = .tgz bundles refused)
  std::string ready_path = "";  // where a native VNF writes start's exit code (start_barrier.h)
};

// Why this node cannot run the template (a kind of function it does not run, a dependency it does
// not have), or none.
std::optional<std::string> cannot_run(const NfTemplate& t);

// The instance for `vnf` named `name`, its ports' interfaces named by `ifnames` (port id -> name).
Result<emulator::ComputeRequest> compute_request(const Vnf& vnf, const NfTemplate& t,
                                                 const std::string& name,
                                                 const std::map<std::string, std::string>& ifnames,
                                                 const LaunchContext& ctx);

// What tells a running native VNF about ports plugged into it (the reference's hot-plug): its
// bundle's `update` with the start arguments for the new ports only
// (`update <graph-LSI> <VNF name> <count> <interfaces...>`, no shell), or nothing when the
// template is not native or its bundle has no executable `update`.
std::vector<std::string> hot_plug_command(const Vnf& vnf, const NfTemplate& t,
                                          const std::vector<std::string>& new_ifnames,
                                          const LaunchContext& ctx);

// An interface name the VNF does not use yet: "eth0", "eth1", ...
std::string free_ifname(const std::map<std::string, std::string>& ifnames);

}  // namespace chainlab::unode
