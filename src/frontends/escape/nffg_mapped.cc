// Embedding -> NFFG: mapped_nffg writes a mapping the way ESCAPE's mapping writes its result, and
// remove_service takes a service out again (nffg_embedding.h).
#include <algorithm>
#include <cassert>
#include <set>

#include "frontends/escape/nffg_embedding.h"
#include "frontends/escape/nffg_embedding_internal.h"

namespace chainlab::escape {
namespace {

// "<infra>|<nf>|<port>": the infra port an NF port is attached to (ESCAPE's naming).
Id nf_infra_port(const Id& infra, const Id& nf, const Id& port) {
  return Id(infra.str() + "|" + nf.str() + "|" + port.str());
}

Port& ensure_port(NodeBase& node, const Id& port_id) {
  if (Port* p = node.port(port_id)) {
    return *p;
  }
  Port& p = node.ports.emplace_back();
  p.id = port_id;
  return p;
}

EdgeLink dynamic_link(Id id, Id src_node, Id src_port, Id dst_node, Id dst_port) {
  EdgeLink l;
  static_cast<LinkEnds&>(l) = {std::move(id), std::move(src_node), std::move(src_port),
                               std::move(dst_node), std::move(dst_port)};
  return l;
}

// The NF on its infra: the node itself, and per port an infra port and a link each way (the
// NF -> infra one marked backward, as hsnlab's add_undirected_link does).
void attach_nf(Nffg& out, const NodeNf& nf, NodeInfra& infra) {
  out.node_nfs.push_back(nf);
  for (const Port& p : nf.ports) {
    Id infra_port = nf_infra_port(infra.id, nf.id, p.id);
    ensure_port(infra, infra_port);
    out.edge_links.push_back(dynamic_link(infra_port, infra.id, infra_port, nf.id, p.id));
    EdgeLink back = dynamic_link(Id(infra_port.str() + "-back"), nf.id, p.id, infra.id, infra_port);
    back.backward = true;
    out.edge_links.push_back(std::move(back));
  }
}

// One infra a hop crosses: where traffic comes in and goes out, and whether this infra hosts
// the hop's source or destination NF.
struct Crossing {
  Id infra;
  Id in_port;
  Id out_port;
  bool source_nf = false;
  bool destination_nf = false;
};

class HopWriter {
 public:
  HopWriter(Nffg& out, const Nffg& req, const embedding::Substrate& s,
            const std::vector<detail::DirectedLink>& links)
      : out_(out), req_(req), s_(s), links_(links) {}

  void write(const SgHop& hop, size_t src_node, const std::vector<size_t>& path, double bandwidth) {
    for (const Crossing& c : crossings(hop, src_node, path)) {
      NodeInfra* infra = out_.infra(c.infra);
      assert(infra != nullptr);
      std::string tag = "TAG=" + hop.src_node.str() + "|" + hop.dst_node.str() + "|" + hop.id.str();
      std::string match = "in_port=" + c.in_port.str();
      if (hop.flowclass) {
        match += ";flowclass=" + *hop.flowclass;
      }
      std::string action = "output=" + c.out_port.str();
      if (!c.source_nf) {
        match += ";" + tag;  // arriving from a SAP or another infra: tagged
      }
      if (c.source_nf && !c.destination_nf) {
        action += ";" + tag;
      } else if (c.destination_nf && !c.source_nf) {
        action += ";UNTAG";
      }
      Flowrule rule;
      rule.id = hop.id;  // hsnlab/nffg reads a rule's hop from its id; hop_id for older readers
      rule.match = match;
      rule.action = action;
      rule.hop_id = hop.id;
      if (bandwidth > 0) {
        rule.bandwidth = bandwidth;
      }
      ensure_port(*infra, c.in_port).flowrules.push_back(std::move(rule));
    }
  }

 private:
  // The walk's nodes in order, keeping the infras (SAPs carry no rules).
  std::vector<Crossing> crossings(const SgHop& hop, size_t src_node,
                                  const std::vector<size_t>& path) const {
    std::vector<Crossing> out;
    size_t node = src_node;
    for (size_t k = 0; k <= path.size(); ++k) {
      bool first = k == 0;
      bool last = k == path.size();
      if (s_.nodes[node].kind == embedding::NodeKind::kInfra) {
        Crossing c;
        c.infra = infra_id(node);
        c.source_nf = first && req_.nf(hop.src_node) != nullptr;
        c.destination_nf = last && req_.nf(hop.dst_node) != nullptr;
        c.in_port = first ? nf_infra_port(c.infra, hop.src_node, hop.src_port)
                          : links_[path[k - 1]].dst_port;
        c.out_port =
            last ? nf_infra_port(c.infra, hop.dst_node, hop.dst_port) : links_[path[k]].src_port;
        out.push_back(std::move(c));
      }
      if (!last) {
        node = s_.links[path[k]].dst;
      }
    }
    return out;
  }

  // The infra's own Id (a numeric id keeps its type).
  Id infra_id(size_t node) const {
    for (const NodeInfra& infra : out_.node_infras) {
      if (infra.id.str() == s_.nodes[node].id) {
        return infra.id;
      }
    }
    return Id(s_.nodes[node].id);
  }

