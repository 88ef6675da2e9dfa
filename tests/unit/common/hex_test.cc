#include "common/hex.h"

#include <gtest/gtest.h>

namespace chainlab {
namespace {

TEST(HexDigitValue, EveryCharacter) {
  for (int i = -128; i < 128; ++i) {
    const char c = static_cast<char>(i);
    int want = -1;
    if (c >= '0' && c <= '9') {
      want = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      want = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      want = c - 'A' + 10;
    }
    EXPECT_EQ(hex_digit_value(c), want) << "character " << i;
  }
}

}  // namespace
}  // namespace chainlab
