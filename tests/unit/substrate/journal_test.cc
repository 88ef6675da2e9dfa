#include "substrate/journal.h"

#include <stdlib.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/files.h"
#include "substrate/cleanup.h"

namespace chainlab::substrate {
namespace {

TEST(Journal, ParseKeepsLiveEntriesInOrder) {
  auto entries = Journal::parse(
      "+ netns cl0001n0\n"
      "+ link cl0001v0\n"
      "+ cgroup /sys/fs/cgroup/cpu/chainlab/cl0001/cl0001g0\n"
      "- link cl0001v0\n"
      "+ process 123 456\n"
      "+ bogus x\n"
      "garbage\n"
      "+ link cl00");  // a killed writer's half line still names a link: kept
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0], (JournalEntry{ObjectKind::kNetns, "cl0001n0"}));
  EXPECT_EQ(entries[1].kind, ObjectKind::kCgroup);
  EXPECT_EQ(entries[2], (JournalEntry{ObjectKind::kProcess, "123 456"}));
  EXPECT_EQ(entries[3], (JournalEntry{ObjectKind::kLink, "cl00"}));
}

TEST(Journal, ForgetRemovesOneRecordOnly) {
  auto entries = Journal::parse("+ file /a\n+ file /a\n- file /a\n- file /b\n");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].id, "/a");
}

class JournalDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/chainlab-journal-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { (void)cleanup_stale_runs(dir_, true); }
  std::string dir_;
};

TEST_F(JournalDir, RecordsSurviveAndCleanupRemovesFiles) {
  auto journal = Journal::begin(dir_);
  ASSERT_TRUE(journal.ok()) << journal.error().message;
  const std::string prefix = (*journal)->prefix();
  EXPECT_EQ(prefix.size(), 6u);
  EXPECT_EQ(prefix.substr(0, 2), "cl");
  EXPECT_TRUE(Journal::owner_alive((*journal)->dir()));

  std::string owned = (*journal)->dir() + "/owned-file";
  ASSERT_TRUE((*journal)->record(ObjectKind::kFile, owned).ok());
  ASSERT_TRUE(write_file(owned, "x", true).ok());
  ASSERT_TRUE((*journal)->record(ObjectKind::kFile, "/tmp/never-created-by-chainlab").ok());
  EXPECT_FALSE((*journal)->record(ObjectKind::kFile, "bad\nid").ok());

  auto loaded = Journal::load((*journal)->dir());
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->size(), 2u);

  // The owner (this process) is alive: a normal cleanup leaves the run alone.
  EXPECT_TRUE(cleanup_stale_runs(dir_).runs.empty());
  auto report = cleanup_stale_runs(dir_, /*include_live=*/true);
  ASSERT_EQ(report.runs.size(), 1u);
  EXPECT_EQ(report.runs[0], prefix);
  ASSERT_EQ(report.removed.size(), 1u);  // the file that existed; the other never did
  EXPECT_EQ(report.removed[0].id, owned);
  EXPECT_TRUE(report.errors.empty());
  EXPECT_EQ(read_file(owned).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(list_dir(dir_ + "/runs")->size(), 0u);
}

TEST_F(JournalDir, DeadOwnerIsStale) {
  auto journal = Journal::begin(dir_);
  ASSERT_TRUE(journal.ok());
  // A pid that cannot be alive with that start time.
  ASSERT_TRUE(write_file((*journal)->dir() + "/owner", "1 1\n", true).ok());
  EXPECT_FALSE(Journal::owner_alive((*journal)->dir()));
  auto report = cleanup_stale_runs(dir_);
  EXPECT_EQ(report.runs.size(), 1u);
  // Who left it: the owner's pid and the command line recorded when the run began (this test).
  ASSERT_EQ(report.owners.size(), 1u);
  EXPECT_THAT(report.owners[0], ::testing::StartsWith("pid 1: "));
  EXPECT_THAT(report.owners[0], ::testing::HasSubstr("unit_tests"));
}

TEST_F(JournalDir, AnOwnerInAnotherPidNamespaceIsLeftAlone) {
  auto journal = Journal::begin(dir_);
  ASSERT_TRUE(journal.ok());
  std::string owner = (*journal)->dir() + "/owner";
  std::string text = read_file(owner).value_or("");
  auto fields = split(trim(text), ' ');
  ASSERT_EQ(fields.size(), 3u);  // pid, start time, PID namespace
  // The same dead pid as above, written from another PID namespace (a container sharing the state
  // directory): it cannot be checked from here, so the run is not stale.
  ASSERT_TRUE(write_file(owner, "1 1 1\n", true).ok());
  EXPECT_TRUE(Journal::owner_alive((*journal)->dir()));
  EXPECT_TRUE(cleanup_stale_runs(dir_).runs.empty());
  // From this namespace, it is dead.
  ASSERT_TRUE(write_file(owner, fmt::format("1 1 {}\n", fields[2]), true).ok());
  EXPECT_FALSE(Journal::owner_alive((*journal)->dir()));
}

TEST(Journal, KindNamesRoundTrip) {
  for (auto k : {ObjectKind::kProcess, ObjectKind::kCgroup, ObjectKind::kLink, ObjectKind::kNetns,
                 ObjectKind::kMount, ObjectKind::kFile}) {
    EXPECT_EQ(*parse_object_kind(object_kind_name(k)), k);
  }
  EXPECT_FALSE(parse_object_kind("veth").ok());
}

}  // namespace
}  // namespace chainlab::substrate
