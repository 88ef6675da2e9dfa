// Paths for one hop over what is left of the substrate (SearchState): two shortest-path trees
// from the hop's fixed end, one by cost (bandwidth x link cost, ties by delay) and one by delay
// (ties by cost), over the nodes and links the hop may use. For each node the greedy then takes
// the cheap path if its delay fits, else the fast one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "orchestration/placement/embedding/search_state.h"

namespace chainlab::orchestration::embedding {

struct PathTree {
  size_t root = 0;
  bool reverse = false;  // grown against the links: paths lead from a node to the root
  std::vector<double> delay;
  std::vector<double> cost;
  std::vector<int64_t> via;  // the link that reached each node (-1: root or unreached)
  bool reached(size_t node) const { return delay[node] < kUnlimited; }
};

// The tree of `hop` from `root`: forward from the hop's source, or reverse from its destination.
PathTree grow_tree(const Compiled& c, const SearchState& state, size_t hop, size_t root,
                   bool reverse, bool by_delay);

// The route from the root to `node` (reverse trees: from `node` to the root), in the hop's
// direction; requires tree.reached(node).
Route route_in(const Compiled& c, const PathTree& tree, size_t node);

}  // namespace chainlab::orchestration::embedding
