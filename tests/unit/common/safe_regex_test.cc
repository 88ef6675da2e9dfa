#include "common/safe_regex.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace chainlab {
namespace {

TEST(SafeRegex, MatchesLikeStdRegex) {
  auto re = compile_safe_regex("[a-z]+[0-9]*");
  ASSERT_TRUE(re.ok()) << re.error().message;
  EXPECT_TRUE(*safe_regex_match("abc12", *re));
  EXPECT_FALSE(*safe_regex_match("12abc", *re));
  EXPECT_TRUE(*safe_regex_search("12abc", *re));
}

// Found by fuzzing the HOT planner: std::regex's default matcher recursed once per character and
// a 40 KB parameter value overflowed the stack; "(a|a)*c" took exponential time.
TEST(SafeRegex, LongSubjectsAndBacktrackingAreBounded) {
  auto star = compile_safe_regex("a*");
  ASSERT_TRUE(star.ok());
  EXPECT_TRUE(*safe_regex_match(std::string(kMaxRegexSubjectBytes, 'a'), *star));
  EXPECT_FALSE(safe_regex_match(std::string(kMaxRegexSubjectBytes + 1, 'a'), *star).ok());
  auto evil = compile_safe_regex("(a|a)*c");
  ASSERT_TRUE(evil.ok());
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(*safe_regex_match(std::string(kMaxRegexSubjectBytes, 'a'), *evil));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(SafeRegex, HostilePatternsRefused) {
  EXPECT_FALSE(compile_safe_regex(std::string(kMaxRegexPatternBytes + 1, 'a')).ok());
  // Nesting within the length limit compiles with a bounded stack.
  EXPECT_TRUE(compile_safe_regex(std::string(120, '(') + "a" + std::string(120, ')')).ok());
  EXPECT_FALSE(compile_safe_regex("(a)\\1").ok());  // back-reference: needs backtracking
  EXPECT_FALSE(compile_safe_regex("a{1000}").ok());
  EXPECT_FALSE(compile_safe_regex("a{2,99999}").ok());
  EXPECT_TRUE(compile_safe_regex("a{2,255}\\{9999\\}").ok());
  auto bad = compile_safe_regex("(");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("invalid regular expression"), std::string::npos);
}

}  // namespace
}  // namespace chainlab
