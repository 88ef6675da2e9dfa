// The sampler over a fake source: a first reading at start, one per period, listeners, history,
// bounds on its options, and a failing source keeps the last reading.
#include "monitor/sampler.h"

#include <atomic>
#include <condition_variable>

#include <gtest/gtest.h>

namespace chainlab::monitor {
namespace {

using namespace std::chrono_literals;

class CountingSource final : public Source {
 public:
  Result<Snapshot> collect() override {
    int n = ++calls;
    if (fail) {
      return make_error(ErrorCode::kInternal, "source down");
    }
    Snapshot s;
    s.instances.push_back(
        {"dc1", "vnf1", "running", static_cast<uint64_t>(n) * 100'000'000, 0, 0, 0, 1});
    return s;
  }
  std::atomic<int> calls{0};
  std::atomic<bool> fail{false};
};

TEST(SamplerTest, ReadsAtStartAndEveryPeriodIntoTheHistory) {
  CountingSource source;
  SamplerOptions options;
  options.period = 100ms;
  auto sampler = Sampler::start(source, options);
  ASSERT_TRUE(sampler.ok()) << sampler.error().message;
  ASSERT_NE((*sampler)->latest(), nullptr);
  std::mutex mu;
  std::condition_variable cv;
  int seen = 0;
  (*sampler)->add_listener([&](const Reading& r) {
    std::lock_guard lock(mu);
    seen += r.snapshot.instances.size() == 1 ? 1 : 0;
    cv.notify_all();
  });
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, 10s, [&] { return seen >= 3; }));
  lock.unlock();
  EXPECT_GE((*sampler)->history("instance/vnf1/cpu").size(), 3u);
  EXPECT_TRUE((*sampler)->has_series("instance/vnf1/memory"));
  EXPECT_GT((*sampler)->latest()->rates.cpu_cores[0], 0);
}

TEST(SamplerTest, AFailedReadingKeepsTheLastOne) {
  CountingSource source;
  auto sampler = Sampler::start(source, {});
  ASSERT_TRUE(sampler.ok());
  auto before = (*sampler)->latest();
  source.fail = true;
  EXPECT_FALSE((*sampler)->sample_now().ok());
  EXPECT_EQ((*sampler)->latest(), before);
  source.fail = false;
  auto now = (*sampler)->sample_now();
  ASSERT_TRUE(now.ok());
  EXPECT_EQ((*sampler)->latest(), *now);
}

TEST(SamplerTest, OptionsAreBounded) {
  CountingSource source;
  SamplerOptions fast;
  fast.period = 10ms;
  EXPECT_FALSE(Sampler::start(source, fast).ok());
  SamplerOptions huge;
  huge.history_points = 10'000'000;
  EXPECT_FALSE(Sampler::start(source, huge).ok());
  source.fail = true;
  EXPECT_FALSE(Sampler::start(source, {}).ok()) << "no first reading, no sampler";
}

}  // namespace
}  // namespace chainlab::monitor
