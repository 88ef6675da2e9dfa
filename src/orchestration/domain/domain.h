// Domain: a place where placed ServiceGraphs run — the local emulation today (LocalDomain), a
// remote orchestrator's domain later (a node orchestrator speaking NF-FG, a multi-domain one
// speaking NFFG). The orchestration core sees every domain through this one interface:
//   name()      the domain's name;
//   describe()  typed resources per PoP/host and the topology (nodes, links with delay and
//               bandwidth), for placement and embedding;
//   deploy()    realises a placed graph (every function has its `host`); AlreadyExists when a
//               graph with that id runs; on error nothing is left;
//   update()    moves a running graph to a new version of itself by diff (graph_diff.h): only
//               what changed is removed and added; NotFound for an unknown graph id;
//   remove()    removes a running graph; NotFound for an unknown graph id.
// The domain keeps the running version of each graph, so update() takes only the new one (the
// old one is the domain's record, not the caller's claim).
// See also: local_domain.h, deploy/deployer.h.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "orchestration/graph/service_graph.h"
#include "orchestration/placement/placement.h"

namespace chainlab::orchestration {

struct DomainLink {
  std::string a;  // PoP or switch
  std::string b;
  double delay_ms = 0;
  double bandwidth_mbps = 0;  // 0: unlimited
  friend bool operator==(const DomainLink&, const DomainLink&) = default;
};

struct DomainView {
  std::string name;
  std::vector<PopCapacity> hosts;  // one per PoP, typed (placement.h)
  std::vector<std::string> nodes;  // PoPs, then switches
  std::vector<DomainLink> links;
};

// What a deployment made, by graph element.
struct DeployResult {
  std::string graph_id;
  std::map<std::string, std::string> instances;  // function or SAP id -> instance name
  std::map<std::string, std::string> hosts;      // function or SAP id -> PoP
};

class Domain {
 public:
  virtual ~Domain() = default;
  virtual std::string name() const = 0;
  virtual DomainView describe() = 0;
  virtual Result<DeployResult> deploy(const graph::ServiceGraph& placed) = 0;
  virtual Result<DeployResult> update(const graph::ServiceGraph& next) = 0;
  virtual Status remove(const std::string& graph_id) = 0;
};

}  // namespace chainlab::orchestration
