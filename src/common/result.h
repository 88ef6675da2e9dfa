// Error handling for every chainlab layer: one convention, written once.
//
// Recoverable failures (untrusted input, kernel refusals, missing objects) travel as
// `Result<T>` / `Status` values carrying an `Error` with a code and a precise message. The code
// decides the HTTP status in exactly one place (endpoints). Invariants are asserts. No exceptions
// cross a layer boundary. See docs/design/error-policy.md.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include <fmt/format.h>

namespace chainlab {

enum class ErrorCode {
  kInvalidArgument,     // malformed or out-of-range input (HTTP 400)
  kNotFound,            // unknown name or id (HTTP 404)
  kAlreadyExists,       // duplicate name (HTTP 409)
  kFailedPrecondition,  // valid request in the wrong state, e.g. exec on a stopped instance (409)
  kResourceExhausted,   // budget, pool or kernel resource exhausted (HTTP 503)
  kUnavailable,         // a host feature this needs is missing (HTTP 503)
  kUnauthenticated,     // missing or wrong credentials (HTTP 401)
  kPermissionDenied,    // authenticated, but not allowed to do this (HTTP 403)
  kTooLarge,            // input over a size limit (HTTP 413)
  kInternal,            // unexpected kernel or library failure (HTTP 500)
};

const char* error_code_name(ErrorCode code);

struct [[nodiscard]] Error {
  ErrorCode code;
  std::string message;

  // Prefixes the message with context: "creating veth x: <message>".
  Error&& context(std::string_view what) && {
    message = fmt::format("{}: {}", what, message);
    return std::move(*this);
  }
};

template <typename... Args>
Error make_error(ErrorCode code, fmt::format_string<Args...> f, Args&&... args) {
  return Error{code, fmt::format(f, std::forward<Args>(args)...)};
}

// An Error for a failed system call: kernel errno mapped to the closest code, strerror appended.
Error errno_error(int err, std::string_view what);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T value_or(T fallback) const& { return ok() ? std::get<0>(v_) : std::move(fallback); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& {
    assert(!ok());
    return std::get<1>(v_);
  }
  Error&& error() && {
    assert(!ok());
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const& {
    assert(!ok());
    return *error_;
  }
  Error&& error() && {
    assert(!ok());
    return std::move(*error_);
  }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

inline Status ok_status() {
  return {};
}

}  // namespace chainlab

// Returns the error of a failed Status/Result from the enclosing function.
#define CL_RETURN_IF_ERROR(expr)            \
  do {                                      \
    auto cl_status_ = (expr);               \
    if (!cl_status_.ok()) {                 \
      return std::move(cl_status_).error(); \
    }                                       \
  } while (0)

#define CL_CONCAT_INNER_(a, b) a##b
#define CL_CONCAT_(a, b) CL_CONCAT_INNER_(a, b)
#define CL_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) {                                \
    return std::move(tmp).error();                \
  }                                               \
  lhs = std::move(tmp).value()

// `CL_ASSIGN_OR_RETURN(auto fd, open_thing());` — unwraps a Result or returns its error.
#define CL_ASSIGN_OR_RETURN(lhs, expr) \
  CL_ASSIGN_OR_RETURN_IMPL_(CL_CONCAT_(cl_result_, __LINE__), lhs, expr)
