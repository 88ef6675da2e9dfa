// A request on a substrate in index form, for the greedy search: ids resolved once to indices,
// adjacency lists, each NF's static candidate nodes (type, allowed/banned, fits when empty),
// each hop's effective bandwidth and requirements. Built after validate_request().
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "orchestration/placement/embedding/problem.h"

namespace chainlab::orchestration::embedding {

// One end of a hop: an NF (index into Request::nfs) or a fixed substrate node (a SAP's binding).
struct HopEnd {
  bool is_nf = false;
  size_t index = 0;
};

// A requirement with, for each position k of its path, lower bounds of what its hops after k
// take when hop k ends at node v: rest_delay[k][v] (ms) and rest_cost[k][v] (the cost of their
// paths and NFs). Exact minima over the static candidates of each NF still to come, ignoring
// capacities, so never more than any mapping needs (empty rows: unknown, taken as 0).
struct CompiledRequirement {
  size_t index = 0;               // into Request::requirements
  std::vector<size_t> hops;       // hop indices, in path order
  double budget_ms = kUnlimited;  // max delay
  std::vector<std::vector<double>> rest_delay;
  std::vector<std::vector<double>> rest_cost;
};

struct Compiled {
  const Substrate* substrate = nullptr;
  const Request* request = nullptr;
  std::vector<std::vector<size_t>> out_links;  // per node
  std::vector<std::vector<size_t>> in_links;
  std::vector<std::vector<size_t>> nf_candidates;  // per NF: nodes that may ever host it
  std::vector<std::vector<size_t>> nf_affinity;    // per NF: NF indices
  std::vector<std::vector<size_t>> nf_anti;
  std::vector<HopEnd> hop_src;
  std::vector<HopEnd> hop_dst;
  std::vector<double> hop_bw;
  std::vector<std::vector<size_t>> hop_reqs;      // per hop: requirement positions (below)
  std::vector<std::vector<size_t>> hop_req_pos;   // ... and the hop's position on each
  std::vector<std::vector<size_t>> hop_anti;      // per hop: hop indices
  std::vector<std::vector<char>> hop_node_ok;     // per hop: node mask, empty = every node
  std::vector<CompiledRequirement> requirements;  // tightest first
  std::unordered_map<std::string, size_t> nf_index;
  std::unordered_map<std::string, size_t> hop_index;

  bool node_ok_for_hop(size_t hop, size_t node) const {
    return hop_node_ok[hop].empty() || hop_node_ok[hop][node] != 0;
  }
};

// Requires a request that passed validate_request().
Compiled compile(const Substrate& substrate, const Request& request);

// Least distances from every node v to any seed u, plus the seed's value: against the links,
// a link a->b adding link_weight(l) + node_weight(a); kUnlimited when no seed is reachable.
std::vector<double> distances_to(const Compiled& c, const std::vector<double>& seeds,
                                 const std::function<double(size_t)>& link_weight,
                                 const std::function<double(size_t)>& node_weight);

}  // namespace chainlab::orchestration::embedding
