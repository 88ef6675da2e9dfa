#include "substrate/process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include <gtest/gtest.h>

namespace chainlab::substrate {
namespace {

using std::chrono::milliseconds;

SpawnSpec command(std::vector<std::string> argv) {
  SpawnSpec s;
  s.argv = std::move(argv);
  s.env = {"PATH=/usr/bin:/bin", "GREETING=hi"};
  return s;
}

TEST(Process, CapturesOutputAndExitCode) {
  auto r = run_captured(command({"sh", "-c", "echo out; echo err >&2; echo $GREETING; exit 7"}),
                        milliseconds(5000));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->exit_code, 7);
  EXPECT_EQ(r->output, "out\nerr\nhi\n");
  EXPECT_FALSE(r->timed_out);
}

TEST(Process, MissingCommandFailsBeforeFork) {
  auto r = spawn(command({"no-such-command-chainlab"}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_NE(r.error().message.find("no-such-command-chainlab"), std::string::npos);
  EXPECT_EQ(spawn(command({})).error().code, ErrorCode::kInvalidArgument);
}

TEST(Process, ChildFailureIsReportedWithItsStep) {
  SpawnSpec s = command({"true"});
  s.cwd = "/no/such/dir";
  auto r = spawn(s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("changing directory"), std::string::npos) << r.error().message;
}

TEST(Process, SignalAndWait) {
  auto p = spawn(command({"sleep", "30"}));
  ASSERT_TRUE(p.ok()) << p.error().message;
  auto still = p->wait(milliseconds(0));
  ASSERT_TRUE(still.ok());
  EXPECT_FALSE(still->has_value());
  ASSERT_TRUE(p->signal(SIGKILL, /*group=*/true).ok());
  auto code = p->wait(milliseconds(5000));
  ASSERT_TRUE(code.ok());
  ASSERT_TRUE(code->has_value());
  EXPECT_EQ(**code, 128 + SIGKILL);
  EXPECT_FALSE(p->wait(milliseconds(0)).ok());  // already reaped
}

TEST(Process, TimeoutKillsTheCommand) {
  auto start = std::chrono::steady_clock::now();
  auto r = run_captured(command({"sh", "-c", "echo started; sleep 30"}), milliseconds(300));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->exit_code, 128 + SIGKILL);
  EXPECT_EQ(r->output, "started\n");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(Process, BackgroundChildHoldingThePipeDoesNotHang) {
  auto start = std::chrono::steady_clock::now();
  auto r = run_captured(command({"sh", "-c", "sleep 5 & echo done"}), milliseconds(4000));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->timed_out);
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(r->output, "done\n");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST(Process, StartTimeIdentifiesProcess) {
  auto self = process_start_time(::getpid());
  ASSERT_TRUE(self.ok());
  EXPECT_GT(*self, 0u);
  EXPECT_EQ(*process_start_time(::getpid()), *self);
  EXPECT_EQ(process_start_time(999999999).error().code, ErrorCode::kNotFound);
}

TEST(Process, StatParsesStateAndStartTime) {
  // comm may hold spaces and parentheses: the fields start after the last ')'.
  std::string line = "42 (a (b) c) Z 1 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 987654 0 0";
  auto st = parse_process_stat(line);
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(st->state, 'Z');
  EXPECT_EQ(st->start_time, 987654u);
  EXPECT_TRUE(st->exited());
  EXPECT_FALSE(parse_process_stat("42 (x) S 1 2").ok());
  EXPECT_FALSE(parse_process_stat("no parenthesis").ok());
  EXPECT_FALSE(parse_process_stat("42 (x) S 1 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 -5 0 0")
                   .ok());  // a negative start time is malformed, not a wrapped number
}

TEST(Process, ZombieCountsAsNotRunning) {
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::_exit(0);
  }
  // Not reaped yet: a zombie until the waitpid below.
  Result<ProcessStat> st = make_error(ErrorCode::kInternal, "not read yet");
  for (int i = 0; i < 400; ++i) {
    st = process_stat(child);
    if (st.ok() && st->state == 'Z') {
      break;
    }
    std::this_thread::sleep_for(milliseconds(5));
  }
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(st->state, 'Z');
  EXPECT_FALSE(process_running(child, st->start_time));
  auto self = process_start_time(::getpid());
  ASSERT_TRUE(self.ok());
  EXPECT_TRUE(process_running(::getpid(), *self));
  EXPECT_FALSE(process_running(::getpid(), *self + 1));  // another process with a reused pid
  ASSERT_EQ(::waitpid(child, nullptr, 0), child);
  EXPECT_FALSE(process_stat(child).ok());
}

}  // namespace
}  // namespace chainlab::substrate
