// The pure half of instantiating a service package: the translation of a Package (NSD/VNFDs), a
// placement and the names already taken into a placed graph::ServiceGraph for the Deployer
// (orchestration/deploy/deployer.h), plus what SONATA adds per node (flavour, env, cpuset,
// vm_cmd_start after start) and its naming rules as DeployerOptions. Nothing here touches the
// emulation, so every rule below is unit-tested (tests/unit/frontends/sonata/service_plan_test.cc).
//
// Rules (user doc: docs/api/gatekeeper.md):
// - Instances. Each VDU becomes one graph function (id = its instance name) in its VNF's PoP,
//   named `<vnf_id>` for a single-VDU VNF and `<vnf_id>-<vdu_id>` for a multi-VDU one; when that
//   name is taken (a second instance of the service) `-<short>` is appended, <short> being the
//   first 8 characters of the service instance uuid (also the graph id). Characters outside
//   [A-Za-z0-9_.:-] become '-'.
// - SAPs (only with PlanOptions::deploy_saps, son-emu's deploy_sap). Every NSD connection point
//   that a virtual link references becomes a graph SAP `<short>-sap-<cp>` ("ns:" dropped),
//   started as a native, sleeping instance in the PoP of the first VNF on that link, with one
//   port named after the connection point. Without SAPs (the default, as son-emu): an E-Line
//   with a service connection point end is not wired, an E-LAN is wired between its VNF members
//   only (when two or more), and the VNF ends of a link left unwired keep their static address,
//   else get the emulator's default one.
// - Ports. A VDU connection point joined to a VNF connection point by one of the VNFD's
//   internal virtual links is named after the VNF connection point ("input"); other VDU
//   connection points keep their own id (the part after the last ':'). Names are sanitised as
//   the emulator does (':', ' ', '.', '_' -> '-') and cut to 15 bytes. A connection point's
//   static `address` on a wired (or unwired outside) link becomes the port's address.
// - Links. An NSD E-Line becomes a bidirectional graph E-Line (id = the link id), an E-LAN a
//   graph E-LAN created as `<short>-<link id>`. Addresses are the Deployer's rules
//   (orchestration/deploy/addressing.h: .1/.2 of a fresh 20.0.x.0/24 per E-Line, consecutive
//   hosts of a 30.0.x.0/24 per E-LAN, the other ends numbered inside a static address's subnet).
// - Limits. cpu_bw -> CFS period 1,000,000 us, quota max(1000, period * cpu_bw); cpuset; memory
//   size -> memory limit. Flavour (what the PoP's resource model accounts): the smallest built-in
//   flavour with at least `vcpus` compute units.
// - Commands. vm_cmd_start is the instance command for a native instance (empty: sleep forever);
//   the gatekeeper runs it with exec after start when the image is in the local image store (a
//   container keeps its image's entrypoint). vm_cmd_stop is the stop command.
// - Internal links between VDUs of one VNF (no VNF connection point) are wired too: E-Line as a
//   chain, E-LAN as an E-LAN (ids "<vnf_id>/<link id>").
// - Chains. Every chain of one instance carries the plan's cookie (from the instance uuid).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "emulator/control.h"
#include "frontends/sonata/package.h"
#include "orchestration/deploy/deployer.h"
#include "orchestration/graph/service_graph.h"
#include "orchestration/placement/placement.h"

namespace chainlab::sonata {

// What SONATA adds to a graph node (a VDU instance or a SAP).
struct PlannedNode {
  std::string vnf_id;  // "" for a SAP
  std::string vdu_id;  // "" for a SAP
  std::string sap;     // the NSD connection point of a SAP, else ""
  std::string image;
  bool container = false;         // image in the local store: vm_cmd_start runs via exec
  std::string start_after_start;  // the command to exec after start (containers)
  std::string flavor = "tiny";
  std::map<std::string, std::string> env;
  std::optional<substrate::ResourceLimits> limits;
};

struct ServicePlan {
  orchestration::graph::ServiceGraph graph;  // placed; VNF instances first, then SAPs
  std::map<std::string, PlannedNode> nodes;  // graph node id (= instance name) -> extras
  uint64_t cookie = 0;                       // the chains' cookie
};

struct PlanOptions {
  std::string instance_uuid;
  orchestration::Placement placement;  // vnf_id -> PoP, for every NSD network function
  std::set<std::string> taken;         // instance names already in the emulation
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

// Plans an instantiation. Errors: InvalidArgument for descriptors the rules cannot map (an
// E-Line with more than two ends, a VNF connection point reached by no VDU, a graph that does
// not validate...), AlreadyExists when no instance name is free.
Result<ServicePlan> plan_service(const Package& package, const PlanOptions& options);

// The plan's naming, request and cookie rules for the Deployer (the plan must outlive it).
orchestration::DeployerOptions deployer_options(const ServicePlan& plan);

}  // namespace chainlab::sonata
