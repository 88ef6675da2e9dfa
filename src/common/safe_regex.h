// Regular expressions from untrusted input (HOT allowed_pattern constraints, Nova's ?name= list
// filter). libstdc++'s default matcher backtracks recursively: a long subject overflows the stack
// and a pattern like "(a|a)*b" takes exponential time. These compile the pattern for libstdc++'s
// breadth-first matcher instead (time linear in the subject times the automaton, stack depth
// bounded by the pattern; back-references are refused) and bound the pattern and the subject.
#pragma once

#include <cstddef>
#include <regex>
#include <string_view>

#include "common/result.h"

namespace chainlab {

inline constexpr size_t kMaxRegexPatternBytes = 255;
inline constexpr size_t kMaxRegexSubjectBytes = 4096;

// ECMAScript syntax. InvalidArgument for a pattern that is too long, uses back-references,
// repeats more than 255 times ("a{1000}") or does not compile (the library's reason).
Result<std::regex> compile_safe_regex(std::string_view pattern);

// Whole-subject / partial match with a regex from compile_safe_regex. InvalidArgument for a subject
// longer than kMaxRegexSubjectBytes.
Result<bool> safe_regex_match(std::string_view subject, const std::regex& re);
Result<bool> safe_regex_search(std::string_view subject, const std::regex& re);

}  // namespace chainlab
