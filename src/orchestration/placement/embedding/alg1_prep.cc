// alg1's pre-processing (GraphPreprocessor.py, MappingManager.py): indices, latency subgraphs
// of the end-to-end chains, sub-chains and their order.
#include <algorithm>
#include <numeric>
#include <queue>
#include <random>
#include <set>
#include <unordered_map>
#include <variant>

#include "orchestration/placement/embedding/alg1_internal.h"

namespace chainlab::orchestration::embedding::alg1_detail {
namespace {

Refusal refusal(std::string constraint, std::string element, std::string message) {
  return Refusal{std::move(constraint), std::move(element), std::move(message)};
}

}  // namespace

DelayOracle::DelayOracle(const Substrate& s) : s_(s), out_(s.nodes.size()), in_(s.nodes.size()) {
  for (size_t l = 0; l < s.links.size(); ++l) {
    out_[s.links[l].src].push_back(l);
    in_[s.links[l].dst].push_back(l);
  }
}

std::vector<double> DelayOracle::run(size_t root, bool reverse) const {
  std::vector<double> dist(s_.nodes.size(), kUnlimited);
  using Item = std::pair<double, size_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> heap;
  dist[root] = s_.nodes[root].delay_ms;
  heap.push({dist[root], root});
  while (!heap.empty()) {
    auto [d, u] = heap.top();
    heap.pop();
    if (d > dist[u]) {
      continue;
    }
    for (size_t l : reverse ? in_[u] : out_[u]) {
      size_t v = reverse ? s_.links[l].src : s_.links[l].dst;
      double nd = d + s_.links[l].delay_ms + s_.nodes[v].delay_ms;
      if (nd < dist[v]) {
        dist[v] = nd;
        heap.push({nd, v});
      }
    }
  }
  return dist;
}

const std::vector<double>& DelayOracle::from(size_t u) {
  auto it = from_.find(u);
  if (it == from_.end()) {
    it = from_.emplace(u, run(u, false)).first;
  }
  return it->second;
}

const std::vector<double>& DelayOracle::to(size_t v) {
  auto it = to_.find(v);
  if (it == to_.end()) {
    it = to_.emplace(v, run(v, true)).first;
  }
  return it->second;
}

bool can_host(const SubstrateNode& node, const NfRequest& nf) {
  if (node.kind != NodeKind::kInfra) {
    return false;
  }
  if (nf.functional_type.empty()) {
    const Capacity& c = node.capacity;
    return c.cpu > 0 || c.mem > 0 || c.storage > 0;
  }
  return std::find(node.supported.begin(), node.supported.end(), nf.functional_type) !=
         node.supported.end();
}

namespace {

using Index = std::unordered_map<std::string, size_t>;

std::vector<char> node_filter(const Substrate& s, const std::vector<std::string>& allowed,
                              const std::vector<std::string>& banned) {
  std::vector<char> ok(s.nodes.size(), allowed.empty() ? 1 : 0);
  Index ids;
  for (size_t i = 0; i < s.nodes.size(); ++i) {
    ids.emplace(s.nodes[i].id, i);
  }
  for (const auto& id : allowed) {
    if (auto it = ids.find(id); it != ids.end()) {
      ok[it->second] = 1;
    }
  }
  for (const auto& id : banned) {
    if (auto it = ids.find(id); it != ids.end()) {
      ok[it->second] = 0;
    }
  }
  return ok;
}

// Elements as indices: NFs first, then SAPs with their bound substrate node.
Index index_elements(const Substrate& s, const Request& r, Problem& p) {
  Index elems;
  for (const auto& nf : r.nfs) {
    elems.emplace(nf.id, p.elem_ids.size());
    p.elem_ids.push_back(nf.id);
    p.sap_node.push_back(std::nullopt);
  }
  for (const auto& sap : r.saps) {
    elems.emplace(sap.id, p.elem_ids.size());
    p.elem_ids.push_back(sap.id);
    p.sap_node.push_back(s.node_index(sap.binding.empty() ? sap.id : sap.binding));
  }
  return elems;
}

// Each hop's anti-affine hops, both ways.
void link_anti_hops(const Request& r, const Index& hop_index, Problem& p) {
  for (size_t i = 0; i < r.hops.size(); ++i) {
    for (const auto& other : r.hops[i].anti_affinity) {
      if (auto it = hop_index.find(other); it != hop_index.end()) {
        p.hops[i].anti.push_back(it->second);
        p.hops[it->second].anti.push_back(i);
      }
    }
  }
}

// Hops as indices; the index of each hop id. InvalidArgument for a hop with an unknown end.
Result<Index> index_hops(const Substrate& s, const Request& r, const Index& elems, Problem& p) {
  Index hop_index;
  auto bw = hop_bandwidths(r);
  for (const auto& hop : r.hops) {
    auto src = elems.find(hop.src);
    auto dst = elems.find(hop.dst);
    if (src == elems.end() || dst == elems.end()) {
      return make_error(ErrorCode::kInvalidArgument, "hop '{}' names an unknown end", hop.id);
    }
    hop_index.emplace(hop.id, p.hops.size());
    HopInfo h;
    h.src = src->second;
    h.dst = dst->second;
    h.bandwidth = bw[hop.id];
    h.max_delay = hop.max_delay_ms.value_or(kUnlimited);
    h.permitted = node_filter(s, hop.allowed_nodes, hop.banned_nodes);
    p.hops.push_back(std::move(h));
  }
  link_anti_hops(r, hop_index, p);
  return hop_index;
}

// One requirement as indices, to become the next entry of p.reqs; its hops learn they hold it.
// InvalidArgument for an unknown hop or hops that do not follow each other.
Result<RequirementInfo> index_requirement(const Requirement& req, const Index& hop_index,
                                          Problem& p) {
  RequirementInfo info;
  info.budget = req.max_delay_ms.value_or(kUnlimited);
  for (const auto& id : req.path) {
    auto it = hop_index.find(id);
    if (it == hop_index.end()) {
      return make_error(ErrorCode::kInvalidArgument, "requirement '{}' names unknown hop '{}'",
                        req.id, id);
    }
    const HopInfo& h = p.hops[it->second];
    if (!info.elems.empty() && info.elems.back() != h.src) {
      return make_error(ErrorCode::kInvalidArgument,
                        "requirement '{}': hop '{}' does not start where the previous ends", req.id,
                        id);
    }
    if (info.elems.empty()) {
      info.elems.push_back(h.src);
    }
    info.elems.push_back(h.dst);
    info.hops.push_back(it->second);
    p.hops[it->second].requirements.push_back(p.reqs.size());
  }
  info.e2e = info.hops.size() >= 2 && p.is_sap(info.elems.front()) && p.is_sap(info.elems.back());
  return info;
}

// Affinity and anti-affinity between NFs, both ways; ids of unknown NFs are ignored.
void index_affinities(const Request& r, const Index& elems, Problem& p) {
  p.affinity.resize(p.nf_count);
  p.anti_affinity.resize(p.nf_count);
  for (size_t i = 0; i < r.nfs.size(); ++i) {
    auto link = [&](const std::vector<std::string>& ids, std::vector<std::vector<size_t>>& to) {
      for (const auto& id : ids) {
        if (auto it = elems.find(id); it != elems.end() && it->second < p.nf_count) {
          to[i].push_back(it->second);
          to[it->second].push_back(i);
        }
      }
    };
    link(r.nfs[i].affinity, p.affinity);
    link(r.nfs[i].anti_affinity, p.anti_affinity);
  }
}

// Elements, hops, requirements, affinities as indices. InvalidArgument for a requirement whose
// hops do not follow each other (alg1: "EdgeReq.sg_path should select a path").
Result<Problem> index_request(const Substrate& s, const Request& r) {
  Problem p;
  p.s = &s;
  p.r = &r;
  p.nf_count = r.nfs.size();
  Index elems = index_elements(s, r, p);
  CL_ASSIGN_OR_RETURN(Index hop_index, index_hops(s, r, elems, p));
  for (const auto& req : r.requirements) {
    CL_ASSIGN_OR_RETURN(RequirementInfo info, index_requirement(req, hop_index, p));
    p.reqs.push_back(std::move(info));
  }
  index_affinities(r, elems, p);
  return p;
}

std::vector<std::vector<size_t>> successors(const Substrate& s) {
  std::vector<std::vector<size_t>> succ(s.nodes.size());
  for (const auto& l : s.links) {
    succ[l.src].push_back(l.dst);
  }
  return succ;
}

// What a chain's latency subgraph is explored by: the delays from its first SAP and to its last
// one, and its bound.
struct ChainDelays {
  const std::vector<double>& from_begin;
  const std::vector<double>& to_end;
  double budget = kUnlimited;
};

// The explorer's frontier: nodes not yet visited whose detour to the chain's end fits.
struct Frontier {
  std::vector<char> visited;
  std::vector<char> queued;
  std::vector<size_t> pending;

