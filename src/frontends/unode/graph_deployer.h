// Deploys an NF-FG on one PoP through emulator::Control the way COMPOSER's node orchestrator does
// (seed §5.2): a graph-LSI of its own with the graph's VNF instances, virtual links to the PoP's
// switch (LSI-0) as steering.h splits the rules, and the rules of both switches lowered to the
// data plane (lowering.h) with the graph's cookie.
//
// Expandable functions are first replaced by their sub-graphs (decompose.h); new native VNFs'
// start scripts have all finished before any rule leads to them (start_barrier.h).
//
// The graph's whole data-plane state (instances, links, rules) is computed from the graph; an
// update reconciles the running state with the new graph's: first everything new is added (VNFs,
// ports of running VNFs, links, rules), then what the new graph no longer has is removed. A rule
// is kept only when its lowered form (switch, match, actions, priority) is unchanged, so a rule
// whose id stayed but whose match changed IS reinstalled, and traffic on untouched rules never
// stops. A deployment that fails leaves nothing behind; an update that fails leaves the old graph.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/rollback.h"
#include "emulator/control.h"
#include "frontends/unode/internal_groups.h"
#include "frontends/unode/nffg.h"
#include "frontends/unode/start_barrier.h"
#include "frontends/unode/steering.h"
#include "frontends/unode/templates.h"
#include "frontends/unode/vnf_launch.h"

namespace chainlab::unode {

struct DeployedVnf {
  std::string instance;
  std::string template_id;
  std::map<std::string, std::string> ifnames;      // port id -> interface name
  std::map<std::string, dataplane::PortId> ports;  // port id -> port on the graph-LSI
};

struct InstalledRule {
  bool on_lsi0 = false;
  dataplane::RuleSpec spec;
  dataplane::RuleId id = 0;
  std::string nffg_rule;  // the NF-FG rule it came from ("vlink:N" for a link's forwarding)
};

struct DeployedGraph {
  Nffg graph;  // as deployed: expandable functions replaced by their sub-graphs (decompose.h)
  std::string pop;
  emulator::GraphLsiInfo lsi;
  uint64_t cookie = 0;
  uint64_t next_instance = 1;                       // instances are "<graph-LSI>-<n>"
  std::map<std::string, DeployedVnf> vnfs;          // by VNF id
  std::map<std::string, emulator::LsiLink> vlinks;  // by what the link carries (link_key)
  // host-stack and gre-tunnel end-points: end-point id -> (host device, port on the graph-LSI)
  std::map<std::string, std::pair<std::string, dataplane::PortId>> host_devices;
  // internal end-points: group -> this graph's port on LSI-0 into the group
  std::map<std::string, dataplane::PortId> internal;
  std::vector<InstalledRule> rules;
};

struct DeployerOptions {
  std::string pop;
  std::string bundle_root;             // the template directory
  InternalGroups* internal = nullptr;  // the node's (null: internal end-points refused)
  std::string bundle_cache = "";       // where .tgz bundles are unpacked ("" = refused)
  // How long new native VNFs' start scripts may take together (start_barrier.h).
  std::chrono::milliseconds start_timeout = std::chrono::seconds(30);
};

class GraphDeployer {
 public:
  GraphDeployer(emulator::Control& control, const TemplateRepository& templates,
                DeployerOptions options);

  // How far an operation is, in percent (VNFs 0-70, links 70-80, rules 80-100).
  using Progress = std::function<void(int percent)>;

  // `handle` names the graph's LSI and instances ("g1": graph-LSI "g1", instances "g1-<n>").
  Result<DeployedGraph> deploy(const Nffg& graph, const std::string& handle, uint64_t cookie,
                               const Progress& progress = {});
  Status update(DeployedGraph& deployed, const Nffg& next, const Progress& progress = {});
  // Stops everything of the graph; the first failure is answered after trying the rest.
  Status remove(DeployedGraph& deployed);

 private:
  // The steps of update: each adds to `n` (the new state) and registers its undo in `rb`.
  Result<DeployedVnf> start_vnf(DeployedGraph& n, const Vnf& vnf, StartBarrier& barrier);
  Status add_vnfs(const DeployedGraph& old, DeployedGraph& n, Rollback& rb,
                  const Progress& progress);
  Status add_ports(DeployedGraph& n, const Vnf& before, const Vnf& after, Rollback& rb);
  Status hot_plug(const DeployedVnf& d, const Vnf& vnf, const NfTemplate& t,
                  const std::vector<std::string>& added, const std::string& lsi);
  Status add_vlinks(DeployedGraph& n, const Steering& steering, Rollback& rb);
  Status add_host_devices(const DeployedGraph& old, DeployedGraph& n, Rollback& rb);
  Result<std::pair<std::string, dataplane::PortId>> make_host_device(const std::string& lsi,
                                                                     const Endpoint& e);
  Status join_internal(const DeployedGraph& old, DeployedGraph& n, Rollback& rb);
  Result<std::vector<InstalledRule>> wanted_rules(const DeployedGraph& n, const Steering& steering);
  Status add_rules(DeployedGraph& n, std::vector<InstalledRule> wanted, Rollback& rb,
                   const Progress& progress);
  // What `old` has and `n` does not: rules, links, ports, instances (best effort, first error).
  Status remove_stale(const DeployedGraph& old, const DeployedGraph& n);
  // What the resolver may pick here: what cannot_run (vnf_launch.h) does not refuse.
  static NodeOffer offer() {
    NodeOffer o;
    o.unsupported = cannot_run;
    return o;
  }
  dataplane::LsiId lsi_of(const DeployedGraph& g, bool on_lsi0) const {
    return on_lsi0 ? g.lsi.lsi0 : g.lsi.lsi;
  }

  emulator::Control& control_;
  const TemplateRepository& templates_;
  DeployerOptions options_;
};

// What a virtual link carries ("graph:<port>|lsi0:<port>"): the same key in two graphs' versions
// is the same link.
std::string link_key(const VirtualLink& link);

}  // namespace chainlab::unode
