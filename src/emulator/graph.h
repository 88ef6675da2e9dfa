// The topology as a graph for path computation: shortest paths by hop count or by link delay,
// explicit paths, and loop-free trees spanning a set of nodes (for E-LANs and learning mode).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "emulator/topology.h"

namespace chainlab::emulator {

enum class PathWeight { kHops, kDelay };

// nodes[i] and nodes[i + 1] are joined by topology link links[i].
struct Path {
  std::vector<int> nodes;
  std::vector<size_t> links;
};

class TopologyGraph {
 public:
  explicit TopologyGraph(const Topology& topology);

  // Node index of a PoP or switch; -1 if unknown.
  int index(std::string_view name) const;
  const std::string& name(int node) const { return names_[static_cast<size_t>(node)]; }
  size_t size() const { return names_.size(); }

  // Dijkstra (hops: every link weighs 1). NotFound when `to` cannot be reached. Ties are broken
  // deterministically (lower link index first).
  Result<Path> shortest_path(int from, int to, PathWeight weight) const;
  // A path through the named nodes, each adjacent to the next (the first link between them).
  Result<Path> explicit_path(const std::vector<std::string>& nodes) const;
  // The links of a tree spanning `terminals`: the union of the shortest paths (by hops) from
  // terminals[0], all taken from one shortest-path tree, so the union has no cycle.
  Result<std::vector<size_t>> spanning_tree(const std::vector<int>& terminals) const;
  // The links of a forest: one such tree per connected component of `terminals` (terminals that
  // cannot reach each other stay apart instead of failing).
  std::vector<size_t> spanning_forest(const std::vector<int>& terminals) const;

 private:
  struct Edge {
    int to;
    size_t link;
    uint64_t delay_ns;
  };
  // BFS from `root`: each node's parent (-1: the root, -2: unreachable) and the link to it.
  struct BfsTree {
    std::vector<int> parent;
    std::vector<size_t> via;
  };
  BfsTree bfs(int root) const;

  std::vector<std::string> names_;
  std::unordered_map<std::string, int> index_;
  std::vector<std::vector<Edge>> adjacency_;
  std::vector<std::pair<int, int>> link_ends_;
};

// Pool of VLAN ids 1..4094, handed out round robin (a freed id is not reused at once).
class VlanPool {
 public:
  Result<uint16_t> take();
  void give_back(uint16_t vlan);
  size_t in_use() const { return used_count_; }

 private:
  std::vector<bool> used_ = std::vector<bool>(4095, false);
  size_t used_count_ = 0;
  uint16_t hint_ = 1;
};

}  // namespace chainlab::emulator
