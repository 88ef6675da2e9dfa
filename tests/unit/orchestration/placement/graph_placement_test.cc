// Placement on the graph: strategies place the unplaced functions, placed ones keep their host,
// and the result is checked against every function's constraints.
#include "orchestration/placement/graph_placement.h"

#include <gtest/gtest.h>

namespace chainlab::orchestration {
namespace {

graph::ServiceGraph three_functions() {
  graph::ServiceGraph g;
  g.id = "g";
  for (const char* id : {"a", "b", "c"}) {
    graph::Function f;
    f.id = id;
    f.name = std::string("vnf-") + id;
    f.resources.cpu = 1;
    f.resources.memory_mb = 256;
    g.functions.push_back(f);
  }
  return g;
}

std::vector<PopCapacity> graph_pops() {
  return {{"dc1"}, {"dc2"}};
}

TEST(GraphPlacement, RoundRobinPlacesTheUnplacedInGraphOrder) {
  graph::ServiceGraph g = three_functions();
  g.functions[1].host = "dc2";  // placed already: kept, and not a unit
  auto placed = place_graph(*make_round_robin_dc(), g, graph_pops());
  ASSERT_TRUE(placed.ok()) << placed.error().message;
  EXPECT_EQ(placed->functions[0].host, "dc1");
  EXPECT_EQ(placed->functions[1].host, "dc2");
  EXPECT_EQ(placed->functions[2].host, "dc2") << "the second unit goes to the second PoP";
}

TEST(GraphPlacement, StaticPlacementByFunctionName) {
  auto strategy = parse_static_placement("vnf-a: dc2\nvnf-b: dc1\nc: dc2\n");
  ASSERT_TRUE(strategy.ok()) << strategy.error().message;
  auto placed = place_graph(**strategy, three_functions(), graph_pops());
  ASSERT_TRUE(placed.ok()) << placed.error().message;
  EXPECT_EQ(placed->functions[0].host, "dc2");
  EXPECT_EQ(placed->functions[1].host, "dc1");
  EXPECT_EQ(placed->functions[2].host, "dc2") << "by id";
}

TEST(GraphPlacement, ConstraintsAreChecked) {
  auto strategy = make_first_dc();  // everything in dc1
  graph::ServiceGraph g = three_functions();
  g.functions[0].constraints.allowed_hosts = {"dc2"};
  auto placed = place_graph(*strategy, g, graph_pops());
  ASSERT_FALSE(placed.ok());
  EXPECT_EQ(placed.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(placed.error().message.find("'a' placed in PoP 'dc1'"), std::string::npos)
      << placed.error().message;

  g = three_functions();
  g.functions[1].constraints.banned_hosts = {"dc1"};
  EXPECT_FALSE(place_graph(*strategy, g, graph_pops()).ok());

  g = three_functions();
  g.functions[2].constraints.anti_affinity = {"a"};
  placed = place_graph(*strategy, g, graph_pops());
  ASSERT_FALSE(placed.ok());
  EXPECT_NE(placed.error().message.find("anti-affinity with 'a'"), std::string::npos);

  g = three_functions();
  g.functions[2].constraints.affinity = {"a"};
  EXPECT_TRUE(place_graph(*strategy, g, graph_pops()).ok()) << "both in dc1";
  g.functions[0].host = "dc2";
  placed = place_graph(*strategy, g, graph_pops());
  ASSERT_FALSE(placed.ok());
  EXPECT_NE(placed.error().message.find("affinity with 'a', which is in 'dc2'"), std::string::npos)
      << placed.error().message;
}

TEST(GraphPlacement, AnUnplacedFunctionIsRefusedByTheCheck) {
  EXPECT_FALSE(check_constraints(three_functions()).ok());
}

}  // namespace
}  // namespace chainlab::orchestration
