// Hexadecimal digits, for the parsers that read them (string escapes, MAC addresses), and the one
// lower-case hex writer (digests, random ids, password hashes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace chainlab {

inline std::string hex_encode(const unsigned char* data, size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 0xf]);
  }
  return out;
}

// 0..15 for '0'-'9', 'a'-'f' and 'A'-'F'; -1 for any other character.
constexpr int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  const char lower = static_cast<char>(c | 0x20);  // 'A'-'F' -> 'a'-'f'; digits are done
  return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
}

}  // namespace chainlab
