#include "endpoints/http/status.h"

#include <utility>

namespace chainlab::endpoints {
namespace {

// Read top-down: the first row of a status is the code a client reads back.
constexpr std::pair<ErrorCode, int> kStatusTable[] = {
    {ErrorCode::kInvalidArgument, 400},  {ErrorCode::kUnauthenticated, 401},
    {ErrorCode::kPermissionDenied, 403}, {ErrorCode::kNotFound, 404},
    {ErrorCode::kAlreadyExists, 409},    {ErrorCode::kFailedPrecondition, 409},
    {ErrorCode::kTooLarge, 413},         {ErrorCode::kResourceExhausted, 503},
    {ErrorCode::kUnavailable, 503},      {ErrorCode::kInternal, 500},
};

}  // namespace

int http_status(ErrorCode code) {
  for (const auto& [c, status] : kStatusTable) {
    if (c == code) {
      return status;
    }
  }
  return 500;
}

ErrorCode error_code_for_status(int status) {
  for (const auto& [code, s] : kStatusTable) {
    if (s == status) {
      return code;
    }
  }
  return ErrorCode::kInternal;
}

}  // namespace chainlab::endpoints
