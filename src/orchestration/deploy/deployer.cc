#include "orchestration/deploy/deployer.h"

#include <algorithm>
#include <set>

#include "common/rollback.h"
#include "orchestration/placement/graph_placement.h"
#include "substrate/names.h"

namespace chainlab::orchestration {
namespace {

using graph::GraphDiff;
using graph::ServiceGraph;

constexpr int64_t kCpuPeriodUs = 1'000'000;

std::optional<substrate::ResourceLimits> limits_for(const graph::Resources& r) {
  if (r.cpu <= 0 && r.memory_mb == 0) {
    return std::nullopt;
  }
  substrate::ResourceLimits l;
  if (r.cpu > 0) {
    l.cpu_period_us = kCpuPeriodUs;
    l.cpu_quota_us = std::max<int64_t>(1000, static_cast<int64_t>(r.cpu * kCpuPeriodUs));
  }
  if (r.memory_mb > 0) {
    l.memory_bytes = static_cast<int64_t>(r.memory_mb) * 1024 * 1024;
  }
  return l;
}

// Drops the removed elements of `d` from `g` (what still runs after removals).
void erase_removed(ServiceGraph& g, const GraphDiff& d) {
  auto drop = [](auto& items, const std::vector<std::string>& ids) {
    std::erase_if(items, [&](const auto& item) {
      return std::find(ids.begin(), ids.end(), item.id) != ids.end();
    });
  };
  drop(g.functions, d.remove_functions);
  drop(g.saps, d.remove_saps);
  drop(g.elines, d.remove_elines);
  drop(g.elans, d.remove_elans);
  drop(g.requirements, d.remove_requirements);
}

}  // namespace

Deployer::Deployer(emulator::Control& control, LinkPools& pools, DeployerOptions options)
    : control_(control),
      pools_(pools),
      options_(std::move(options)),
      next_cookie_(options_.first_cookie) {}

std::string Deployer::object_name(const ServiceGraph& g, const std::string& id) {
  return g.id + "-" + id;
}

std::string Deployer::name(const ServiceGraph& g, NameKind kind, const std::string& id) const {
  return options_.names ? options_.names(g, kind, id) : object_name(g, id);
}

void Deployer::progress(const std::string& line) const {
  if (options_.progress) {
    options_.progress(line);
  }
}

emulator::ComputeRequest Deployer::function_request(const ServiceGraph& g,
                                                    const graph::Function& f) const {
  emulator::ComputeRequest r;
  r.pop = f.host;
  r.name = name(g, NameKind::kNode, f.id);
  r.image = f.image;
  r.command = f.command;
  r.stop_command = f.stop_command;
  r.limits = limits_for(f.resources);
  return r;
}

emulator::ComputeRequest Deployer::sap_request(const ServiceGraph& g, const graph::Sap& s) const {
  emulator::ComputeRequest r;
  r.pop = s.binding.pop;
  r.name = name(g, NameKind::kNode, s.id);
  return r;
}

Status Deployer::check(const ServiceGraph& g, const GraphDiff& d) const {
  CL_RETURN_IF_ERROR(g.validate());
  CL_RETURN_IF_ERROR(substrate::validate_object_name(g.id, "graph id"));
  for (const auto& f : d.add_functions) {
    if (f.host.empty()) {
      return make_error(ErrorCode::kInvalidArgument, "function '{}' is not placed (no host)", f.id);
    }
    CL_RETURN_IF_ERROR(
        substrate::validate_object_name(name(g, NameKind::kNode, f.id), "instance name"));
  }
  for (const auto& s : d.add_saps) {
    if (!s.binding.host_interface.empty()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "SAP '{}': binding to host interface '{}' is not supported", s.id,
                        s.binding.host_interface);
    }
    CL_RETURN_IF_ERROR(
        substrate::validate_object_name(name(g, NameKind::kNode, s.id), "instance name"));
  }
  for (const auto& l : d.add_elans) {
    CL_RETURN_IF_ERROR(
        substrate::validate_object_name(name(g, NameKind::kElan, l.id), "E-LAN name"));
  }
  return check_constraints(g);  // placed where its constraints allow
}

