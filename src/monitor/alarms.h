// Threshold alarms over the monitor's series (history_series.h): a rule names a `metric` and a
// `selector` (the series is "<selector>/<metric>"; '*' in the selector matches within one path
// part: "instance/*" and "cpu" watch every instance's CPU), a comparison (> or <) with a `value`,
// how long the comparison must hold before it fires (`for`), and a `hysteresis` it must fall
// back by before it resolves. Every matching series has its own state; a series that is gone
// (its instance stopped) resolves. Firing and resolving are events ("alarm.fired",
// "alarm.resolved") on the EventSink; a rule's `actions` are URLs an alarm.fired is posted to
// (Aodh's alarm_actions, e.g. a Heat scaling policy's alarm_url; endpoints/emulator/
// alarm_notifier.h posts them). Rules come from the topology (emulator.alarms), REST
// (/restapi/alarms) or the CLI (`chainlab alarm`). Thread-safe; `evaluate` is the sampler's
// listener.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "monitor/events.h"
#include "monitor/sampler.h"

namespace chainlab::monitor {

inline constexpr size_t kMaxAlarmRules = 256;
inline constexpr size_t kMaxAlarmActions = 8;

struct AlarmRule {
  std::string name;
  std::string metric = "cpu";
  std::string selector = "instance/*";
  bool above = true;  // ">" (else "<")
  double value = 0;
  std::chrono::milliseconds for_duration{0};
  double hysteresis = 0;             // >= 0
  std::vector<std::string> actions;  // http(s) URLs (common/http_url.h), at most kMaxAlarmActions
  friend bool operator==(const AlarmRule&, const AlarmRule&) = default;
};

// {"name", "metric", "selector", "op": ">"|"<", "value", "for": "2s", "hysteresis", "actions":
// [url]}: every field checked (names 1..64 of [A-Za-z0-9._-], patterns <= 256 bytes, finite
// numbers, for <= 1 h, actions URLs parse_http_url takes).
Result<AlarmRule> parse_alarm_rule(const nlohmann::json& spec);
nlohmann::json alarm_rule_json(const AlarmRule& rule);

class Alarms {
 public:
  explicit Alarms(EventSink& events) : events_(events) {}

  // Adds or replaces the rule of that name (a replaced rule's firing series resolve first).
  Status set(const AlarmRule& rule);
  // false: no such rule. Its firing series resolve.
  bool remove(const std::string& name);
  // Every rule with the series it is firing for: [{rule..., "firing": [series...]}].
  nlohmann::json list() const;
  // Checks every rule against `reading` (the sampler calls it with each reading).
  void evaluate(const Reading& reading);

 private:
  struct SeriesState {
    int64_t since_ms = -1;  // when the comparison started to hold; -1: it does not
    bool firing = false;
    bool present = false;  // seen in the reading being evaluated
    double value = 0;
  };
  struct RuleState {
    AlarmRule rule;
    std::string pattern;  // "<selector>/<metric>"
    std::map<std::string, SeriesState> series;
  };
  // Drops the series the last reading did not have (a firing one resolves: "gone").
  void sweep(RuleState& state);
  void step(RuleState& state, const std::string& series, double value, int64_t now_ms);
  void resolve_all(RuleState& state, const char* reason);
  void publish(const RuleState& state, const std::string& series, const SeriesState& s, bool fired,
               const char* reason);

  EventSink& events_;
  mutable std::mutex mu_;
  std::map<std::string, RuleState> rules_;
};

}  // namespace chainlab::monitor
