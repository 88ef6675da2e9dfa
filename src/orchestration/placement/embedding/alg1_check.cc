// The last gate of alg1: a complete mapping is checked against every constraint of problem.h,
// recomputed from the request and the substrate alone, before it is returned as accepted.
#include <algorithm>
#include <map>
#include <set>

#include "orchestration/placement/embedding/alg1_internal.h"

namespace chainlab::orchestration::embedding::alg1_detail {
namespace {

// Sums may differ from the bound by rounding only.
constexpr double kSlack = 1e-9;

bool over(double used, double bound) {
  return used > bound + kSlack * std::max(1.0, std::abs(bound));
}

bool listed(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

Refusal why(std::string constraint, std::string element, std::string message) {
  return Refusal{std::move(constraint), std::move(element), std::move(message)};
}

std::optional<Refusal> check_nfs(const Substrate& s, const Request& r, const Mapping& m) {
  std::vector<Capacity> used(s.nodes.size());
  for (const auto& nf : r.nfs) {
    auto it = m.nf_node.find(nf.id);
    if (it == m.nf_node.end() || it->second >= s.nodes.size()) {
      return why("invalid", nf.id, "the NF is not placed");
    }
    const SubstrateNode& node = s.nodes[it->second];
    if (!can_host(node, nf)) {
      return why("type", nf.id, fmt::format("node '{}' does not run its type", node.id));
    }
    if (!nf.allowed_nodes.empty() && !listed(nf.allowed_nodes, node.id)) {
      return why("allowed", nf.id, fmt::format("node '{}' is not allowed", node.id));
    }
    if (listed(nf.banned_nodes, node.id)) {
      return why("banned", nf.id, fmt::format("node '{}' is banned", node.id));
    }
    Capacity& u = used[it->second];
    u.cpu += nf.demand.cpu;
    u.mem += nf.demand.mem;
    u.storage += nf.demand.storage;
    if (over(u.cpu, node.capacity.cpu) || over(u.mem, node.capacity.mem) ||
        over(u.storage, node.capacity.storage)) {
      return why("capacity", nf.id, fmt::format("node '{}' is over capacity", node.id));
    }
    for (const auto& other : nf.affinity) {
      auto o = m.nf_node.find(other);
      if (o != m.nf_node.end() && o->second != it->second) {
        return why("affinity", nf.id, fmt::format("not on the node of '{}'", other));
      }
    }
    for (const auto& other : nf.anti_affinity) {
      auto o = m.nf_node.find(other);
      if (o != m.nf_node.end() && o->second == it->second) {
        return why("anti-affinity", nf.id, fmt::format("on the node of '{}'", other));
      }
    }
  }
  return std::nullopt;
}

// The nodes a hop's links visit, from `first`; nullopt when the links do not form a walk.
std::optional<std::vector<size_t>> walk(const Substrate& s, size_t first,
                                        const std::vector<size_t>& links) {
  std::vector<size_t> nodes{first};
  for (size_t l : links) {
    if (l >= s.links.size() || s.links[l].src != nodes.back()) {
      return std::nullopt;
    }
    nodes.push_back(s.links[l].dst);
  }
  return nodes;
}

// Adds a hop's bandwidth to its links; the first link over capacity.
std::optional<Refusal> check_links(const Substrate& s, const std::string& hop_id,
                                   const std::vector<size_t>& links, double bw,
                                   std::vector<double>& link_used) {
  for (size_t l : links) {
    link_used[l] += bw;
    if (over(link_used[l], s.links[l].bandwidth)) {
      return why("bandwidth", hop_id, fmt::format("link '{}' is over capacity", s.links[l].id));
    }
  }
  return std::nullopt;
}

// Adds a hop's bandwidth to the nodes of its path; the first node over capacity, not allowed or
// banned.
std::optional<Refusal> check_path_nodes(const Substrate& s, const HopRequest& hop,
                                        const std::vector<size_t>& nodes, double bw,
                                        std::vector<double>& node_used) {
  for (size_t n : nodes) {
    node_used[n] += bw;
    const std::string& id = s.nodes[n].id;
    if (over(node_used[n], s.nodes[n].bandwidth)) {
      return why("bandwidth", hop.id, fmt::format("node '{}' is over capacity", id));
    }
    if (!hop.allowed_nodes.empty() && !listed(hop.allowed_nodes, id)) {
      return why("allowed", hop.id, fmt::format("its path crosses '{}'", id));
    }
    if (listed(hop.banned_nodes, id)) {
      return why("banned", hop.id, fmt::format("its path crosses '{}'", id));
    }
  }
  return std::nullopt;
}

// The first hop sharing a link with one of its anti-affine hops.
std::optional<Refusal> check_hop_anti_affinity(
    const Request& r, std::map<std::string, std::set<size_t>>& hop_link_set) {
  for (const auto& hop : r.hops) {
    for (const auto& other : hop.anti_affinity) {
      const auto& a = hop_link_set[hop.id];
      const auto& b = hop_link_set[other];
      for (size_t l : a) {
        if (b.count(l)) {
          return why("anti-affinity", hop.id, fmt::format("shares a link with '{}'", other));
        }
      }
    }
  }
  return std::nullopt;
}

std::optional<Refusal> check_hops(const Substrate& s, const Request& r, const Mapping& m) {
  auto bw = hop_bandwidths(r);
  std::vector<double> link_used(s.links.size(), 0);
  std::vector<double> node_used(s.nodes.size(), 0);
  std::map<std::string, std::set<size_t>> hop_link_set;
  for (const auto& hop : r.hops) {
    auto src = endpoint_node(s, r, m, hop.src);
    auto dst = endpoint_node(s, r, m, hop.dst);
    auto links = m.hop_links.find(hop.id);
    if (!src || !dst || links == m.hop_links.end()) {
      return why("path", hop.id, "the hop is not routed");
    }
    auto nodes = walk(s, *src, links->second);
    if (!nodes || nodes->back() != *dst) {
      return why("path", hop.id, "its links do not join its ends");
    }
    if (auto bad = check_links(s, hop.id, links->second, bw[hop.id], link_used)) {
      return bad;
    }
    if (auto bad = check_path_nodes(s, hop, *nodes, bw[hop.id], node_used)) {
      return bad;
    }
    if (hop.max_delay_ms && over(path_delay(s, *src, links->second), *hop.max_delay_ms)) {
      return why("delay", hop.id, "its path is slower than its bound");
    }
    hop_link_set[hop.id] = {links->second.begin(), links->second.end()};
  }
  return check_hop_anti_affinity(r, hop_link_set);
}

}  // namespace

std::optional<Refusal> check_mapping(const Substrate& s, const Request& r, const Mapping& m) {
  if (auto bad = check_nfs(s, r, m)) {
    return bad;
  }
  if (auto bad = check_hops(s, r, m)) {
    return bad;
  }
  auto delays = requirement_delays(s, r, m);
  for (const auto& req : r.requirements) {
    if (req.max_delay_ms && over(delays[req.id], *req.max_delay_ms)) {
      return why(
          "delay", req.id,
          fmt::format("{:.3f} ms used, {:.3f} ms allowed", delays[req.id], *req.max_delay_ms));
    }
  }
  return std::nullopt;
}

}  // namespace chainlab::orchestration::embedding::alg1_detail
