// chainlab's greedy embedding (issue 14), after ESCAPE's alg1 (hsnlab/mapping; Németh et al.,
// IEEE NFV-SDN 2016) and beyond it:
// - order: end-to-end requirements first, the one with the least delay per hop first, hops in
//   path order; then the other hops breadth first from what is placed (greedy_steps.cc);
// - one step routes one hop and places the NF at its open end: every node that may host that NF
//   is tried with two shortest-path trees from the fixed end (cheapest, fastest; paths.h), over
//   links and nodes with the hop's bandwidth free;
// - delay: instead of alg1's fixed per-hop split of the budget, a path fits when what the
//   requirement has used, plus this path, plus a lower bound of what the rest of the chain
//   needs from the path's end still fits the budget (compiled.h: the least delay through the
//   static candidates of the NFs still to come, capacities ignored), so no choice is refused for
//   a share of the budget it did not need, and a dead end shows one step early;
// - score: the path's cost, plus the cheapest cost from the new node to the requirement's end
//   (look-ahead), plus a small load-balancing term;
// - bounded backtracking: the best `branching` candidates per step; a step with none undoes up
//   to `backtrack_depth` steps, trying their next candidates (search_state.h journals every
//   change);
// - a refusal names the closest miss of the deepest step reached (delay > bandwidth > host).
// Deterministic: ties go to the lower node index.
#pragma once

#include <memory>

#include "orchestration/placement/embedding/algorithm.h"

namespace chainlab::orchestration::embedding {

std::unique_ptr<EmbeddingAlgorithm> make_greedy(const EmbeddingOptions& options);

}  // namespace chainlab::orchestration::embedding
