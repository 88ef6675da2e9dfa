// son-emu's skewness monitor: skewmon's coefficient, the watches, and the exposed gauge.
#include "monitor/skewness.h"

#include <gtest/gtest.h>

#include <cmath>

#include "monitor/exposition.h"

namespace chainlab::monitor {
namespace {

TEST(SkewnessTest, SkewmonsAdjustedCoefficient) {
  // scipy.stats.skew([1, 2, 3, 4, 10], bias=False), the formula skewmon uses.
  auto s = sample_skewness({1, 2, 3, 4, 10});
  ASSERT_TRUE(s.has_value());
  EXPECT_NEAR(*s, 1.6970562748477143, 1e-12);
  EXPECT_NEAR(*sample_skewness({10, 4, 3, 2, 1}), *s, 1e-12) << "order does not matter";
  EXPECT_NEAR(*sample_skewness({-1, -2, -3, -4, -10}), -*s, 1e-12) << "a left tail is negative";
  EXPECT_NEAR(*sample_skewness({1, 2, 3}), 0, 1e-12);
  EXPECT_FALSE(sample_skewness({1, 2}).has_value()) << "fewer than 3 samples";
  EXPECT_FALSE(sample_skewness({0.5, 0.5, 0.5, 0.5}).has_value()) << "no variation";
}

TEST(SkewnessTest, WatchesOnePerVnfAndResource) {
  SkewWatches w;
  EXPECT_TRUE(*w.add({"vnf1", "cpu"}));
  EXPECT_FALSE(*w.add({"vnf1", "cpu"}));
  EXPECT_TRUE(*w.add({"vnf1", "mem"}));
  EXPECT_EQ(w.list().size(), 2u);
  EXPECT_TRUE(w.remove({"vnf1", "cpu"}));
  EXPECT_FALSE(w.remove({"vnf1", "cpu"}));
  EXPECT_TRUE(check_skew_resource("mem").ok());
  EXPECT_EQ(check_skew_resource("disk").error().code, ErrorCode::kInvalidArgument);
}

TEST(SkewnessTest, ExposedAsSkewmonsGauge) {
  std::string text =
      exposition(Snapshot{}, {}, {{{"vnf1", "cpu"}, 1.5}, {{"vnf2", "mem"}, std::nullopt}});
  EXPECT_NE(text.find("# TYPE skewness gauge"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(skewness{vnf_id="vnf1",vnf_name="vnf1",vnf_metric="cpu"} 1.5)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(skewness{vnf_id="vnf2",vnf_name="vnf2",vnf_metric="mem"} Nan)"),
            std::string::npos)
      << "not computable yet: NaN, as skewmon exports it\n"
      << text;
}

}  // namespace
}  // namespace chainlab::monitor
