#include "orchestration/graph/graph_diff.h"

#include <gtest/gtest.h>

namespace chainlab::orchestration::graph {
namespace {

using Ids = std::vector<std::string>;

Port port(std::string id) {
  return Port{std::move(id), std::nullopt, std::nullopt};
}

// a -> b -> c chained by E-Lines ab, bc; an E-LAN over a and c; one requirement.
ServiceGraph full() {
  ServiceGraph g;
  g.id = "svc";
  for (const char* id : {"a", "b", "c"}) {
    Function f;
    f.id = id;
    f.name = id;
    f.image = "img";
    f.resources = {1, 128, 0};
    f.ports = {port("in"), port("out")};
    f.host = "dc1";
    g.functions.push_back(f);
  }
  g.saps = {Sap{"sap", "sap", {"dc1", ""}, {port("p")}}};
  g.elines = {Eline{"ab", {"a", "out"}, {"b", "in"}, *parse_match("tcp"), true},
              Eline{"bc", {"b", "out"}, {"c", "in"}, {}, true}};
  g.elans = {Elan{"lan", {{"a", "in"}, {"c", "out"}}}};
  g.requirements = {Requirement{"r", {"ab", "bc"}, 10.0, std::nullopt}};
  return g;
}

template <typename T>
Ids ids(const std::vector<T>& items) {
  Ids out;
  for (const T& t : items) {
    out.push_back(t.id);
  }
  return out;
}

TEST(GraphDiff, IdenticalGraphsGiveAnEmptyDiff) {
  GraphDiff d = diff(full(), full());
  EXPECT_TRUE(d.empty());
  EXPECT_TRUE(d.replaced.empty());
  EXPECT_TRUE(diff(ServiceGraph{}, ServiceGraph{}).empty());
}

TEST(GraphDiff, EmptyToFullAddsEverything) {
  GraphDiff d = diff(ServiceGraph{}, full());
  EXPECT_EQ(ids(d.add_functions), (Ids{"a", "b", "c"}));
  EXPECT_EQ(ids(d.add_saps), (Ids{"sap"}));
  EXPECT_EQ(ids(d.add_elines), (Ids{"ab", "bc"}));
  EXPECT_EQ(ids(d.add_elans), (Ids{"lan"}));
  EXPECT_EQ(ids(d.add_requirements), (Ids{"r"}));
  EXPECT_TRUE(d.remove_functions.empty());
  EXPECT_TRUE(d.remove_elines.empty());
  EXPECT_TRUE(d.replaced.empty());
  EXPECT_EQ(d.add_functions[1], full().functions[1]);  // the whole spec travels
}

TEST(GraphDiff, FullToEmptyRemovesEverything) {
  GraphDiff d = diff(full(), ServiceGraph{});
  EXPECT_EQ(d.remove_functions, (Ids{"a", "b", "c"}));
  EXPECT_EQ(d.remove_saps, (Ids{"sap"}));
  EXPECT_EQ(d.remove_elines, (Ids{"ab", "bc"}));
  EXPECT_EQ(d.remove_elans, (Ids{"lan"}));
  EXPECT_EQ(d.remove_requirements, (Ids{"r"}));
  EXPECT_TRUE(d.add_functions.empty());
  EXPECT_TRUE(d.add_elines.empty());
}

TEST(GraphDiff, ChangedMatchReplacesOnlyThatELine) {
  ServiceGraph next = full();
  next.elines[0].match = *parse_match("udp,tp_dst=53");
  GraphDiff d = diff(full(), next);
  EXPECT_EQ(d.remove_elines, (Ids{"ab"}));
  ASSERT_EQ(ids(d.add_elines), (Ids{"ab"}));
  EXPECT_EQ(d.add_elines[0].match.ip_proto, 17);
  EXPECT_EQ(d.replaced, (Ids{"ab"}));
  EXPECT_TRUE(d.add_functions.empty());
  EXPECT_TRUE(d.remove_functions.empty());
  EXPECT_TRUE(d.add_elans.empty());
}

TEST(GraphDiff, ChangedResourcesReplaceTheFunctionAndItsLinks) {
  ServiceGraph next = full();
  next.functions[1].resources.memory_mb = 1024;  // b
  GraphDiff d = diff(full(), next);
  EXPECT_EQ(d.remove_functions, (Ids{"b"}));
  ASSERT_EQ(ids(d.add_functions), (Ids{"b"}));
  EXPECT_EQ(d.add_functions[0].resources.memory_mb, 1024u);
  // b's chains are torn down with its instance: both are re-added.
  EXPECT_EQ(d.remove_elines, (Ids{"ab", "bc"}));
  EXPECT_EQ(ids(d.add_elines), (Ids{"ab", "bc"}));
  // The E-LAN does not touch b: left alone.
  EXPECT_TRUE(d.remove_elans.empty());
  EXPECT_TRUE(d.add_elans.empty());
  EXPECT_EQ(d.replaced, (Ids{"b", "ab", "bc"}));
}

TEST(GraphDiff, ReplacedMemberReplacesTheELan) {
  ServiceGraph next = full();
  next.functions[0].host = "dc2";  // a moves: a new instance elsewhere
  GraphDiff d = diff(full(), next);
  EXPECT_EQ(d.remove_functions, (Ids{"a"}));
  EXPECT_EQ(d.remove_elines, (Ids{"ab"}));
  EXPECT_EQ(d.remove_elans, (Ids{"lan"}));
  EXPECT_EQ(ids(d.add_elans), (Ids{"lan"}));
}

TEST(GraphDiff, RenamedFunctionIsRemovePlusAdd) {
  ServiceGraph next = full();
  next.functions[2].id = "c2";
  next.elines[1].dst.node = "c2";
  next.elans[0].members[1].node = "c2";
  ASSERT_TRUE(next.validate().ok());
  GraphDiff d = diff(full(), next);
  EXPECT_EQ(d.remove_functions, (Ids{"c"}));
  EXPECT_EQ(ids(d.add_functions), (Ids{"c2"}));
  EXPECT_EQ(d.remove_elines, (Ids{"bc"}));  // its spec changed (the dst)
  EXPECT_EQ(ids(d.add_elines), (Ids{"bc"}));
  EXPECT_EQ(d.remove_elans, (Ids{"lan"}));
  EXPECT_EQ(d.replaced, (Ids{"bc", "lan"}));  // "c" and "c2" are a remove and an add
}

TEST(GraphDiff, ChangedDisplayNameReplacesTheFunction) {
  ServiceGraph next = full();
  next.functions[2].name = "renamed";
  GraphDiff d = diff(full(), next);
  EXPECT_EQ(d.remove_functions, (Ids{"c"}));
  ASSERT_EQ(ids(d.add_functions), (Ids{"c"}));
  EXPECT_EQ(d.add_functions[0].name, "renamed");
}

TEST(GraphDiff, AddedAndRemovedLinksAndRequirements) {
  ServiceGraph next = full();
  next.elines.erase(next.elines.begin());  // ab goes
  next.requirements = {Requirement{"r2", {"bc"}, std::nullopt, 50.0}};
  next.elines.push_back(Eline{"ca", {"c", "out"}, {"a", "in"}, {}, false});
  GraphDiff d = diff(full(), next);
  EXPECT_EQ(d.remove_elines, (Ids{"ab"}));
  EXPECT_EQ(ids(d.add_elines), (Ids{"ca"}));
  EXPECT_EQ(d.remove_requirements, (Ids{"r"}));
  EXPECT_EQ(ids(d.add_requirements), (Ids{"r2"}));
  EXPECT_TRUE(d.add_functions.empty());
  EXPECT_TRUE(d.replaced.empty());
}

TEST(GraphDiff, ChangedSapBindingReplacesSap) {
  ServiceGraph next = full();
  next.saps[0].binding.host_interface = "eth2";
  GraphDiff d = diff(full(), next);
  EXPECT_EQ(d.remove_saps, (Ids{"sap"}));
  EXPECT_EQ(ids(d.add_saps), (Ids{"sap"}));
  EXPECT_TRUE(d.remove_functions.empty());
}

}  // namespace
}  // namespace chainlab::orchestration::graph
