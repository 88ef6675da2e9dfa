#include "emulator/resource_model.h"
#include "resource_model_helpers.h"

#include <stdlib.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "common/files.h"

namespace chainlab::emulator {
namespace {

using test_support::flavor;
using test_support::two_pop_budget;

constexpr int64_t kMiB = 1024 * 1024;

std::unique_ptr<ResourceModel> make_model(const std::string& model, double max_cu, double max_mu,
                                          const GlobalBudget& budget) {
  auto rm = make_resource_model(ResourceModelSpec{model, max_cu, max_mu}, budget);
  EXPECT_TRUE(rm.ok()) << (rm.ok() ? "" : rm.error().message);
  return std::move(rm).value();
}

TEST(Flavor, BuiltinTable) {
  const auto& f = builtin_flavors();
  ASSERT_EQ(f.size(), 5u);
  EXPECT_EQ(f[0].name, "tiny");
  EXPECT_EQ(f[0].cu, 0.5);
  EXPECT_EQ(f[0].mu_mb, 32);
  EXPECT_EQ(f[0].disk_gb, 1);
  EXPECT_EQ(f[4].name, "xlarge");
  EXPECT_EQ(f[4].cu, 16);
  EXPECT_EQ(f[4].mu_mb, 1024);
  EXPECT_EQ(f[4].disk_gb, 160);
  EXPECT_EQ(flavor("medium").cu, 4);
  EXPECT_EQ(flavor("large").mu_mb, 512);
}

TEST(Flavor, UnknownListsKnownNames) {
  auto r = find_flavor("huge");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_NE(r.error().message.find("huge"), std::string::npos);
  EXPECT_NE(r.error().message.find("tiny, small, medium, large, xlarge"), std::string::npos);
}

TEST(ResourceModel, FactoryRejectsBadSpecs) {
  GlobalBudget b = two_pop_budget();
  auto unknown = make_resource_model(ResourceModelSpec{"magic", 32, 1024}, b);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(unknown.error().message.find("overprovision"), std::string::npos);
  for (const char* model : {"none", "fixed", "overprovision"}) {
    EXPECT_FALSE(make_resource_model(ResourceModelSpec{model, 0, 1024}, b).ok()) << model;
    EXPECT_FALSE(make_resource_model(ResourceModelSpec{model, 32, -1}, b).ok()) << model;
  }
  GlobalBudget no_cpu = b;
  no_cpu.e_cpu = 0;
  EXPECT_FALSE(make_resource_model(ResourceModelSpec{"fixed", 32, 1024}, no_cpu).ok());
  GlobalBudget small_total = b;
  small_total.total_max_cu = 16;  // cannot be less than this PoP's own max_cu
  EXPECT_FALSE(make_resource_model(ResourceModelSpec{"fixed", 32, 1024}, small_total).ok());
  auto none = make_resource_model(ResourceModelSpec{"none", 32, 1024}, GlobalBudget{});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ((*none)->name(), "none");
}

TEST(ResourceModel, FixedExactLimitsPerFlavor) {
  auto rm = make_model("fixed", 32, 1024, two_pop_budget());
  EXPECT_EQ(rm->name(), "fixed");
  ASSERT_TRUE(rm->allocate("t", flavor("tiny")).ok());
  ASSERT_TRUE(rm->allocate("s", flavor("small")).ok());
  ASSERT_TRUE(rm->allocate("m", flavor("medium")).ok());
  ASSERT_TRUE(rm->allocate("l", flavor("large")).ok());
  auto a = rm->allocations();
  ASSERT_EQ(a.size(), 4u);
  // tiny: 0.5/64 = 0.0078125 -> quota trunc(7812.5) = 7812 us; 32 * 0.25 = 8 MB.
  EXPECT_EQ(a["t"], (Allocation{0.0078125, 1'000'000, 7812, 8 * kMiB}));
  EXPECT_EQ(a["t"].memory_bytes, 8388608);
  EXPECT_EQ(a["s"], (Allocation{0.015625, 1'000'000, 15625, 32 * kMiB}));
  EXPECT_EQ(a["m"], (Allocation{0.0625, 1'000'000, 62500, 64 * kMiB}));
  EXPECT_EQ(a["l"], (Allocation{0.125, 1'000'000, 125000, 128 * kMiB}));
  // xlarge (16 CU, 1024 MB) would not fit any more (928 MB allocated): check it on a fresh PoP.
  auto x = make_model("fixed", 32, 1024, two_pop_budget());
  ASSERT_TRUE(x->allocate("x", flavor("xlarge")).ok());
  EXPECT_EQ(x->allocations()["x"], (Allocation{0.25, 1'000'000, 250000, 256 * kMiB}));
}

TEST(ResourceModel, NonDyadicBudgetTruncates) {
  // e_cpu 0.7 over 6 CU, flavour 2 CU: 1e6 * (0.7 / 6 * 2) = 233333.33 -> 233333 us.
  // e_mem 100 MB over 6 MU, flavour 5 MU: 83.333.. MB -> 87381333 bytes (Python's
  // int(100.0 / 6 * 5 * 1024 * 1024) gives the same).
  GlobalBudget b{.e_cpu = 0.7, .e_mem_mb = 100, .total_max_cu = 6, .total_max_mu = 6};
  auto rm = make_model("fixed", 6, 6, b);
  ASSERT_TRUE(rm->allocate("a", Flavor{"custom", 2, 5, 0}).ok());
  auto a = rm->allocations()["a"];
  EXPECT_EQ(a.cpu_quota_us, 233333);
  EXPECT_EQ(a.memory_bytes, 87381333);
}

TEST(ResourceModel, QuotaAndMemoryFloors) {
  // single_cu = 0.01/64: tiny gets 78.125 us -> raised to 1000 us; 64 MB over 2048 MU: tiny gets
  // 1 MB -> raised to 4 MB.
  GlobalBudget b{.e_cpu = 0.01, .e_mem_mb = 64, .total_max_cu = 64, .total_max_mu = 2048};
  auto rm = make_model("fixed", 32, 1024, b);
  ASSERT_TRUE(rm->allocate("t", flavor("tiny")).ok());
  auto a = rm->allocations()["t"];
  EXPECT_DOUBLE_EQ(a.cpu_fraction, 0.01 / 64 * 0.5);
  EXPECT_EQ(a.cpu_period_us, 1'000'000);
  EXPECT_EQ(a.cpu_quota_us, 1000);
  EXPECT_EQ(a.memory_bytes, 4 * kMiB);
}

TEST(ResourceModel, FixedRejectsWhenCuOrMuExceededAndChangesNothing) {
  auto rm = make_model("fixed", 2, 200, two_pop_budget());
  ASSERT_TRUE(rm->allocate("a", flavor("small")).ok());  // 1 CU, 128 MB
  auto before_alloc = rm->allocations();
  auto before_state = rm->state();

  // MU: 128 + 128 > 200.
  Status mu = rm->allocate("b", flavor("small"));
  ASSERT_FALSE(mu.ok());
  EXPECT_EQ(mu.error().code, ErrorCode::kResourceExhausted);
  EXPECT_NE(mu.error().message.find("memory"), std::string::npos);
  EXPECT_EQ(rm->allocations(), before_alloc);
  EXPECT_EQ(rm->state(), before_state);

  // CU: 1 + 4 > 2.
  Status cu = rm->allocate("c", flavor("medium"));
  ASSERT_FALSE(cu.ok());
  EXPECT_EQ(cu.error().code, ErrorCode::kResourceExhausted);
  EXPECT_NE(cu.error().message.find("compute"), std::string::npos);
  EXPECT_EQ(rm->allocations(), before_alloc);
  EXPECT_EQ(rm->state(), before_state);

  // Exactly full is fine: 1 + 0.5 + 0.5 = 2 CU, 128 + 32 + 32 = 192 MB.
  ASSERT_TRUE(rm->allocate("d", flavor("tiny")).ok());
  ASSERT_TRUE(rm->allocate("e", flavor("tiny")).ok());
  EXPECT_FALSE(rm->allocate("f", flavor("tiny")).ok());
  EXPECT_EQ(rm->state()["dc_alloc_cu"], 2.0);
  EXPECT_EQ(rm->state()["dc_alloc_mu"], 192.0);
}

TEST(ResourceModel, ReleaseFreesCapacity) {
  auto rm = make_model("fixed", 2, 1024, two_pop_budget());
  ASSERT_TRUE(rm->allocate("a", flavor("small")).ok());
  ASSERT_TRUE(rm->allocate("b", flavor("small")).ok());
  EXPECT_FALSE(rm->allocate("c", flavor("small")).ok());
  ASSERT_TRUE(rm->free("a").ok());
  EXPECT_EQ(rm->allocations().count("a"), 0u);
  ASSERT_TRUE(rm->allocate("c", flavor("small")).ok());
  EXPECT_EQ(rm->allocations().size(), 2u);
  ASSERT_TRUE(rm->free("b").ok());
  ASSERT_TRUE(rm->free("c").ok());
  EXPECT_TRUE(rm->allocations().empty());
  EXPECT_EQ(rm->state()["dc_alloc_cu"], 0.0);
  EXPECT_EQ(rm->state()["dc_alloc_mu"], 0.0);
}

TEST(ResourceModel, DuplicateAndUnknownNames) {
  for (const char* model : {"none", "fixed", "overprovision"}) {
    auto rm = make_model(model, 32, 1024, two_pop_budget());
    ASSERT_TRUE(rm->allocate("a", flavor("tiny")).ok());
    auto before = rm->state();
    Status dup = rm->allocate("a", flavor("small"));
    ASSERT_FALSE(dup.ok()) << model;
    EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists) << model;
    EXPECT_EQ(rm->state(), before) << model;
    Status unknown = rm->free("nope");
    ASSERT_FALSE(unknown.ok()) << model;
    EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound) << model;
    ASSERT_TRUE(rm->free("a").ok());
    EXPECT_FALSE(rm->free("a").ok()) << model;
  }
}

