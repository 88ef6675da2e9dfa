#include "common/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace chainlab {
namespace {

TEST(Utf8, WellFormed) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("plain ascii"));
  EXPECT_TRUE(valid_utf8("M\xc3\xbcnchen"));        // ü
  EXPECT_TRUE(valid_utf8("\xe2\x82\xac"));          // €
  EXPECT_TRUE(valid_utf8("\xf0\x9f\x98\x80"));      // U+1F600
  EXPECT_TRUE(valid_utf8("\xf4\x8f\xbf\xbf"));      // U+10FFFF
  EXPECT_TRUE(valid_utf8(std::string("a\0b", 3)));  // NUL is a character
}

TEST(Utf8, Malformed) {
  EXPECT_FALSE(valid_utf8("\xff"));
  EXPECT_FALSE(valid_utf8("\x80"));                  // continuation byte alone
  EXPECT_FALSE(valid_utf8("a\xc3"));                 // truncated
  EXPECT_FALSE(valid_utf8("\xe2\x82"));              // truncated
  EXPECT_FALSE(valid_utf8("\xc3\x28"));              // bad continuation
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));              // overlong '/'
  EXPECT_FALSE(valid_utf8("\xe0\x80\xaf"));          // overlong
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));          // surrogate U+D800
  EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));      // beyond U+10FFFF
  EXPECT_FALSE(valid_utf8("\xf8\x88\x80\x80\x80"));  // 5-byte form
}

}  // namespace
}  // namespace chainlab