  Nffg& out_;
  const Nffg& req_;
  const embedding::Substrate& s_;
  const std::vector<detail::DirectedLink>& links_;
};

// A request SAP's id in the topology (its binding), with the hop's port added to it when the
// topology's SAP lacks it (hsnlab's _addSAPportIfNeeded).
Id bound_sap(Nffg& out, const Nffg& req, const Id& node, const Id& port) {
  const NodeSap* sap = req.sap(node);
  if (sap == nullptr) {
    return node;
  }
  // The topology's SAP of the same id, else the one its binding names (prepare()'s order).
  for (const std::string& name : {sap->id.str(), sap->binding.value_or(sap->id.str())}) {
    for (NodeSap& s : out.node_saps) {
      if (s.id.str() == name) {
        ensure_port(s, port);
        return s.id;
      }
    }
  }
  return node;
}

template <typename Edge>
Edge rebound(Nffg& out, const Nffg& req, Edge e) {
  e.src_node = bound_sap(out, req, e.src_node, e.src_port);
  e.dst_node = bound_sap(out, req, e.dst_node, e.dst_port);
  return e;
}

void drop_hop_rules(Nffg& g, const std::set<Id>& hops) {
  for (NodeInfra& infra : g.node_infras) {
    for (Port& p : infra.ports) {
      std::erase_if(p.flowrules, [&](const Flowrule& f) { return hops.contains(f.hop()); });
    }
  }
}

}  // namespace

Nffg mapped_nffg(const Nffg& topo, const Nffg& req, const embedding::Substrate& substrate,
                 const embedding::Request& request, const embedding::Mapping& mapping) {
  Nffg out = topo;
  out.parameters.mode = Mode::kAdd;
  std::vector<detail::DirectedLink> links = detail::directed_links(topo);
  assert(links.size() == substrate.links.size());
  for (const NodeNf& nf : req.node_nfs) {
    auto placed = mapping.nf_node.find(nf.id.str());
    assert(placed != mapping.nf_node.end());
    if (placed == mapping.nf_node.end() || placed->second >= substrate.nodes.size()) {
      continue;  // an incomplete mapping: nothing sensible to write for this NF
    }
    for (NodeInfra& infra : out.node_infras) {
      if (infra.id.str() == substrate.nodes[placed->second].id) {
        attach_nf(out, nf, infra);
      }
    }
  }
  std::map<std::string, double> bandwidths = embedding::hop_bandwidths(request);
  HopWriter writer(out, req, substrate, links);
  for (const SgHop& hop : req.edge_sg_nexthops) {
    std::string id = hop.id.str();
    auto src = embedding::endpoint_node(substrate, request, mapping, hop.src_node.str());
    auto path = mapping.hop_links.find(id);
    assert(src && path != mapping.hop_links.end());
    if (!src || path == mapping.hop_links.end() ||
        !std::ranges::all_of(path->second, [&](size_t i) { return i < links.size(); })) {
      continue;  // not a mapping of these inputs
    }
    writer.write(hop, *src, path->second, bandwidths[id]);
  }
  for (const SgHop& hop : req.edge_sg_nexthops) {
    SgHop h = rebound(out, req, hop);
    h.bandwidth =
        bandwidths[hop.id.str()] > 0 ? std::optional(bandwidths[hop.id.str()]) : hop.bandwidth;
    out.edge_sg_nexthops.push_back(std::move(h));
  }
  for (const EdgeReq& q : req.edge_reqs) {
    out.edge_reqs.push_back(rebound(out, req, q));
  }
  return out;
}

Result<Nffg> remove_service(const Nffg& mapped, const Nffg& req) {
  Nffg out = mapped;
  std::set<Id> nfs;
  for (const NodeNf& nf : req.node_nfs) {
    if (mapped.nf(nf.id) == nullptr) {
      return make_error(ErrorCode::kNotFound, "NF {} of the request is not in the mapped NFFG",
                        nf.id.str());
    }
    nfs.insert(nf.id);
  }
  std::set<Id> hops;
  for (const SgHop& hop : req.edge_sg_nexthops) {
    hops.insert(hop.id);
  }
  std::set<Id> reqs;
  for (const EdgeReq& q : req.edge_reqs) {
    reqs.insert(q.id);
  }
  std::erase_if(out.node_nfs, [&](const NodeNf& nf) { return nfs.contains(nf.id); });
  // The NFs' dynamic links and the infra ports made for them.
  std::set<std::pair<Id, Id>> infra_ports;
  std::erase_if(out.edge_links, [&](const EdgeLink& l) {
    if (nfs.contains(l.dst_node)) {
      infra_ports.emplace(l.src_node, l.src_port);
    }
    return nfs.contains(l.src_node) || nfs.contains(l.dst_node);
  });
  drop_hop_rules(out, hops);
  for (NodeInfra& infra : out.node_infras) {
    std::erase_if(infra.ports, [&](const Port& p) {
      return infra_ports.contains({infra.id, p.id}) && p.flowrules.empty();
    });
  }
  std::erase_if(out.edge_sg_nexthops, [&](const SgHop& h) { return hops.contains(h.id); });
  std::erase_if(out.edge_reqs, [&](const EdgeReq& q) { return reqs.contains(q.id); });
  return out;
}

}  // namespace chainlab::escape
