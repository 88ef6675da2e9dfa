// NFFG -> embedding problem: to_substrate and to_request (nffg_embedding.h).
#include "frontends/escape/nffg_embedding.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "common/field_path.h"
#include "frontends/escape/nffg_embedding_internal.h"

namespace chainlab::escape {
namespace {

using embedding::Capacity;
using embedding::kUnlimited;

Capacity demand_of(const NodeNf& nf) {
  Capacity c;
  if (nf.specification && nf.specification->resources) {
    const Resources& r = *nf.specification->resources;
    c.cpu = r.cpu.value_or(0);
    c.mem = r.mem.value_or(0);
    c.storage = r.storage.value_or(0);
  }
  return c;
}

embedding::SubstrateNode infra_node(const NodeInfra& infra) {
  embedding::SubstrateNode n;
  n.id = infra.id.str();
  n.kind = embedding::NodeKind::kInfra;
  n.infra_type = infra.type;
  n.domain = infra.domain.value_or("");
  n.supported = infra.supported.value_or(std::vector<std::string>{});
  if (infra.resources) {
    const Resources& r = *infra.resources;
    n.capacity = {r.cpu.value_or(0), r.mem.value_or(0), r.storage.value_or(0)};
    n.delay_ms = r.delay.value_or(0);
    n.bandwidth = r.bandwidth.value_or(kUnlimited);
    n.cost = r.cost.value_or(0);
  }
  return n;
}

void subtract(double& amount, double used) {
  amount = std::max(0.0, amount - used);  // an overbooked view has nothing left, not less
}

// Flow rules take node bandwidth where they are and link bandwidth where they send.
void charge_flowrules(const Nffg& g, const std::vector<detail::DirectedLink>& dl,
                      embedding::Substrate& s) {
  for (const NodeInfra& infra : g.node_infras) {
    embedding::SubstrateNode& node = s.nodes[*s.node_index(infra.id.str())];
    for (const Port& port : infra.ports) {
      for (const Flowrule& rule : port.flowrules) {
        double bw = rule.bandwidth.value_or(0);
        subtract(node.bandwidth, bw);
        std::optional<std::string> out = detail::rule_field(rule.action.value_or(""), "output");
        std::optional<std::string> in = detail::rule_field(rule.match.value_or(""), "in_port");
        for (size_t i = 0; i < dl.size(); ++i) {
          bool sends = out && dl[i].src_node == infra.id && dl[i].src_port.str() == *out;
          bool from_sap = in && dl[i].dst_node == infra.id && dl[i].dst_port.str() == *in &&
                          g.sap(dl[i].src_node) != nullptr;
          if (sends || from_sap) {
            subtract(s.links[i].bandwidth, bw);
          }
        }
      }
    }
  }
}

Status check_targets(const std::vector<std::string>& ids, const std::set<std::string>& known,
                     const std::string& path, std::string_view what) {
  for (const std::string& id : ids) {
    if (!known.contains(id)) {
      return field_error("", path, fmt::format("no {} {} in the request", what, id));
    }
  }
  return ok_status();
}

Result<embedding::NfRequest> nf_request(const NodeNf& nf, const std::set<std::string>& nfs,
                                        const std::string& path) {
  embedding::NfRequest r;
  r.id = nf.id.str();
  r.functional_type = nf.functional_type.value_or("");
  r.demand = demand_of(nf);
  if (nf.constraints) {
    const Constraints& c = *nf.constraints;
    r.affinity = detail::id_texts(c.affinity);
    r.anti_affinity = detail::id_texts(c.antiaffinity);
    r.allowed_nodes = detail::nodes_of(c.allowed_nodes);
    r.banned_nodes = detail::nodes_of(c.banned_nodes);
    CL_RETURN_IF_ERROR(check_targets(r.affinity, nfs, path + ".constraints.affinity", "NF"));
    CL_RETURN_IF_ERROR(
        check_targets(r.anti_affinity, nfs, path + ".constraints.antiaffinity", "NF"));
  }
  return r;
}

Result<embedding::HopRequest> hop_request(const Nffg& req, const SgHop& hop,
                                          const std::set<std::string>& hops,
                                          const std::string& path) {
  for (const auto& [node, side] :
       {std::pair{&hop.src_node, "src_node"}, {&hop.dst_node, "dst_node"}}) {
    if (req.nf(*node) == nullptr && req.sap(*node) == nullptr) {
      return field_error("", field_join(path, side), "not an NF or a SAP: " + node->str());
    }
  }
  embedding::HopRequest h;
  h.id = hop.id.str();
  h.src = hop.src_node.str();
  h.dst = hop.dst_node.str();
  h.bandwidth = hop.bandwidth.value_or(0);
  h.max_delay_ms = hop.delay;
  if (hop.constraints) {
    h.allowed_nodes = detail::nodes_of(hop.constraints->allowed_nodes);
    h.banned_nodes = detail::nodes_of(hop.constraints->banned_nodes);
    h.anti_affinity = detail::id_texts(hop.constraints->antiaffinity);
    CL_RETURN_IF_ERROR(
        check_targets(h.anti_affinity, hops, path + ".constraints.antiaffinity", "hop"));
  }
  return h;
}

}  // namespace

namespace detail {

std::set<std::pair<Id, Id>> placements(const Nffg& g) {
  std::set<std::pair<Id, Id>> out;  // (infra, nf)
  for (const EdgeLink& l : g.edge_links) {
    if (g.nf(l.src_node) != nullptr && g.infra(l.dst_node) != nullptr) {
      out.emplace(l.dst_node, l.src_node);
    } else if (g.infra(l.src_node) != nullptr && g.nf(l.dst_node) != nullptr) {
      out.emplace(l.src_node, l.dst_node);
    }
  }
  return out;
}

std::vector<std::string> id_texts(const std::map<std::string, Id>& m) {
  std::vector<std::string> out;
  for (const auto& [key, id] : m) {
    out.push_back(id.str());
  }
  return out;
}

std::vector<std::string> nodes_of(const std::optional<NodeList>& list) {
  return list ? list->nodes : std::vector<std::string>{};
}

bool is_substrate_node(const Nffg& g, const Id& id) {
  return g.infra(id) != nullptr || g.sap(id) != nullptr;
}

std::vector<DirectedLink> directed_links(const Nffg& g) {
  using Ends = std::tuple<Id, Id, Id, Id>;
  std::set<Ends> listed;
  for (const EdgeLink& l : g.edge_links) {
    listed.emplace(l.src_node, l.src_port, l.dst_node, l.dst_port);
  }
  std::vector<DirectedLink> out;
  for (const EdgeLink& l : g.edge_links) {
    if (!is_substrate_node(g, l.src_node) || !is_substrate_node(g, l.dst_node)) {
      continue;  // an NF's dynamic link in a mapped NFFG
    }
    out.push_back({l.id.str(), l.src_node, l.src_port, l.dst_node, l.dst_port, &l});
    if (!listed.contains(Ends{l.dst_node, l.dst_port, l.src_node, l.src_port})) {
      out.push_back({l.id.str() + "-back", l.dst_node, l.dst_port, l.src_node, l.src_port, &l});
    }
  }
  return out;
}

std::optional<std::string> rule_field(std::string_view text, std::string_view key) {
  while (!text.empty()) {
    size_t end = text.find(';');
    std::string_view part = text.substr(0, end);
    if (part.size() > key.size() && part.starts_with(key) && part[key.size()] == '=') {
      return std::string(part.substr(key.size() + 1));
    }
    if (end == std::string_view::npos) {
      break;
    }
    text.remove_prefix(end + 1);
  }
  return std::nullopt;
}

}  // namespace detail

Result<embedding::Substrate> to_substrate(const Nffg& topo) {
  embedding::Substrate s;
  for (const NodeInfra& infra : topo.node_infras) {
    s.nodes.push_back(infra_node(infra));
  }
  for (const NodeSap& sap : topo.node_saps) {
    embedding::SubstrateNode n;
    n.id = sap.id.str();
    n.kind = embedding::NodeKind::kSap;
    s.nodes.push_back(std::move(n));
  }
  for (const auto& [infra, nf] : detail::placements(topo)) {
    embedding::SubstrateNode& node = s.nodes[*s.node_index(infra.str())];
    Capacity d = demand_of(*topo.nf(nf));
    subtract(node.capacity.cpu, d.cpu);
    subtract(node.capacity.mem, d.mem);
    subtract(node.capacity.storage, d.storage);
  }
  std::vector<detail::DirectedLink> links = detail::directed_links(topo);
  for (const detail::DirectedLink& l : links) {
    const EdgeLink& a = *l.attributes;
    if (a.cost && *a.cost <= 0) {
      auto index = static_cast<size_t>(&a - topo.edge_links.data());
      return field_error("", field_join(field_item("edge_links", index), "cost"),
                         "must be > 0 for the embedding");
    }
    s.links.push_back({l.id, *s.node_index(l.src_node.str()), *s.node_index(l.dst_node.str()),
                       a.delay.value_or(0), a.bandwidth.value_or(kUnlimited), a.cost.value_or(1)});
  }
  charge_flowrules(topo, links, s);
  return s;
}

Result<embedding::Request> to_request(const Nffg& req) {
  embedding::Request r;
  r.id = req.parameters.id ? req.parameters.id->str() : "";
  std::set<std::string> nfs;
  std::set<std::string> hops;
  for (const NodeNf& nf : req.node_nfs) {
    nfs.insert(nf.id.str());
  }
  for (const SgHop& hop : req.edge_sg_nexthops) {
    hops.insert(hop.id.str());
  }
  for (size_t i = 0; i < req.node_nfs.size(); ++i) {
    CL_ASSIGN_OR_RETURN(embedding::NfRequest nf,
                        nf_request(req.node_nfs[i], nfs, field_item("node_nfs", i)));
    r.nfs.push_back(std::move(nf));
  }
  for (const NodeSap& sap : req.node_saps) {
    r.saps.push_back({sap.id.str(), sap.binding.value_or(sap.id.str())});
  }
  for (size_t i = 0; i < req.edge_sg_nexthops.size(); ++i) {
    CL_ASSIGN_OR_RETURN(embedding::HopRequest hop, hop_request(req, req.edge_sg_nexthops[i], hops,
                                                               field_item("edge_sg_nexthops", i)));
    r.hops.push_back(std::move(hop));
  }
  for (size_t i = 0; i < req.edge_reqs.size(); ++i) {
    const EdgeReq& q = req.edge_reqs[i];
    embedding::Requirement out{q.id.str(), {}, q.delay, q.bandwidth.value_or(0)};
    for (size_t k = 0; k < q.sg_path.size(); ++k) {
      if (!hops.contains(q.sg_path[k].str())) {
        return field_error("", field_item(field_join(field_item("edge_reqs", i), "sg_path"), k),
                           "no hop " + q.sg_path[k].str() + " in edge_sg_nexthops");
      }
      out.path.push_back(q.sg_path[k].str());
    }
    r.requirements.push_back(std::move(out));
  }
  return r;
}

}  // namespace chainlab::escape
