#include "frontends/unode/steering.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace chainlab::unode {
namespace {

// Algorithm 1: a virtual link per distinct crossing output port; the n-th port towards the
// graph-LSI and the n-th port towards LSI-0 share link n.
class LinkTable {
 public:
  LinkTable(const Nffg& graph, Steering& out) : graph_(graph), out_(out) {}

  int link_for(const PortRef& port, int64_t priority) {
    auto [it, fresh] = links_.try_emplace(port, 0);
    if (fresh) {
      bool to_graph = owner_of(graph_, port) == Lsi::kGraph;
      int& counter = to_graph ? next_to_graph_ : next_to_lsi0_;
      it->second = counter++;
      if (static_cast<size_t>(it->second) == out_.vlinks.size()) {
        out_.vlinks.push_back(VirtualLink{it->second, std::nullopt, std::nullopt});
      }
      VirtualLink& link = out_.vlinks[static_cast<size_t>(it->second)];
      (to_graph ? link.to_graph : link.to_lsi0) = port;
    }
    int64_t& p = priority_[port];
    p = std::max(p, priority);
    return it->second;
  }
  int64_t priority(const PortRef& port) const { return priority_.at(port); }

 private:
  const Nffg& graph_;
  Steering& out_;
  std::map<PortRef, int> links_;
  std::map<PortRef, int64_t> priority_;  // the highest priority of the rules using the link
  int next_to_graph_ = 0;
  int next_to_lsi0_ = 0;
};

// What the egress LSI does with a link's traffic: out through the port it carries.
SteeringRule forward(int vlink, const PortRef& port, int64_t priority) {
  SteeringRule r;
  r.id = fmt::format("vlink:{}", vlink);
  r.priority = priority;
  r.in = LsiPort{std::nullopt, vlink};
  Action out;
  out.port = port;
  r.actions = {out};
  r.outputs = {LsiPort{port, -1}};
  return r;
}

}  // namespace

Lsi owner_of(const Nffg& graph, const PortRef& port) {
  if (port.is_vnf()) {
    return Lsi::kGraph;
  }
  const Endpoint* e = graph.endpoint(port.id);
  if (e == nullptr) {
    return Lsi::kGraph;  // parse_nffg refuses dangling references; keep it graph-local
  }
  switch (e->type) {
    case EndpointType::kInterface:
    case EndpointType::kInterfaceOut:
    case EndpointType::kVlan:
    case EndpointType::kInternal:
      return Lsi::kZero;
    case EndpointType::kGreTunnel:
    case EndpointType::kHostStack:
      return Lsi::kGraph;
  }
  return Lsi::kGraph;
}

std::string LsiPort::text() const {
  return port ? port->text() : fmt::format("vlink:{}", vlink);
}

Steering split_rules(const Nffg& graph) {
  Steering out;
  LinkTable links(graph, out);
  for (const FlowRule& r : graph.rules) {
    Lsi ingress = owner_of(graph, r.match.port_in);
    SteeringRule rule{r.id, r.priority, LsiPort{r.match.port_in, -1}, r.match, r.actions, {}};
    for (const PortRef& port : r.outputs()) {
      rule.outputs.push_back(owner_of(graph, port) == ingress
                                 ? LsiPort{port, -1}
                                 : LsiPort{std::nullopt, links.link_for(port, r.priority)});
    }
    (ingress == Lsi::kZero ? out.lsi0 : out.graph).push_back(std::move(rule));
  }
  for (const VirtualLink& link : out.vlinks) {
    if (link.to_graph) {
      out.graph.push_back(forward(link.index, *link.to_graph, links.priority(*link.to_graph)));
    }
    if (link.to_lsi0) {
      out.lsi0.push_back(forward(link.index, *link.to_lsi0, links.priority(*link.to_lsi0)));
    }
  }
  return out;
}

}  // namespace chainlab::unode