TEST(ResourceModel, RejectsOutOfRangeFlavor) {
  auto rm = make_model("overprovision", 32, 1024, two_pop_budget());
  Status s = rm->allocate("a", Flavor{"bad", -1, 32, 0});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(rm->allocations().empty());
}

TEST(ResourceModel, OverprovisionScalesAllInstancesAndRecovers) {
  // One PoP with max_cu 2 (total 2): single_cu = 1/2 until over-used.
  GlobalBudget b{.e_cpu = 1.0, .e_mem_mb = 512, .total_max_cu = 2, .total_max_mu = 1024};
  auto rm = make_model("overprovision", 2, 1024, b);
  EXPECT_EQ(rm->name(), "overprovision");
  ASSERT_TRUE(rm->allocate("a", flavor("small")).ok());
  ASSERT_TRUE(rm->allocate("b", flavor("small")).ok());
  EXPECT_EQ(rm->allocations()["a"].cpu_quota_us, 500000);
  EXPECT_EQ(rm->state()["cpu_op_factor"], 1.0);

  ASSERT_TRUE(rm->allocate("c", flavor("small")).ok());  // never rejects: 3 CU > 2
  double factor = 2.0 / 3.0;
  EXPECT_DOUBLE_EQ(rm->state()["cpu_op_factor"].get<double>(), factor);
  for (const auto& [name, a] : rm->allocations()) {
    EXPECT_DOUBLE_EQ(a.cpu_fraction, 0.5 * factor) << name;
    EXPECT_EQ(a.cpu_quota_us, 333333) << name;  // trunc(1e6 * 1/3)
    EXPECT_EQ(a.cpu_period_us, 1'000'000) << name;
    EXPECT_EQ(a.memory_bytes, 64 * kMiB) << name;  // 0.5 MB/MU * 128, never scaled
  }
  ASSERT_TRUE(rm->allocate("d", flavor("small")).ok());  // factor 2/4
  EXPECT_EQ(rm->allocations()["a"].cpu_quota_us, 250000);

  ASSERT_TRUE(rm->free("d").ok());
  EXPECT_EQ(rm->allocations()["a"].cpu_quota_us, 333333);
  ASSERT_TRUE(rm->free("c").ok());  // back to 2 CU: factor 1 again
  EXPECT_EQ(rm->state()["cpu_op_factor"], 1.0);
  for (const auto& [name, a] : rm->allocations()) {
    EXPECT_EQ(a.cpu_quota_us, 500000) << name;
    EXPECT_EQ(a.cpu_fraction, 0.5) << name;
  }
}

