// One greedy step's candidates: for a hop, every node that may host the NF at its open end,
// with the cheapest path whose delay fits (else the fastest that fits); scored by cost, the
// cheapest cost still to come to the requirement's end (a look-ahead alg1 lacks) and a small
// load-balancing term. Why a step has no candidate is kept as the closest miss.
#include <algorithm>

#include <fmt/format.h>

#include "orchestration/placement/embedding/greedy_internal.h"
#include "orchestration/placement/embedding/paths.h"

namespace chainlab::orchestration::embedding {
namespace {

// Weight of the load term against cost: enough to break ties towards the emptier node, too
// small to buy a longer path.
constexpr double kLoadWeight = 0.01;

// The closest miss of a step: a later kind (delay after bandwidth after host) is closer to
// success, so it is the one a user should act on.
struct Miss {
  int rank = -1;
  double overshoot = kUnlimited;  // among delay misses: the one that missed by least
  Refusal refusal;
  void note(int r, std::string constraint, std::string element, std::string message,
            double over = 0) {
    if (r > rank || (r == rank && over < overshoot)) {
      rank = r;
      overshoot = over;
      refusal = {std::move(constraint), std::move(element), std::move(message)};
    }
  }
};

class StepEvaluator {
 public:
  StepEvaluator(const Compiled& c, const SearchState& state, const EmbeddingOptions& options)
      : c_(c), s_(*c.substrate), r_(*c.request), state_(state), options_(options) {}

  Evaluation hop_step(size_t h) {
    auto src = state_.end_node(c_.hop_src[h]);
    auto dst = state_.end_node(c_.hop_dst[h]);
    bool reverse = !src;
    size_t root = src ? *src : *dst;
    PathTree cheap = grow_tree(c_, state_, h, root, reverse, false);
    PathTree fast = grow_tree(c_, state_, h, root, reverse, true);
    if (src && dst) {
      try_node(h, cheap, fast, *dst, std::nullopt);
    } else {
      size_t nf = reverse ? c_.hop_src[h].index : c_.hop_dst[h].index;
      for (size_t node : host_candidates(nf)) {
        try_node(h, cheap, fast, node, nf);
      }
    }
    return finish();
  }

  Evaluation place_step(size_t nf) {
    for (size_t node : host_candidates(nf)) {
      Candidate cand;
      cand.nf = nf;
      cand.node = node;
      cand.score = node_score(nf, node, 1);
      out_.candidates.push_back(std::move(cand));
      trees_.push_back(nullptr);
    }
    return finish();
  }

 private:
  // Static candidates that can still host the NF; a miss names why none can.
  std::vector<size_t> host_candidates(size_t nf) {
    const auto& f = r_.nfs[nf];
    if (c_.nf_candidates[nf].empty()) {
      miss_.note(
          0, "type", f.id,
          fmt::format("NF {}: no node runs '{}' with {} cpu, {} mem, {} storage within "
                      "its allowed and outside its banned nodes",
                      f.id, f.functional_type, f.demand.cpu, f.demand.mem, f.demand.storage));
    }
    std::vector<size_t> out;
    for (size_t node : c_.nf_candidates[nf]) {
      if (state_.can_host(nf, node)) {
        out.push_back(node);
      }
    }
    if (out.empty() && !c_.nf_candidates[nf].empty()) {
      note_host_miss(nf);
    }
    return out;
  }

  void note_host_miss(size_t nf) {
    const auto& f = r_.nfs[nf];
    bool capacity = std::any_of(c_.nf_candidates[nf].begin(), c_.nf_candidates[nf].end(),
                                [&](size_t n) { return !state_.has_room(nf, n); });
    std::string kind = capacity ? "capacity" : "anti-affinity";
    if (!capacity && !c_.nf_affinity[nf].empty()) {
      kind = "affinity";
    }
    miss_.note(1, kind, f.id,
               fmt::format("NF {}: none of the {} nodes that run '{}' is left for it ({}: "
                           "{} cpu, {} mem, {} storage asked)",
                           f.id, c_.nf_candidates[nf].size(), f.functional_type, kind, f.demand.cpu,
                           f.demand.mem, f.demand.storage));
  }

  double node_score(size_t nf, size_t node, double scale) const {
    const auto& f = r_.nfs[nf];
    return f.demand.cpu * s_.nodes[node].cost + kLoadWeight * scale * state_.load_after(nf, node);
  }

  void try_node(size_t h, const PathTree& cheap, const PathTree& fast, size_t node,
                std::optional<size_t> nf) {
    if (!fast.reached(node)) {
      note_unreachable(h, nf);
      return;
    }
    size_t hop_end = fast.reverse ? fast.root : node;  // where the hop arrives
    const PathTree* pick = nullptr;
    for (const PathTree* t : {&cheap, &fast}) {
      if (!pick && t->reached(node) && slack(h, t->delay[node], hop_end) >= -kTolerance) {
        pick = t;
      }
    }
    if (!pick) {
      note_delay(h, fast.delay[node], hop_end);
      return;
    }
    Candidate cand;
    cand.nf = nf;
    cand.node = node;
    cand.routes = true;
    cand.hop = h;
    cand.first_node = pick->reverse ? node : pick->root;
    double bw = std::max(1.0, c_.hop_bw[h]);
    cand.score = pick->cost[node] + (nf ? node_score(*nf, node, bw) : 0) +
                 (nf && !pick->reverse ? look_ahead(h, node) : 0);
    out_.candidates.push_back(std::move(cand));
    trees_.push_back(pick);
  }

