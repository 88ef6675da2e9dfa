// StartBarrier: native VNFs' start scripts report their exit code through a FIFO each; the
// deployment waits for all of them, and fails naming the first that failed, said nothing, or did
// not finish in time. Real FIFOs, written as the instance's shell writes them.
#include "frontends/unode/start_barrier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace chainlab::unode {
namespace {

using ::testing::HasSubstr;

TEST(StartBarrierTest, WaitsForEveryReportAndNamesAFailure) {
  auto barrier = StartBarrier::create();
  ASSERT_TRUE(barrier.ok()) << barrier.error().message;
  auto a = barrier->add("1");
  auto b = barrier->add("2");
  ASSERT_TRUE(a.ok() && b.ok());
  std::ofstream(*a) << "0\n";
  ASSERT_EQ(std::system(("sh -c 'echo 3 > " + *b + "'").c_str()), 0);
  Status waited = barrier->wait(std::chrono::seconds(5));
  ASSERT_FALSE(waited.ok());
  EXPECT_EQ(waited.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(waited.error().message, HasSubstr("VNF 2: its bundle's start exited 3"));
}

TEST(StartBarrierTest, AllZeroIsReady) {
  auto barrier = StartBarrier::create();
  ASSERT_TRUE(barrier.ok());
  for (int i = 0; i < 3; ++i) {
    auto path = barrier->add(std::to_string(i));
    ASSERT_TRUE(path.ok());
    std::ofstream(*path) << "0\n";
  }
  EXPECT_TRUE(barrier->wait(std::chrono::seconds(5)).ok());
}

TEST(StartBarrierTest, SilenceAndTimeoutAreFailuresAndNothingIsLeft) {
  std::string dir;
  {
    auto barrier = StartBarrier::create();
    ASSERT_TRUE(barrier.ok());
    auto quiet = barrier->add("q");
    ASSERT_TRUE(quiet.ok());
    dir = std::filesystem::path(*quiet).parent_path();
    std::ofstream{*quiet};  // opened and closed without a word
    Status waited = barrier->wait(std::chrono::seconds(5));
    ASSERT_FALSE(waited.ok());
    EXPECT_THAT(waited.error().message, HasSubstr("VNF q: its bundle's start exited without"));
    auto slow = StartBarrier::create();
    ASSERT_TRUE(slow.ok());
    ASSERT_TRUE(slow->add("s").ok());
    Status timed_out = slow->wait(std::chrono::milliseconds(50));
    ASSERT_FALSE(timed_out.ok());
    EXPECT_THAT(timed_out.error().message, HasSubstr("VNF s: its bundle's start did not finish"));
  }
  EXPECT_FALSE(std::filesystem::exists(dir)) << "the FIFOs and their directory are removed";
}

}  // namespace
}  // namespace chainlab::unode
