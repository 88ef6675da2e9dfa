// Measuring helpers every benchmark uses: wall time since a point, the process's CPU time and
// resident memory.
#pragma once

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

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

// `--vnfs 3,30 --runs 3`: the sizes to measure (default `sizes`) and the runs per size (>= 1).
struct SizeRuns {
  std::vector<int> sizes;
  int runs = 3;
};
inline SizeRuns parse_size_runs(int argc, char** argv, SizeRuns defaults) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--vnfs") {
      defaults.sizes.clear();
      for (auto p : split(argv[i + 1], ',')) {
        defaults.sizes.push_back(std::atoi(std::string(p).c_str()));
      }
    } else if (a == "--runs") {
      defaults.runs = std::max(1, std::atoi(argv[i + 1]));
    }
  }
  return defaults;
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
