#include "common/rollback.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace chainlab {
namespace {

TEST(Rollback, UndoesInReverseOrderWithoutCommit) {
  std::vector<std::string> done;
  {
    Rollback guard([](std::string_view) {});
    guard.add("a", [&] { done.push_back("a"); });
    guard.add("b", [&] { done.push_back("b"); });
    guard.add("c", [&] { done.push_back("c"); });
    EXPECT_EQ(guard.size(), 3u);
  }
  EXPECT_EQ(done, (std::vector<std::string>{"c", "b", "a"}));
}

TEST(Rollback, CommitKeepsEverything) {
  int undone = 0;
  {
    Rollback guard([](std::string_view) {});
    guard.add("a", [&] { ++undone; });
    guard.commit();
    EXPECT_EQ(guard.size(), 0u);
  }
  EXPECT_EQ(undone, 0);
}

TEST(Rollback, FailingUndoIsLoggedAndTheOthersStillRun) {
  std::vector<std::string> done;
  std::vector<std::string> log;
  {
    Rollback guard([&](std::string_view line) { log.emplace_back(line); });
    guard.add("stop compute a", [&] { done.push_back("a"); });
    guard.add("stop compute b",
              [&]() -> Status { return make_error(ErrorCode::kNotFound, "no instance 'b'"); });
    guard.add("delete chain c", [&] { done.push_back("c"); });
  }
  EXPECT_EQ(done, (std::vector<std::string>{"c", "a"}));
  EXPECT_EQ(log, (std::vector<std::string>{"rollback: stop compute b: no instance 'b'"}));
}

TEST(Rollback, RunReturnsFirstFailureAndEmptiesTheList) {
  int undone = 0;
  Rollback guard([](std::string_view) {});
  guard.add("one", [&] { ++undone; });
  guard.add("two", [&]() -> Status {
    ++undone;
    return make_error(ErrorCode::kInternal, "boom");
  });
  guard.add("three", [&]() -> Status {
    ++undone;
    return make_error(ErrorCode::kUnavailable, "gone");
  });
  Status s = guard.run();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(s.error().message, "three: gone");
  EXPECT_EQ(undone, 3);
  EXPECT_EQ(guard.size(), 0u);
  EXPECT_TRUE(guard.run().ok());  // each undo runs once
  EXPECT_EQ(undone, 3);
}

TEST(Rollback, StepsAddedAfterRunAreUndoneOnDestruction) {
  // A guard reused after run() starts empty: new steps are undone on destruction.
  std::vector<int> done;
  {
    Rollback guard([](std::string_view) {});
    guard.add("1", [&] { done.push_back(1); });
    EXPECT_TRUE(guard.run().ok());
    guard.add("2", [&] { done.push_back(2); });
  }
  EXPECT_EQ(done, (std::vector<int>{1, 2}));
}

}  // namespace
}  // namespace chainlab
