#include "common/result.h"

#include <cerrno>
#include <cstring>

namespace chainlab {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid argument";
    case ErrorCode::kNotFound:
      return "not found";
    case ErrorCode::kAlreadyExists:
      return "already exists";
    case ErrorCode::kFailedPrecondition:
      return "failed precondition";
    case ErrorCode::kResourceExhausted:
      return "resource exhausted";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kTooLarge:
      return "too large";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "unknown";
}

Error errno_error(int err, std::string_view what) {
  ErrorCode code = ErrorCode::kInternal;
  switch (err) {
    case EINVAL:
    case ERANGE:
    case ENAMETOOLONG:
      code = ErrorCode::kInvalidArgument;
      break;
    case ENOENT:
    case ENODEV:
    case ESRCH:
      code = ErrorCode::kNotFound;
      break;
    case EEXIST:
    case EADDRINUSE:
    case ENOTEMPTY:
      code = ErrorCode::kAlreadyExists;
      break;
    case ENOMEM:
    case ENOSPC:
    case EMFILE:
    case ENFILE:
    case EAGAIN:
      code = ErrorCode::kResourceExhausted;
      break;
    case EPERM:
    case EACCES:
    case EOPNOTSUPP:
      code = ErrorCode::kUnavailable;
      break;
    default:
      break;
  }
  return Error{code, fmt::format("{}: {}", what, std::strerror(err))};
}

}  // namespace chainlab
