// TopologyGraph's trees and forests: loop-free, and spanning what they must.
#include "emulator/graph.h"

#include <set>

#include <gtest/gtest.h>

namespace chainlab::emulator {
namespace {

Topology pops_and_links(const std::vector<std::string>& pops,
                        const std::vector<std::pair<std::string, std::string>>& links) {
  Topology t;
  for (const auto& p : pops) {
    EXPECT_TRUE(t.add_pop({p, {}, {}, {}}).ok());
  }
  for (const auto& [a, b] : links) {
    EXPECT_TRUE(t.add_link({a, b}).ok());
  }
  return t;
}

// The nodes the links touch; with `links.size() == nodes - components` they form a forest.
std::set<int> nodes_of(const Topology& t, const TopologyGraph& g,
                       const std::vector<size_t>& links) {
  std::set<int> nodes;
  for (size_t l : links) {
    nodes.insert(g.index(t.links()[l].a));
    nodes.insert(g.index(t.links()[l].b));
  }
  return nodes;
}

TEST(GraphTest, SpanningTreeOfARingHasNoCycle) {
  Topology t =
      pops_and_links({"a", "b", "c", "d"}, {{"a", "b"}, {"b", "c"}, {"c", "d"}, {"d", "a"}});
  TopologyGraph g(t);
  auto tree = g.spanning_tree({g.index("a"), g.index("b"), g.index("c"), g.index("d")});
  ASSERT_TRUE(tree.ok()) << tree.error().message;
  EXPECT_EQ(tree->size(), 3u) << "4 nodes, one tree: 3 links";
  EXPECT_EQ(nodes_of(t, g, *tree).size(), 4u);
}

TEST(GraphTest, SpanningTreeFailsAcrossComponents) {
  Topology t = pops_and_links({"a", "b", "c"}, {{"a", "b"}});
  TopologyGraph g(t);
  auto tree = g.spanning_tree({g.index("a"), g.index("c")});
  ASSERT_FALSE(tree.ok());
  EXPECT_EQ(tree.error().message, "no path from a to c");
}

TEST(GraphTest, SpanningForestJoinsEachComponentSeparately) {
  // Two rings {a,b,c} and {d,e,f} plus a lone g; x is a transit node between a and c.
  Topology t = pops_and_links({"a", "b", "c", "d", "e", "f", "g", "x"}, {{"a", "b"},
                                                                         {"b", "c"},
                                                                         {"c", "a"},
                                                                         {"d", "e"},
                                                                         {"e", "f"},
                                                                         {"f", "d"},
                                                                         {"a", "x"},
                                                                         {"x", "c"}});
  TopologyGraph g(t);
  std::vector<int> terminals;
  for (const char* n : {"a", "c", "d", "f", "g"}) {
    terminals.push_back(g.index(n));
  }
  auto forest = g.spanning_forest(terminals);
  // {a, c}: one link (a-c); {d, f}: one link (d-f); g alone: none.
  EXPECT_EQ(forest.size(), 2u);
  auto nodes = nodes_of(t, g, forest);
  EXPECT_EQ(nodes, (std::set<int>{g.index("a"), g.index("c"), g.index("d"), g.index("f")}));
  EXPECT_TRUE(g.spanning_forest({}).empty());
  EXPECT_TRUE(g.spanning_forest({g.index("g")}).empty());
}

TEST(GraphTest, SpanningForestCrossesTransitNodes) {
  Topology t = pops_and_links({"a", "m", "n", "b"}, {{"a", "m"}, {"m", "n"}, {"n", "b"}});
  TopologyGraph g(t);
  auto forest = g.spanning_forest({g.index("a"), g.index("b")});
  EXPECT_EQ(forest.size(), 3u);
  EXPECT_EQ(nodes_of(t, g, forest).size(), 4u);
}

}  // namespace
}  // namespace chainlab::emulator
