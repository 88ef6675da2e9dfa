#include "common/result.h"

#include <cerrno>
#include <cstring>
#include <initializer_list>
#include <iterator>

#include "common/enum_names.h"

namespace chainlab {

namespace {

constexpr const char* kErrorCodeNames[] = {
    "invalid argument",   "not found",   "already exists",  "failed precondition",
    "resource exhausted", "unavailable", "unauthenticated", "permission denied",
    "too large",          "internal"};
static_assert(std::size(kErrorCodeNames) == static_cast<std::size_t>(ErrorCode::kInternal) + 1);

// The errno values that map to each code; any other is kInternal.
struct ErrnoGroup {
  ErrorCode code;
  std::initializer_list<int> errnos;
};
const ErrnoGroup kErrnoGroups[] = {
    {ErrorCode::kInvalidArgument, {EINVAL, ERANGE, ENAMETOOLONG}},
    {ErrorCode::kNotFound, {ENOENT, ENODEV, ESRCH}},
    {ErrorCode::kAlreadyExists, {EEXIST, EADDRINUSE, ENOTEMPTY}},
    {ErrorCode::kResourceExhausted, {ENOMEM, ENOSPC, EMFILE, ENFILE, EAGAIN}},
    {ErrorCode::kUnavailable, {EPERM, EACCES, EOPNOTSUPP}}};

ErrorCode errno_code(int err) {
  for (const ErrnoGroup& group : kErrnoGroups) {
    for (int e : group.errnos) {
      if (e == err) {
        return group.code;
      }
    }
  }
  return ErrorCode::kInternal;
}

}  // namespace

const char* error_code_name(ErrorCode code) {
  return enum_name(kErrorCodeNames, ErrorCode::kInvalidArgument, code, "unknown");
}

Error errno_error(int err, std::string_view what) {
  return Error{errno_code(err), fmt::format("{}: {}", what, std::strerror(err))};
}

}  // namespace chainlab
