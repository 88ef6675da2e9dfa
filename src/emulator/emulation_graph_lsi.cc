// Graph-LSIs, LSI-0 interfaces and raw rules: what the node orchestrator (frontends/unode) builds
// a deployed NF-FG from (COMPOSER §5.2). A graph-LSI is a data-plane LSI named
// "<pop>.<graph-LSI name>" beside its PoP's switch, joined to it by virtual links.
#include <fmt/format.h>

#include "common/rollback.h"
#include "emulator/emulation.h"
#include "emulator/emulation_impl.h"
#include "substrate/journal.h"
#include "substrate/names.h"
#include "substrate/rtnl.h"

namespace chainlab::emulator {

namespace {

Result<std::map<std::string, GraphLsiState>::iterator> find_graph_lsi(
    std::map<std::string, GraphLsiState>& lsis, const std::string& name) {
  auto it = lsis.find(name);
  if (it == lsis.end()) {
    return make_error(ErrorCode::kNotFound, "no graph-LSI named '{}'", name);
  }
  return it;
}

}  // namespace

Result<dataplane::LsiId> Emulation::Impl::instance_lsi(int node,
                                                       const std::string& graph_lsi) const {
  const NodeState& ns = nodes[static_cast<size_t>(node)];
  if (graph_lsi.empty()) {
    return ns.lsi;
  }
  auto it = graph_lsis.find(graph_lsi);
  if (it == graph_lsis.end() || it->second.node != node) {
    return make_error(ErrorCode::kNotFound, "no graph-LSI named '{}' in '{}'", graph_lsi, ns.name);
  }
  return it->second.lsi;
}

bool Emulation::Impl::known_lsi(dataplane::LsiId lsi) const {
  for (const auto& n : nodes) {
    if (n.lsi == lsi) {
      return true;
    }
  }
  for (const auto& [name, g] : graph_lsis) {
    if (g.lsi == lsi) {
      return true;
    }
  }
  return false;
}

Result<GraphLsiInfo> Emulation::create_graph_lsi(const std::string& pop, const std::string& name) {
  std::lock_guard lock(mu_);
  Impl& im = *impl_;
  if (topology_.find_pop(pop) == nullptr) {
    return make_error(ErrorCode::kNotFound, "no PoP named '{}'", pop);
  }
  CL_RETURN_IF_ERROR(substrate::validate_object_name(name, "graph-LSI name"));
  if (im.graph_lsis.count(name) != 0) {
    return make_error(ErrorCode::kAlreadyExists, "graph-LSI '{}' already exists", name);
  }
  int node = im.graph->index(pop);
  CL_ASSIGN_OR_RETURN(dataplane::LsiId lsi, im.engine->create_lsi(fmt::format("{}.{}", pop, name)));
  im.graph_lsis[name] = GraphLsiState{node, lsi, {}, {}};
  return GraphLsiInfo{name, pop, im.nodes[static_cast<size_t>(node)].lsi, lsi};
}

Status Emulation::destroy_graph_lsi(const std::string& name) {
  std::lock_guard lock(mu_);
  Impl& im = *impl_;
  CL_ASSIGN_OR_RETURN(auto it, find_graph_lsi(im.graph_lsis, name));
  for (const auto& [iname, inst] : im.instances) {
    if (inst.lsi == it->second.lsi) {
      return make_error(ErrorCode::kFailedPrecondition, "instance '{}' is still on graph-LSI '{}'",
                        iname, name);
    }
  }
  CL_RETURN_IF_ERROR(im.engine->destroy_lsi(it->second.lsi));
  for (const auto& [ifname, port] : it->second.host_devices) {
    (void)delete_host_device(ifname);
  }
  im.graph_lsis.erase(it);
  return ok_status();
}

Result<LsiLink> Emulation::add_graph_link(const std::string& name) {
  std::lock_guard lock(mu_);
  Impl& im = *impl_;
  CL_ASSIGN_OR_RETURN(auto it, find_graph_lsi(im.graph_lsis, name));
  GraphLsiState& g = it->second;
  dataplane::LsiId lsi0 = im.nodes[static_cast<size_t>(g.node)].lsi;
  CL_ASSIGN_OR_RETURN(auto made, im.engine->connect(lsi0, g.lsi, 1));
  LsiLink link{made.front().a_port, made.front().b_port};
  g.links.push_back(link);
  return link;
}

Status Emulation::remove_graph_link(const std::string& name, const LsiLink& link) {
  std::lock_guard lock(mu_);
  Impl& im = *impl_;
  CL_ASSIGN_OR_RETURN(auto it, find_graph_lsi(im.graph_lsis, name));
  auto& links = it->second.links;
  auto found = std::find(links.begin(), links.end(), link);
  if (found == links.end()) {
    return make_error(ErrorCode::kNotFound, "graph-LSI '{}' has no link on port {}", name,
                      link.graph_port);
  }
  CL_RETURN_IF_ERROR(im.engine->remove_port(it->second.lsi, link.graph_port));
  links.erase(found);
  return ok_status();
}

Result<std::map<std::string, dataplane::PortId>> Emulation::pop_interfaces(const std::string& pop) {
  std::lock_guard lock(mu_);
  const Impl& im = *impl_;
  int node = im.graph->index(pop);
  if (topology_.find_pop(pop) == nullptr || node < 0) {
    return make_error(ErrorCode::kNotFound, "no PoP named '{}'", pop);
  }
  std::map<std::string, dataplane::PortId> out;
  for (const auto& [name, inst] : im.instances) {
    if (inst.is_sap && inst.node == node && !inst.interfaces.empty()) {
      out[name] = inst.interfaces.front().port;
    }
  }
  for (size_t i = 0; i < im.links.size(); ++i) {
    const LinkState& l = im.links[i];
    if (l.a == node || l.b == node) {
      out[im.nodes[static_cast<size_t>(l.a == node ? l.b : l.a)].name] = im.link_port(i, node);
    }
  }
  for (const auto& [ifname, host] : im.host_interfaces) {
    if (host.node == node) {
      out[ifname] = host.port;
    }
  }
  return out;
}

Result<dataplane::PortId> Emulation::attach_host_interface(const std::string& pop,
                                                           const std::string& ifname) {
  std::lock_guard lock(mu_);
  Impl& im = *impl_;
  if (topology_.find_pop(pop) == nullptr) {
    return make_error(ErrorCode::kNotFound, "no PoP named '{}'", pop);
  }
  CL_RETURN_IF_ERROR(substrate::validate_ifname(ifname));
  if (im.host_interfaces.count(ifname) != 0) {
    return make_error(ErrorCode::kAlreadyExists, "interface '{}' is already attached", ifname);
  }
  int node = im.graph->index(pop);
  CL_ASSIGN_OR_RETURN(dataplane::PortId port,
                      im.engine->add_port(im.nodes[static_cast<size_t>(node)].lsi, ifname, ifname));
  im.host_interfaces[ifname] = HostInterface{node, port};
  return port;
}

Status Emulation::delete_host_device(const std::string& ifname) {
  CL_ASSIGN_OR_RETURN(substrate::Rtnl rtnl, substrate::Rtnl::open());
  Status deleted = rtnl.delete_link(ifname);  // a veth's peer goes with it
  keep_first_error(deleted, run_->journal().forget(substrate::ObjectKind::kLink, ifname));
  return deleted;
}

Result<std::pair<std::string, dataplane::PortId>> Emulation::attach_host_device(
    GraphLsiState& lsi, const HostDevice& device, const Status& made) {
  const std::string& ifname = device.name;
  auto port = made.ok()
                  ? impl_->engine->add_port(lsi.lsi, device.kind + ":" + ifname, device.port_ifname)
                  : Result<dataplane::PortId>(made.error());
  if (!port.ok()) {
    (void)delete_host_device(ifname);
    return std::move(port).error();
  }
  lsi.host_devices[ifname] = *port;
  return std::pair{ifname, *port};
}

// A veth: its host end `host` with the address, its peer `peer` a port of the graph-LSI.
Result<std::pair<std::string, dataplane::PortId>> Emulation::add_host_stack(
    const std::string& graph_lsi, const std::string& address) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(auto it, find_graph_lsi(impl_->graph_lsis, graph_lsi));
  CL_ASSIGN_OR_RETURN(substrate::Cidr cidr, substrate::Cidr::parse(address));
  std::string host = run_->names().next('h');
  std::string peer = run_->names().next('p');
  CL_ASSIGN_OR_RETURN(substrate::Rtnl rtnl, substrate::Rtnl::open());
  CL_RETURN_IF_ERROR(run_->journal().record(substrate::ObjectKind::kLink, host));
  Status made = rtnl.create_veth({host, peer, -1, std::nullopt, std::nullopt, std::nullopt});
  for (const std::string& end : {host, peer}) {
    if (made.ok()) {
      made = rtnl.set_up(end, true);
    }
  }
  if (made.ok()) {
    made = rtnl.add_address(host, cidr);
  }
  auto attached = attach_host_device(it->second, {"host-stack", host, peer}, made);
  if (!attached.ok()) {
    return std::move(attached).error().context(fmt::format("host-stack {}", address));
  }
  return attached;
}

