#include "endpoints/http/status.h"

#include <gtest/gtest.h>

namespace chainlab::endpoints {
namespace {

TEST(Status, EveryCodeHasItsHttpStatus) {
  EXPECT_EQ(http_status(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(http_status(ErrorCode::kUnauthenticated), 401);
  EXPECT_EQ(http_status(ErrorCode::kNotFound), 404);
  EXPECT_EQ(http_status(ErrorCode::kAlreadyExists), 409);
  EXPECT_EQ(http_status(ErrorCode::kFailedPrecondition), 409);
  EXPECT_EQ(http_status(ErrorCode::kTooLarge), 413);
  EXPECT_EQ(http_status(ErrorCode::kResourceExhausted), 503);
  EXPECT_EQ(http_status(ErrorCode::kUnavailable), 503);
  EXPECT_EQ(http_status(ErrorCode::kInternal), 500);
  EXPECT_EQ(http_status(ErrorCode::kPermissionDenied), 403);
}

TEST(Status, TheInverseReadsTheSameTableBack) {
  for (ErrorCode code :
       {ErrorCode::kInvalidArgument, ErrorCode::kUnauthenticated, ErrorCode::kPermissionDenied,
        ErrorCode::kNotFound, ErrorCode::kAlreadyExists, ErrorCode::kTooLarge,
        ErrorCode::kResourceExhausted, ErrorCode::kInternal}) {
    EXPECT_EQ(error_code_for_status(http_status(code)), code) << error_code_name(code);
  }
  // A status two codes share reads back as the first; one the table lacks as internal.
  EXPECT_EQ(error_code_for_status(409), ErrorCode::kAlreadyExists);
  EXPECT_EQ(error_code_for_status(503), ErrorCode::kResourceExhausted);
  EXPECT_EQ(error_code_for_status(418), ErrorCode::kInternal);
  EXPECT_EQ(error_code_for_status(501), ErrorCode::kInternal);
}

}  // namespace
}  // namespace chainlab::endpoints
