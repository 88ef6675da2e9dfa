#include <chrono>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "emulator/topology.h"

namespace chainlab::emulator {
namespace {

GeneratorOptions options(Shape shape, int pops, int fanout = 2) {
  GeneratorOptions o;
  o.shape = shape;
  o.pops = pops;
  o.fanout = fanout;
  o.link.delay_ns = 5'000'000;
  return o;
}

std::set<std::pair<std::string, std::string>> edges(const Topology& t) {
  std::set<std::pair<std::string, std::string>> out;
  for (const LinkSpec& l : t.links()) {
    out.emplace(l.a, l.b);
  }
  return out;
}

TEST(TopologyGenerateTest, Line) {
  auto t = Topology::generate(options(Shape::kLine, 4));
  ASSERT_TRUE(t.ok()) << t.error().message;
  ASSERT_EQ(t->pops().size(), 4u);
  EXPECT_EQ(t->pops()[3].name, "dc4");
  EXPECT_TRUE(t->switches().empty());
  EXPECT_EQ(edges(*t), (std::set<std::pair<std::string, std::string>>{
                           {"dc1", "dc2"}, {"dc2", "dc3"}, {"dc3", "dc4"}}));
  EXPECT_EQ(t->links()[0].delay_ns, 5'000'000u);
}

TEST(TopologyGenerateTest, SinglePop) {
  auto line = Topology::generate(options(Shape::kLine, 1));
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(line->pops().size(), 1u);
  EXPECT_TRUE(line->links().empty());
  auto star = Topology::generate(options(Shape::kStar, 1));
  ASSERT_TRUE(star.ok());
  EXPECT_EQ(star->links().size(), 1u);
  auto tree = Topology::generate(options(Shape::kTree, 1));
  ASSERT_TRUE(tree.ok());
  EXPECT_EQ(tree->switches().size(), 1u);
  EXPECT_EQ(tree->links().size(), 1u);
}

TEST(TopologyGenerateTest, Star) {
  auto t = Topology::generate(options(Shape::kStar, 5));
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->pops().size(), 5u);
  ASSERT_EQ(t->switches().size(), 1u);
  EXPECT_EQ(t->switches()[0].name, "hub");
  ASSERT_EQ(t->links().size(), 5u);
  for (const LinkSpec& l : t->links()) {
    EXPECT_EQ(l.a, "hub");
  }
}

TEST(TopologyGenerateTest, Ring) {
  auto t = Topology::generate(options(Shape::kRing, 3));
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(edges(*t), (std::set<std::pair<std::string, std::string>>{
                           {"dc1", "dc2"}, {"dc2", "dc3"}, {"dc3", "dc1"}}));
  auto small = Topology::generate(options(Shape::kRing, 2));
  ASSERT_FALSE(small.ok());
  EXPECT_EQ(small.error().message, "generate: a ring needs at least 3 PoPs, not 2");
}

TEST(TopologyGenerateTest, Tree) {
  // 5 PoPs, fanout 2: leaves t2-1..t2-3, middle t1-1..t1-2, root t0-1.
  auto t = Topology::generate(options(Shape::kTree, 5, 2));
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->pops().size(), 5u);
  EXPECT_EQ(t->switches().size(), 6u);
  EXPECT_EQ(t->switches()[0].name, "t0-1");
  EXPECT_EQ(edges(*t), (std::set<std::pair<std::string, std::string>>{{"t0-1", "t1-1"},
                                                                      {"t0-1", "t1-2"},
                                                                      {"t1-1", "t2-1"},
                                                                      {"t1-1", "t2-2"},
                                                                      {"t1-2", "t2-3"},
                                                                      {"t2-1", "dc1"},
                                                                      {"t2-1", "dc2"},
                                                                      {"t2-2", "dc3"},
                                                                      {"t2-2", "dc4"},
                                                                      {"t2-3", "dc5"}}));
  // A tree has one link fewer than nodes.
  for (int n : {1, 2, 3, 4, 9, 27, 28, 100}) {
    for (int f : {2, 3, 8}) {
      auto g = Topology::generate(options(Shape::kTree, n, f));
      ASSERT_TRUE(g.ok()) << n << " " << f;
      EXPECT_EQ(g->links().size() + 1, g->pops().size() + g->switches().size()) << n << " " << f;
      EXPECT_EQ(g->pops().size(), static_cast<size_t>(n));
    }
  }
  EXPECT_FALSE(Topology::generate(options(Shape::kTree, 4, 1)).ok());
  EXPECT_FALSE(Topology::generate(options(Shape::kTree, 4, 65)).ok());
}

TEST(TopologyGenerateTest, RejectsBadOptions) {
  EXPECT_FALSE(Topology::generate(options(Shape::kLine, 0)).ok());
  EXPECT_FALSE(Topology::generate(options(Shape::kLine, 100001)).ok());
  GeneratorOptions o = options(Shape::kLine, 2);
  o.prefix = "-x";
  EXPECT_FALSE(Topology::generate(o).ok());
  o.prefix = "pop";
  o.link.jitter_ns = o.link.delay_ns + 1;
  auto r = Topology::generate(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "generate: link: jitter: 5.000001ms exceeds the delay 5ms");
}

TEST(TopologyGenerateTest, CustomPrefix) {
  GeneratorOptions o = options(Shape::kStar, 3);
  o.prefix = "pop-";
  auto t = Topology::generate(o);
  ASSERT_TRUE(t.ok());
  EXPECT_NE(t->find_pop("pop-3"), nullptr);
}

TEST(TopologyGenerateTest, ThousandPopsIsFast) {
  for (Shape shape : {Shape::kLine, Shape::kStar, Shape::kRing, Shape::kTree}) {
    auto start = std::chrono::steady_clock::now();
    auto t = Topology::generate(options(shape, 1000, 4));
    auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->pops().size(), 1000u);
    // Milliseconds in a release build; generous for sanitizer builds on a busy machine.
    EXPECT_LT(elapsed, std::chrono::milliseconds(500));
  }
}

TEST(TopologyGenerateTest, MaximumSize) {
  auto t = Topology::generate(options(Shape::kStar, 100000));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->links().size(), 100000u);
  EXPECT_TRUE(t->has_node("dc100000"));
}

}  // namespace
}  // namespace chainlab::emulator
