// Alarm actions (monitor/alarms.h): when a rule with `actions` fires, each URL gets an HTTP POST
// with Aodh's notification body {alarm_name, alarm_id, severity, previous, current, reason,
// reason_data} — what a Heat scaling policy's alarm_url (or any webhook) expects. Its own thread
// reads the run's event stream, so a slow receiver (a scale-out starting servers) never delays
// sampling or alarm evaluation. A rule's actions are posted when it starts firing (its first
// series; Aodh's alarm is one state), not once per series. Results go to `warn` (failures) and
// to the event stream ("alarm.action": url without its query, so a secret stays out, status or
// error).
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "monitor/events.h"

namespace chainlab::endpoints {

// The notification an "alarm.fired" event's data becomes.
nlohmann::json aodh_notification(const nlohmann::json& fired);

// POSTs `body` to an http(s) URL; the response status or the transport error.
Result<int> post_json(const std::string& url, const nlohmann::json& body);

class AlarmNotifier {
 public:
  using Warn = std::function<void(const std::string&)>;
  // Starts reading `events` after its current last event; `events` must outlive the notifier.
  AlarmNotifier(monitor::EventLog& events, Warn warn);
  AlarmNotifier(const AlarmNotifier&) = delete;
  AlarmNotifier& operator=(const AlarmNotifier&) = delete;
  ~AlarmNotifier();  // returns once the thread has seen the stream closed (close it first)

 private:
  void run(uint64_t after);
  void notify(const monitor::Event& fired);

  monitor::EventLog& events_;
  Warn warn_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace chainlab::endpoints
