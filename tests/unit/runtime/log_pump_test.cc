// The log pump with real pipes: data reaches the logs, EOF ends them, many streams share one
// thread, a flood stays under the cap, nothing leaks.
#include "runtime/log_pump.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <thread>

#include <gtest/gtest.h>

namespace chainlab::runtime {
namespace {

using namespace std::chrono_literals;

size_t open_fds() {
  size_t n = 0;
  DIR* d = ::opendir("/proc/self/fd");
  while (d != nullptr && ::readdir(d) != nullptr) {
    ++n;
  }
  if (d != nullptr) {
    ::closedir(d);
  }
  return n;
}

bool write_all(int fd, const std::string& data) {
  return ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size());
}

// Waits until the log holds `size` bytes and, if asked, its writer is gone.
bool wait_for(const InstanceLog& log, uint64_t size, bool ended = false) {
  for (uint64_t at = 0;;) {
    if (log.span().end >= size && (!ended || log.ended_at(log.span().end))) {
      return true;
    }
    if (!log.wait_beyond(at, 5s) && log.span().end == at) {
      return false;
    }
    at = log.span().end;
  }
}

class LogPumpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/chainlab-pump-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto pump = LogPump::start();
    ASSERT_TRUE(pump.ok()) << pump.error().message;
    pump_ = std::move(pump).value();
  }
  void TearDown() override {
    pump_.reset();
    std::string cmd = "rm -rf " + dir_;
    EXPECT_EQ(std::system(cmd.c_str()), 0);
  }
  std::shared_ptr<InstanceLog> make(const std::string& name, uint64_t max = 1 << 20) {
    auto log = InstanceLog::create(dir_ + "/" + name + ".log", max);
    EXPECT_TRUE(log.ok());
    return *log;
  }
  std::string dir_;
  std::unique_ptr<LogPump> pump_;
};

TEST_F(LogPumpTest, PipeDataReachesTheLogAndEofEndsIt) {
  auto log = make("a");
  auto w = pump_->attach(log);
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(log->live());
  ASSERT_TRUE(write_all(w->get(), "hello\n"));
  ASSERT_TRUE(wait_for(*log, 6));
  EXPECT_EQ(log->read(0, 100)->data, "hello\n");
  EXPECT_EQ(pump_->attached(), 1u);
  w->reset();  // the last writer goes: EOF
  ASSERT_TRUE(wait_for(*log, 6, /*ended=*/true));
  EXPECT_FALSE(log->live());
  for (int i = 0; i < 500 && pump_->attached() != 0; ++i) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(pump_->attached(), 0u);
}

TEST_F(LogPumpTest, ManyStreamsOneThread) {
  size_t fds_before = open_fds();
  std::vector<std::shared_ptr<InstanceLog>> logs;
  std::vector<UniqueFd> writers;
  for (int i = 0; i < 300; ++i) {
    logs.push_back(make(fmt::format("s{}", i), kMinInstanceLogBytes));
    auto w = pump_->attach(logs.back());
    ASSERT_TRUE(w.ok()) << w.error().message;
    writers.push_back(std::move(w).value());
  }
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE(write_all(writers[i].get(), fmt::format("stream {}\n", i)));
  }
  for (int i = 0; i < 300; ++i) {
    std::string want = fmt::format("stream {}\n", i);
    ASSERT_TRUE(wait_for(*logs[i], want.size())) << i;
    EXPECT_EQ(logs[i]->read(0, 100)->data, want);
  }
  writers.clear();
  for (auto& log : logs) {
    pump_->detach(*log);
    EXPECT_FALSE(log->live());
    log->remove();
  }
  EXPECT_EQ(pump_->attached(), 0u);
  logs.clear();
  // The pump thread may still hold the last stream it served for a moment: await its release.
  for (int i = 0; i < 2000 && open_fds() != fds_before; ++i) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(open_fds(), fds_before);
}

TEST_F(LogPumpTest, AFloodStaysUnderTheCap) {
  auto log = make("flood", kMinInstanceLogBytes);
  auto quiet = make("quiet");
  auto w = pump_->attach(log);
  auto q = pump_->attach(quiet);
  ASSERT_TRUE(w.ok() && q.ok());
  std::string block(1 << 16, 'y');
  const uint64_t total = 16ull << 20;  // 16 MiB through a 64 KiB log
  std::thread flood([&] {
    for (uint64_t sent = 0; sent < total; sent += block.size()) {
      ASSERT_TRUE(write_all(w->get(), block));
    }
    w->reset();
  });
  // Another instance's output is not starved by the flood.
  ASSERT_TRUE(write_all(q->get(), "still here\n"));
  ASSERT_TRUE(wait_for(*quiet, 11));
  flood.join();
  ASSERT_TRUE(wait_for(*log, total, /*ended=*/true));
  EXPECT_EQ(log->span().end, total);
  EXPECT_LE(log->span().end - log->span().begin, kMinInstanceLogBytes);
  struct stat a;
  struct stat b;
  ASSERT_EQ(::stat(log->path().c_str(), &a), 0);
  ASSERT_EQ(::stat((log->path() + ".1").c_str(), &b), 0);
  EXPECT_LE(a.st_size + b.st_size, static_cast<off_t>(kMinInstanceLogBytes));
}

TEST_F(LogPumpTest, AttachingAgainKeepsWhatThePreviousWriterLeft) {
  auto log = make("restart");
  auto first = pump_->attach(log);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(write_all(first->get(), "before restart\n"));
  first->reset();
  auto second = pump_->attach(log);  // drains the old pipe, whoever gets there first
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(log->live());
  ASSERT_TRUE(write_all(second->get(), "after\n"));
  ASSERT_TRUE(wait_for(*log, 21));
  EXPECT_EQ(log->read(0, 100)->data, "before restart\nafter\n");
  EXPECT_EQ(pump_->attached(), 1u);
  pump_->drain(*log);  // nothing more to read: returns at once
}

TEST_F(LogPumpTest, StoppingThePumpEndsFollowers) {
  auto log = make("stop");
  auto w = pump_->attach(log);
  ASSERT_TRUE(w.ok());
  pump_.reset();
  EXPECT_FALSE(log->live());
  EXPECT_TRUE(log->ended_at(0));
}

}  // namespace
}  // namespace chainlab::runtime
