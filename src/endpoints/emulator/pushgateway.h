// `chainlab run --pushgateway URL`: son-emu's push of the monitored metrics to a Prometheus
// Pushgateway (job sonemu-SDNcontroller), for setups that read the gateway instead of scraping
// /metrics. The sonemu_* metrics of the entries PUT /restapi/monitor/... set up are pushed after
// every new reading with HTTP PUT, which replaces the job's metrics: stopping one entry drops that
// one only (son-emu's DELETE wiped the whole job). With nothing watched, and when the run ends,
// the job is deleted. Its own thread and 2 s timeouts: a slow or absent gateway never delays
// sampling; failures and recoveries are reported once each.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"
#include "monitor/sampler.h"
#include "monitor/watches.h"

namespace chainlab::endpoints {

inline constexpr const char* kPushgatewayJob = "sonemu-SDNcontroller";

struct PushgatewayTarget {
  std::string scheme_host_port;  // "http://host:port"
  std::string job_path;          // "/metrics/job/sonemu-SDNcontroller"
};

// "http://host:port", "host:port" (son-emu's form) or "http://host:port/prefix"; https is not
// supported. InvalidArgument naming the flag otherwise.
Result<PushgatewayTarget> parse_pushgateway_url(const std::string& url);

class PushgatewayPusher {
 public:
  using Warn = std::function<void(const std::string&)>;
  // Starts pushing; `sampler` and `watches` must outlive the pusher.
  PushgatewayPusher(PushgatewayTarget target, const monitor::Sampler& sampler,
                    const monitor::Watches& watches, std::chrono::milliseconds period, Warn warn);
  PushgatewayPusher(const PushgatewayPusher&) = delete;
  PushgatewayPusher& operator=(const PushgatewayPusher&) = delete;
  ~PushgatewayPusher();  // stops the thread and deletes the job it pushed

 private:
  void run();
  void push_latest();
  // The HTTP status of a PUT (with `body`) or DELETE of the job, or the transport error.
  Result<int> send(const std::string* body) const;
  void report(const Result<int>& status, const char* what);

  PushgatewayTarget target_;
  const monitor::Sampler& sampler_;
  const monitor::Watches& watches_;
  std::chrono::milliseconds period_;
  Warn warn_;
  std::shared_ptr<const monitor::Reading> pushed_;  // the reading last pushed
  std::vector<monitor::Watch> pushed_watches_;
  bool job_exists_ = false;  // pushed since the last delete
  bool failing_ = false;     // the last attempt failed (reported once)
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace chainlab::endpoints
