#include "emulator/graph.h"

#include <algorithm>
#include <limits>
#include <queue>

namespace chainlab::emulator {

TopologyGraph::TopologyGraph(const Topology& topology) {
  for (const auto& pop : topology.pops()) {
    index_.emplace(pop.name, static_cast<int>(names_.size()));
    names_.push_back(pop.name);
  }
  for (const auto& sw : topology.switches()) {
    index_.emplace(sw.name, static_cast<int>(names_.size()));
    names_.push_back(sw.name);
  }
  adjacency_.resize(names_.size());
  const auto& links = topology.links();
  for (size_t i = 0; i < links.size(); ++i) {
    int a = index(links[i].a);
    int b = index(links[i].b);
    link_ends_.emplace_back(a, b);
    if (a < 0 || b < 0) {
      continue;
    }
    adjacency_[static_cast<size_t>(a)].push_back({b, i, links[i].delay_ns});
    adjacency_[static_cast<size_t>(b)].push_back({a, i, links[i].delay_ns});
  }
}

int TopologyGraph::index(std::string_view name) const {
  auto it = index_.find(std::string(name));
  return it == index_.end() ? -1 : it->second;
}

Result<Path> TopologyGraph::shortest_path(int from, int to, PathWeight weight) const {
  const size_t n = names_.size();
  if (from < 0 || to < 0 || static_cast<size_t>(from) >= n || static_cast<size_t>(to) >= n) {
    return make_error(ErrorCode::kNotFound, "unknown node in path request");
  }
  constexpr uint64_t kInf = std::numeric_limits<uint64_t>::max();
  std::vector<uint64_t> dist(n, kInf);
  std::vector<int> parent(n, -1);
  std::vector<size_t> via(n, 0);
  using Item = std::pair<uint64_t, int>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
  dist[static_cast<size_t>(from)] = 0;
  queue.emplace(0, from);
  while (!queue.empty()) {
    auto [d, u] = queue.top();
    queue.pop();
    if (d != dist[static_cast<size_t>(u)]) {
      continue;
    }
    if (u == to) {
      break;
    }
    for (const Edge& e : adjacency_[static_cast<size_t>(u)]) {
      // Delay weights add one nanosecond per hop so zero-delay links still prefer fewer hops.
      uint64_t w = weight == PathWeight::kHops ? 1 : e.delay_ns + 1;
      uint64_t nd = d + w;
      auto v = static_cast<size_t>(e.to);
      if (nd < dist[v]) {
        dist[v] = nd;
        parent[v] = u;
        via[v] = e.link;
        queue.emplace(nd, e.to);
      }
    }
  }
  if (dist[static_cast<size_t>(to)] == kInf) {
    return make_error(ErrorCode::kNotFound, "no path from {} to {}", name(from), name(to));
  }
  Path path;
  for (int v = to; v != from; v = parent[static_cast<size_t>(v)]) {
    path.nodes.push_back(v);
    path.links.push_back(via[static_cast<size_t>(v)]);
  }
  path.nodes.push_back(from);
  std::reverse(path.nodes.begin(), path.nodes.end());
  std::reverse(path.links.begin(), path.links.end());
  return path;
}

Result<Path> TopologyGraph::explicit_path(const std::vector<std::string>& nodes) const {
  if (nodes.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "empty explicit path");
  }
  Path path;
  for (size_t i = 0; i < nodes.size(); ++i) {
    int v = index(nodes[i]);
    if (v < 0) {
      return make_error(ErrorCode::kNotFound, "explicit path: unknown node '{}'", nodes[i]);
    }
    if (i > 0) {
      int u = path.nodes.back();
      const auto& edges = adjacency_[static_cast<size_t>(u)];
      auto it = std::find_if(edges.begin(), edges.end(), [v](const Edge& e) { return e.to == v; });
      if (it == edges.end()) {
        return make_error(ErrorCode::kInvalidArgument, "explicit path: {} and {} are not linked",
                          nodes[i - 1], nodes[i]);
      }
      path.links.push_back(it->link);
    }
    path.nodes.push_back(v);
  }
  return path;
}

TopologyGraph::BfsTree TopologyGraph::bfs(int root) const {
  const size_t n = names_.size();
  BfsTree tree{std::vector<int>(n, -2), std::vector<size_t>(n, 0)};
  std::vector<int>& parent = tree.parent;
  std::vector<size_t>& via = tree.via;
  std::queue<int> queue;
  parent[static_cast<size_t>(root)] = -1;
  queue.push(root);
  while (!queue.empty()) {
    int u = queue.front();
    queue.pop();
    for (const Edge& e : adjacency_[static_cast<size_t>(u)]) {
      auto v = static_cast<size_t>(e.to);
      if (parent[v] == -2) {
        parent[v] = u;
        via[v] = e.link;
        queue.push(e.to);
      }
    }
  }
  return tree;
}

Result<std::vector<size_t>> TopologyGraph::spanning_tree(const std::vector<int>& terminals) const {
  if (terminals.empty()) {
    return std::vector<size_t>{};
  }
  int root = terminals.front();
  auto [parent, via] = bfs(root);
  std::vector<bool> in_tree(names_.size(), false);
  std::vector<size_t> links;
  for (int t : terminals) {
    if (parent[static_cast<size_t>(t)] == -2) {
      return make_error(ErrorCode::kNotFound, "no path from {} to {}", name(root), name(t));
    }
    for (int v = t; v != root && !in_tree[static_cast<size_t>(v)];
         v = parent[static_cast<size_t>(v)]) {
      in_tree[static_cast<size_t>(v)] = true;
      links.push_back(via[static_cast<size_t>(v)]);
    }
  }
  return links;
}

std::vector<size_t> TopologyGraph::spanning_forest(const std::vector<int>& terminals) const {
  std::vector<bool> joined(names_.size(), false);
  std::vector<size_t> links;
  for (int root : terminals) {
    if (joined[static_cast<size_t>(root)]) {
      continue;
    }
    // One tree per connected component: the terminals reachable from `root`.
    std::vector<int> component;
    auto [parent, via] = bfs(root);
    for (int t : terminals) {
      if (parent[static_cast<size_t>(t)] != -2 && !joined[static_cast<size_t>(t)]) {
        component.push_back(t);
        joined[static_cast<size_t>(t)] = true;
      }
    }
    std::vector<bool> in_tree(names_.size(), false);
    for (int t : component) {
      for (int v = t; v != root && !in_tree[static_cast<size_t>(v)];
           v = parent[static_cast<size_t>(v)]) {
        in_tree[static_cast<size_t>(v)] = true;
        links.push_back(via[static_cast<size_t>(v)]);
      }
    }
  }
  return links;
}

Result<uint16_t> VlanPool::take() {
  for (size_t i = 0; i < 4094; ++i) {
    uint16_t v = static_cast<uint16_t>((hint_ - 1 + i) % 4094 + 1);
    if (!used_[v]) {
      used_[v] = true;
      ++used_count_;
      hint_ = static_cast<uint16_t>(v % 4094 + 1);
      return v;
    }
  }
  return make_error(ErrorCode::kResourceExhausted, "all 4094 VLAN ids are in use");
}

void VlanPool::give_back(uint16_t vlan) {
  if (vlan >= 1 && vlan <= 4094 && used_[vlan]) {
    used_[vlan] = false;
    --used_count_;
  }
}

}  // namespace chainlab::emulator