  // Queues the successors of the current node reached `dist` ms from the start; only infras and
  // the request's SAPs.
  void add(const Substrate& s, const std::vector<size_t>& succ, double dist, const ChainDelays& d,
           const std::vector<char>& request_saps) {
    for (size_t n : succ) {
      if (visited[n] || queued[n]) {
        continue;
      }
      double forwarding = 0;
      if (s.nodes[n].kind == NodeKind::kInfra) {
        forwarding = s.nodes[n].delay_ms;
      } else if (!request_saps[n]) {
        continue;
      }
      if (d.to_end[n] + dist + forwarding <= d.budget) {
        pending.push_back(n);
        queued[n] = 1;
      }
    }
  }
};

// GraphPreprocessor._findSubgraphForChain's exploration: from `begin`, nearest (by delay) first,
// while the delay reached fits the bound; the nodes visited.
std::vector<char> explore_chain(const Substrate& s, size_t begin, const ChainDelays& d,
                                const std::vector<char>& request_saps) {
  std::vector<std::vector<size_t>> succ = successors(s);
  Frontier f{std::vector<char>(s.nodes.size(), 0), std::vector<char>(s.nodes.size(), 0), {}};
  f.visited[begin] = 1;
  size_t current = begin;
  double dist = 0;
  while (dist <= d.budget) {
    f.add(s, succ[current], dist, d, request_saps);
    if (f.pending.empty()) {
      break;
    }
    auto best = std::min_element(f.pending.begin(), f.pending.end(), [&](size_t a, size_t b) {
      return d.from_begin[a] < d.from_begin[b];
    });
    current = *best;
    f.pending.erase(best);
    f.queued[current] = 0;
    f.visited[current] = 1;
    dist = d.from_begin[current];
  }
  return std::move(f.visited);
}

// GraphPreprocessor._findSubgraphForChain: explore from the first SAP, nearest (by delay) first,
// keeping the nodes whose delay from the start plus to the last SAP fits the bound. Other SAPs
// than the request's are left out.
std::variant<std::vector<char>, Refusal> chain_subgraph(const Problem& p, size_t req,
                                                        DelayOracle& oracle,
                                                        const std::vector<char>& request_saps) {
  const RequirementInfo& info = p.reqs[req];
  size_t begin = *p.sap_node[info.elems.front()];
  size_t end = *p.sap_node[info.elems.back()];
  const auto& from_begin = oracle.from(begin);
  const auto& to_end = oracle.to(end);
  std::vector<char> visited =
      explore_chain(*p.s, begin, ChainDelays{from_begin, to_end, info.budget}, request_saps);
  const std::string& id = p.r->requirements[req].id;
  if (!visited[end]) {
    if (from_begin[end] == kUnlimited) {
      return refusal("path", id, "no path joins the requirement's two SAPs");
    }
    return refusal("delay", id,
                   fmt::format("its SAPs are {:.3f} ms apart, over the {:.3f} ms allowed",
                               from_begin[end], info.budget));
  }
  return visited;
}

struct Divider {
  Problem& p;
  std::vector<std::vector<size_t>> color;  // per hop: e2e requirements holding it
  std::vector<char> removed;               // per hop: already in a sub-chain
  std::vector<char> rechained;             // per element: placed by an earlier sub-chain
  std::vector<size_t> elem_order;          // SAPs first, then NFs