TEST(ResourceModel, OverprovisionNeverRejectsMemory) {
  auto rm = make_model("overprovision", 1, 100, two_pop_budget());
  ASSERT_TRUE(rm->allocate("a", flavor("xlarge")).ok());
  ASSERT_TRUE(rm->allocate("b", flavor("xlarge")).ok());
  EXPECT_EQ(rm->allocations().size(), 2u);
}

TEST(ResourceModel, CrossPopIsolation) {
  // Two PoPs with max_cu 2 each: single_cu = 1/4. Over-using PoP 1 leaves PoP 2 untouched.
  GlobalBudget b{.e_cpu = 1.0, .e_mem_mb = 512, .total_max_cu = 4, .total_max_mu = 2048};
  auto pop1 = make_model("overprovision", 2, 1024, b);
  auto pop2 = make_model("overprovision", 2, 1024, b);
  ASSERT_TRUE(pop2->allocate("x", flavor("small")).ok());
  ASSERT_TRUE(pop2->allocate("y", flavor("small")).ok());
  auto pop2_before = pop2->allocations();
  EXPECT_EQ(pop2_before["x"].cpu_quota_us, 250000);
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(pop1->allocate("p" + std::to_string(i), flavor("small")).ok());
    EXPECT_EQ(pop2->allocations(), pop2_before);
  }
  EXPECT_EQ(pop1->allocations()["p0"].cpu_quota_us, 83333);  // 1/4 * 2/6
  // Model A PoPs are independent as well: a full PoP 1 does not stop PoP 2.
  auto a1 = make_model("fixed", 2, 1024, b);
  auto a2 = make_model("fixed", 2, 1024, b);
  ASSERT_TRUE(a1->allocate("a", flavor("small")).ok());
  ASSERT_TRUE(a1->allocate("b", flavor("small")).ok());
  EXPECT_FALSE(a1->allocate("c", flavor("small")).ok());
  EXPECT_TRUE(a2->allocate("c", flavor("small")).ok());
}