Result<Deployment> Deployer::deploy(const ServiceGraph& placed) {
  ServiceGraph empty;
  empty.id = placed.id;
  GraphDiff d = graph::diff(empty, placed);
  CL_RETURN_IF_ERROR(check(placed, d));
  Deployment dep;
  dep.graph = placed;
  Rollback guard;
  CL_RETURN_IF_ERROR(add(placed, d, dep, guard));
  guard.commit();
  return dep;
}

Status Deployer::update(Deployment& deployment, const ServiceGraph& next) {
  if (next.id != deployment.graph.id) {
    return make_error(ErrorCode::kInvalidArgument, "graph '{}' cannot update graph '{}'", next.id,
                      deployment.graph.id);
  }
  GraphDiff d = graph::diff(deployment.graph, next);
  CL_RETURN_IF_ERROR(check(next, d));
  CL_RETURN_IF_ERROR(remove_parts(d, deployment));
  Deployment work = deployment;
  work.graph = next;
  Rollback guard;
  CL_RETURN_IF_ERROR(add(next, d, work, guard));
  guard.commit();
  deployment = std::move(work);
  return ok_status();
}

Status Deployer::remove(Deployment& deployment) {
  ServiceGraph empty;
  empty.id = deployment.graph.id;
  return remove_parts(graph::diff(deployment.graph, empty), deployment);
}

Status Deployer::add(const ServiceGraph& g, const GraphDiff& d, Deployment& dep, Rollback& guard) {
  std::set<std::string> starting;
  for (const auto& f : d.add_functions) {
    starting.insert(f.id);
  }
  for (const auto& s : d.add_saps) {
    starting.insert(s.id);
  }
  CL_RETURN_IF_ERROR(assign_addresses(g, starting, dep.addresses, dep.leases, pools_, guard));
  for (const auto& f : d.add_functions) {
    CL_RETURN_IF_ERROR(start_node(g, f.id, function_request(g, f), f.ports, dep, guard));
  }
  for (const auto& s : d.add_saps) {
    CL_RETURN_IF_ERROR(start_node(g, s.id, sap_request(g, s), s.ports, dep, guard));
  }
  for (const auto& l : d.add_elines) {
    CL_RETURN_IF_ERROR(add_eline(l, dep, guard));
  }
  for (const auto& l : d.add_elans) {
    CL_RETURN_IF_ERROR(add_elan(g, l, dep, guard));
  }
  return ok_status();
}

Status Deployer::start_node(const ServiceGraph& g, const std::string& id,
                            emulator::ComputeRequest request, const std::vector<graph::Port>& ports,
                            Deployment& dep, Rollback& guard) {
  for (const graph::Port& p : ports) {
    auto address = dep.addresses.find({id, p.id});
    request.interfaces.push_back(
        {.id = p.id,
         .ip = address == dep.addresses.end() ? "" : address->second.to_string(),
         .mac = p.mac ? p.mac->to_string() : ""});
  }
  bool sap = g.function(id) == nullptr;
  if (options_.prepare) {
    options_.prepare(id, request);
  }
  progress(fmt::format("starting {} in {}", request.name, request.pop));
  auto info = control_.start_compute(request);
  if (!info.ok()) {
    return std::move(info).error().context(
        fmt::format("starting {} '{}' as '{}'", sap ? "SAP" : "function", id, request.name));
  }
  guard.add(
      fmt::format("stop instance '{}'", info->name),
      [this, pop = info->pop, name = info->name] { return control_.stop_compute(pop, name); });
  DeployedNode node{info->name, info->pop, {}, {}};
  for (size_t i = 0; i < ports.size() && i < info->interfaces.size(); ++i) {
    node.interfaces[ports[i].id] = info->interfaces[i].name;
  }
  for (const auto& i : info->interfaces) {
    node.addresses.emplace_back(i.name, i.ip);
  }
  const DeployedNode& stored = dep.nodes[id] = std::move(node);
  return options_.after_start ? options_.after_start(id, stored) : ok_status();
}