  std::optional<size_t> next_hop(size_t elem, const std::vector<size_t>* same_color) const {
    for (size_t h = 0; h < p.hops.size(); ++h) {
      if (!removed[h] && p.hops[h].src == elem && (!same_color || color[h] == *same_color)) {
        return h;
      }
    }
    return std::nullopt;
  }

  size_t out_degree(size_t elem) const {
    size_t d = 0;
    for (size_t h = 0; h < p.hops.size(); ++h) {
      d += !removed[h] && p.hops[h].src == elem;
    }
    return d;
  }

  // _findOneSubchain: follow hops of one colour until an element placed earlier.
  Subchain one_subchain(size_t start, const std::vector<size_t>& act_color) {
    Subchain sc;
    sc.elems.push_back(start);
    sc.color = act_color;
    auto h = next_hop(start, &act_color);
    while (h) {
      size_t dst = p.hops[*h].dst;
      sc.elems.push_back(dst);
      sc.hops.push_back(*h);
      removed[*h] = 1;
      if (rechained[dst]) {
        break;
      }
      rechained[dst] = 1;
      h = next_hop(dst, &act_color);
    }
    return sc;
  }

  // _divideIntoDisjointSubchains: strictest chain first, from the element of lowest out-degree
  // that is placed already and has an unused hop of that chain.
  std::vector<Subchain> coloured(const std::vector<size_t>& e2e_sorted) {
    std::vector<Subchain> out;
    size_t cycles = 0;
    size_t idle = 0;
    auto pending = [&] {
      for (size_t h = 0; h < p.hops.size(); ++h) {
        if (!removed[h] && !color[h].empty()) {
          return true;
        }
      }
      return false;
    };
    while (!e2e_sorted.empty() && pending() && idle <= e2e_sorted.size()) {
      size_t e2e = e2e_sorted[cycles++ % e2e_sorted.size()];
      std::vector<size_t> by_degree;
      for (size_t e : elem_order) {
        if (out_degree(e) != 0) {
          by_degree.push_back(e);
        }
      }
      std::stable_sort(by_degree.begin(), by_degree.end(),
                       [&](size_t a, size_t b) { return out_degree(a) < out_degree(b); });
      bool found = false;
      for (size_t e : by_degree) {
        const std::vector<size_t>* act = nullptr;
        for (size_t h = 0; h < p.hops.size() && !act; ++h) {
          const auto& c = color[h];
          if (!removed[h] && p.hops[h].src == e && std::binary_search(c.begin(), c.end(), e2e)) {
            act = &c;
          }
        }
        if (act && rechained[e]) {
          out.push_back(one_subchain(e, std::vector<size_t>(*act)));
          found = true;
          break;
        }
      }
      idle = found ? 0 : idle + 1;
    }
    return out;
  }

