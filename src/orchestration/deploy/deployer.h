// Deployer: realises a placed ServiceGraph on an emulator::Control, and updates or removes it.
// One Rollback guard per call: each started instance, chain, E-LAN and subnet registers its undo,
// so a failed deploy leaves nothing behind and a failed update leaves the additions undone.
//
// Rules (all here, nowhere else; a front end with rules of its own, as the SONATA gatekeeper,
// changes them through DeployerOptions' hooks only):
// - Names. A function or SAP runs as instance "<graph id>-<node id>", an E-LAN is created as
//   "<graph id>-<E-LAN id>" (DeployerOptions::names overrides); a name that is no valid object
//   name (substrate/names.h) is an InvalidArgument before anything starts. Interfaces are named
//   after the port ids.
// - Instances. A function starts in its `host` PoP (unset: InvalidArgument "not placed") with its
//   image, command, stop command and one interface per port (address: addressing.h; MAC: the
//   port's). Resources become limits: cpu -> CFS quota cpu * 1 s per 1 s period (at least 1 ms),
//   memory -> memory limit. A SAP starts as a sleeping native instance in its binding's PoP;
//   a SAP bound to a host interface is not supported by this deployer (InvalidArgument).
//   DeployerOptions::prepare may complete a node's request (flavour, env, cpuset) and
//   after_start runs once a node runs (its failure undoes the deploy like any other step).
// - E-Lines become one chain each (bidirectional as the E-Line says) with the match formatted
//   by graph::format_match and a cookie of its own (options.first_cookie, +1 per chain), so a
//   chain is removed without touching another between the same instances; with
//   options.one_cookie every chain gets first_cookie (a front end's own cookie per service).
// - E-LANs become one E-LAN each.
// Order: instances, chains, E-LANs; removal the reverse. Not thread-safe: the owner serialises.
// See also: graph/graph_diff.h (what update() applies), domain/domain.h.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "emulator/control.h"
#include "orchestration/deploy/addressing.h"
#include "orchestration/graph/graph_diff.h"
#include "orchestration/graph/service_graph.h"

namespace chainlab::orchestration {

struct DeployedNode {
  std::string instance;
  std::string pop;
  std::map<std::string, std::string> interfaces;  // port id -> interface name
  // The interfaces as the emulator started them, in port order: (name, CIDR or "").
  std::vector<std::pair<std::string, std::string>> addresses;

  // The interface of port `port` (the port id when the emulator reported none for it).
  const std::string& interface_of(const std::string& port) const {
    auto it = interfaces.find(port);
    return it == interfaces.end() ? port : it->second;
  }
};

// What runs for one graph.
struct Deployment {
  graph::ServiceGraph graph;                             // what is deployed
  std::map<std::string, DeployedNode> nodes;             // function or SAP id
  std::map<std::string, emulator::ChainRequest> chains;  // E-Line id
  std::map<std::string, std::string> elans;              // E-LAN id -> emulator E-LAN name
  PortAddresses addresses;
  std::vector<SubnetLease> leases;
};

enum class NameKind { kNode, kElan };

struct DeployerOptions {
  uint64_t first_cookie = uint64_t{1} << 32;  // above son-emu's and the gatekeeper's cookies
  bool one_cookie = false;                    // every chain gets first_cookie
  // The emulator object name of a node or an E-LAN; null: Deployer::object_name.
  std::function<std::string(const graph::ServiceGraph&, NameKind, const std::string& id)> names;
  // Completes the compute request of a node (function or SAP id) before it starts.
  std::function<void(const std::string& node, emulator::ComputeRequest&)> prepare;
  // Runs once node `node` runs; an error undoes the deploy.
  std::function<Status(const std::string& node, const DeployedNode&)> after_start;
  // Progress lines ("starting vnf1 in dc1"); null: none.
  std::function<void(const std::string& line)> progress;
};

class Deployer {
 public:
  Deployer(emulator::Control& control, LinkPools& pools, DeployerOptions options = {});

  // Validates and realises `placed`. On error nothing it created is left.
  Result<Deployment> deploy(const graph::ServiceGraph& placed);
  // Applies diff(deployment.graph, next) (graph_diff.h): removals first, then additions under
  // one guard. On success `deployment` describes `next`. An invalid `next` (or another graph
  // id: InvalidArgument) changes nothing; a failed removal is returned before anything is
  // added; a failed addition undoes the additions. In both cases `deployment` describes what
  // still runs.
  Status update(Deployment& deployment, const graph::ServiceGraph& next);
  // Removes everything (E-LANs, chains, instances; subnets back to the pools). Best effort:
  // every step is tried and the first error returned; a step that failed is reported, not
  // retried (the deployment forgets it either way).
  Status remove(Deployment& deployment);

  // The default naming rule ("<graph id>-<id>").
  static std::string object_name(const graph::ServiceGraph& g, const std::string& id);

 private:
  Status check(const graph::ServiceGraph& g, const graph::GraphDiff& d) const;
  Status add(const graph::ServiceGraph& g, const graph::GraphDiff& d, Deployment& dep,
             Rollback& guard);
  Status start_node(const graph::ServiceGraph& g, const std::string& id,
                    emulator::ComputeRequest request, const std::vector<graph::Port>& ports,
                    Deployment& dep, Rollback& guard);
  Status add_eline(const graph::Eline& l, Deployment& dep, Rollback& guard);
  Status add_elan(const graph::ServiceGraph& g, const graph::Elan& l, Deployment& dep,
                  Rollback& guard);
  Status remove_parts(const graph::GraphDiff& d, Deployment& dep);
  std::string name(const graph::ServiceGraph& g, NameKind kind, const std::string& id) const;
  emulator::ComputeRequest function_request(const graph::ServiceGraph& g,
                                            const graph::Function& f) const;
  emulator::ComputeRequest sap_request(const graph::ServiceGraph& g, const graph::Sap& s) const;
  void progress(const std::string& line) const;

  emulator::Control& control_;
  LinkPools& pools_;
  DeployerOptions options_;
  uint64_t next_cookie_;
};

}  // namespace chainlab::orchestration
