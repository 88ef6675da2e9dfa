#include "orchestration/placement/embedding/problem.h"

#include <algorithm>

namespace chainlab::orchestration::embedding {

std::optional<size_t> Substrate::node_index(std::string_view id) const {
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].id == id) {
      return i;
    }
  }
  return std::nullopt;
}

namespace {

bool listed(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

bool node_allowed(const std::vector<std::string>& allowed, const std::vector<std::string>& banned,
                  const std::string& node) {
  return (allowed.empty() || listed(allowed, node)) && !listed(banned, node);
}

bool fits(const Capacity& need, const Capacity& have) {
  return need.cpu <= have.cpu && need.mem <= have.mem && need.storage <= have.storage;
}

bool may_host(const SubstrateNode& node, const NfRequest& nf) {
  if (node.kind != NodeKind::kInfra) {
    return false;
  }
  bool typed = nf.functional_type.empty() ? node.capacity != Capacity{}
                                          : listed(node.supported, nf.functional_type);
  return typed && fits(nf.demand, node.capacity) &&
         node_allowed(nf.allowed_nodes, nf.banned_nodes, node.id);
}

std::optional<size_t> endpoint_node(const Substrate& s, const Request& r, const Mapping& m,
                                    std::string_view nf_or_sap) {
  if (auto it = m.nf_node.find(std::string(nf_or_sap)); it != m.nf_node.end()) {
    return it->second;
  }
  for (const auto& sap : r.saps) {
    if (sap.id == nf_or_sap) {
      return s.node_index(sap.binding.empty() ? sap.id : sap.binding);
    }
  }
  return std::nullopt;
}

double path_delay(const Substrate& s, size_t first, const std::vector<size_t>& links) {
  double delay = s.nodes[first].delay_ms;
  for (size_t l : links) {
    delay += s.links[l].delay_ms + s.nodes[s.links[l].dst].delay_ms;
  }
  return delay;
}

std::map<std::string, double> hop_bandwidths(const Request& r) {
  std::map<std::string, double> bw;
  for (const auto& hop : r.hops) {
    bw[hop.id] = hop.bandwidth;
  }
  for (const auto& req : r.requirements) {
    for (const auto& hop : req.path) {
      auto it = bw.find(hop);
      if (it != bw.end()) {
        it->second = std::max(it->second, req.bandwidth);
      }
    }
  }
  return bw;
}

double mapping_cost(const Substrate& s, const Request& r, const Mapping& m) {
  double cost = 0;
  auto bw = hop_bandwidths(r);
  for (const auto& [hop, links] : m.hop_links) {
    for (size_t l : links) {
      cost += bw[hop] * s.links[l].cost;
    }
  }
  for (const auto& nf : r.nfs) {
    if (auto it = m.nf_node.find(nf.id); it != m.nf_node.end()) {
      cost += nf.demand.cpu * s.nodes[it->second].cost;
    }
  }
  return cost;
}

namespace {

void charge(Substrate& s, const Request& r, const Mapping& m, double sign) {
  for (const auto& nf : r.nfs) {
    if (auto it = m.nf_node.find(nf.id); it != m.nf_node.end()) {
      auto& cap = s.nodes[it->second].capacity;
      cap.cpu -= sign * nf.demand.cpu;
      cap.mem -= sign * nf.demand.mem;
      cap.storage -= sign * nf.demand.storage;
    }
  }
  auto bw = hop_bandwidths(r);
  for (const auto& hop : r.hops) {
    auto first = endpoint_node(s, r, m, hop.src);
    auto links = m.hop_links.find(hop.id);
    if (!first || links == m.hop_links.end()) {
      continue;
    }
    double b = sign * bw[hop.id];
    s.nodes[*first].bandwidth -= b;
    for (size_t l : links->second) {
      s.links[l].bandwidth -= b;
      s.nodes[s.links[l].dst].bandwidth -= b;
    }
  }
}

}  // namespace

void reserve(Substrate& s, const Request& r, const Mapping& m) {
  charge(s, r, m, 1);
}

void release(Substrate& s, const Request& r, const Mapping& m) {
  charge(s, r, m, -1);
}

std::map<std::string, double> requirement_delays(const Substrate& s, const Request& r,
                                                 const Mapping& m) {
  std::map<std::string, double> hop_delay;
  for (const auto& hop : r.hops) {
    auto src = endpoint_node(s, r, m, hop.src);
    auto links = m.hop_links.find(hop.id);
    if (src && links != m.hop_links.end()) {
      hop_delay[hop.id] = path_delay(s, *src, links->second);
    }
  }
  std::map<std::string, double> out;
  for (const auto& req : r.requirements) {
    double d = 0;
    for (const auto& hop : req.path) {
      d += hop_delay[hop];
    }
    out[req.id] = d;
  }
  return out;
}

}  // namespace chainlab::orchestration::embedding
