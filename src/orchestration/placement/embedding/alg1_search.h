// The mapping loop of alg1 (Alg1_Core.CoreAlgorithm.start with BacktrackHandler): sub-chain
// hops in order, one greedy step each, bounded backtracking. Internal to alg1.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "orchestration/placement/embedding/alg1_internal.h"

namespace chainlab::orchestration::embedding::alg1_detail {

inline constexpr size_t kNoIndex = static_cast<size_t>(-1);

// One greedy step's choice: alg1's backtrack record (target_infra, path, used_latency, value).
struct Placement {
  size_t step = 0;
  std::optional<size_t> nf;  // the element placed, if this step placed an NF
  size_t target = 0;
  std::vector<size_t> nodes;  // the path's nodes, start included
  std::vector<size_t> links;
  double used_latency = 0;
  double value = 0;
};

class Search {
 public:
  Search(const Problem& p, DelayOracle& oracle, const EmbeddingOptions& options,
         const Alg1Factors& factors);
  // nullopt when every hop is mapped.
  std::optional<Refusal> run();
  Mapping mapping() const;
  const Stats& stats() const { return stats_; }

 private:
  struct Step {
    size_t subchain = 0;
    size_t pos = 0;
  };
  struct Candidate {
    size_t node = 0;
    double latency = 0;
    double preference = 0;
  };
  struct Paths {
    std::vector<char> reached;
    std::vector<size_t> pred;  // link into the node; npos at the root
  };
  // Why a step failed: the furthest stage a candidate reached.
  enum Stage { kNone, kType, kAllowed, kBanned, kAffinity, kCapacity, kBandwidth, kDelay, kAnti };
  // The hosts a step may place its NF on, with their routes (by node).
  struct Hosts {
    std::vector<Candidate> list;
    std::map<size_t, Placement> routes;
    Stage stage = kNone;  // the furthest filter stage a turned-away node reached
  };

  bool take_step(size_t k);
  bool place_nf(size_t k);
  Hosts reachable_hosts(size_t k, size_t nf, size_t start, const Paths& paths) const;
  std::vector<Placement> score_hosts(const std::vector<Candidate>& ranked,
                                     std::map<size_t, Placement>& routes, size_t hop, size_t nf,
                                     Stage& stage);
  void take_best(size_t k, std::vector<Placement> feasible);
  bool route_hop(size_t k);
  bool backtrack();
  void apply(const Placement& p);
  void undo(const Placement& p);

  Paths weight_paths(size_t start, const Subchain& sc, size_t hop, std::optional<size_t> target);
  Paths lightest_paths(size_t start, const std::vector<char>& usable,
                       std::optional<size_t> target) const;
  std::vector<char> usable_links(const HopInfo& h, const Subchain& sc, size_t start) const;
  double entry_weight(size_t n) const;
  std::vector<char> delay_path(size_t start, size_t end, const Subchain& sc);
  void extract(const Paths& paths, size_t start, size_t node, Placement& out) const;
  std::vector<Candidate> delay_preferences(const std::vector<Candidate>& hosts, size_t start,
                                           const Subchain& sc, size_t hop);
  std::pair<const std::vector<size_t>*, size_t> ranking_chain(const Subchain& sc) const;
  static std::vector<Candidate> rank_layers(std::map<size_t, std::vector<Candidate>>& layers,
                                            const std::vector<double>& d_start, double steps,
                                            double lal);
  std::optional<double> objective(const Placement& p, size_t hop, size_t nf, Stage& stage);
  std::optional<double> path_utilisation(const Placement& p, double bw) const;
  double node_utilisation(size_t n, double bw) const;
  Stage nf_filter(size_t nf, size_t node) const;
  Stage unreachable_type_stage(size_t nf, const Subchain& sc) const;
  bool anti_affinity_ok(size_t nf, size_t node) const;
  double local_allowed(size_t hop) const;
  double subchain_allowed(const Subchain& sc) const;
  bool distance_good(size_t from_elem, size_t to_elem, size_t n1, size_t n2);
  bool ends_reachable(double used, size_t node, const Subchain& sc);
  void fail(size_t k, Stage stage, size_t hop, size_t nf, const std::string& detail);
  Refusal failure_refusal(Stage stage, size_t hop, size_t nf, const std::string& detail) const;
  Refusal delay_refusal(size_t hop) const;

  const Problem& p_;
  const Substrate& s_;
  DelayOracle& oracle_;
  EmbeddingOptions options_;
  Alg1Factors factors_;
  std::vector<Step> steps_;
  std::vector<std::vector<size_t>> out_;  // links leaving each node
  // Substrate and request state.
  std::vector<Capacity> free_;
  std::vector<double> node_bw_;
  std::vector<double> link_bw_;
  std::vector<std::optional<size_t>> host_;
  std::vector<std::optional<std::vector<size_t>>> hop_links_;
  std::vector<double> req_avail_;
  double best_effort_avail_ = kOverallHighestDelay;
  // Backtracking: the remembered alternatives of the last bt_limit placements, and every
  // step taken, newest last.
  struct Level {
    size_t step = 0;
    std::deque<Placement> alternatives;  // best first
  };
  std::deque<Level> levels_;
  std::vector<Placement> done_;
  std::optional<size_t> failure_step_;
  Refusal failure_;
  Stats stats_;
};

}  // namespace chainlab::orchestration::embedding::alg1_detail
