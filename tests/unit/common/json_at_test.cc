// json_at (common/json_at.h): lookups in another service's answer that never throw.
#include <gtest/gtest.h>

#include "common/json_at.h"

namespace chainlab {
namespace {

using nlohmann::json;

TEST(JsonAtTest, FindsWhatIsThereAndNullOtherwise) {
  json j = {{"a", {{"b", {{"c", 3}}}}}, {"list", {1, 2}}, {"text", "x"}};
  EXPECT_EQ(json_at(j, {"a", "b", "c"}), 3);
  EXPECT_EQ(json_at(j, {}), j);
  EXPECT_TRUE(json_at(j, {"a", "missing"}).is_null());
  EXPECT_TRUE(json_at(j, {"list", "0"}).is_null());  // not an object: no step into it
  EXPECT_TRUE(json_at(j, {"text", "x"}).is_null());
  EXPECT_TRUE(json_at(json::array(), {"a"}).is_null());
  EXPECT_TRUE(json_at(json("s"), {"a"}).is_null());
  EXPECT_TRUE(json_at(json(), {"a", "b"}).is_null());
}

}  // namespace
}  // namespace chainlab
