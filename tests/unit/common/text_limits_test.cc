// UTF-8 validation, bounded JSON parsing and the CSPRNG helpers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "common/json_bounded.h"
#include "common/random.h"
#include "common/utf8.h"

namespace chainlab {
namespace {

using ::testing::HasSubstr;

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("plain ascii"));
  EXPECT_TRUE(
      valid_utf8("Gr\xc3\xbc\xc3\x9f"
                 "e \xe2\x82\xac \xf0\x9f\x98\x80"));
}

TEST(Utf8, RefusesMalformedText) {
  EXPECT_FALSE(valid_utf8("\xff\xfe"));
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(valid_utf8("\xe2\x82"));          // truncated
  EXPECT_FALSE(valid_utf8("a\x80"));             // stray continuation
}

TEST(JsonBounded, DepthIsMeasuredWithoutRecursion) {
  EXPECT_EQ(json_nesting_depth("{}", 64), 1);
  EXPECT_EQ(json_nesting_depth(R"({"a": [1, {"b": "[[[["}]})", 64), 3);
  EXPECT_EQ(json_nesting_depth(R"("\"[[[")", 64), 0);
  std::string deep(1000000, '[');
  EXPECT_EQ(json_nesting_depth(deep, 64), 65);
}

TEST(JsonBounded, ParsesOrSaysWhy) {
  auto ok = parse_json(R"({"a": [1, 2]})", "body");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)["a"][1], 2);
  auto deep = parse_json(std::string(100000, '[') + std::string(100000, ']'), "body");
  ASSERT_FALSE(deep.ok());
  EXPECT_THAT(deep.error().message, HasSubstr("body is nested deeper than 64"));
  auto bad = parse_json("{\"a\": \"\xff\"}", "body");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(parse_json("{", "body").ok());
}

TEST(JsonBounded, LibraryTagsAreStripped) {
  try {
    nlohmann::json j = 1;
    (void)j.get<std::string>();
    FAIL();
  } catch (const nlohmann::json::exception& e) {
    EXPECT_EQ(json_error_text(e), "type must be string, but is number");
  }
}

TEST(Random, TokensAndUuidsAreWellFormedAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string h = random_hex(16);
    ASSERT_EQ(h.size(), 32u);
    ASSERT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos);
    ASSERT_TRUE(seen.insert(h).second);
  }
  std::string u = random_uuid();
  ASSERT_EQ(u.size(), 36u);
  EXPECT_EQ(u[14], '4');
  EXPECT_TRUE(u[19] == '8' || u[19] == '9' || u[19] == 'a' || u[19] == 'b') << u;
}

TEST(Random, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("secret", "secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secreT"));
  EXPECT_FALSE(constant_time_equal("secret", "secret2"));
  EXPECT_FALSE(constant_time_equal("", "x"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

}  // namespace
}  // namespace chainlab
