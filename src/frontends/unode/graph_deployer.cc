#include "frontends/unode/graph_deployer.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "common/rollback.h"
#include "frontends/unode/decompose.h"
#include "frontends/unode/lowering.h"
#include "frontends/unode/start_barrier.h"

namespace chainlab::unode {

namespace {

// The parts of a VNF that decide its instance (its ports are changed in place).
bool same_function(const Vnf& a, const Vnf& b) {
  return a.name == b.name && a.capability == b.capability && a.template_id == b.template_id &&
         a.env == b.env && a.control == b.control;
}

const VnfPort* find_port(const Vnf& vnf, const std::string& id) {
  auto it = std::find_if(vnf.ports.begin(), vnf.ports.end(),
                         [&](const VnfPort& p) { return p.id == id; });
  return it == vnf.ports.end() ? nullptr : &*it;
}

Result<dataplane::PortId> endpoint_port(const Nffg& graph, const PortRef& ref,
                                        const std::map<std::string, dataplane::PortId>& ifs) {
  const Endpoint* e = graph.endpoint(ref.id);
  if (e == nullptr) {
    return make_error(ErrorCode::kInvalidArgument, "no end-point '{}'", ref.id);
  }
  if (e->type != EndpointType::kInterface && e->type != EndpointType::kInterfaceOut &&
      e->type != EndpointType::kVlan) {
    return make_error(ErrorCode::kUnavailable, "end-point {}: type {} is not supported yet", e->id,
                      endpoint_type_name(e->type));
  }
  auto it = ifs.find(e->if_name);
  if (it == ifs.end()) {
    std::string known;
    for (const auto& [name, port] : ifs) {
      known += (known.empty() ? "" : ", ") + name;
    }
    return make_error(ErrorCode::kFailedPrecondition,
                      "end-point {}: this node has no interface '{}' (it has: {})", e->id,
                      e->if_name, known.empty() ? "none" : known);
  }
  return it->second;
}

// A gre-tunnel end-point as this node builds it: VXLAN, whose network id has 24 bits.
Result<emulator::TunnelSpec> tunnel_spec(const Endpoint& e) {
  if (e.secure) {
    return make_error(ErrorCode::kUnavailable,
                      "end-point {}: a secure (IPsec) tunnel is not supported here", e.id);
  }
  if (e.gre_key > 0xFFFFFF) {
    return make_error(ErrorCode::kInvalidArgument,
                      "end-point {}: gre-key {} is beyond 24 bits (a VXLAN network id here)", e.id,
                      e.gre_key);
  }
  return emulator::TunnelSpec{e.local_ip, e.remote_ip, e.gre_key, e.ttl.value_or(0)};
}

bool same_rule(const InstalledRule& a, const InstalledRule& b) {
  return a.on_lsi0 == b.on_lsi0 && a.spec.priority == b.spec.priority &&
         a.spec.cookie == b.spec.cookie && a.spec.match == b.spec.match &&
         a.spec.actions == b.spec.actions;
}

}  // namespace

std::string link_key(const VirtualLink& link) {
  return fmt::format("graph:{}|lsi0:{}", link.to_graph ? link.to_graph->text() : "",
                     link.to_lsi0 ? link.to_lsi0->text() : "");
}

GraphDeployer::GraphDeployer(emulator::Control& control, const TemplateRepository& templates,
                             DeployerOptions options)
    : control_(control), templates_(templates), options_(std::move(options)) {}

Result<DeployedGraph> GraphDeployer::deploy(const Nffg& graph, const std::string& handle,
                                            uint64_t cookie, const Progress& progress) {
  DeployedGraph g;
  g.pop = options_.pop;
  g.cookie = cookie;
  CL_ASSIGN_OR_RETURN(g.lsi, control_.create_graph_lsi(options_.pop, handle));
  if (auto s = update(g, graph, progress); !s.ok()) {
    (void)control_.destroy_graph_lsi(handle);
    return std::move(s).error();
  }
  return g;
}

Result<DeployedVnf> GraphDeployer::start_vnf(DeployedGraph& g, const Vnf& vnf,
                                             StartBarrier& barrier) {
  CL_ASSIGN_OR_RETURN(const NfTemplate* t, resolve(templates_, vnf, offer()));
  DeployedVnf d;
  d.template_id = t->id;
  for (const VnfPort& p : vnf.ports) {
    d.ifnames[p.id] = free_ifname(d.ifnames);
  }
  std::string name = fmt::format("{}-{}", g.lsi.name, g.next_instance++);
  LaunchContext ctx{options_.pop, g.lsi.name, options_.bundle_root, options_.bundle_cache};
  if (t->type == VnfType::kNative) {
    CL_ASSIGN_OR_RETURN(ctx.ready_path, barrier.add(vnf.id));
  }
  CL_ASSIGN_OR_RETURN(auto request, compute_request(vnf, *t, name, d.ifnames, ctx));
  CL_ASSIGN_OR_RETURN(auto info, control_.start_compute(request));
  d.instance = info.name;
  for (const auto& [port, ifname] : d.ifnames) {
    for (const auto& intf : info.interfaces) {
      if (intf.name == ifname) {
        d.ports[port] = intf.port;
      }
    }
  }
  return d;
}

Status GraphDeployer::update(DeployedGraph& g, const Nffg& next, const Progress& progress) {
  DeployedGraph n = g;  // the new state; `g` stays as it is until everything new is in place
  CL_ASSIGN_OR_RETURN(n.graph, decompose(next, {templates_, offer(), options_.bundle_root, {}, 4}));
  Rollback rb([](std::string_view) {});
  Progress report = progress ? progress : [](int) {};
  CL_RETURN_IF_ERROR(add_vnfs(g, n, rb, report));
  CL_RETURN_IF_ERROR(add_host_devices(g, n, rb));
  CL_RETURN_IF_ERROR(join_internal(g, n, rb));
  Steering steering = split_rules(n.graph);
  CL_RETURN_IF_ERROR(add_vlinks(n, steering, rb));
  report(80);
  CL_ASSIGN_OR_RETURN(auto wanted, wanted_rules(n, steering));
  CL_RETURN_IF_ERROR(add_rules(n, std::move(wanted), rb, report));
  rb.commit();
  Status removed = remove_stale(g, n);
  g = std::move(n);
  return removed;
}

Status GraphDeployer::add_vnfs(const DeployedGraph& old, DeployedGraph& n, Rollback& rb,
                               const Progress& progress) {
  n.vnfs.clear();
  CL_ASSIGN_OR_RETURN(StartBarrier barrier, StartBarrier::create());
  size_t done = 0;
  for (const Vnf& vnf : n.graph.vnfs) {
    progress(static_cast<int>(70 * done++ / n.graph.vnfs.size()));
    const Vnf* before = old.graph.vnf(vnf.id);
    if (before != nullptr && same_function(*before, vnf)) {
      n.vnfs[vnf.id] = old.vnfs.at(vnf.id);
      CL_RETURN_IF_ERROR(add_ports(n, *before, vnf, rb));
      continue;
    }
    auto started = start_vnf(n, vnf, barrier);
    if (!started.ok()) {
      return std::move(started).error().context(fmt::format("VNF {}", vnf.id));
    }
    std::string instance = started->instance;
    rb.add("stop " + instance,
           [this, instance] { return control_.stop_compute(options_.pop, instance); });
    n.vnfs[vnf.id] = std::move(started).value();
  }
  // The new VNFs' start scripts run side by side; no rule leads to them before they are done.
  return barrier.wait(options_.start_timeout);
}

// Ports added to a running VNF (reference issue 46), checked against its template (issue 104).
Status GraphDeployer::add_ports(DeployedGraph& n, const Vnf& before, const Vnf& after,
                                Rollback& rb) {
  DeployedVnf& d = n.vnfs.at(after.id);
  const NfTemplate* t = templates_.find(d.template_id);
  auto capacity = t ? t->port_capacity() : std::nullopt;
  if (capacity && static_cast<int64_t>(after.ports.size()) > *capacity) {
    return make_error(ErrorCode::kFailedPrecondition, "VNF {}: template '{}' has {} ports, not {}",
                      after.id, d.template_id, *capacity, after.ports.size());
  }
  std::vector<std::string> added;
  for (const VnfPort& p : after.ports) {
    const VnfPort* old = find_port(before, p.id);
    if (old != nullptr && *old == p) {
      continue;
    }
    std::string ifname = free_ifname(d.ifnames);
    added.push_back(ifname);
    CL_ASSIGN_OR_RETURN(auto info, control_.add_interface(d.instance, {ifname, p.ip, p.mac}));
    std::string instance = d.instance;
    rb.add("unplug " + ifname,
           [this, instance, ifname] { return control_.remove_interface(instance, ifname); });
    d.ifnames[p.id] = ifname;
    d.ports[p.id] = info.port;
  }
  std::erase_if(d.ifnames, [&](const auto& kv) { return find_port(after, kv.first) == nullptr; });
  std::erase_if(d.ports, [&](const auto& kv) { return find_port(after, kv.first) == nullptr; });
  return added.empty() || t == nullptr ? ok_status() : hot_plug(d, after, *t, added, n.lsi.name);
}

// The VNF's bundle learns of its new ports (its `update`, when it has one).
Status GraphDeployer::hot_plug(const DeployedVnf& d, const Vnf& vnf, const NfTemplate& t,
                               const std::vector<std::string>& added, const std::string& lsi) {
  LaunchContext ctx{options_.pop, lsi, options_.bundle_root, options_.bundle_cache};
  std::vector<std::string> argv = hot_plug_command(vnf, t, added, ctx);
  if (argv.empty()) {
    return ok_status();
  }
  CL_ASSIGN_OR_RETURN(auto ran, control_.exec(d.instance, argv, std::chrono::seconds(10)));
  if (ran.exit_code != 0) {
    return make_error(ErrorCode::kFailedPrecondition, "VNF {}: its bundle's update exited {}: {}",
                      vnf.id, ran.exit_code, ran.output.substr(0, 512));
  }
  return ok_status();
}

Status GraphDeployer::add_vlinks(DeployedGraph& n, const Steering& steering, Rollback& rb) {
  auto previous = std::move(n.vlinks);
  n.vlinks.clear();
  for (const VirtualLink& link : steering.vlinks) {
    std::string key = link_key(link);
    if (auto it = previous.find(key); it != previous.end()) {
      n.vlinks[key] = it->second;
      continue;
    }
    CL_ASSIGN_OR_RETURN(emulator::LsiLink made, control_.add_graph_link(n.lsi.name));
    std::string lsi = n.lsi.name;
    rb.add("remove link " + key,
           [this, lsi, made] { return control_.remove_graph_link(lsi, made); });
    n.vlinks[key] = made;
  }
  return ok_status();
}

// A host-stack end-point (a static address on the host) or a gre-tunnel (a VXLAN device): a host
// device on a port of the graph-LSI. One whose end-point is unchanged is kept.
Status GraphDeployer::add_host_devices(const DeployedGraph& old, DeployedGraph& n, Rollback& rb) {
  n.host_devices.clear();
  for (const Endpoint& e : n.graph.endpoints) {
    if (e.type != EndpointType::kHostStack && e.type != EndpointType::kGreTunnel) {
      continue;
    }
    const Endpoint* before = old.graph.endpoint(e.id);
    if (before != nullptr && *before == e && old.host_devices.count(e.id) != 0) {
      n.host_devices[e.id] = old.host_devices.at(e.id);
      continue;
    }
    CL_ASSIGN_OR_RETURN(auto made, make_host_device(n.lsi.name, e));
    rb.add("remove host device " + made.first, [this, lsi = n.lsi.name, name = made.first] {
      return control_.remove_host_device(lsi, name);
    });
    n.host_devices[e.id] = made;
  }
  return ok_status();
}

Result<std::pair<std::string, dataplane::PortId>> GraphDeployer::make_host_device(
    const std::string& lsi, const Endpoint& e) {
  if (e.type == EndpointType::kGreTunnel) {
    CL_ASSIGN_OR_RETURN(emulator::TunnelSpec spec, tunnel_spec(e));
    return control_.add_tunnel(lsi, spec);
  }
  if (e.configuration != "static" || e.ipv4.empty()) {
    return make_error(ErrorCode::kUnavailable,
                      "end-point {}: host-stack '{}' is not supported here; use static with an "
                      "IPv4 address",
                      e.id, e.configuration);
  }
  return control_.add_host_stack(lsi, e.ipv4);
}

// The internal groups the graph's internal end-points name, joined once each.
Status GraphDeployer::join_internal(const DeployedGraph& old, DeployedGraph& n, Rollback& rb) {
  n.internal.clear();
  for (const Endpoint& e : n.graph.endpoints) {
    if (e.type != EndpointType::kInternal || n.internal.count(e.internal_group) != 0) {
      continue;
    }
    if (options_.internal == nullptr) {
      return make_error(ErrorCode::kUnavailable, "end-point {}: no internal groups here", e.id);
    }
    if (auto it = old.internal.find(e.internal_group); it != old.internal.end()) {
      n.internal[e.internal_group] = it->second;
      continue;
    }
    CL_ASSIGN_OR_RETURN(dataplane::PortId port,
                        options_.internal->join(e.internal_group, n.lsi.name));
    rb.add("leave " + e.internal_group, [this, group = e.internal_group, graph = n.lsi.name] {
      return options_.internal->leave(group, graph);
    });
    n.internal[e.internal_group] = port;
  }
  return ok_status();
}

Result<std::vector<InstalledRule>> GraphDeployer::wanted_rules(const DeployedGraph& n,
                                                               const Steering& steering) {
  CL_ASSIGN_OR_RETURN(auto interfaces, control_.pop_interfaces(n.pop));
  auto lookup = [&](bool lsi0) -> PortLookup {
    return [&, lsi0](const LsiPort& p) -> Result<dataplane::PortId> {
      if (p.vlink >= 0) {
        const auto& link = n.vlinks.at(link_key(steering.vlinks[static_cast<size_t>(p.vlink)]));
        return lsi0 ? link.lsi0_port : link.graph_port;
      }
      if (auto hs = n.host_devices.find(p.port->id);
          !p.port->is_vnf() && hs != n.host_devices.end()) {
        return hs->second.second;
      }
      const Endpoint* e = p.port->is_vnf() ? nullptr : n.graph.endpoint(p.port->id);
      if (e != nullptr && e->type == EndpointType::kInternal) {
        return n.internal.at(e->internal_group);
      }
      if (!p.port->is_vnf()) {
        return endpoint_port(n.graph, *p.port, interfaces);
      }
      return n.vnfs.at(p.port->id).ports.at(p.port->port);
    };
  };
  TagLookup tags = [&](const LsiPort& p) -> std::optional<uint16_t> {
    const Endpoint* e = p.port && !p.port->is_vnf() ? n.graph.endpoint(p.port->id) : nullptr;
    return e != nullptr && e->type == EndpointType::kVlan ? std::optional(e->vlan_id)
                                                          : std::nullopt;
  };
  std::vector<InstalledRule> out;
  for (bool lsi0 : {true, false}) {
    for (const SteeringRule& r : lsi0 ? steering.lsi0 : steering.graph) {
      CL_ASSIGN_OR_RETURN(auto spec, lower_rule(r, lookup(lsi0), n.cookie, tags));
      out.push_back(InstalledRule{lsi0, std::move(spec), 0, r.id});
    }
  }
  return out;
}

Status GraphDeployer::add_rules(DeployedGraph& n, std::vector<InstalledRule> wanted, Rollback& rb,
                                const Progress& progress) {
  size_t done = 0;
  for (InstalledRule& w : wanted) {
    progress(80 + static_cast<int>(20 * done++ / wanted.size()));
    auto kept = std::find_if(n.rules.begin(), n.rules.end(),
                             [&](const InstalledRule& r) { return same_rule(r, w); });
    if (kept != n.rules.end()) {
      w.id = kept->id;
      n.rules.erase(kept);  // each installed rule is kept at most once
      continue;
    }
    dataplane::LsiId lsi = lsi_of(n, w.on_lsi0);
    CL_ASSIGN_OR_RETURN(w.id, control_.add_rule(lsi, w.spec));
    rb.add(fmt::format("delete rule {}", w.nffg_rule),
           [this, lsi, id = w.id] { return control_.delete_rule(lsi, id); });
  }
  n.rules = std::move(wanted);
  return ok_status();
}

Status GraphDeployer::remove_stale(const DeployedGraph& old, const DeployedGraph& n) {
  Status first = ok_status();
  std::set<dataplane::RuleId> kept;
  for (const InstalledRule& r : n.rules) {
    kept.insert(r.id);
  }
  for (const InstalledRule& r : old.rules) {
    if (kept.count(r.id) == 0) {
      keep_first_error(first, control_.delete_rule(lsi_of(old, r.on_lsi0), r.id));
    }
  }
  for (const auto& [group, port] : old.internal) {
    if (n.internal.count(group) == 0 && options_.internal != nullptr) {
      keep_first_error(first, options_.internal->leave(group, old.lsi.name));
    }
  }
  for (const auto& [id, hd] : old.host_devices) {
    if (n.host_devices.count(id) == 0 || n.host_devices.at(id) != hd) {
      keep_first_error(first, control_.remove_host_device(old.lsi.name, hd.first));
    }
  }
  for (const auto& [key, link] : old.vlinks) {
    if (n.vlinks.count(key) == 0 || !(n.vlinks.at(key) == link)) {
      keep_first_error(first, control_.remove_graph_link(old.lsi.name, link));
    }
  }
  for (const auto& [id, vnf] : old.vnfs) {
    auto now = n.vnfs.find(id);
    if (now == n.vnfs.end() || now->second.instance != vnf.instance) {
      keep_first_error(first, control_.stop_compute(old.pop, vnf.instance));
      continue;
    }
    for (const auto& [port, ifname] : vnf.ifnames) {
      if (now->second.ifnames.count(port) == 0 || now->second.ifnames.at(port) != ifname) {
        keep_first_error(first, control_.remove_interface(vnf.instance, ifname));
      }
    }
  }
  return first;
}

Status GraphDeployer::remove(DeployedGraph& deployed) {
  DeployedGraph empty;
  empty.pop = deployed.pop;
  empty.lsi = deployed.lsi;
  Status first = remove_stale(deployed, empty);
  keep_first_error(first, control_.destroy_graph_lsi(deployed.lsi.name));
  return first;
}

}  // namespace chainlab::unode