TEST(ResourceModel, NoneReturnsZeroLimits) {
  auto rm = make_model("none", 1, 1, two_pop_budget());
  ASSERT_TRUE(rm->allocate("a", flavor("xlarge")).ok());
  ASSERT_TRUE(rm->allocate("b", flavor("xlarge")).ok());  // never rejects
  for (const auto& [name, a] : rm->allocations()) {
    EXPECT_EQ(a, Allocation{}) << name;
  }
  EXPECT_EQ(rm->state()["model"], "none");
}

TEST(ResourceModel, StateMirrorsSonEmuKeys) {
  auto rm = make_model("fixed", 32, 1024, two_pop_budget());
  ASSERT_TRUE(rm->allocate("t", flavor("tiny")).ok());
  nlohmann::json s = rm->state();
  for (const char* key : {"e_cpu", "e_mem", "dc_max_cu", "dc_max_mu", "dc_alloc_cu", "dc_alloc_mu",
                          "single_cu_percentage", "single_mu_percentage", "cpu_op_factor",
                          "mem_op_factor", "allocation_state"}) {
    EXPECT_TRUE(s.contains(key)) << key;
  }
  EXPECT_EQ(s["single_cu_percentage"], 1.0 / 64);
  EXPECT_EQ(s["single_mu_percentage"], 0.25);
  EXPECT_EQ(s["allocation_state"]["t"]["cpu_quota"], 7812);
  EXPECT_EQ(s["allocation_state"]["t"]["cpu_period"], 1000000);
  EXPECT_EQ(s["allocation_state"]["t"]["mem_limit"], 8388608);
}

TEST(AllocationLog, WritesOneJsonLinePerCall) {
  char tmpl[] = "/tmp/chainlab-rmlog-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::string path = std::string(tmpl) + "/rm.log";
  AllocationLog log(path);
  EXPECT_EQ(log.path(), path);
  auto rm = make_model("fixed", 32, 1024, two_pop_budget());
  ASSERT_TRUE(rm->allocate("vnf1", flavor("tiny")).ok());
  ASSERT_TRUE(log.append("dc1", "vnf1", "allocate", {{"name", "vnf1"}}, rm->state()).ok());
  ASSERT_TRUE(rm->free("vnf1").ok());
  ASSERT_TRUE(log.append("dc1", "vnf1", "free", nlohmann::json::object(), rm->state()).ok());
  EXPECT_EQ(log.append("dc1", "vnf1", "resize", {}, {}).error().code, ErrorCode::kInvalidArgument);

  auto text = read_file(path);
  ASSERT_TRUE(text.ok());
  auto lines = split(trim(*text), '\n');
  ASSERT_EQ(lines.size(), 2u);
  double prev_t = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    auto j = nlohmann::json::parse(lines[i], nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << lines[i];
    for (const char* key : {"t", "pop", "instance", "action", "container_state", "rm_state"}) {
      EXPECT_TRUE(j.contains(key)) << key;
    }
    EXPECT_GT(j["t"].get<double>(), 1.5e9);  // wall clock seconds
    EXPECT_GE(j["t"].get<double>(), prev_t);
    prev_t = j["t"].get<double>();
    EXPECT_EQ(j["pop"], "dc1");
    EXPECT_EQ(j["instance"], "vnf1");
  }
  auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["action"], "allocate");
  EXPECT_EQ(first["container_state"]["name"], "vnf1");
  EXPECT_EQ(first["rm_state"]["allocation_state"]["vnf1"]["cpu_quota"], 7812);
  EXPECT_EQ(nlohmann::json::parse(lines[1])["action"], "free");

  AllocationLog bad(std::string(tmpl) + "/missing/dir/rm.log");
  EXPECT_FALSE(bad.append("dc1", "vnf1", "free", {}, {}).ok());
  ::unlink(path.c_str());
  ::rmdir(tmpl);
}

}  // namespace
}  // namespace chainlab::emulator
