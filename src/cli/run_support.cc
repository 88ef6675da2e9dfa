#include "cli/run_support.h"

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/table.h"
#include "endpoints/dashboard/assets.h"
#include "endpoints/dashboard/dashboard_routes.h"

namespace chainlab::cli {
namespace {

using Clock = std::chrono::steady_clock;

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);  // the terminal went away: tear down like SIGTERM
  return set;
}

}  // namespace

void block_stop_signals() {
  sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

Cancel stop_signal_pending() {
  return Cancel([] {
    sigset_t pending;
    sigset_t stop = stop_signals();
    if (sigpending(&pending) != 0) {
      return false;
    }
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
      if (sigismember(&stop, sig) == 1 && sigismember(&pending, sig) == 1) {
        return true;
      }
    }
    return false;
  });
}

Result<emulator::Topology> load_topology(const std::string& path) {
  if (path.empty()) {
    return emulator::Topology::default_topology();
  }
  if (is_sonemu_script(path)) {
    return load_sonemu_topology(path);
  }
  return emulator::Topology::load_file(path, stop_signal_pending());
}

Result<RunningEmulation> start_emulation(const emulator::Topology& topology,
                                         const ServeOptions& options, const app::Environment& env) {
  return app::start_emulation(topology, options, env, stop_signal_pending());
}

void print_dashboard(const RunningEmulation& running) {
  if (running.served.empty() || running.served.front().endpoint->name() != "emulator" ||
      endpoints::dashboard_assets().empty()) {
    return;
  }
  const auto& policy = running.auth->policy();
  std::string url = endpoints::dashboard_url(endpoint_url(running.served.front()),
                                             policy.open ? "" : policy.token);
  std::printf("dashboard: %s\n", url.c_str());
  std::fflush(stdout);
}

void print_endpoints(const RunningEmulation& running) {
  Table table({"ENDPOINT", "URL"});
  for (const auto& s : running.served) {
    table.add({s.label, endpoint_url(s)});
  }
  std::printf("%s", table.render().c_str());
  if (running.monitor && !running.served.empty()) {
    std::printf("metrics (Prometheus, every %lld ms): %s/metrics; live: chainlab top\n",
                static_cast<long long>(running.monitor->period().count()),
                endpoint_url(running.served.front()).c_str());
  }
  if (running.auth->policy().open) {
    std::printf(
        "warning: --no-auth: every local user can start processes as root through "
        "these APIs\n");
  } else {
    std::printf("API token (root-only file, the CLI reads it): %s/api.json\n",
                running.emulation->run_dir().c_str());
  }
  std::fflush(stdout);
}

int serve_until_stopped(RunningEmulation& running, const std::string& what, double duration_s) {
  print_dashboard(running);
  print_endpoints(running);
  std::printf("%s (run %s) is up; Ctrl-C to stop\n", what.c_str(),
              running.emulation->prefix().c_str());
  std::fflush(stdout);
  wait_for_stop(duration_s);
  stop_emulation(running);
  return 0;
}

void wait_for_stop(double duration_s) {
  sigset_t set = stop_signals();
  if (duration_s < 0) {
    int sig = 0;
    while (sigwait(&set, &sig) != 0) {
    }
    return;
  }
  // sigtimedwait returns early with EINTR (e.g. after SIGSTOP/SIGCONT): wait out the rest.
  auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(duration_s));
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      return;
    }
    timespec ts{static_cast<time_t>(left.count() / 1'000'000'000),
                static_cast<long>(left.count() % 1'000'000'000)};
    if (sigtimedwait(&set, nullptr, &ts) >= 0 || errno != EINTR) {
      return;  // a stop signal, or the time is up (EAGAIN)
    }
  }
}

}  // namespace chainlab::cli
