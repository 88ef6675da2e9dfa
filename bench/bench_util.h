// Measuring helpers every benchmark uses: wall time since a point, the process's CPU time and
// resident memory.
#pragma once

#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "common/files.h"

namespace chainlab::bench {

using Clock = std::chrono::steady_clock;

inline double since_ms(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// CPU time of the whole process (every thread, user + sys), in ms.
inline double cpu_ms() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto ms = [](const timeval& t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; };
  return ms(u.ru_utime) + ms(u.ru_stime);
}

// VmRSS of this process in KiB (-1 if unreadable).
inline long rss_kib() {
  auto status = read_file("/proc/self/status");
  if (!status.ok()) {
    return -1;
  }
  auto pos = status->find("VmRSS:");
  return pos == std::string::npos ? -1 : std::strtol(status->c_str() + pos + 6, nullptr, 10);
}

}  // namespace chainlab::bench