  // _extractBestEffortSubchains: walk the remaining hops from a placed element until another
  // placed element (or a dead end).
  std::vector<Subchain> best_effort() {
    std::vector<Subchain> out;
    bool progress = true;
    while (progress) {
      progress = false;
      for (size_t e : elem_order) {
        if (!rechained[e] || out_degree(e) == 0) {
          continue;
        }
        Subchain sc;
        sc.elems.push_back(e);
        size_t last = e;
        while (auto h = next_hop(last, nullptr)) {
          removed[*h] = 1;
          last = p.hops[*h].dst;
          sc.hops.push_back(*h);
          sc.elems.push_back(last);
          if (rechained[last]) {
            break;
          }
        }
        for (size_t x : sc.elems) {
          rechained[x] = 1;
        }
        for (size_t h : sc.hops) {
          p.hops[h].best_effort = true;
        }
        out.push_back(std::move(sc));
        progress = true;
      }
    }
    return out;
  }
};

double subchain_latency(const Problem& p, const Subchain& sc) {
  double lal = kOverallHighestDelay;
  for (size_t r : sc.color) {
    lal = std::min(lal, p.reqs[r].budget);
  }
  return lal;
}

// Sub-chains from a SAP first (strictest latency first), then in rounds those whose first
// element an earlier one placed, each round by latency (GraphPreprocessor's predecessor and
// latency order, made dependency-safe), best-effort ones last.
std::vector<Subchain> order_subchains(const Problem& p, std::vector<Subchain> coloured,
                                      std::vector<Subchain> best_effort) {
  std::vector<Subchain> out;
  std::vector<char> covered(p.elem_ids.size(), 0);
  for (size_t e = p.nf_count; e < p.elem_ids.size(); ++e) {
    covered[e] = 1;
  }
  auto by_latency = [&](const Subchain& a, const Subchain& b) {
    return subchain_latency(p, a) < subchain_latency(p, b);
  };
  while (!coloured.empty()) {
    auto split = std::stable_partition(coloured.begin(), coloured.end(),
                                       [&](const Subchain& sc) { return covered[sc.elems[0]]; });
    if (split == coloured.begin()) {
      split = coloured.end();  // nothing ready: keep them; mapping will refuse
    }
    std::vector<Subchain> round(std::make_move_iterator(coloured.begin()),
                                std::make_move_iterator(split));
    coloured.erase(coloured.begin(), split);
    std::stable_sort(round.begin(), round.end(), by_latency);
    for (auto& sc : round) {
      for (size_t e : sc.elems) {
        covered[e] = 1;
      }
      out.push_back(std::move(sc));
    }
  }
  for (auto& sc : best_effort) {
    out.push_back(std::move(sc));
  }
  return out;
}

std::vector<char> intersect(const std::vector<std::vector<char>>& masks,
                            const std::vector<size_t>& which) {
  std::vector<char> out;
  for (size_t r : which) {
    if (masks[r].empty()) {
      continue;
    }
    if (out.empty()) {
      out = masks[r];
    } else {
      for (size_t i = 0; i < out.size(); ++i) {
        out[i] = out[i] && masks[r][i];
      }
    }
  }
  return out;
}

std::optional<Refusal> unmappable_elements(const Problem& p, const std::vector<char>& rechained,
                                           const std::vector<char>& removed) {
  for (size_t h = 0; h < p.hops.size(); ++h) {
    if (!removed[h]) {
      return refusal("invalid", p.r->hops[h].id,
                     "alg1 maps hops along chains that start at a SAP, and no such chain "
                     "reaches this hop's source");
    }
  }
  for (size_t e = 0; e < p.nf_count; ++e) {
    if (!rechained[e]) {
      return refusal("invalid", p.elem_ids[e], "alg1 places NFs only along hops; it has none");
    }
  }
  return std::nullopt;
}

// The first of the request's SAPs bound to no substrate SAP.
std::optional<Refusal> unbound_sap(const Substrate& s, const Problem& p) {
  for (size_t e = p.nf_count; e < p.elem_ids.size(); ++e) {
    if (!p.sap_node[e] || s.nodes[*p.sap_node[e]].kind != NodeKind::kSap) {
      return refusal("binding", p.elem_ids[e], "the SAP is bound to no substrate SAP");
    }
  }
  return std::nullopt;
}

// A seeded permutation of 0..count-1: the order candidates are scanned.
std::vector<size_t> shuffled_nodes(size_t count, uint64_t seed) {
  std::vector<size_t> order(count);
  std::iota(order.begin(), order.end(), size_t{0});
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  return order;
}

// Per substrate node: whether one of the request's SAPs is bound to it.
std::vector<char> request_sap_nodes(const Problem& p) {
  std::vector<char> request_saps(p.s->nodes.size(), 0);
  for (size_t e = p.nf_count; e < p.elem_ids.size(); ++e) {
    request_saps[*p.sap_node[e]] = 1;
  }
  return request_saps;
}

// The end-to-end chains: their latency subgraphs, their order and the hops they colour.
struct Chains {
  std::vector<std::vector<char>> masks;    // per requirement: its subgraph; empty unless e2e
  std::vector<size_t> e2e_sorted;          // e2e requirements, strictest budget first
  std::vector<std::vector<size_t>> color;  // per hop: e2e requirements holding it, ascending
};

std::variant<Chains, Refusal> e2e_chains(const Problem& p, DelayOracle& oracle) {
  std::vector<char> request_saps = request_sap_nodes(p);
  Chains out{std::vector<std::vector<char>>(p.reqs.size()),
             {},
             std::vector<std::vector<size_t>>(p.hops.size())};
  for (size_t i = 0; i < p.reqs.size(); ++i) {
    if (!p.reqs[i].e2e) {
      continue;
    }
    auto sub = chain_subgraph(p, i, oracle, request_saps);
    if (auto* why = std::get_if<Refusal>(&sub)) {
      return std::move(*why);
    }
    out.masks[i] = std::get<std::vector<char>>(std::move(sub));
    out.e2e_sorted.push_back(i);
    for (size_t h : p.reqs[i].hops) {
      out.color[h].push_back(i);  // ascending: i grows
    }
  }
  std::stable_sort(out.e2e_sorted.begin(), out.e2e_sorted.end(),
                   [&](size_t a, size_t b) { return p.reqs[a].budget < p.reqs[b].budget; });
  return out;
}

// A divider before any sub-chain: SAPs first and already placed, then NFs.
Divider make_divider(Problem& p, std::vector<std::vector<size_t>> color) {
  Divider div{p,
              std::move(color),
              std::vector<char>(p.hops.size(), 0),
              std::vector<char>(p.elem_ids.size(), 0),
              {}};
  for (size_t e = p.nf_count; e < p.elem_ids.size(); ++e) {
    div.elem_order.push_back(e);
    div.rechained[e] = 1;
  }
  for (size_t e = 0; e < p.nf_count; ++e) {
    div.elem_order.push_back(e);
  }
  return div;
}

}  // namespace

Result<Prepared> prepare(const Substrate& s, const Request& r, uint64_t seed, DelayOracle& oracle) {
  Prepared out;
  CL_ASSIGN_OR_RETURN(out.problem, index_request(s, r));
  Problem& p = out.problem;
  out.refusal = unbound_sap(s, p);
  if (out.refusal) {
    return out;
  }
  p.node_order = shuffled_nodes(s.nodes.size(), seed);
  auto chains = e2e_chains(p, oracle);
  if (auto* why = std::get_if<Refusal>(&chains)) {
    out.refusal = std::move(*why);
    return out;
  }
  Chains& c = std::get<Chains>(chains);
  Divider div = make_divider(p, std::move(c.color));
  auto coloured = div.coloured(c.e2e_sorted);
  for (auto& sc : coloured) {
    sc.mask = intersect(c.masks, sc.color);
  }
  auto best_effort = div.best_effort();
  out.refusal = unmappable_elements(p, div.rechained, div.removed);
  if (out.refusal) {
    return out;
  }
  p.subchains = order_subchains(p, std::move(coloured), std::move(best_effort));
  return out;
}

}  // namespace chainlab::orchestration::embedding::alg1_detail
