// The one name sanitiser: turns untrusted text (a server name, a GML label, a connection point
// id) into a name chainlab accepts, by one rule set. Each caller keeps its own rule (which
// characters stay, how long, what a name must start with, what an empty result becomes):
//
//   NameRule rule{.keep = is_object_name_char, .max_bytes = 48, .drop_leading = true,
//                 .fallback = "server"};
//   sanitize_name("my server/1", rule)   -> "my-server-1"
//
// Characters outside `keep` become `replacement`; the result is cut to `max_bytes`.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace chainlab {

constexpr bool is_ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
// The characters of a user-facing object name (substrate::validate_object_name): [A-Za-z0-9_.:-].
constexpr bool is_object_name_char(char c) {
  return is_ascii_alnum(c) || c == '_' || c == '.' || c == ':' || c == '-';
}

struct NameRule {
  bool (*keep)(char c) = is_object_name_char;  // characters that stay as they are
  char replacement = '-';                      // what every other character becomes
  size_t max_bytes = 0;                        // the result is cut to this; 0: no limit
  // When the result would start with a character that is not a letter or digit: drop leading
  // such characters of the input (drop_leading) or put `lead` in front (when not '\0').
  bool drop_leading = false;
  char lead = '\0';
  // A UTF-8 character of several bytes becomes one replacement, not one per byte.
  bool utf8_as_one = false;
  std::string_view fallback = {};  // the result when nothing is left
};

std::string sanitize_name(std::string_view text, const NameRule& rule);

}  // namespace chainlab
