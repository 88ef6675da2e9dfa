#include "orchestration/placement/embedding/paths.h"

#include <algorithm>
#include <functional>
#include <queue>
#include <tuple>

namespace chainlab::orchestration::embedding {

PathTree grow_tree(const Compiled& c, const SearchState& state, size_t hop, size_t root,
                   bool reverse, bool by_delay) {
  const auto& s = *c.substrate;
  double bw = c.hop_bw[hop];
  PathTree t;
  t.root = root;
  t.reverse = reverse;
  t.delay.assign(s.nodes.size(), kUnlimited);
  t.cost.assign(s.nodes.size(), kUnlimited);
  t.via.assign(s.nodes.size(), -1);
  if (!state.node_open(hop, root)) {
    return t;
  }
  auto key = [&](size_t n) {
    return by_delay ? std::pair{t.delay[n], t.cost[n]} : std::pair{t.cost[n], t.delay[n]};
  };
  using Item = std::tuple<double, double, size_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
  t.delay[root] = s.nodes[root].delay_ms;
  t.cost[root] = 0;
  queue.emplace(key(root).first, key(root).second, root);
  while (!queue.empty()) {
    auto [k1, k2, n] = queue.top();
    queue.pop();
    if (std::pair{k1, k2} > key(n)) {
      continue;
    }
    for (size_t l : reverse ? c.in_links[n] : c.out_links[n]) {
      const auto& link = s.links[l];
      size_t next = reverse ? link.src : link.dst;
      if (!state.link_open(hop, l) || !state.node_open(hop, next)) {
        continue;
      }
      double delay = t.delay[n] + link.delay_ms + s.nodes[next].delay_ms;
      double cost = t.cost[n] + bw * link.cost;
      auto candidate = by_delay ? std::pair{delay, cost} : std::pair{cost, delay};
      if (next != root && candidate < key(next)) {
        t.delay[next] = delay;
        t.cost[next] = cost;
        t.via[next] = static_cast<int64_t>(l);
        queue.emplace(candidate.first, candidate.second, next);
      }
    }
  }
  return t;
}

Route route_in(const Compiled& c, const PathTree& tree, size_t node) {
  Route r;
  r.delay_ms = tree.delay[node];
  r.cost = tree.cost[node];
  for (size_t n = node; n != tree.root;) {
    auto l = static_cast<size_t>(tree.via[n]);
    r.links.push_back(l);
    n = tree.reverse ? c.substrate->links[l].dst : c.substrate->links[l].src;
  }
  if (!tree.reverse) {
    std::reverse(r.links.begin(), r.links.end());
  }
  return r;
}

}  // namespace chainlab::orchestration::embedding