  // What every requirement on the hop leaves after a path of `delay` that arrives at `end`,
  // minus the least the rest of the requirement can take from there (0 if unknown).
  double slack(size_t h, double delay, size_t end) const {
    double worst = kUnlimited;
    if (auto max = r_.hops[h].max_delay_ms) {
      worst = *max - delay;
    }
    for (size_t i = 0; i < c_.hop_reqs[h].size(); ++i) {
      size_t q = c_.hop_reqs[h][i];
      double left = c_.requirements[q].budget_ms - state_.used_delay(q) - delay -
                    rest_bound(q, c_.hop_req_pos[h][i], end);
      worst = std::min(worst, left);
    }
    return worst;
  }

  // The least delay still to come on requirement q (hop h at position k of it) once h reaches
  // `end`; 0 when unknown, or when a later hop is routed already and counts in what is used.
  double rest_bound(size_t q, size_t k, size_t end) const {
    const auto& req = c_.requirements[q];
    if (req.rest_delay[k].empty() || state_.routed_until(q) > k + 1) {
      return 0;
    }
    return req.rest_delay[k][end];
  }

  // The least cost of the rest of the requirements the hop is on, from `node`: an NF placed
  // near where its chain can go on cheaply pays later.
  double look_ahead(size_t h, size_t node) const {
    double best = 0;
    for (size_t i = 0; i < c_.hop_reqs[h].size(); ++i) {
      const auto& rest = c_.requirements[c_.hop_reqs[h][i]].rest_cost[c_.hop_req_pos[h][i]];
      if (!rest.empty()) {
        best = std::max(best, rest[node]);
      }
    }
    return best;
  }

  std::string hop_name(size_t h) const {
    const auto& hop = r_.hops[h];
    return fmt::format("hop {} ({} -> {})", hop.id, hop.src, hop.dst);
  }

  void note_unreachable(size_t h, std::optional<size_t> nf) {
    miss_.note(
        2, "bandwidth", r_.hops[h].id,
        fmt::format("{}: no path with {} Mbps free (within its allowed nodes) to {}", hop_name(h),
                    c_.hop_bw[h], nf ? "any node that could host " + r_.nfs[*nf].id : "its end"));
  }

  void note_delay(size_t h, double best, size_t end) {
    std::string what = "its own bound";
    double left = r_.hops[h].max_delay_ms.value_or(kUnlimited);
    for (size_t i = 0; i < c_.hop_reqs[h].size(); ++i) {
      size_t q = c_.hop_reqs[h][i];
      const auto& req = c_.requirements[q];
      double used = state_.used_delay(q);
      double rest = rest_bound(q, c_.hop_req_pos[h][i], end);
      if (req.budget_ms - used - rest < left) {
        left = req.budget_ms - used - rest;
        what = fmt::format("requirement {} ({} ms; {:.3f} used, at least {:.3f} after this hop)",
                           r_.requirements[req.index].id, req.budget_ms, used, rest);
      }
    }
    miss_.note(3, "delay", r_.hops[h].id,
               fmt::format("{}: its fastest path to {} takes {:.3f} ms; {} leaves {:.3f} ms",
                           hop_name(h), s_.nodes[end].id, best, what, left),
               best - left);
  }

  // The best `branching` candidates, best first, with their routes.
  Evaluation finish() {
    auto& cands = out_.candidates;
    std::vector<size_t> order(cands.size());
    for (size_t i = 0; i < order.size(); ++i) {
      order[i] = i;
    }
    size_t keep = std::min(order.size(), static_cast<size_t>(std::max(1, options_.branching)));
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(),
                      [&](size_t a, size_t b) {
                        return cands[a].score < cands[b].score ||
                               (cands[a].score == cands[b].score && a < b);
                      });
    std::vector<Candidate> kept;
    for (size_t i = 0; i < keep; ++i) {
      Candidate c = std::move(cands[order[i]]);
      if (c.routes) {
        c.route = route_in(c_, *trees_[order[i]], c.node);
      }
      kept.push_back(std::move(c));
    }
    cands = std::move(kept);
    if (cands.empty()) {
      out_.refusal =
          miss_.rank >= 0 ? miss_.refusal : Refusal{"path", "", "no candidate for this step"};
    }
    return std::move(out_);
  }

  const Compiled& c_;
  const Substrate& s_;
  const Request& r_;
  const SearchState& state_;
  const EmbeddingOptions& options_;
  Evaluation out_;
  std::vector<const PathTree*> trees_;  // per hop candidate: the tree its route comes from
  Miss miss_;
};

}  // namespace

Evaluation evaluate(const Compiled& c, const SearchState& state, const Step& step,
                    const EmbeddingOptions& options) {
  StepEvaluator e(c, state, options);
  return step.is_hop ? e.hop_step(step.index) : e.place_step(step.index);
}

void apply(SearchState& state, const Candidate& candidate) {
  if (candidate.nf) {
    state.place(*candidate.nf, candidate.node);
  }
  if (candidate.routes) {
    state.route(candidate.hop, candidate.first_node, candidate.route);
  }
}

}  // namespace chainlab::orchestration::embedding
