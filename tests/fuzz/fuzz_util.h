// What the fuzz targets of tests/fuzz share: invariant checks that trap (libFuzzer and the smoke
// driver both stop there and keep the input), the error contract of a parser of untrusted input,
// and a reader that cuts an input into a selector byte, lines and the rest.
//
// The contract every target checks, besides "no crash, no sanitizer report, no hang":
//   - no exception escapes (an escaping one aborts: std::terminate);
//   - a refused input is a Result error with a message, never kInternal (untrusted input is a
//     4xx, docs/design/error-policy.md);
//   - where a writer exists, what was read is written and read back to the same value.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "common/result.h"

namespace chainlab::fuzz {

[[noreturn]] inline void fail(std::string_view what, std::string_view detail = "") {
  std::fprintf(stderr, "fuzz invariant failed: %.*s%s%.*s\n", static_cast<int>(what.size()),
               what.data(), detail.empty() ? "" : ": ", static_cast<int>(detail.size()),
               detail.data());
  __builtin_trap();
}

inline void check(bool condition, std::string_view what, std::string_view detail = "") {
  if (!condition) {
    fail(what, detail);
  }
}

// A refusal of untrusted input: a message, and a code that is not "internal error".
inline void check_input_error(const Error& e, std::string_view what) {
  check(!e.message.empty(), what, "error without a message");
  check(e.code != ErrorCode::kInternal, what, e.message);
}

template <typename T>
void check_result(const Result<T>& r, std::string_view what) {
  if (!r.ok()) {
    check_input_error(r.error(), what);
  }
}

// Consumes an input front to back; reads past the end give zeros / empty strings.
class Input {
 public:
  Input(const uint8_t* data, size_t size) : text_(reinterpret_cast<const char*>(data), size) {}
  uint8_t byte() {
    if (pos_ >= text_.size()) {
      return 0;
    }
    return static_cast<uint8_t>(text_[pos_++]);
  }
  // Up to the next '\n' (consumed, not returned).
  std::string line() {
    size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) {
      end = text_.size();
    }
    std::string out(text_.substr(std::min(pos_, text_.size()), end - std::min(pos_, end)));
    pos_ = end + 1;
    return out;
  }
  bool done() const { return pos_ >= text_.size(); }
  std::string rest() {
    std::string out(pos_ < text_.size() ? text_.substr(pos_) : std::string_view());
    pos_ = text_.size();
    return out;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace chainlab::fuzz
