#include "common/safe_regex.h"

#include <cctype>
#include <string>

namespace chainlab {
namespace {

constexpr unsigned long kMaxRepeat = 255;

// "{n}", "{n,}", "{n,m}" with a bound above kMaxRepeat: each repetition copies the automaton.
bool repeats_too_often(std::string_view pattern) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;
      continue;
    }
    if (pattern[i] != '{') {
      continue;
    }
    for (size_t j = i + 1; j < pattern.size() && pattern[j] != '}'; ++j) {
      if (!std::isdigit(static_cast<unsigned char>(pattern[j]))) {
        continue;
      }
      size_t end = j;
      while (end < pattern.size() && std::isdigit(static_cast<unsigned char>(pattern[end]))) {
        ++end;
      }
      if (end - j > 3 || std::stoul(std::string(pattern.substr(j, end - j))) > kMaxRepeat) {
        return true;
      }
      j = end - 1;
    }
  }
  return false;
}

Status check_subject(std::string_view subject) {
  if (subject.size() > kMaxRegexSubjectBytes) {
    return make_error(ErrorCode::kInvalidArgument,
                      "{} bytes is too long to match against a pattern (at most {})",
                      subject.size(), kMaxRegexSubjectBytes);
  }
  return ok_status();
}

}  // namespace

Result<std::regex> compile_safe_regex(std::string_view pattern) {
  if (pattern.size() > kMaxRegexPatternBytes) {
    return make_error(ErrorCode::kInvalidArgument, "pattern longer than {} bytes",
                      kMaxRegexPatternBytes);
  }
  if (repeats_too_often(pattern)) {
    return make_error(ErrorCode::kInvalidArgument, "pattern repeats more than {} times",
                      kMaxRepeat);
  }
  try {
    return std::regex(pattern.begin(), pattern.end(),
                      std::regex::ECMAScript | std::regex_constants::__polynomial);
  } catch (const std::regex_error& e) {
    return make_error(ErrorCode::kInvalidArgument, "invalid regular expression: {}", e.what());
  }
}

Result<bool> safe_regex_match(std::string_view subject, const std::regex& re) {
  CL_RETURN_IF_ERROR(check_subject(subject));
  return std::regex_match(subject.begin(), subject.end(), re);
}

Result<bool> safe_regex_search(std::string_view subject, const std::regex& re) {
  CL_RETURN_IF_ERROR(check_subject(subject));
  return std::regex_search(subject.begin(), subject.end(), re);
}

}  // namespace chainlab
