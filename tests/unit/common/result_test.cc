#include "common/result.h"

#include <cerrno>

#include <gtest/gtest.h>

namespace chainlab {
namespace {

Result<int> parse_positive(int v) {
  if (v <= 0) {
    return make_error(ErrorCode::kInvalidArgument, "{} is not positive", v);
  }
  return v;
}

Result<int> doubled(int v) {
  CL_ASSIGN_OR_RETURN(int x, parse_positive(v));
  return 2 * x;
}

Status check(int v) {
  CL_RETURN_IF_ERROR(parse_positive(v));
  return ok_status();
}

TEST(Result, CarriesValueOrError) {
  auto good = doubled(21);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 42);
  auto bad = doubled(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().message, "-1 is not positive");
}

TEST(Result, StatusPropagates) {
  EXPECT_TRUE(check(1).ok());
  Status s = check(0);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "0 is not positive");
}

TEST(Result, ContextPrefixesMessage) {
  Error e = make_error(ErrorCode::kNotFound, "no such thing");
  Error wrapped = std::move(e).context("looking up x");
  EXPECT_EQ(wrapped.message, "looking up x: no such thing");
  EXPECT_EQ(wrapped.code, ErrorCode::kNotFound);
}

TEST(Result, ErrnoMapsToCodes) {
  EXPECT_EQ(errno_error(EEXIST, "x").code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(errno_error(ENOENT, "x").code, ErrorCode::kNotFound);
  EXPECT_EQ(errno_error(EINVAL, "x").code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(errno_error(ENOMEM, "x").code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(errno_error(EIO, "x").code, ErrorCode::kInternal);
  EXPECT_EQ(errno_error(ENOENT, "open /nope").message, "open /nope: No such file or directory");
  EXPECT_EQ(errno_error(EAGAIN, "x").code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(errno_error(EOPNOTSUPP, "x").code, ErrorCode::kUnavailable);
  EXPECT_EQ(errno_error(ESRCH, "x").code, ErrorCode::kNotFound);
  EXPECT_EQ(errno_error(0, "x").code, ErrorCode::kInternal);
}

TEST(Result, ErrorCodeNames) {
  EXPECT_STREQ(error_code_name(ErrorCode::kInvalidArgument), "invalid argument");
  EXPECT_STREQ(error_code_name(ErrorCode::kFailedPrecondition), "failed precondition");
  EXPECT_STREQ(error_code_name(ErrorCode::kInternal), "internal");
}

}  // namespace
}  // namespace chainlab