Status Deployer::add_eline(const graph::Eline& l, Deployment& dep, Rollback& guard) {
  const DeployedNode& src = dep.nodes.at(l.src.node);  // validate(): both ends exist
  const DeployedNode& dst = dep.nodes.at(l.dst.node);
  emulator::ChainRequest r;
  r.src = src.instance;
  r.src_intf = src.interface_of(l.src.port);
  r.dst = dst.instance;
  r.dst_intf = dst.interface_of(l.dst.port);
  r.bidirectional = l.bidirectional;
  r.cookie = options_.one_cookie ? options_.first_cookie : next_cookie_++;
  r.match = graph::format_match(l.match);
  progress(fmt::format("E-Line {}: {}:{} <-> {}:{}", l.id, r.src, r.src_intf, r.dst, r.dst_intf));
  auto chain = control_.set_chain(r);
  if (!chain.ok()) {
    return std::move(chain).error().context(fmt::format("E-Line '{}'", l.id));
  }
  guard.add(fmt::format("delete chain of E-Line '{}'", l.id), [this, r]() -> Status {
    auto removed = control_.delete_chain(r);
    if (!removed.ok()) {
      return std::move(removed).error();
    }
    return ok_status();
  });
  dep.chains[l.id] = r;
  return ok_status();
}

Status Deployer::add_elan(const ServiceGraph& g, const graph::Elan& l, Deployment& dep,
                          Rollback& guard) {
  std::vector<std::pair<std::string, std::string>> members;
  for (const auto& m : l.members) {
    const DeployedNode& node = dep.nodes.at(m.node);
    members.emplace_back(node.instance, node.interface_of(m.port));
  }
  std::string elan_name = name(g, NameKind::kElan, l.id);
  progress(fmt::format("E-LAN {}: {} members", l.id, members.size()));
  auto elan = control_.create_elan(elan_name, members);
  if (!elan.ok()) {
    return std::move(elan).error().context(fmt::format("E-LAN '{}'", l.id));
  }
  guard.add(fmt::format("delete E-LAN '{}'", elan_name),
            [this, elan_name] { return control_.delete_elan(elan_name); });
  dep.elans[l.id] = elan_name;
  return ok_status();
}

namespace {

// Undoes what `made` recorded for each of `ids` (best effort: the first error is kept in
// `first`) and forgets it.
template <class Made, class Remove>
void remove_recorded(const std::vector<std::string>& ids, Made& made, std::string_view kind,
                     Remove remove, Status& first) {
  for (const auto& id : ids) {
    if (auto it = made.find(id); it != made.end()) {
      Status s = remove(it->second);
      if (!s.ok()) {
        keep_first_error(first, std::move(s).error().context(fmt::format("{} '{}'", kind, id)));
      }
      made.erase(it);
    }
  }
}

}  // namespace

Status Deployer::remove_parts(const GraphDiff& d, Deployment& dep) {
  Status first;
  remove_recorded(
      d.remove_elans, dep.elans, "E-LAN",
      [&](const std::string& name) { return control_.delete_elan(name); }, first);
  remove_recorded(
      d.remove_elines, dep.chains, "E-Line",
      [&](const emulator::ChainRequest& chain) -> Status {
        CL_RETURN_IF_ERROR(control_.delete_chain(chain));
        return ok_status();
      },
      first);
  std::vector<std::string> nodes = d.remove_functions;
  nodes.insert(nodes.end(), d.remove_saps.begin(), d.remove_saps.end());
  for (const auto& id : nodes) {
    if (auto it = dep.nodes.find(id); it != dep.nodes.end()) {
      progress(fmt::format("stopping {} in {}", it->second.instance, it->second.pop));
      Status s = control_.stop_compute(it->second.pop, it->second.instance);
      if (!s.ok()) {
        keep_first_error(
            first, std::move(s).error().context(fmt::format("stopping '{}'", it->second.instance)));
      }
      dep.nodes.erase(it);
    }
    release_addresses(id, dep.addresses, dep.leases, pools_);
  }
  erase_removed(dep.graph, d);
  return first;
}

}  // namespace chainlab::orchestration
