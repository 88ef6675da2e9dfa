// The greedy against the exact MILP on small random instances (issue 14): the greedy accepts
// what the MILP proves feasible on at least 99% of them, and every mapping of either passes the
// independent checker. (The cost gap is a benchmark figure: bench/embedding_bench.cc.)
#include <gtest/gtest.h>

#include "mapping_checker.h"
#include "orchestration/placement/embedding/greedy.h"
#include "orchestration/placement/embedding/milp.h"
#include "random_instances.h"

namespace chainlab::orchestration::embedding {
namespace {

TEST(GreedyVsMilpTest, GreedyAcceptsWhatTheMilpProvesFeasible) {
  size_t feasible = 0;
  size_t greedy_too = 0;
  std::vector<uint64_t> missed;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    testing::InstanceMaker maker(seed * 7919);
    testing::InstanceShape shape{6 + seed % 15, 3, 1 + seed % 6, 0.6};
    auto s = maker.substrate(shape);
    auto r = maker.chain(s, shape);
    EmbeddingOptions o{10, 3, seed, 30};
    auto exact = make_milp(o)->embed(s, r);
    auto greedy = make_greedy(o)->embed(s, r);
    ASSERT_TRUE(exact.ok() && greedy.ok()) << "seed " << seed;
    if (greedy->accepted()) {
      auto v = testing::check_mapping(s, r, *greedy->mapping);
      EXPECT_TRUE(v.empty()) << "seed " << seed << ": " << v.front();
    }
    if (!exact->accepted()) {
      EXPECT_FALSE(greedy->accepted()) << "seed " << seed << ": the MILP missed a mapping";
      continue;
    }
    auto v = testing::check_mapping(s, r, *exact->mapping);
    EXPECT_TRUE(v.empty()) << "seed " << seed << ": " << v.front();
    ++feasible;
    if (greedy->accepted()) {
      ++greedy_too;
      EXPECT_GE(mapping_cost(s, r, *greedy->mapping), mapping_cost(s, r, *exact->mapping) - 1e-6)
          << "seed " << seed << ": cheaper than the optimum";
    } else {
      missed.push_back(seed);
    }
  }
  ASSERT_GT(feasible, 50u);
  EXPECT_GE(double(greedy_too), 0.99 * double(feasible))
      << greedy_too << " of " << feasible << "; missed seeds: " << ::testing::PrintToString(missed);
}

}  // namespace
}  // namespace chainlab::orchestration::embedding
