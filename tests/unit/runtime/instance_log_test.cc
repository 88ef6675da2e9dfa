// The capped, rotated instance log: file sizes, stream offsets across rotations, tail by lines,
// cursors with and without follow. Real files in a temporary directory.
#include "runtime/instance_log.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <thread>

#include <gtest/gtest.h>

#include "common/files.h"

namespace chainlab::runtime {
namespace {

using namespace std::chrono_literals;

off_t size_of(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? st.st_size : -1;
}

class InstanceLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/chainlab-log-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/i.log";
  }
  void TearDown() override {
    ::unlink(path_.c_str());
    ::unlink((path_ + ".1").c_str());
    ::rmdir(dir_.c_str());
  }
  std::shared_ptr<InstanceLog> make(uint64_t max = kMinInstanceLogBytes) {
    auto log = InstanceLog::create(path_, max);
    EXPECT_TRUE(log.ok()) << log.error().message;
    return log.ok() ? *log : nullptr;
  }
  std::string read_all(const InstanceLog& log, uint64_t from = 0) {
    auto chunk = log.read(from, 1 << 30);
    EXPECT_TRUE(chunk.ok());
    return chunk.ok() ? chunk->data : "";
  }
  std::string dir_;
  std::string path_;
};

TEST_F(InstanceLogTest, LimitsAreValidated) {
  EXPECT_EQ(InstanceLog::create(path_, kMinInstanceLogBytes - 1).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(InstanceLog::create(path_, kMaxInstanceLogBytes + 1).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_TRUE(validate_instance_log_bytes(kDefaultInstanceLogBytes).ok());
}

TEST_F(InstanceLogTest, AppendsAndReadsBeforeAnyRotation) {
  auto log = make();
  ASSERT_TRUE(log->append("one\ntwo\n").ok());
  EXPECT_EQ(read_file(path_).value_or(""), "one\ntwo\n");
  EXPECT_EQ(read_all(*log), "one\ntwo\n");
  EXPECT_EQ(log->read(4, 3)->data, "two");
  EXPECT_EQ(log->span().begin, 0u);
  EXPECT_EQ(log->span().end, 8u);
  EXPECT_EQ(*log->tail_bytes(4), "two\n");
  EXPECT_EQ(*log->tail_bytes(100), "one\ntwo\n");
}

TEST_F(InstanceLogTest, NeverKeepsMoreThanTheCap) {
  const uint64_t cap = kMinInstanceLogBytes;  // 32 KiB per file
  auto log = make(cap);
  std::string line(99, 'y');
  line += '\n';
  uint64_t written = 0;
  for (int i = 0; i < 5000; ++i) {  // 500 KB, ~15 rotations
    ASSERT_TRUE(log->append(line).ok());
    written += line.size();
    ASSERT_LE(size_of(path_), static_cast<off_t>(cap / 2));
    ASSERT_LE(size_of(path_) + std::max<off_t>(0, size_of(path_ + ".1")), static_cast<off_t>(cap));
  }
  auto span = log->span();
  EXPECT_EQ(span.end, written);
  EXPECT_EQ(span.end - span.begin, static_cast<uint64_t>(size_of(path_) + size_of(path_ + ".1")));
  // Offsets are of the whole stream: the oldest kept byte is where a file began.
  EXPECT_EQ(span.begin % (cap / 2), 0u);
  std::string kept = read_all(*log);
  EXPECT_EQ(kept.size(), span.end - span.begin);
  EXPECT_EQ(kept, read_file(path_ + ".1").value_or("") + read_file(path_).value_or(""));
  // Reading from before the kept range starts at the oldest kept byte.
  auto chunk = log->read(0, 10);
  ASSERT_TRUE(chunk.ok());
  EXPECT_EQ(chunk->offset, span.begin);
}

TEST_F(InstanceLogTest, OneBigAppendIsSplitAcrossFiles) {
  auto log = make(kMinInstanceLogBytes);
  std::string big(kMinInstanceLogBytes * 3 + 5, 'x');
  ASSERT_TRUE(log->append(big).ok());
  EXPECT_EQ(log->span().end, big.size());
  EXPECT_EQ(log->span().end - log->span().begin, kMinInstanceLogBytes / 2 + 5);
  EXPECT_EQ(size_of(path_), 5);
}

TEST_F(InstanceLogTest, ReadsSpanTheRotatedAndCurrentFiles) {
  auto log = make(kMinInstanceLogBytes);
  const size_t half = kMinInstanceLogBytes / 2;
  std::string a(half - 2, 'a');
  ASSERT_TRUE(log->append(a).ok());
  ASSERT_TRUE(log->append("bbbb").ok());  // "bb" fills the first file, "bb" starts the second
  EXPECT_EQ(size_of(path_), 2);
  EXPECT_EQ(size_of(path_ + ".1"), static_cast<off_t>(half));
  EXPECT_EQ(log->read(half - 3, 10)->data, "abbbb");
  EXPECT_EQ(*log->tail_bytes(3), "bbb");
}

TEST_F(InstanceLogTest, LineOffsetCountsLinesFromTheEnd) {
  auto log = make();
  ASSERT_TRUE(log->append("l1\nl2\nl3\n").ok());
  auto from = [&](size_t n) { return read_all(*log, *log->line_offset(n)); };
  EXPECT_EQ(from(0), "");
  EXPECT_EQ(from(1), "l3\n");
  EXPECT_EQ(from(2), "l2\nl3\n");
  EXPECT_EQ(from(3), "l1\nl2\nl3\n");
  EXPECT_EQ(from(100), "l1\nl2\nl3\n");
  ASSERT_TRUE(log->append("partial").ok());  // a last line without '\n' counts
  EXPECT_EQ(from(1), "partial");
  EXPECT_EQ(from(2), "l3\npartial");
  ASSERT_TRUE(log->append("\n\n").ok());  // an empty line is a line
  EXPECT_EQ(from(1), "\n");
  EXPECT_EQ(from(2), "partial\n\n");
}

TEST_F(InstanceLogTest, LineOffsetAcrossChunksAndFiles) {
  auto log = make(1 << 20);  // 512 KiB per file: lines span the 64 KiB scan chunks and a rotation
  std::string text;
  for (int i = 0; i < 20000; ++i) {
    text += fmt::format("line {:05}\n", i);  // 11 bytes
  }
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(log->append(text).ok());
  }
  EXPECT_GT(size_of(path_ + ".1"), 0);
  EXPECT_EQ(read_all(*log, *log->line_offset(2)), "line 19998\nline 19999\n");
  std::string last = read_all(*log, *log->line_offset(10000));
  EXPECT_EQ(last.size(), 110000u);
  EXPECT_EQ(last.substr(0, 11), "line 10000\n");
  // More lines than kept: everything kept, from a line start or not.
  EXPECT_EQ(*log->line_offset(99999), log->span().begin);
}

TEST_F(InstanceLogTest, CursorWithoutFollowStopsAtTheEndWhenOpened) {
  auto log = make();
  ASSERT_TRUE(log->append("a\nb\nc\n").ok());
  auto cursor = LogCursor::open(log, 2, /*follow=*/false);
  ASSERT_TRUE(cursor.ok());
  ASSERT_TRUE(log->append("later\n").ok());
  EXPECT_EQ(*cursor->next(1, 0ms), "b");
  EXPECT_EQ(*cursor->next(100, 0ms), "\nc\n");
  EXPECT_TRUE(cursor->done());
  EXPECT_EQ(*cursor->next(100, 0ms), "");
}

TEST_F(InstanceLogTest, CursorFollowsUntilTheWriterIsGone) {
  auto log = make();
  log->set_live(true);
  ASSERT_TRUE(log->append("first\n").ok());
  auto cursor = LogCursor::open(log, std::nullopt, /*follow=*/true);
  ASSERT_TRUE(cursor.ok());
  EXPECT_EQ(*cursor->next(100, 0ms), "first\n");
  EXPECT_EQ(*cursor->next(100, 10ms), "");  // nothing yet, still live
  EXPECT_FALSE(cursor->done());
  std::thread writer([&] {
    std::this_thread::sleep_for(50ms);
    (void)log->append("second\n");
    log->set_live(false);
  });
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(*cursor->next(100, 10s), "second\n");  // woken by the append, not the timeout
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  writer.join();
  EXPECT_EQ(*cursor->next(100, 10s), "");
  EXPECT_TRUE(cursor->done());
}

TEST_F(InstanceLogTest, CursorSkipsWhatWasRotatedAway) {
  auto log = make(kMinInstanceLogBytes);
  log->set_live(true);
  ASSERT_TRUE(log->append("old\n").ok());
  auto cursor = LogCursor::open(log, std::nullopt, /*follow=*/true);
  ASSERT_TRUE(cursor.ok());
  ASSERT_TRUE(log->append(std::string(kMinInstanceLogBytes * 2, 'n')).ok());
  auto chunk = cursor->next(1 << 20, 0ms);
  ASSERT_TRUE(chunk.ok());
  EXPECT_EQ(*chunk, std::string(log->span().end - log->span().begin, 'n'));
}

TEST_F(InstanceLogTest, RemoveUnlinksButReadersFinish) {
  auto log = make(kMinInstanceLogBytes);
  log->set_live(true);
  // A full first file (rotated), then the last line in the current one.
  ASSERT_TRUE(log->append(std::string(kMinInstanceLogBytes / 2 - 1, 'r') + "\ntail\n").ok());
  auto cursor = LogCursor::open(log, 1, /*follow=*/true);
  ASSERT_TRUE(cursor.ok());
  log->remove();
  EXPECT_EQ(size_of(path_), -1);
  EXPECT_EQ(size_of(path_ + ".1"), -1);
  EXPECT_TRUE(log->append("dropped").ok());
  EXPECT_EQ(*cursor->next(100, 10s), "tail\n");
  EXPECT_TRUE(cursor->done());  // removed: nothing more, even though the writer was live
}

TEST_F(InstanceLogTest, CreateTruncatesAndDropsAStaleRotation) {
  ASSERT_TRUE(write_file(path_, "stale", true).ok());
  ASSERT_TRUE(write_file(path_ + ".1", "stale", true).ok());
  auto log = make();
  EXPECT_EQ(size_of(path_), 0);
  EXPECT_EQ(size_of(path_ + ".1"), -1);
  EXPECT_EQ(read_all(*log), "");
}

}  // namespace
}  // namespace chainlab::runtime
