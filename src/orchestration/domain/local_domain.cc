#include "orchestration/domain/local_domain.h"

namespace chainlab::orchestration {
namespace {

DeployResult result_of(const Deployment& dep) {
  DeployResult r;
  r.graph_id = dep.graph.id;
  for (const auto& [id, node] : dep.nodes) {
    r.instances[id] = node.instance;
    r.hosts[id] = node.pop;
  }
  return r;
}

Error unknown_graph(const std::string& id) {
  return make_error(ErrorCode::kNotFound, "graph '{}' is not deployed", id);
}

}  // namespace

std::vector<PopCapacity> pop_capacities(emulator::Control& control) {
  std::vector<PopCapacity> out;
  for (const auto& pop : control.list_pops()) {
    PopCapacity c;
    c.name = pop.name;
    c.limited = pop.capacity.limited;
    c.rejects = pop.capacity.rejects;
    c.max_cu = pop.capacity.compute_units.total;
    c.max_mu = pop.capacity.memory_mb.total;
    c.alloc_cu = pop.capacity.compute_units.allocated;
    c.alloc_mu = pop.capacity.memory_mb.allocated;
    c.instances = pop.instances.size();
    out.push_back(std::move(c));
  }
  return out;
}

LocalDomain::LocalDomain(std::string name, emulator::Control& control, DeployerOptions options)
    : name_(std::move(name)), control_(control), deployer_(control, pools_, options) {}

DomainView LocalDomain::describe() {
  std::lock_guard lock(mu_);
  DomainView v;
  v.name = name_;
  v.hosts = pop_capacities(control_);
  const emulator::Topology& t = control_.topology();
  for (const auto& pop : t.pops()) {
    v.nodes.push_back(pop.name);
  }
  for (const auto& sw : t.switches()) {
    v.nodes.push_back(sw.name);
  }
  for (const auto& l : t.links()) {
    v.links.push_back({l.a, l.b, static_cast<double>(l.delay_ns) / 1e6, l.bw_mbps});
  }
  return v;
}

Result<DeployResult> LocalDomain::deploy(const graph::ServiceGraph& placed) {
  std::lock_guard lock(mu_);
  if (deployments_.count(placed.id) > 0) {
    return make_error(ErrorCode::kAlreadyExists, "graph '{}' is already deployed in domain '{}'",
                      placed.id, name_);
  }
  CL_ASSIGN_OR_RETURN(Deployment dep, deployer_.deploy(placed));
  DeployResult r = result_of(dep);
  deployments_.emplace(placed.id, std::move(dep));
  return r;
}

Result<DeployResult> LocalDomain::update(const graph::ServiceGraph& next) {
  std::lock_guard lock(mu_);
  auto it = deployments_.find(next.id);
  if (it == deployments_.end()) {
    return unknown_graph(next.id);
  }
  CL_RETURN_IF_ERROR(deployer_.update(it->second, next));
  return result_of(it->second);
}

Status LocalDomain::remove(const std::string& graph_id) {
  std::lock_guard lock(mu_);
  auto it = deployments_.find(graph_id);
  if (it == deployments_.end()) {
    return unknown_graph(graph_id);
  }
  Status s = deployer_.remove(it->second);
  deployments_.erase(it);
  return s;
}

Result<graph::ServiceGraph> LocalDomain::running(const std::string& graph_id) {
  std::lock_guard lock(mu_);
  auto it = deployments_.find(graph_id);
  if (it == deployments_.end()) {
    return unknown_graph(graph_id);
  }
  return it->second.graph;
}

}  // namespace chainlab::orchestration
