// The greedy's parts (greedy.h): the order of its steps, the candidates of one step, and why a
// step has none.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "orchestration/placement/embedding/algorithm.h"
#include "orchestration/placement/embedding/search_state.h"

namespace chainlab::orchestration::embedding {

// Route a hop (placing the one unplaced NF at its end, if any), or place an NF no hop reaches.
struct Step {
  bool is_hop = true;
  size_t index = 0;  // hop or NF
};

// Requirement chains first (tightest per-hop budget first, hops in path order), then the other
// hops, each next to what is placed already (breadth first from the SAPs); an NF that neither
// end of its first hop has placed yet is placed by a step of its own just before.
std::vector<Step> plan_steps(const Compiled& c);

struct Candidate {
  std::optional<size_t> nf;  // the NF this step places, and where
  size_t node = 0;
  bool routes = false;  // a hop step: route from first_node
  size_t hop = 0;
  size_t first_node = 0;
  Route route;       // built only for the candidates kept
  double score = 0;  // lower is better
};

struct Evaluation {
  std::vector<Candidate> candidates;  // best first, at most `branching`
  Refusal refusal;                    // when there are none
};

Evaluation evaluate(const Compiled& c, const SearchState& state, const Step& step,
                    const EmbeddingOptions& options);

void apply(SearchState& state, const Candidate& candidate);

}  // namespace chainlab::orchestration::embedding