// A VXLAN device, itself the graph-LSI's port.
Result<std::pair<std::string, dataplane::PortId>> Emulation::add_tunnel(
    const std::string& graph_lsi, const TunnelSpec& spec) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(auto it, find_graph_lsi(impl_->graph_lsis, graph_lsi));
  CL_ASSIGN_OR_RETURN(auto local, substrate::IpAddress::parse(spec.local_ip));
  CL_ASSIGN_OR_RETURN(auto remote, substrate::IpAddress::parse(spec.remote_ip));
  std::string name = run_->names().next('t');
  CL_ASSIGN_OR_RETURN(substrate::Rtnl rtnl, substrate::Rtnl::open());
  CL_RETURN_IF_ERROR(run_->journal().record(substrate::ObjectKind::kLink, name));
  Status made = rtnl.create_vxlan({name, spec.key, local, remote, 4789, spec.ttl});
  if (made.ok()) {
    made = rtnl.set_up(name, true);
  }
  auto attached = attach_host_device(it->second, {"tunnel", name, name}, made);
  if (!attached.ok()) {
    return std::move(attached).error().context(
        fmt::format("tunnel {} -> {} key {}", spec.local_ip, spec.remote_ip, spec.key));
  }
  return attached;
}

Status Emulation::remove_host_device(const std::string& graph_lsi, const std::string& ifname) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(auto it, find_graph_lsi(impl_->graph_lsis, graph_lsi));
  auto hd = it->second.host_devices.find(ifname);
  if (hd == it->second.host_devices.end()) {
    return make_error(ErrorCode::kNotFound, "graph-LSI '{}' has no host device '{}'", graph_lsi,
                      ifname);
  }
  (void)impl_->engine->remove_port(it->second.lsi, hd->second);
  it->second.host_devices.erase(hd);
  return delete_host_device(ifname);
}

Result<dataplane::RuleId> Emulation::add_rule(dataplane::LsiId lsi,
                                              const dataplane::RuleSpec& rule) {
  std::lock_guard lock(mu_);
  if (!impl_->known_lsi(lsi)) {
    return make_error(ErrorCode::kNotFound, "no switch with id {}", lsi);
  }
  return impl_->engine->add_rule(lsi, rule);
}

Status Emulation::delete_rule(dataplane::LsiId lsi, dataplane::RuleId rule) {
  std::lock_guard lock(mu_);
  if (!impl_->known_lsi(lsi)) {
    return make_error(ErrorCode::kNotFound, "no switch with id {}", lsi);
  }
  return impl_->engine->delete_rule(lsi, rule);
}

}  // namespace chainlab::emulator
