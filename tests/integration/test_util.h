// Shared helpers for integration tests (real namespaces, veths, cgroups; need root).
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include <gtest/gtest.h>

// Skips the test, saying why, when not running as root.
#define CL_REQUIRE_ROOT()                                                  \
  do {                                                                     \
    if (::geteuid() != 0) {                                                \
      GTEST_SKIP() << "needs root: creates namespaces, veths and cgroups"; \
    }                                                                      \
  } while (0)

namespace chainlab::testing {

// A short name unique to this test process: "<stem><pid in base 36>", at most 15 bytes when stem is
// at most 6 bytes.
// The size of a file, -1 when there is none.
inline off_t file_size(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? st.st_size : -1;
}

inline std::string unique_name(const std::string& stem) {
  static const char* digits = "0123456789abcdefghijklmnopqrstuvwxyz";
  unsigned long n = static_cast<unsigned long>(::getpid());
  std::string s;
  do {
    s.insert(s.begin(), digits[n % 36]);
    n /= 36;
  } while (n != 0);
  return stem + s;
}

// Runs a shell command, returns its exit status and stdout.
struct CommandResult {
  int status = -1;
  std::string output;
};

inline CommandResult run_command(const std::string& cmd) {
  CommandResult r;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) {
    return r;
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) {
    r.output.append(buf, n);
  }
  int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

}  // namespace chainlab::testing
