#include "endpoints/emulator/alarm_notifier.h"

#include <httplib.h>

#include <map>
#include <set>

#include <fmt/format.h>

#include "common/http_url.h"

namespace chainlab::endpoints {
namespace {

using nlohmann::json;

// A scale-out answers when its servers run: give it time.
constexpr std::chrono::seconds kActionTimeout{60};

}  // namespace

json aodh_notification(const json& fired) {
  std::string rule = fired.value("alarm", std::string());
  std::string series = fired.value("series", std::string());
  double value = fired.value("value", 0.0);
  return {{"alarm_name", rule},
          {"alarm_id", rule},
          {"severity", "low"},
          {"previous", "ok"},
          {"current", "alarm"},
          {"reason", fmt::format("{} is {} (rule {})", series, value, rule)},
          {"reason_data", {{"type", "threshold"}, {"series", series}, {"value", value}}}};
}

Result<int> post_json(const std::string& url, const json& body) {
  CL_ASSIGN_OR_RETURN(HttpUrl t, parse_http_url(url));
  httplib::Client client(t.base);
  client.set_connection_timeout(std::chrono::seconds(2));
  client.set_read_timeout(kActionTimeout);
  auto r = client.Post(t.path.empty() ? "/" : t.path, body.dump(), "application/json");
  if (!r) {
    return make_error(ErrorCode::kUnavailable, "{}: {}", url.substr(0, url.find('?')),
                      httplib::to_string(r.error()));
  }
  return r->status;
}

AlarmNotifier::AlarmNotifier(monitor::EventLog& events, Warn warn)
    : events_(events), warn_(std::move(warn)) {
  thread_ = std::thread([this, after = events_.last_id()] { run(after); });
}

AlarmNotifier::~AlarmNotifier() {
  stop_ = true;
  thread_.join();
}

void AlarmNotifier::run(uint64_t after) {
  // The series each rule fires for: Aodh's alarm is one state, so a rule's actions are posted
  // when its first series fires, not once per series.
  std::map<std::string, std::set<std::string>> firing;
  while (!stop_) {
    auto batch = events_.after(after, 64, std::chrono::milliseconds(500));
    if (batch.empty() && events_.closed()) {
      return;
    }
    for (const auto& e : batch) {
      after = e.id;
      if (e.type != "alarm.fired" && e.type != "alarm.resolved") {
        continue;
      }
      auto& series = firing[e.data.value("alarm", std::string())];
      const std::string name = e.data.value("series", std::string());
      bool first = series.empty();
      if (e.type == "alarm.resolved") {
        series.erase(name);
      } else if (series.insert(name).second && first) {
        notify(e);
      }
    }
  }
}

void AlarmNotifier::notify(const monitor::Event& fired) {
  const json& rule = fired.data.contains("rule") ? fired.data["rule"] : json::object();
  if (!rule.contains("actions") || !rule["actions"].is_array()) {
    return;
  }
  json body = aodh_notification(fired.data);
  for (const auto& action : rule["actions"]) {
    if (stop_) {
      return;  // the run is ending: no new scale-outs
    }
    const std::string url = action.get<std::string>();
    auto status = post_json(url, body);
    // Without its query: an alarm_url's secret stays out of events and logs.
    const std::string shown = url.substr(0, url.find('?'));
    json record = {{"alarm", fired.data.value("alarm", std::string())}, {"url", shown}};
    if (status.ok()) {
      record["status"] = *status;
    } else {
      record["error"] = status.error().message;
    }
    if (!status.ok() || *status >= 300) {
      warn_(fmt::format("alarm action {}: {}", shown,
                        status.ok() ? fmt::format("HTTP {}", *status) : status.error().message));
    }
    events_.publish("alarm.action", std::move(record));
  }
}

}  // namespace chainlab::endpoints
