#include "common/files.h"

#include <stdlib.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace chainlab {
namespace {

TEST(Files, TrimAndSplit) {
  EXPECT_EQ(trim("  a b \n"), "a b");
  EXPECT_EQ(trim(" \t\n"), "");
  auto parts = split("a,,b,", ',');
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0], "a");
  EXPECT_EQ(parts[1], "");
  EXPECT_EQ(parts[2], "b");
  EXPECT_EQ(parts[3], "");
  EXPECT_EQ(split("", ',').size(), 1u);
}

TEST(Files, WriteReadListRoundTrip) {
  char tmpl[] = "/tmp/chainlab-files-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  std::string path = dir + "/f";
  EXPECT_EQ(read_file(path).error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(write_file(path, "x").ok());  // no O_CREAT by default
  ASSERT_TRUE(write_file(path, "hello\n", true).ok());
  EXPECT_EQ(*read_file(path), "hello\n");
  auto names = list_dir(dir);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, std::vector<std::string>{"f"});
  ::unlink(path.c_str());
  ::rmdir(dir.c_str());
  EXPECT_EQ(list_dir(dir).error().code, ErrorCode::kNotFound);
}

TEST(Files, ReadsAreCapped) {
  // /dev/zero never ends: the cap stops the read one byte past it.
  auto zero = read_file("/dev/zero", 1 << 20);
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(zero.error().message, "/dev/zero: larger than 1048576 bytes");
  char tmpl[] = "/tmp/chainlab-files-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::string path = std::string(tmpl) + "/f";
  ASSERT_TRUE(write_file(path, "0123456789", true).ok());
  EXPECT_EQ(*read_file(path, 10), "0123456789");  // exactly at the cap
  EXPECT_FALSE(read_file(path, 9).ok());
  EXPECT_EQ(*read_file_tail(path, 4), "6789");
  EXPECT_EQ(*read_file_tail(path, 100), "0123456789");
  EXPECT_EQ(read_file_tail(path + "x", 4).error().code, ErrorCode::kNotFound);
  ::unlink(path.c_str());
  ::rmdir(tmpl);
}

}  // namespace
}  // namespace chainlab
