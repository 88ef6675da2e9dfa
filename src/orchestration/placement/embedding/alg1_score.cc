// alg1's scoring of one candidate host: latency budgets and preference (MappingManager.py),
// the objective function and path utilisation (Alg1_Core.py), and the filters problem.h adds.
#include <algorithm>
#include <cmath>
#include <map>
#include <queue>

#include "orchestration/placement/embedding/alg1_search.h"

namespace chainlab::orchestration::embedding::alg1_detail {
namespace {

double pref_resource(double x) {
  return x < 0.2 ? 0.0 : 1.25 * x - 0.25;
}
double pref_bandwidth(double x) {
  return x < 0.2 ? 0.0 : -1.5625 * (x - 1) * (x - 1) + 1;
}
double utilisation(double offered, double free_now, double demand) {
  if (std::isinf(offered) || offered <= 0) {
    return 0;
  }
  return (offered - (free_now - demand)) / offered;
}
double guard_budget(double lal) {
  return lal < 1e-8 ? 1e-3 : lal;
}

}  // namespace

void Search::extract(const Paths& paths, size_t start, size_t node, Placement& out) const {
  out.links.clear();
  for (size_t n = node; n != start; n = s_.links[paths.pred[n]].src) {
    out.links.push_back(paths.pred[n]);
  }
  std::reverse(out.links.begin(), out.links.end());
  out.nodes = {start};
  for (size_t l : out.links) {
    out.nodes.push_back(s_.links[l].dst);
  }
}

// The nodes of the delay-shortest path inside the sub-chain's subgraph (calcDelayPrefValues'
// sh_path); none when `end` is out of reach.
std::vector<char> Search::delay_path(size_t start, size_t end, const Subchain& sc) {
  std::vector<char> on(s_.nodes.size(), 0);
  std::vector<double> dist(s_.nodes.size(), kUnlimited);
  std::vector<size_t> pred(s_.nodes.size(), kNoIndex);
  using Item = std::pair<double, size_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> heap;
  dist[start] = s_.nodes[start].delay_ms;
  heap.push({dist[start], start});
  while (!heap.empty()) {
    auto [d, u] = heap.top();
    heap.pop();
    if (d > dist[u] || u == end) {
      if (u == end) {
        break;
      }
      continue;
    }
    for (size_t l : out_[u]) {
      size_t v = s_.links[l].dst;
      if (!sc.mask.empty() && !sc.mask[v]) {
        continue;
      }
      double nd = d + s_.links[l].delay_ms + s_.nodes[v].delay_ms;
      if (nd < dist[v]) {
        dist[v] = nd;
        pred[v] = l;
        heap.push({nd, v});
      }
    }
  }
  if (dist[end] == kUnlimited) {
    return on;
  }
  for (size_t n = end;; n = s_.links[pred[n]].src) {
    on[n] = 1;
    if (n == start) {
      break;
    }
  }
  return on;
}

// MappingManager.calcDelayPrefValues: hosts on the delay-shortest path to the strictest chain's
// end form layer 0; the others fall in layer k when their detour fits k steps of the budget
// divided by the hops left (or are dropped). Inside a layer, nearer hosts rank first.
std::vector<Search::Candidate> Search::delay_preferences(const std::vector<Candidate>& hosts,
                                                         size_t start, const Subchain& sc,
                                                         size_t hop) {
  auto [chain_hops, end_elem] = ranking_chain(sc);
  size_t chain_end = host_[end_elem].value_or(start);
  std::vector<char> on_path = delay_path(start, chain_end, sc);
  const auto& d_start = oracle_.from(start);
  const auto& d_end = oracle_.to(chain_end);
  double sh_lat = d_start[chain_end];
  auto at = std::find(chain_hops->begin(), chain_hops->end(), hop);
  double remaining = std::max<double>(1, static_cast<double>(chain_hops->end() - at));
  double lal = subchain_allowed(sc);
  double step = lal / remaining;
  std::map<size_t, std::vector<Candidate>> layers;
  for (const auto& h : hosts) {
    if (on_path[h.node]) {
      layers[0].push_back(h);
      continue;
    }
    for (size_t k = 2; sh_lat + static_cast<double>(k - 1) * step < lal; ++k) {
      if (d_start[h.node] + d_end[h.node] < sh_lat + static_cast<double>(k) * step) {
        layers[k - 1].push_back(h);
        break;
      }
    }
  }
  double steps = (lal - sh_lat) / step;
  if (!(steps > 0)) {
    steps = 1;  // alg1 would divide by zero
  }
  return rank_layers(layers, d_start, steps, lal);
}

// The chain a sub-chain's hosts are ranked against: its e2e chain with the least delay left, or
// itself when best effort. Its hops and its last element.
std::pair<const std::vector<size_t>*, size_t> Search::ranking_chain(const Subchain& sc) const {
  if (sc.color.empty()) {
    return {&sc.hops, sc.elems.back()};
  }
  size_t strictest = *std::min_element(sc.color.begin(), sc.color.end(), [&](size_t a, size_t b) {
    return req_avail_[a] < req_avail_[b];
  });
  return {&p_.reqs[strictest].hops, p_.reqs[strictest].elems.back()};
}

// The hosts layer by layer, nearer first inside one, each with its preference (the lower the
// better): its layer, its rank inside it, in steps of `steps`, and its latency against `lal`.
std::vector<Search::Candidate> Search::rank_layers(std::map<size_t, std::vector<Candidate>>& layers,
                                                   const std::vector<double>& d_start, double steps,
                                                   double lal) {
  std::vector<Candidate> out;
  for (auto& [k, layer] : layers) {
    std::stable_sort(layer.begin(), layer.end(), [&](const Candidate& a, const Candidate& b) {
      return d_start[a.node] < d_start[b.node];
    });
    double i = 0;
    for (auto c : layer) {
      c.preference = (static_cast<double>(k) / steps +
                      i / static_cast<double>(layer.size()) / steps + c.latency / lal) /
                     2.0;
      out.push_back(c);
      i += 1;
    }
  }
  return out;
}

// Alg1_Core._objectiveFunction: feasibility (resources, bandwidth, delay) then
// bw_factor·scaled bandwidth preference + res_factor·scaled resource preference.
std::optional<double> Search::objective(const Placement& pl, size_t hop, size_t nf, Stage& stage) {
  const Capacity& want = p_.r->nfs[nf].demand;
  const Capacity& have = free_[pl.target];
  if (have.cpu < want.cpu || have.mem < want.mem || have.storage < want.storage) {
    stage = kCapacity;
    return std::nullopt;
  }
  auto avg = path_utilisation(pl, p_.hops[hop].bandwidth);
  if (!avg) {
    stage = kBandwidth;
    return std::nullopt;
  }
  const Subchain& sc = p_.subchains[steps_[pl.step].subchain];
  size_t prev = sc.elems[steps_[pl.step].pos];
  if (pl.used_latency > local_allowed(hop) ||
      !distance_good(prev, nf, pl.nodes.front(), pl.nodes.back()) ||
      !ends_reachable(pl.used_latency, pl.target, sc)) {
    stage = kDelay;
    return std::nullopt;
  }
  const Capacity& offered = s_.nodes[pl.target].capacity;
  const double weight = 0.333;  // resource_priorities, cpu/mem/storage
  double sum = weight * pref_resource(utilisation(offered.cpu, have.cpu, want.cpu)) +
               weight * pref_resource(utilisation(offered.mem, have.mem, want.mem)) +
               weight * pref_resource(utilisation(offered.storage, have.storage, want.storage));
  double max_sum = 3 * weight * pref_resource(1.0);
  double scaled_res = 10 * sum / max_sum;
  double scaled_bw = 10 * pref_bandwidth(*avg) / pref_bandwidth(1.0);
  return factors_.bandwidth * scaled_bw + factors_.resources * scaled_res;
}

// Alg1_Core._calculateAvgLinkUtil: the mean utilisation of the path's links and infra nodes
// once the hop is added; nullopt when a link or node lacks the bandwidth.
std::optional<double> Search::path_utilisation(const Placement& pl, double bw) const {
  for (size_t n : pl.nodes) {
    if (node_bw_[n] < bw) {
      return std::nullopt;
    }
  }
  if (pl.links.empty()) {
    return node_utilisation(pl.nodes.front(), bw);
  }
  double sum = 0;
  size_t saps = 0;
  for (size_t l : pl.links) {
    if (link_bw_[l] < bw) {
      return std::nullopt;
    }
    sum += utilisation(s_.links[l].bandwidth, link_bw_[l], bw);
  }
  for (size_t n : pl.nodes) {
    if (s_.nodes[n].kind == NodeKind::kSap) {
      ++saps;
    } else {
      sum += node_utilisation(n, bw);
    }
  }
  return sum / static_cast<double>(pl.links.size() + pl.nodes.size() - saps);
}

double Search::node_utilisation(size_t n, double bw) const {
  return utilisation(s_.nodes[n].bandwidth, node_bw_[n], bw);
}

// NF constraints alg1 lacks (problem.h): allowed, banned, affinity with placed NFs.
Search::Stage Search::nf_filter(size_t nf, size_t node) const {
  const NfRequest& req = p_.r->nfs[nf];
  const std::string& id = s_.nodes[node].id;
  if (!req.allowed_nodes.empty() && std::find(req.allowed_nodes.begin(), req.allowed_nodes.end(),
                                              id) == req.allowed_nodes.end()) {
    return kAllowed;
  }
  if (std::find(req.banned_nodes.begin(), req.banned_nodes.end(), id) != req.banned_nodes.end()) {
    return kBanned;
  }
  for (size_t other : p_.affinity[nf]) {
    if (host_[other] && *host_[other] != node) {
      return kAffinity;
    }
  }
  return kNone;
}

// Alg1_Core._checkAntiAffinityCriteria: not on the host of a placed anti-affine NF.
bool Search::anti_affinity_ok(size_t nf, size_t node) const {
  for (size_t other : p_.anti_affinity[nf]) {
    if (host_[other] && *host_[other] == node) {
      return false;
    }
  }
  return true;
}

// MappingManager.getLocalAllowedLatency for one hop: its bound and what its requirements (and
// the shared best-effort budget) have left.
double Search::local_allowed(size_t hop) const {
  const HopInfo& h = p_.hops[hop];
  double lal = h.max_delay;
  for (size_t r : h.requirements) {
    lal = std::min(lal, req_avail_[r]);
  }
  if (h.best_effort) {
    lal = std::min(lal, best_effort_avail_);
  }
  return guard_budget(lal);
}

// getLocalAllowedLatency(subchain): the strictest of its chains' remaining budgets.
double Search::subchain_allowed(const Subchain& sc) const {
  if (sc.color.empty()) {
    return guard_budget(best_effort_avail_);
  }
  double lal = kUnlimited;
  for (size_t r : sc.color) {
    lal = std::min(lal, req_avail_[r]);
  }
  return guard_budget(lal);
}

// MappingManager.isVNFMappingDistanceGood: the new host is no further (in delay) from the
// previous one than the strictest budget of the hops between the two elements.
bool Search::distance_good(size_t from_elem, size_t to_elem, size_t n1, size_t n2) {
  double permitted = kUnlimited;
  for (size_t h = 0; h < p_.hops.size(); ++h) {
    if (p_.hops[h].src == from_elem && p_.hops[h].dst == to_elem) {
      permitted = std::min(permitted, local_allowed(h));
    }
  }
  return oracle_.between(n1, n2) <= permitted;
}

// MappingManager.areChainEndsReachableInLatency: every chain's last SAP stays within what the
// sub-chain's budget leaves after this hop.
bool Search::ends_reachable(double used, size_t node, const Subchain& sc) {
  double left = subchain_allowed(sc) - used;
  for (size_t r : sc.color) {
    size_t end = *host_[p_.reqs[r].elems.back()];
    if (oracle_.to(end)[node] > left) {
      return false;
    }
  }
  return true;
}

void Search::fail(size_t k, Stage stage, size_t hop, size_t nf, const std::string& detail) {
  if (failure_step_ && *failure_step_ >= k) {
    return;  // keep the furthest failure
  }
  failure_step_ = k;
  failure_ = failure_refusal(stage, hop, nf, detail);
}

// The refusal for a step that failed at `stage`, naming the NF (or the hop) the stage is about.
Refusal Search::failure_refusal(Stage stage, size_t hop, size_t nf,
                                const std::string& detail) const {
  const std::string& hop_id = p_.r->hops[hop].id;
  const std::string nf_id = nf == kNoIndex ? hop_id : p_.elem_ids[nf];
  switch (stage) {
    case kType:
      return Refusal{"type", nf_id, "no infra it can reach runs its type"};
    case kAllowed:
      return Refusal{"allowed", nf_id, "no allowed node is left for it"};
    case kBanned:
      return Refusal{"banned", nf_id, "every candidate node is banned"};
    case kAffinity:
      return Refusal{"affinity", nf_id, "no host satisfies its affinity"};
    case kCapacity:
      return Refusal{"capacity", nf_id,
                     "no reachable host has the cpu, memory and storage it needs"};
    case kBandwidth:
      return Refusal{"bandwidth", hop_id, "no path has the bandwidth the hop needs"};
    case kDelay:
      return delay_refusal(hop);
    case kAnti:
      return Refusal{"anti-affinity", nf_id, "every candidate host runs an anti-affine NF"};
    case kNone:
      break;
  }
  return Refusal{"path", hop_id, detail.empty() ? "alg1 found no mapping" : detail};
}

// A delay failure names the hop, or the requirement with less delay left than the hop's bound.
Refusal Search::delay_refusal(size_t hop) const {
  std::string element = p_.r->hops[hop].id;
  double tightest = p_.hops[hop].max_delay;
  for (size_t r : p_.hops[hop].requirements) {
    if (req_avail_[r] < tightest) {
      tightest = req_avail_[r];
      element = p_.r->requirements[r].id;
    }
  }
  return Refusal{"delay", element, "no host or path fits the delay left"};
}

Mapping Search::mapping() const {
  Mapping m;
  for (size_t e = 0; e < p_.nf_count; ++e) {
    if (host_[e]) {
      m.nf_node[p_.elem_ids[e]] = *host_[e];
    }
  }
  for (size_t h = 0; h < p_.hops.size(); ++h) {
    if (hop_links_[h]) {
      m.hop_links[p_.r->hops[h].id] = *hop_links_[h];
    }
  }
  return m;
}

}  // namespace chainlab::orchestration::embedding::alg1_detail
