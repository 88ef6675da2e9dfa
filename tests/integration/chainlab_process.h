// `chainlab run ARGS...` as a background process for the end-to-end CLI scenarios: started with
// its output in a log file, waited for until it says "is up", stopped with SIGTERM (which must
// end it cleanly, exit 0).
#pragma once

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "common/files.h"
#include "test_util.h"

namespace chainlab::testing {

class ChainlabProcess {
 public:
  ~ChainlabProcess() { stop(); }

  // The network namespace (/run/netns/<name>) it runs in, as `nsenter --net` would start it
  // ("" = the test's own): a "host" of a multi-host scenario.
  std::string netns;

  // Starts `chainlab <command> args...`; false (with the log in `log()`) when it is not up in 5 s.
  bool start(const std::vector<std::string>& args, const std::string& command = "run") {
    log_path_ = "/tmp/chainlab-run-" + std::to_string(::getpid()) + "-" +
                std::to_string(reinterpret_cast<uintptr_t>(this)) + ".log";  // one per process
    pid_ = ::fork();
    if (pid_ == 0) {
      int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      if (!netns.empty()) {
        int ns = ::open(("/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
        if (ns < 0 || ::setns(ns, CLONE_NEWNET) != 0) {
          ::_exit(126);
        }
      }
      std::vector<char*> argv{const_cast<char*>("chainlab"), const_cast<char*>(command.c_str())};
      for (const auto& a : args) {
        argv.push_back(const_cast<char*>(a.c_str()));
      }
      argv.push_back(nullptr);
      ::execv(CHAINLAB_BINARY, argv.data());
      ::_exit(127);
    }
    for (int i = 0; i < 200; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      if (log().find("is up") != std::string::npos) {
        return true;
      }
    }
    return false;
  }

  // The URL on the endpoint table line whose label contains `label` ("" if none).
  std::string url(const std::string& label) const {
    std::regex line(label + R"([^\n]*(http://127\.0\.0\.1:\d+))");
    std::smatch m;
    std::string out = log();
    return std::regex_search(out, m, line) ? m[1].str() : "";
  }

  std::string log() const { return read_file(log_path_).value_or(""); }
  pid_t pid() const { return pid_; }

  // SIGTERM and wait; the exit status must be 0.
  void stop() {
    if (pid_ <= 0) {
      return;
    }
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << log();
    pid_ = -1;
    ::unlink(log_path_.c_str());
  }

 private:
  std::string log_path_;
  pid_t pid_ = -1;
};

}  // namespace chainlab::testing
