#include "common/enum_names.h"

#include <string_view>

#include <gtest/gtest.h>

namespace chainlab {
namespace {

enum class Level { kLow = 1, kMid, kHigh };
constexpr const char* kLevelNames[] = {"low", "mid", "high"};

TEST(EnumNames, NamesEachValueFromTheFirstListedOn) {
  EXPECT_EQ(std::string_view(enum_name(kLevelNames, Level::kLow, Level::kLow, "?")), "low");
  EXPECT_EQ(std::string_view(enum_name(kLevelNames, Level::kLow, Level::kMid, "?")), "mid");
  EXPECT_EQ(std::string_view(enum_name(kLevelNames, Level::kLow, Level::kHigh, "?")), "high");
}

TEST(EnumNames, FallbackForAValueOutsideTheList) {
  EXPECT_EQ(std::string_view(enum_name(kLevelNames, Level::kLow, static_cast<Level>(0), "?")), "?");
  EXPECT_EQ(std::string_view(enum_name(kLevelNames, Level::kLow, static_cast<Level>(4), "?")), "?");
  EXPECT_EQ(std::string_view(enum_name(kLevelNames, Level::kLow, static_cast<Level>(-7), "?")),
            "?");
}

}  // namespace
}  // namespace chainlab
