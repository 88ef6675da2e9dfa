#include "orchestration/placement/placement.h"

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

namespace chainlab::orchestration {
namespace {

std::vector<PlacementUnit> units(int n, double cu = 1, double mu = 128) {
  std::vector<PlacementUnit> out;
  for (int i = 0; i < n; ++i) {
    out.push_back({"vnf" + std::to_string(i), "name" + std::to_string(i), cu, mu});
  }
  return out;
}

std::vector<PopCapacity> pops(std::vector<std::string> names) {
  std::vector<PopCapacity> out;
  for (auto& n : names) {
    out.push_back({n, false, false, 0, 0, 0, 0, 0});
  }
  return out;
}

TEST(Placement, FirstPutsEverythingInTheFirstPop) {
  auto p = make_first_dc()->place(units(3), pops({"dc1", "dc2"}));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)["vnf0"], "dc1");
  EXPECT_EQ((*p)["vnf2"], "dc1");
}

TEST(Placement, RoundRobinCyclesInNsdOrder) {
  auto p = make_round_robin_dc()->place(units(5), pops({"dc1", "dc2"}));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)["vnf0"], "dc1");
  EXPECT_EQ((*p)["vnf1"], "dc2");
  EXPECT_EQ((*p)["vnf2"], "dc1");
  EXPECT_EQ((*p)["vnf4"], "dc1");
}

TEST(Placement, NoPopsIsAnError) {
  EXPECT_EQ(make_round_robin_dc()->place(units(1), {}).error().code,
            ErrorCode::kFailedPrecondition);
}

TEST(Placement, StaticByIdThenByNameAndUnknownPops) {
  auto s = make_static_placement({{"vnf0", "dc2"}, {"name1", "dc1"}});
  auto p = s->place(units(2), pops({"dc1", "dc2"}));
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ((*p)["vnf0"], "dc2");
  EXPECT_EQ((*p)["vnf1"], "dc1");
  auto missing = s->place(units(3), pops({"dc1", "dc2"}));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("vnf2"), std::string::npos);
  auto bad = make_static_placement({{"vnf0", "dc9"}})->place(units(1), pops({"dc1"}));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("dc9"), std::string::npos);
}

TEST(Placement, StaticMappingIsParsedAndValidated) {
  auto registry = PlacementRegistry::with_builtins();
  auto s = registry.create("static", "vnf0: dc2\nname1: dc1\n");
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto p = (*s)->place(units(2), pops({"dc1", "dc2"}));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ((*p)["vnf0"], "dc2");
  auto json = registry.create("static", R"({"vnf0": "dc1", "name1": "dc2"})");
  ASSERT_TRUE(json.ok()) << json.error().message;
  EXPECT_EQ((*(*json)->place(units(2), pops({"dc1", "dc2"})))["vnf0"], "dc1");
  auto bad = registry.create("static", "- not: [a, map\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("placement_map"), std::string::npos);
  // Text, never a path: a path is just a malformed mapping.
  EXPECT_FALSE(registry.create("static", "/etc/shadow").ok());
  EXPECT_FALSE(registry.create("static", "").ok());
  EXPECT_FALSE(registry.create("static", std::string(300 * 1024, 'a')).ok());
}

TEST(Placement, ResourceAwareSkipsFullFixedPopsAndPrefersFreeCapacity) {
  std::vector<PopCapacity> p = {
      {"dc1", true, true, 4, 1024, 3.5, 0, 3},  // 0.5 CU left
      {"dc2", true, true, 4, 1024, 1, 0, 1},    // 3 CU left
      {"dc3", true, true, 8, 1024, 4, 0, 4},    // 4 CU left
  };
  auto placed = make_resource_aware()->place(units(3, 1, 128), p);
  ASSERT_TRUE(placed.ok()) << placed.error().message;
  EXPECT_EQ((*placed)["vnf0"], "dc3");  // 4 free
  EXPECT_EQ((*placed)["vnf1"], "dc2");  // dc2 3 free vs dc3 3 free: fewer instances
  EXPECT_EQ((*placed)["vnf2"], "dc3");
  for (auto& [vnf, pop] : *placed) {
    EXPECT_NE(pop, "dc1") << vnf;
  }
}

TEST(Placement, ResourceAwareFailsWhenNothingFitsAndPrefersUnlimited) {
  std::vector<PopCapacity> full = {{"dc1", true, true, 1, 1024, 1, 0, 1}};
  auto r = make_resource_aware()->place(units(1), full);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kResourceExhausted);
  EXPECT_NE(r.error().message.find("vnf0"), std::string::npos);
  std::vector<PopCapacity> mixed = {{"dc1", true, true, 100, 1024, 0, 0, 0},
                                    {"dc2", false, false, 0, 0, 0, 0, 0}};
  auto m = make_resource_aware()->place(units(2), mixed);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ((*m)["vnf0"], "dc2");
  // Memory counts too.
  std::vector<PopCapacity> low_mem = {{"dc1", true, true, 32, 100, 0, 0, 0},
                                      {"dc2", true, true, 1, 1024, 0, 0, 0}};
  auto mm = make_resource_aware()->place(units(1, 1, 128), low_mem);
  ASSERT_TRUE(mm.ok());
  EXPECT_EQ((*mm)["vnf0"], "dc2");
}

TEST(Placement, ResourceAwareNeverSkipsAnOverprovisionedPop) {
  // limited (counts CPU and memory) but not rejecting: a full over-provisioned PoP still takes
  // the VNF when it is the only one, and a fuller one loses to an emptier one.
  std::vector<PopCapacity> over = {{"dc1", true, false, 1, 128, 1, 128, 1}};
  auto r = make_resource_aware()->place(units(1, 1, 128), over);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)["vnf0"], "dc1");
  over.push_back({"dc2", true, false, 2, 256, 0, 0, 0});
  auto r2 = make_resource_aware()->place(units(1, 1, 128), over);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ((*r2)["vnf0"], "dc2");
}

TEST(PlacementRegistry, BuiltinsDefaultsAndDuplicates) {
  auto r = PlacementRegistry::with_builtins();
  EXPECT_EQ(r.names(),
            (std::vector<std::string>{"first", "resource-aware", "round-robin", "static"}));
  auto def = r.create("");
  ASSERT_TRUE(def.ok());
  EXPECT_EQ((*def)->name(), "round-robin");
  auto unknown = r.create("magic");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("round-robin"), std::string::npos);
  EXPECT_EQ(r.add("first",
                  [](const std::string&) -> Result<std::unique_ptr<PlacementStrategy>> {
                    return make_first_dc();
                  })
                .error()
                .code,
            ErrorCode::kAlreadyExists);
}

}  // namespace
}  // namespace chainlab::orchestration
