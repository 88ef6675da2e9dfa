#include "orchestration/placement/embedding/compiled.h"

#include <algorithm>
#include <functional>
#include <queue>

namespace chainlab::orchestration::embedding {
namespace {

HopEnd hop_end(const Compiled& c, const std::string& id) {
  if (auto it = c.nf_index.find(id); it != c.nf_index.end()) {
    return {true, it->second};
  }
  for (const auto& sap : c.request->saps) {
    if (sap.id == id) {
      return {false, *c.substrate->node_index(sap.binding.empty() ? sap.id : sap.binding)};
    }
  }
  return {false, 0};  // validate_request() refuses this
}

std::vector<size_t> indices(const std::unordered_map<std::string, size_t>& index,
                            const std::vector<std::string>& ids) {
  std::vector<size_t> out;
  for (const auto& id : ids) {
    if (auto it = index.find(id); it != index.end()) {
      out.push_back(it->second);
    }
  }
  return out;
}

std::vector<char> node_mask(const Substrate& s, const HopRequest& hop) {
  if (hop.allowed_nodes.empty() && hop.banned_nodes.empty()) {
    return {};
  }
  std::vector<char> mask(s.nodes.size(), 0);
  for (size_t n = 0; n < s.nodes.size(); ++n) {
    const auto& id = s.nodes[n].id;
    mask[n] = node_allowed(hop.allowed_nodes, hop.banned_nodes, id);
  }
  return mask;
}

void compile_nodes(Compiled& c) {
  const auto& s = *c.substrate;
  c.out_links.assign(s.nodes.size(), {});
  c.in_links.assign(s.nodes.size(), {});
  for (size_t l = 0; l < s.links.size(); ++l) {
    c.out_links[s.links[l].src].push_back(l);
    c.in_links[s.links[l].dst].push_back(l);
  }
}

void compile_nfs(Compiled& c) {
  const auto& r = *c.request;
  for (size_t f = 0; f < r.nfs.size(); ++f) {
    c.nf_index.emplace(r.nfs[f].id, f);
  }
  for (const auto& nf : r.nfs) {
    std::vector<size_t> candidates;
    for (size_t n = 0; n < c.substrate->nodes.size(); ++n) {
      if (may_host(c.substrate->nodes[n], nf)) {
        candidates.push_back(n);
      }
    }
    c.nf_candidates.push_back(std::move(candidates));
    c.nf_affinity.push_back(indices(c.nf_index, nf.affinity));
    c.nf_anti.push_back(indices(c.nf_index, nf.anti_affinity));
  }
  // Affinity and anti-affinity bind both ways, whichever side names the other.
  for (size_t f = 0; f < r.nfs.size(); ++f) {
    for (size_t g : std::vector<size_t>(c.nf_affinity[f])) {
      c.nf_affinity[g].push_back(f);
    }
    for (size_t g : std::vector<size_t>(c.nf_anti[f])) {
      c.nf_anti[g].push_back(f);
    }
  }
}

void compile_hops(Compiled& c) {
  const auto& r = *c.request;
  auto bw = hop_bandwidths(r);
  for (size_t h = 0; h < r.hops.size(); ++h) {
    c.hop_index.emplace(r.hops[h].id, h);
  }
  for (const auto& hop : r.hops) {
    c.hop_src.push_back(hop_end(c, hop.src));
    c.hop_dst.push_back(hop_end(c, hop.dst));
    c.hop_bw.push_back(bw[hop.id]);
    c.hop_anti.push_back(indices(c.hop_index, hop.anti_affinity));
    c.hop_node_ok.push_back(node_mask(*c.substrate, hop));
  }
  c.hop_reqs.assign(r.hops.size(), {});
  for (size_t h = 0; h < r.hops.size(); ++h) {
    for (size_t g : std::vector<size_t>(c.hop_anti[h])) {
      c.hop_anti[g].push_back(h);
    }
  }
}

// The static candidate nodes of a hop end: an NF's, or the SAP's node.
std::vector<size_t> end_candidates(const Compiled& c, const HopEnd& end) {
  return end.is_nf ? c.nf_candidates[end.index] : std::vector<size_t>{end.index};
}

// rest_delay and rest_cost, last position first: a multi-source search from the candidates of
// the next hop's end, seeded with what comes after them. Rows stay empty before a break in the
// chain (a hop that does not start where the previous one ended).
void bound_rest(const Compiled& c, CompiledRequirement& req) {
  const auto& s = *c.substrate;
  size_t m = req.hops.size();
  req.rest_delay.assign(m, {});
  req.rest_cost.assign(m, {});
  if (m == 0) {
    return;
  }
  req.rest_delay[m - 1].assign(s.nodes.size(), 0);
  req.rest_cost[m - 1].assign(s.nodes.size(), 0);
  for (size_t k = m - 1; k-- > 0;) {
    size_t next = req.hops[k + 1];
    const auto& end = c.hop_dst[next];
    if (c.hop_dst[req.hops[k]].is_nf != c.hop_src[next].is_nf ||
        c.hop_dst[req.hops[k]].index != c.hop_src[next].index) {
      return;
    }
    std::vector<double> delay_seed(s.nodes.size(), kUnlimited);
    std::vector<double> cost_seed(s.nodes.size(), kUnlimited);
    double cpu = end.is_nf ? c.request->nfs[end.index].demand.cpu : 0;
    for (size_t u : end_candidates(c, end)) {
      delay_seed[u] = s.nodes[u].delay_ms + req.rest_delay[k + 1][u];
      cost_seed[u] = cpu * s.nodes[u].cost + req.rest_cost[k + 1][u];
    }
    double bw = c.hop_bw[next];
    req.rest_delay[k] = distances_to(
        c, delay_seed, [&](size_t l) { return s.links[l].delay_ms; },
        [&](size_t n) { return s.nodes[n].delay_ms; });
    req.rest_cost[k] = distances_to(
        c, cost_seed, [&](size_t l) { return bw * s.links[l].cost; }, [](size_t) { return 0.0; });
  }
}

// Requirements, tightest budget per hop first (they have the least room for detours).
void compile_requirements(Compiled& c) {
  const auto& r = *c.request;
  for (size_t i = 0; i < r.requirements.size(); ++i) {
    CompiledRequirement req;
    req.index = i;
    req.hops = indices(c.hop_index, r.requirements[i].path);
    req.budget_ms = r.requirements[i].max_delay_ms.value_or(kUnlimited);
    bound_rest(c, req);
    c.requirements.push_back(std::move(req));
  }
  std::stable_sort(c.requirements.begin(), c.requirements.end(), [](const auto& a, const auto& b) {
    return a.budget_ms / double(std::max<size_t>(1, a.hops.size())) <
           b.budget_ms / double(std::max<size_t>(1, b.hops.size()));
  });
  c.hop_req_pos.assign(r.hops.size(), {});
  for (size_t q = 0; q < c.requirements.size(); ++q) {
    const auto& hops = c.requirements[q].hops;
    for (size_t k = 0; k < hops.size(); ++k) {
      c.hop_reqs[hops[k]].push_back(q);
      c.hop_req_pos[hops[k]].push_back(k);
    }
  }
}

}  // namespace

Compiled compile(const Substrate& substrate, const Request& request) {
  Compiled c;
  c.substrate = &substrate;
  c.request = &request;
  compile_nodes(c);
  compile_nfs(c);
  compile_hops(c);
  compile_requirements(c);
  return c;
}

std::vector<double> distances_to(const Compiled& c, const std::vector<double>& seeds,
                                 const std::function<double(size_t)>& link_weight,
                                 const std::function<double(size_t)>& node_weight) {
  const auto& s = *c.substrate;
  std::vector<double> dist = seeds;
  using Item = std::pair<double, size_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
  for (size_t n = 0; n < dist.size(); ++n) {
    if (dist[n] < kUnlimited) {
      queue.emplace(dist[n], n);
    }
  }
  while (!queue.empty()) {
    auto [d, n] = queue.top();
    queue.pop();
    if (d > dist[n]) {
      continue;
    }
    for (size_t l : c.in_links[n]) {
      size_t prev = s.links[l].src;
      double w = d + link_weight(l) + node_weight(prev);
      if (w < dist[prev]) {
        dist[prev] = w;
        queue.emplace(w, prev);
      }
    }
  }
  return dist;
}

}  // namespace chainlab::orchestration::embedding
