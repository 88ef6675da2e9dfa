// alg1's greedy steps and backtracking (Alg1_Core.py, BacktrackHandler.py, MappingManager.py).
#include "orchestration/placement/embedding/alg1_search.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <queue>
#include <tuple>

namespace chainlab::orchestration::embedding::alg1_detail {
namespace {

double weight_of(double free_bw) {
  return free_bw <= 0 ? kUnlimited : 1.0 / free_bw;
}

}  // namespace

Search::Search(const Problem& p, DelayOracle& oracle, const EmbeddingOptions& options,
               const Alg1Factors& factors)
    : p_(p), s_(*p.s), oracle_(oracle), options_(options), factors_(factors) {
  for (size_t i = 0; i < p.subchains.size(); ++i) {
    for (size_t pos = 0; pos < p.subchains[i].hops.size(); ++pos) {
      steps_.push_back({i, pos});
    }
  }
  for (const auto& n : s_.nodes) {
    free_.push_back(n.capacity);
    node_bw_.push_back(n.bandwidth);
  }
  out_.resize(s_.nodes.size());
  for (size_t l = 0; l < s_.links.size(); ++l) {
    link_bw_.push_back(s_.links[l].bandwidth);
    out_[s_.links[l].src].push_back(l);
  }
  host_ = p.sap_node;
  hop_links_.resize(p.hops.size());
  for (const auto& r : p.reqs) {
    req_avail_.push_back(r.budget);
  }
}

std::optional<Refusal> Search::run() {
  size_t k = 0;
  while (k < steps_.size()) {
    ++stats_.steps;
    if (take_step(k)) {
      ++k;
      continue;
    }
    if (!backtrack()) {
      return failure_;
    }
    k = done_.back().step + 1;
  }
  return std::nullopt;
}

// BacktrackHandler.getNextBacktrackRecordAndSubchainSubgraph: undo placements newest first
// until a remembered level has an alternative left; take it.
bool Search::backtrack() {
  while (!levels_.empty()) {
    bool undid_nf = false;
    while (!done_.empty() && !undid_nf) {
      undid_nf = done_.back().nf.has_value();
      undo(done_.back());
      done_.pop_back();
      ++stats_.backtracks;
    }
    Level& top = levels_.back();
    if (!top.alternatives.empty()) {
      Placement next = std::move(top.alternatives.front());
      top.alternatives.pop_front();
      apply(next);
      done_.push_back(std::move(next));
      ++stats_.steps;
      return true;
    }
    levels_.pop_back();
  }
  return false;
}

bool Search::take_step(size_t k) {
  const Subchain& sc = p_.subchains[steps_[k].subchain];
  size_t from = sc.elems[steps_[k].pos];
  size_t to = sc.elems[steps_[k].pos + 1];
  if (!host_[from]) {
    fail(k, kNone, sc.hops[steps_[k].pos], from, "its source is not placed");
    return false;
  }
  if (!p_.is_sap(to) && !host_[to]) {
    return place_nf(k);
  }
  return route_hop(k);
}

void Search::apply(const Placement& pl) {
  const Step& st = steps_[pl.step];
  size_t hop = p_.subchains[st.subchain].hops[st.pos];
  if (pl.nf) {
    const Capacity& d = p_.r->nfs[*pl.nf].demand;
    free_[pl.target].cpu -= d.cpu;
    free_[pl.target].mem -= d.mem;
    free_[pl.target].storage -= d.storage;
    host_[*pl.nf] = pl.target;
  }
  double bw = p_.hops[hop].bandwidth;
  for (size_t n : pl.nodes) {
    node_bw_[n] -= bw;
  }
  for (size_t l : pl.links) {
    link_bw_[l] -= bw;
  }
  hop_links_[hop] = pl.links;
  for (size_t r : p_.hops[hop].requirements) {
    req_avail_[r] -= pl.used_latency;
  }
  if (p_.hops[hop].best_effort) {
    best_effort_avail_ -= pl.used_latency;
  }
}

void Search::undo(const Placement& pl) {
  const Step& st = steps_[pl.step];
  size_t hop = p_.subchains[st.subchain].hops[st.pos];
  if (pl.nf) {
    const Capacity& d = p_.r->nfs[*pl.nf].demand;
    free_[pl.target].cpu += d.cpu;
    free_[pl.target].mem += d.mem;
    free_[pl.target].storage += d.storage;
    host_[*pl.nf] = std::nullopt;
  }
  double bw = p_.hops[hop].bandwidth;
  for (size_t n : pl.nodes) {
    node_bw_[n] += bw;
  }
  for (size_t l : pl.links) {
    link_bw_[l] += bw;
  }
  hop_links_[hop] = std::nullopt;
  for (size_t r : p_.hops[hop].requirements) {
    req_avail_[r] += pl.used_latency;
  }
  if (p_.hops[hop].best_effort) {
    best_effort_avail_ += pl.used_latency;
  }
}

// Alg1_Core._mapOneVNF: every reachable host of the NF's type, grouped by delay preference,
// scored; the `branching` best are kept, the best taken.
bool Search::place_nf(size_t k) {
  const Subchain& sc = p_.subchains[steps_[k].subchain];
  size_t hop = sc.hops[steps_[k].pos];
  size_t start = *host_[sc.elems[steps_[k].pos]];
  size_t nf = sc.elems[steps_[k].pos + 1];
  Hosts hosts = reachable_hosts(k, nf, start, weight_paths(start, sc, hop, std::nullopt));
  if (hosts.list.empty()) {
    fail(k, hosts.stage == kNone ? unreachable_type_stage(nf, sc) : hosts.stage, hop, nf,
         "no host of its type is reachable");
    return false;
  }
  Stage stage = std::max(hosts.stage, kAffinity);
  auto ranked = delay_preferences(hosts.list, start, sc, hop);
  if (ranked.size() < hosts.list.size()) {
    stage = std::max(stage, kDelay);
  }
  std::vector<Placement> feasible = score_hosts(ranked, hosts.routes, hop, nf, stage);
  if (feasible.empty()) {
    fail(k, stage, hop, nf, "");
    return false;
  }
  take_best(k, std::move(feasible));
  return true;
}

// The reached nodes that can host the NF and pass its filters, each with its route from
// `start`; the furthest filter stage that turned a node away.
Search::Hosts Search::reachable_hosts(size_t k, size_t nf, size_t start, const Paths& paths) const {
  Hosts out;
  for (size_t n : p_.node_order) {
    if (!paths.reached[n] || !can_host(s_.nodes[n], p_.r->nfs[nf])) {
      continue;
    }
    Stage filtered = nf_filter(nf, n);
    if (filtered != kNone) {
      out.stage = std::max(out.stage, filtered);
      continue;
    }
    Placement& pl = out.routes[n];
    pl.step = k;
    pl.nf = nf;
    pl.target = n;
    extract(paths, start, n, pl);
    pl.used_latency = path_delay(s_, start, pl.links);
    out.list.push_back({n, pl.used_latency, 0});
  }
  return out;
}

// The ranked hosts whose placement is feasible, valued by the objective and the delay
// preference; `stage` rises to the furthest stage that turned one away.
std::vector<Placement> Search::score_hosts(const std::vector<Candidate>& ranked,
                                           std::map<size_t, Placement>& routes, size_t hop,
                                           size_t nf, Stage& stage) {
  std::vector<Placement> feasible;
  for (const auto& c : ranked) {
    Placement& pl = routes[c.node];
    Stage why = kNone;
    auto value = objective(pl, hop, nf, why);
    if (!value) {
      stage = std::max(stage, why);
      continue;
    }
    if (!anti_affinity_ok(nf, c.node)) {
      stage = std::max(stage, kAnti);
      continue;
    }
    pl.value = *value + factors_.latency * 10.0 * c.preference;
    feasible.push_back(pl);
  }
  return feasible;
}

// Takes the best placement of step k; remembers the next `branching` - 1 as its alternatives,
// forgetting levels beyond `backtrack_depth`.
void Search::take_best(size_t k, std::vector<Placement> feasible) {
  std::stable_sort(feasible.begin(), feasible.end(),
                   [](const Placement& a, const Placement& b) { return a.value < b.value; });
  size_t keep = static_cast<size_t>(std::max(options_.branching, 1));
  Level level{k, {}};
  for (size_t i = 1; i < std::min(keep, feasible.size()); ++i) {
    level.alternatives.push_back(std::move(feasible[i]));
  }
  levels_.push_back(std::move(level));
  while (levels_.size() > static_cast<size_t>(std::max(options_.backtrack_depth, 0))) {
    levels_.pop_front();
  }
  apply(feasible.front());
  done_.push_back(std::move(feasible.front()));
}

// Why no host of the NF's type was reached: none exists ("type"), or the sub-chain's latency
// subgraph ("delay") or the hop's path constraints ("path") keep them out of reach.
Search::Stage Search::unreachable_type_stage(size_t nf, const Subchain& sc) const {
  for (const auto& node : s_.nodes) {
    if (can_host(node, p_.r->nfs[nf])) {
      return sc.color.empty() ? kNone : kDelay;
    }
  }
  return kType;
}

// Alg1_Core._mapOneRequestLink: both ends placed; the weight-shortest path, if it has the
// bandwidth and fits the delay budget.
bool Search::route_hop(size_t k) {
  const Subchain& sc = p_.subchains[steps_[k].subchain];
  size_t hop = sc.hops[steps_[k].pos];
  size_t start = *host_[sc.elems[steps_[k].pos]];
  size_t target = *host_[sc.elems[steps_[k].pos + 1]];
  Paths paths = weight_paths(start, sc, hop, target);
  if (!paths.reached[target]) {
    Stage why = p_.hops[hop].permitted[start] && p_.hops[hop].permitted[target] ? kNone : kAllowed;
    fail(k, why, hop, kNoIndex, "no path joins its ends");
    return false;
  }
  Placement pl;
  pl.step = k;
  pl.target = target;
  extract(paths, start, target, pl);
  pl.used_latency = path_delay(s_, start, pl.links);
  if (!path_utilisation(pl, p_.hops[hop].bandwidth)) {
    fail(k, kBandwidth, hop, kNoIndex, "");
    return false;
  }
  if (local_allowed(hop) < pl.used_latency) {
    fail(k, kDelay, hop, kNoIndex, "");
    return false;
  }
  apply(pl);
  done_.push_back(std::move(pl));
  return true;
}

// Alg1_Helper.shortestPathsBasedOnEdgeWeight: Dijkstra on 1/free bandwidth of links and of
// the nodes entered, inside the sub-chain's subgraph (and the hop's permitted nodes, off the
// links of its anti-affine hops).
Search::Paths Search::weight_paths(size_t start, const Subchain& sc, size_t hop,
                                   std::optional<size_t> target) {
  const HopInfo& h = p_.hops[hop];
  if (!h.permitted[start]) {
    return Paths{std::vector<char>(s_.nodes.size(), 0),
                 std::vector<size_t>(s_.nodes.size(), kNoIndex)};
  }
  return lightest_paths(start, usable_links(h, sc, start), target);
}

// Dijkstra from `start` over the usable links (ties by push order), stopping at `target` once
// it is settled.
Search::Paths Search::lightest_paths(size_t start, const std::vector<char>& usable,
                                     std::optional<size_t> target) const {
  Paths out{std::vector<char>(s_.nodes.size(), 0), std::vector<size_t>(s_.nodes.size(), kNoIndex)};
  std::vector<double> dist(s_.nodes.size(), kUnlimited);
  std::vector<char> done(s_.nodes.size(), 0);
  using Item = std::tuple<double, uint64_t, size_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> heap;
  uint64_t counter = 0;
  dist[start] = entry_weight(start);
  out.reached[start] = 1;
  heap.push({dist[start], counter++, start});
  while (!heap.empty()) {
    auto [d, c, u] = heap.top();
    heap.pop();
    if (done[u]) {
      continue;
    }
    done[u] = 1;
    if (target && u == *target) {
      break;
    }
    for (size_t l : out_[u]) {
      size_t v = s_.links[l].dst;
      if (!usable[l] || done[v]) {
        continue;
      }
      double nd = d + entry_weight(v) + weight_of(link_bw_[l]);
      if (!out.reached[v] || nd < dist[v]) {
        dist[v] = nd;
        out.reached[v] = 1;
        out.pred[v] = l;
        heap.push({nd, counter++, v});
      }
    }
  }
  return out;
}

// Per substrate link: whether hop h's path may take it. Not when a routed anti-affine hop uses
// it, nor into a node the hop may not cross or outside the sub-chain's subgraph (but `start`).
std::vector<char> Search::usable_links(const HopInfo& h, const Subchain& sc, size_t start) const {
  std::vector<char> usable(s_.links.size(), 1);
  for (size_t other : h.anti) {
    if (hop_links_[other]) {
      for (size_t l : *hop_links_[other]) {
        usable[l] = 0;
      }
    }
  }
  for (size_t l = 0; l < s_.links.size(); ++l) {
    size_t v = s_.links[l].dst;
    if (!h.permitted[v] || !(sc.mask.empty() || sc.mask[v] || v == start)) {
      usable[l] = 0;
    }
  }
  return usable;
}

// The weight of entering node n: 1/free bandwidth, nothing for a SAP.
double Search::entry_weight(size_t n) const {
  return s_.nodes[n].kind == NodeKind::kSap ? 0.0 : weight_of(node_bw_[n]);
}

}  // namespace chainlab::orchestration::embedding::alg1_detail
