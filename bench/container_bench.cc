// Container benchmark (oci driver, no Docker daemon): start time of one container (create:
// netns + cgroup + overlayfs + bundle; start: `runc run -d`) p50/p95 over N sequential starts, and
// N containers started from N threads at once. The image is built from host binaries into a
// temporary store (`chainlab image build-from-host`'s code path).
//
//   container_bench [--sequential 20] [--parallel 100] [--json]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_util.h"
#include "runtime/image_store.h"
#include "runtime/oci_driver.h"
#include "substrate/process.h"
#include "substrate/run.h"

namespace {

using chainlab::bench::since_ms;

using Clock = std::chrono::steady_clock;
namespace rt = chainlab::runtime;

[[noreturn]] void die(const chainlab::Error& e) {
  std::fprintf(stderr, "container_bench: %s\n", e.message.c_str());
  std::exit(1);
}

struct Stats {
  double p50 = 0, p95 = 0, total = 0;
};

Stats summarize(std::vector<double> v, double total) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v[std::min(v.size() - 1, v.size() * 95 / 100)], total};
}

}  // namespace

int main(int argc, char** argv) {
  int sequential = 20;
  int parallel = 100;
  bool json = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--sequential" && i + 1 < argc) {
      sequential = std::atoi(argv[++i]);
    } else if (a == "--parallel" && i + 1 < argc) {
      parallel = std::atoi(argv[++i]);
    } else if (a == "--json") {
      json = true;
    } else {
      std::fprintf(stderr, "usage: container_bench [--sequential N] [--parallel N] [--json]\n");
      return 2;
    }
  }
  if (::geteuid() != 0 || !chainlab::substrate::find_executable("runc").ok()) {
    std::fprintf(stderr, "container_bench: needs root and runc\n");
    return 2;
  }
  char tmpl[] = "/tmp/chainlab-bench-images-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) {
    return 1;
  }
  auto store = rt::ImageStore::open(tmpl);
  if (!store.ok()) {
    die(store.error());
  }
  auto image = (*store)->build_from_host("bench", {"sleep", "sh"});
  if (!image.ok()) {
    die(image.error());
  }
  auto run = chainlab::substrate::Run::begin({});
  if (!run.ok()) {
    die(run.error());
  }
  nlohmann::json out;
  {
    rt::OciDriver driver(**run, **store);
    std::vector<std::unique_ptr<rt::ComputeInstance>> seq;
    std::vector<double> create_ms, start_ms, both_ms;
    for (int i = 0; i < sequential; ++i) {
      rt::InstanceSpec spec;
      spec.name = "seq" + std::to_string(i);
      spec.image = "bench";
      spec.command = {"sleep", "1000"};
      auto t = Clock::now();
      auto made = driver.create(spec);
      if (!made.ok()) {
        die(made.error());
      }
      seq.push_back(std::move(made).value());
      create_ms.push_back(since_ms(t));
      auto t2 = Clock::now();
      if (auto s = seq.back()->start(); !s.ok()) {
        die(s.error());
      }
      start_ms.push_back(since_ms(t2));
      both_ms.push_back(since_ms(t));
    }
    auto c = summarize(create_ms, 0);
    auto s = summarize(start_ms, 0);
    auto b = summarize(both_ms, 0);
    std::fprintf(stderr,
                 "sequential %d: create p50 %.1f / p95 %.1f ms, start p50 %.1f / p95 %.1f ms, "
                 "create+start p50 %.1f / p95 %.1f ms\n",
                 sequential, c.p50, c.p95, s.p50, s.p95, b.p50, b.p95);
    out["sequential"] = {{"n", sequential},        {"create_p50_ms", c.p50},
                         {"create_p95_ms", c.p95}, {"start_p50_ms", s.p50},
                         {"start_p95_ms", s.p95},  {"p50_ms", b.p50},
                         {"p95_ms", b.p95}};
    seq.clear();

    auto t = Clock::now();
    std::vector<std::thread> threads;
    std::vector<int> failed(static_cast<size_t>(parallel), 0);
    std::vector<std::unique_ptr<rt::ComputeInstance>> par(static_cast<size_t>(parallel));
    for (int i = 0; i < parallel; ++i) {
      threads.emplace_back([&driver, &failed, &par, i] {
        rt::InstanceSpec spec;
        spec.name = "par" + std::to_string(i);
        spec.image = "bench";
        spec.command = {"sleep", "1000"};
        auto made = driver.create(spec);
        if (made.ok()) {
          par[static_cast<size_t>(i)] = std::move(made).value();
        }
        failed[static_cast<size_t>(i)] = !made.ok() || !par[static_cast<size_t>(i)]->start().ok();
      });
    }
    for (auto& th : threads) {
      th.join();
    }
    double total = since_ms(t);
    int failures = 0;
    for (int f : failed) {
      failures += f;
    }
    std::fprintf(stderr, "parallel %d: all running after %.0f ms (%d failed)\n", parallel, total,
                 failures);
    out["parallel"] = {{"n", parallel}, {"total_ms", total}, {"failed", failures}};
    t = Clock::now();
    par.clear();
    std::fprintf(stderr, "destroyed %d containers in %.0f ms\n", parallel, since_ms(t));
  }
  (*run)->teardown();
  std::system((std::string("rm -rf ") + tmpl).c_str());
  if (json) {
    std::printf("%s\n", out.dump(2).c_str());
  }
  return 0;
}
