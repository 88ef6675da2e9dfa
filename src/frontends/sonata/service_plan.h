// The pure half of instantiating a service package: from a Package, a placement and the names
// already taken, the exact list of compute instances (with interfaces, addresses, limits and
// commands), bidirectional chains and E-LANs to create. Nothing here touches the emulation, so
// every rule below is unit-tested (tests/unit/frontends/sonata/service_plan_test.cc).
//
// Rules (user doc: docs/api/gatekeeper.md):
// - Instances. Each VDU becomes one instance in its VNF's PoP, named `<vnf_id>` for a single-VDU
//   VNF and `<vnf_id>-<vdu_id>` for a multi-VDU one; when that name is taken (a second instance
//   of the service) `-<short>` is appended, <short> being the first 8 characters of the service
//   instance uuid. Characters outside [A-Za-z0-9_.:-] become '-'.
// - SAPs (only with PlanOptions::deploy_saps, son-emu's deploy_sap). Every NSD connection point
//   that a virtual link references becomes a native, sleeping instance `<short>-sap-<cp>` ("ns:"
//   dropped) in the PoP of the first VNF on that link, with one interface named after the
//   connection point. Without SAPs (the default, as son-emu): an E-Line with a service connection
//   point end is not wired, an E-LAN is wired between its VNF members only (when two or more),
//   and the VNF ends of a link left unwired keep their static address, else get the emulator's
//   default one.
// - Interfaces. A VDU connection point joined to a VNF connection point by one of the VNFD's
//   internal virtual links is named after the VNF connection point ("input"); other VDU
//   connection points keep their own id (the part after the last ':'). Names are sanitised as
//   the emulator does (':', ' ', '.', '_' -> '-') and cut to 15 bytes.
// - Addresses. An E-Line's two ends get .1 and .2 of a fresh /24 from the E-Line pool
//   (20.0.0.0/8); an E-LAN's members get consecutive hosts of a fresh /24 from the E-LAN pool
//   (30.0.0.0/8). A connection point's static `address` is kept and the link's other ends are
//   numbered inside its subnet. An interface on no link gets the emulator's default pool address.
// - Limits. cpu_bw -> CFS period 1,000,000 us, quota max(1000, period * cpu_bw); cpuset; memory
//   size -> memory limit. Flavour (what the PoP's resource model accounts): the smallest built-in
//   flavour with at least `vcpus` compute units.
// - Commands. vm_cmd_start is the instance command for a native instance (empty: sleep forever);
//   the deployer runs it with exec after start when the image is in the local image store (a
//   container keeps its image's entrypoint). vm_cmd_stop is the stop command.
// - Internal links between VDUs of one VNF (no VNF connection point) are wired too: E-Line as a
//   chain, E-LAN as an E-LAN.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "emulator/control.h"
#include "frontends/sonata/package.h"
#include "orchestration/deploy/subnet_pool.h"
#include "orchestration/placement/placement.h"

namespace chainlab::sonata {

struct PlannedCompute {
  std::string vnf_id;  // "" for a SAP
  std::string vdu_id;  // "" for a SAP
  std::string sap;     // the NSD connection point of a SAP, else ""
  std::string image;
  bool container = false;         // image in the local store: vm_cmd_start runs via exec
  std::string start_after_start;  // the command to exec after start (containers)
  emulator::ComputeRequest request;
};

struct PlannedChain {
  std::string link_id;
  std::string src, src_intf, dst, dst_intf;
};

struct PlannedElan {
  std::string link_id;
  std::string name;
  std::vector<std::pair<std::string, std::string>> members;  // (instance, interface)
};

struct AddressPools {
  orchestration::SubnetPool eline = *orchestration::SubnetPool::create("20.0.0.0/8", 24);
  orchestration::SubnetPool elan = *orchestration::SubnetPool::create("30.0.0.0/8", 24);
};

// Subnets a plan took from a pool (given back on rollback and terminate).
struct PoolLease {
  bool elan = false;  // else the E-Line pool
  substrate::Cidr subnet;
};

struct ServicePlan {
  std::vector<PlannedCompute> computes;  // VNF instances first, then SAPs
  std::vector<PlannedChain> chains;
  std::vector<PlannedElan> elans;
  std::vector<PoolLease> leases;
  uint64_t cookie = 0;  // the chains' cookie
};

struct PlanOptions {
  std::string instance_uuid;
  orchestration::Placement placement;  // vnf_id -> PoP, for every NSD network function
  std::set<std::string> taken;         // instance names already in the emulation
  std::set<std::string> elans;         // E-LAN names already in the emulation
  std::function<bool(const std::string& image)> image_is_local;  // null: never
  bool deploy_saps = false;  // SAP instances for the NSD connection points (see above)
};

// The first 8 characters of an instance uuid ("short" in the naming rules).
std::string short_id(const std::string& instance_uuid);
// Interface name rule: sanitised, at most 15 bytes.
std::string interface_name(std::string_view cp_id);
// Object name rule: characters outside [A-Za-z0-9_.:-] -> '-'.
std::string object_name(std::string_view text);
// The flavour rule: smallest built-in flavour with cu >= vcpus (xlarge beyond).
std::string flavor_for(double vcpus);
// The limits rule (nullopt when the descriptor asks for none).
std::optional<substrate::ResourceLimits> limits_for(const ResourceRequirements& r);

// Placement units for a package (NSD order; cu/mu from the VDUs' flavours).
std::vector<orchestration::PlacementUnit> placement_units(const Package& package);

// Plans an instantiation; subnets are taken from `pools` (and given back on error). Errors:
// InvalidArgument for descriptors the rules cannot map (an E-Line with more than two ends, a VNF
// connection point reached by no VDU...), AlreadyExists when no instance name is free,
// ResourceExhausted when a pool is empty.
Result<ServicePlan> plan_service(const Package& package, const PlanOptions& options,
                                 AddressPools& pools);

// Returns a plan's subnets to the pools.
void release_leases(const std::vector<PoolLease>& leases, AddressPools& pools);

}  // namespace chainlab::sonata
