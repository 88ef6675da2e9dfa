#include "endpoints/emulator/pushgateway.h"

#include <httplib.h>

#include <fmt/format.h>

#include "common/units.h"
#include "monitor/exposition.h"

namespace chainlab::endpoints {
namespace {

constexpr std::chrono::seconds kTimeout{2};

}  // namespace

Result<PushgatewayTarget> parse_pushgateway_url(const std::string& url) {
  std::string rest = url;
  if (rest.rfind("http://", 0) == 0) {
    rest = rest.substr(7);
  } else if (rest.find("://") != std::string::npos) {
    return make_error(ErrorCode::kInvalidArgument,
                      "--pushgateway '{}': only http:// URLs (or host:port)", url);
  }
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string prefix = slash == std::string::npos ? "" : rest.substr(slash);
  while (!prefix.empty() && prefix.back() == '/') {
    prefix.pop_back();
  }
  size_t colon = authority.rfind(':');
  if (authority.empty() || colon == 0 || colon == std::string::npos ||
      !parse_int(authority.substr(colon + 1), "port", 1, 65535).ok() ||
      authority.find_first_of("@?# ") != std::string::npos) {
    return make_error(ErrorCode::kInvalidArgument,
                      "--pushgateway '{}': expected http://HOST:PORT or HOST:PORT", url);
  }
  return PushgatewayTarget{"http://" + authority,
                           fmt::format("{}/metrics/job/{}", prefix, kPushgatewayJob)};
}

PushgatewayPusher::PushgatewayPusher(PushgatewayTarget target, const monitor::Sampler& sampler,
                                     const monitor::Watches& watches,
                                     std::chrono::milliseconds period, Warn warn)
    : target_(std::move(target)),
      sampler_(sampler),
      watches_(watches),
      period_(period),
      warn_(std::move(warn)),
      thread_([this] { run(); }) {}

PushgatewayPusher::~PushgatewayPusher() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  if (job_exists_) {
    (void)send(nullptr);  // best effort: no stale metrics of an ended run in the gateway
  }
}

void PushgatewayPusher::run() {
  std::unique_lock lock(mu_);
  while (!wake_.wait_for(lock, period_, [this] { return stopping_; })) {
    lock.unlock();
    push_latest();
    lock.lock();
  }
}

void PushgatewayPusher::push_latest() {
  std::shared_ptr<const monitor::Reading> reading = sampler_.latest();
  std::vector<monitor::Watch> watches = watches_.list();
  if (reading == nullptr || (reading == pushed_ && watches == pushed_watches_ && !failing_)) {
    return;
  }
  if (watches.empty()) {
    if (job_exists_) {
      Result<int> status = send(nullptr);
      report(status, "delete");
      job_exists_ = !(status.ok() && *status / 100 == 2);
    }
  } else {
    std::string body = monitor::sonemu_exposition(reading->snapshot, watches);
    Result<int> status = send(&body);
    report(status, "push");
    job_exists_ = job_exists_ || (status.ok() && *status / 100 == 2);
  }
  pushed_ = std::move(reading);
  pushed_watches_ = std::move(watches);
}

Result<int> PushgatewayPusher::send(const std::string* body) const {
  httplib::Client client(target_.scheme_host_port);
  client.set_connection_timeout(kTimeout);
  client.set_read_timeout(kTimeout);
  client.set_write_timeout(kTimeout);
  httplib::Result r = body != nullptr
                          ? client.Put(target_.job_path, *body, monitor::kExpositionContentType)
                          : client.Delete(target_.job_path);
  if (!r) {
    return make_error(ErrorCode::kUnavailable, "{}", httplib::to_string(r.error()));
  }
  return r->status;
}

void PushgatewayPusher::report(const Result<int>& status, const char* what) {
  bool ok = status.ok() && *status / 100 == 2;
  if (ok == !failing_) {
    return;  // no change: said once
  }
  failing_ = !ok;
  std::string where = target_.scheme_host_port + target_.job_path;
  if (ok) {
    warn_(fmt::format("pushgateway {}: {} works again", where, what));
  } else {
    warn_(fmt::format("pushgateway {}: {} failed ({}); retrying every period", where, what,
                      status.ok() ? fmt::format("HTTP {}", *status) : status.error().message));
  }
}

}  // namespace chainlab::endpoints
