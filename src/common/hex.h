// Hexadecimal digits, for the parsers that read them (string escapes, MAC addresses).
#pragma once

namespace chainlab {

// 0..15 for '0'-'9', 'a'-'f' and 'A'-'F'; -1 for any other character.
constexpr int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  const char lower = static_cast<char>(c | 0x20);  // 'A'-'F' -> 'a'-'f'; digits are done
  return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
}

}  // namespace chainlab
