// The three resource model classes through their registry: typed capacity() and admits().
#include <cmath>

#include <gtest/gtest.h>

#include "emulator/resource_model.h"
#include "resource_model_helpers.h"

namespace chainlab::emulator {
namespace {

using test_support::flavor;
using test_support::two_pop_budget;

std::unique_ptr<ResourceModel> create(const std::string& model, double max_cu, double max_mu) {
  ResourceModelRegistry registry("resource model");
  register_builtin_resource_models(registry);
  auto rm = registry.create(model, ResourceModelSpec{model, max_cu, max_mu}, two_pop_budget());
  EXPECT_TRUE(rm.ok()) << (rm.ok() ? "" : rm.error().message);
  return rm.ok() ? std::move(rm).value() : nullptr;
}

TEST(ResourceModelRegistry, HasTheThreeModelsAndOneErrorForUnknownNames) {
  ResourceModelRegistry registry("resource model");
  register_builtin_resource_models(registry);
  EXPECT_EQ(registry.names(), (std::vector<std::string>{"fixed", "none", "overprovision"}));
  auto unknown = registry.create("magic", ResourceModelSpec{"magic", 1, 1}, two_pop_budget());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(unknown.error().message,
            "unknown resource model 'magic' (known: fixed, none, overprovision)");
  // Registering the built-ins twice is a duplicate.
  Status again = registry.add("fixed", [](const ResourceModelSpec& spec, const GlobalBudget& b) {
    return make_resource_model(spec, b);
  });
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
}

TEST(ResourceModelRegistry, EachNameMakesItsOwnClass) {
  for (const char* name : {"none", "fixed", "overprovision"}) {
    EXPECT_EQ(create(name, 32, 1024)->name(), name);
  }
}

TEST(NoneModel, CountsButNeverLimitsOrRejects) {
  auto rm = create("none", 1, 64);
  ASSERT_TRUE(rm);
  EXPECT_TRUE(rm->admits(flavor("xlarge")).ok());
  ASSERT_TRUE(rm->allocate("a", flavor("xlarge")).ok());
  ASSERT_TRUE(rm->allocate("b", flavor("small")).ok());
  ResourceCapacity c = rm->capacity();
  EXPECT_EQ(c.model, "none");
  EXPECT_FALSE(c.limited);
  EXPECT_FALSE(c.rejects);
  EXPECT_EQ(c.compute_units.total, 1);
  EXPECT_EQ(c.compute_units.allocated, 17);
  EXPECT_TRUE(std::isinf(c.compute_units.available));
  EXPECT_EQ(c.memory_mb.total, 64);
  EXPECT_EQ(c.memory_mb.allocated, 1152);
  EXPECT_TRUE(std::isinf(c.memory_mb.available));
  EXPECT_EQ(rm->allocations()["a"], Allocation{});
  EXPECT_EQ(rm->admits(Flavor{"bad", NAN, 1, 0}).error().code, ErrorCode::kInvalidArgument);
}

TEST(FixedModel, CapacityAndAdmitsAgreeWithAllocate) {
  auto rm = create("fixed", 2, 200);
  ASSERT_TRUE(rm);
  ResourceCapacity empty = rm->capacity();
  EXPECT_EQ(empty, (ResourceCapacity{"fixed", true, true, {2, 0, 2}, {200, 0, 200}}));

  ASSERT_TRUE(rm->admits(flavor("small")).ok());
  ASSERT_TRUE(rm->allocate("a", flavor("small")).ok());  // 1 CU, 128 MB
  EXPECT_EQ(rm->capacity(), (ResourceCapacity{"fixed", true, true, {2, 1, 1}, {200, 128, 72}}));

  // Memory: 128 + 128 > 200. admits() says no, and allocate() gives the same answer.
  Status no_mem = rm->admits(flavor("small"));
  ASSERT_FALSE(no_mem.ok());
  EXPECT_EQ(no_mem.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(no_mem.error().message,
            "not enough memory (flavor 'small' needs 128 MB, 128 of 200 MB allocated)");
  Status refused = rm->allocate("b", flavor("small"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message,
            "not enough memory for 'b' (flavor 'small' needs 128 MB, 128 of 200 MB allocated)")
      << "the wording of wave 1 (REST and Nova answers)";
  // Compute: 1 + 4 > 2.
  Status no_cu = rm->admits(flavor("medium"));
  ASSERT_FALSE(no_cu.ok());
  EXPECT_EQ(no_cu.error().message,
            "not enough compute units (flavor 'medium' needs 4 CU, 1 of 2 CU allocated)");
  // admits() never changes anything.
  EXPECT_EQ(rm->capacity(), (ResourceCapacity{"fixed", true, true, {2, 1, 1}, {200, 128, 72}}));
  EXPECT_TRUE(rm->admits(flavor("tiny")).ok());

  ASSERT_TRUE(rm->free("a").ok());
  EXPECT_EQ(rm->capacity(), empty);
  EXPECT_TRUE(rm->admits(flavor("small")).ok());
}

TEST(OverprovisionModel, AdmitsEverythingAndAvailableStopsAtZero) {
  auto rm = create("overprovision", 2, 200);
  ASSERT_TRUE(rm);
  for (const char* name : {"a", "b", "c"}) {
    ASSERT_TRUE(rm->admits(flavor("small")).ok());
    ASSERT_TRUE(rm->allocate(name, flavor("small")).ok());
  }
  ResourceCapacity c = rm->capacity();
  EXPECT_EQ(c.model, "overprovision");
  EXPECT_TRUE(c.limited);
  EXPECT_FALSE(c.rejects) << "over-provisioning admits everything";
  EXPECT_EQ(c.compute_units, (ResourceAmount{2, 3, 0}));
  EXPECT_EQ(c.memory_mb, (ResourceAmount{200, 384, 0}));
  EXPECT_TRUE(rm->admits(flavor("xlarge")).ok());
  EXPECT_EQ(rm->admits(Flavor{"bad", -1, 1, 0}).error().code, ErrorCode::kInvalidArgument);
  // The typed numbers match the JSON state the REST API shows.
  nlohmann::json state = rm->state();
  EXPECT_EQ(state["dc_max_cu"], c.compute_units.total);
  EXPECT_EQ(state["dc_alloc_cu"], c.compute_units.allocated);
  EXPECT_EQ(state["dc_max_mu"], c.memory_mb.total);
  EXPECT_EQ(state["dc_alloc_mu"], c.memory_mb.allocated);
}

}  // namespace
}  // namespace chainlab::emulator
