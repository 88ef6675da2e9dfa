// The one table between error codes (common/result.h) and HTTP statuses, both ways: endpoints
// answer an Error with http_status(code); REST clients (the CLI) read an answer's status back
// into a code with error_code_for_status. docs/design/error-policy.md.
#pragma once

#include "common/result.h"

namespace chainlab::endpoints {

// 400 invalid argument, 401 unauthenticated, 404 not found, 409 exists / wrong state, 413 too
// large, 503 exhausted / unavailable, 500 internal.
int http_status(ErrorCode code);

// The inverse: the first code of the table with that status (409 -> kAlreadyExists, 503 ->
// kResourceExhausted); kInternal for a status the table does not hold.
ErrorCode error_code_for_status(int status);

}  // namespace chainlab::endpoints
