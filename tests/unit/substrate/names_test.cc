#include "substrate/names.h"

#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace chainlab::substrate {
namespace {

TEST(ValidateIfnameTest, AcceptsTypicalNames) {
  for (const char* name : {"eth0", "a", "clab12v3", "veth-1.2_x", "A", "123456789012345"}) {
    EXPECT_TRUE(validate_ifname(name).ok()) << name;
  }
}

TEST(ValidateIfnameTest, RejectsEmpty) {
  Status s = validate_ifname("");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().message, "interface name is empty");
}

TEST(ValidateIfnameTest, RejectsSixteenBytes) {
  Status s = validate_ifname("1234567890123456");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(s.error().message.find("16 bytes"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("at most 15"), std::string::npos) << s.error().message;
}

TEST(ValidateIfnameTest, RejectsDotAndDotDot) {
  EXPECT_FALSE(validate_ifname(".").ok());
  EXPECT_FALSE(validate_ifname("..").ok());
  EXPECT_TRUE(validate_ifname("...").ok());
  EXPECT_TRUE(validate_ifname(".a").ok());
}

TEST(ValidateIfnameTest, RejectsBadCharacters) {
  for (std::string_view name : {"a b", "a/b", "a:b", "a%d", "eth0\n", "é", "a@b", "a\tb"}) {
    Status s = validate_ifname(name);
    ASSERT_FALSE(s.ok()) << name;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(s.error().message.find("invalid character"), std::string::npos);
  }
}

TEST(ValidateIfnameTest, ReportsPositionAndEscapesControlBytes) {
  Status s = validate_ifname(std::string_view("ab\0c", 4));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("\\x00"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("position 2"), std::string::npos) << s.error().message;
}

TEST(ValidateObjectNameTest, AcceptsTypicalNames) {
  for (const char* name : {"vnf1", "dc1:eth0", "a", "9lives", "my_pop.dc-2",
                           "a234567890123456789012345678901234567890123456789012345678901234"}) {
    EXPECT_TRUE(validate_object_name(name, "instance name").ok()) << name;
  }
}

TEST(ValidateObjectNameTest, RejectsEmptyWithWhat) {
  Status s = validate_object_name("", "instance name");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "instance name is empty");
}

TEST(ValidateObjectNameTest, RejectsTooLong) {
  std::string name(65, 'a');
  Status s = validate_object_name(name, "PoP name");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(s.error().message.find("65 bytes"), std::string::npos) << s.error().message;
  EXPECT_EQ(s.error().message.rfind("PoP name", 0), 0u);
}

TEST(ValidateObjectNameTest, MustStartWithLetterOrDigit) {
  for (const char* name : {"-a", ".a", "_a", ":a"}) {
    Status s = validate_object_name(name, "instance name");
    ASSERT_FALSE(s.ok()) << name;
    EXPECT_NE(s.error().message.find("start with"), std::string::npos);
  }
}

TEST(ValidateObjectNameTest, RejectsBadCharacters) {
  for (const char* name : {"a b", "a/b", "a;b", "a$b", "a\\b", "a\"b"}) {
    Status s = validate_object_name(name, "interface id");
    ASSERT_FALSE(s.ok()) << name;
    EXPECT_NE(s.error().message.find("invalid character"), std::string::npos);
  }
}

TEST(Base36Test, Renders) {
  EXPECT_EQ(base36(0), "0");
  EXPECT_EQ(base36(9), "9");
  EXPECT_EQ(base36(10), "a");
  EXPECT_EQ(base36(35), "z");
  EXPECT_EQ(base36(36), "10");
  EXPECT_EQ(base36(36 * 36 - 1), "zz");
  EXPECT_EQ(base36(46656), "1000");
  EXPECT_EQ(base36(UINT64_MAX), "3w5e11264sgsf");
}

TEST(NameAllocatorTest, CountsPerAllocator) {
  NameAllocator names("clab12");
  EXPECT_EQ(names.prefix(), "clab12");
  EXPECT_EQ(names.next('n'), "clab12n0");
  EXPECT_EQ(names.next('v'), "clab12v1");
  EXPECT_EQ(names.next('p'), "clab12p2");
  NameAllocator other("clzzzz");
  EXPECT_EQ(other.next('v'), "clzzzzv0");
}

TEST(NameAllocatorTest, NamesAreValidIfnames) {
  NameAllocator names("clab12");
  for (int i = 0; i < 2000; ++i) {
    std::string name = names.next('v');
    ASSERT_TRUE(validate_ifname(name).ok()) << name;
  }
}

TEST(NameAllocatorTest, UniqueAcrossThreads) {
  NameAllocator names("cl0000");
  constexpr int kThreads = 4;
  constexpr int kPerThread = 1000;
  std::vector<std::vector<std::string>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&names, &got, t] {
      for (int i = 0; i < kPerThread; ++i) {
        got[t].push_back(names.next('g'));
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  std::set<std::string> all;
  for (const auto& v : got) {
    all.insert(v.begin(), v.end());
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace chainlab::substrate
