#include "monitor/alarms.h"

#include <fnmatch.h>

#include <cmath>

#include "common/http_url.h"
#include "common/names.h"
#include "common/units.h"
#include "monitor/history_series.h"

namespace chainlab::monitor {
namespace {

using nlohmann::json;

Status check_name(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 64;
  for (char c : name) {
    ok = ok && is_object_name_char(c) && c != ':';  // ':' has no place in the route
  }
  if (!ok) {
    return make_error(ErrorCode::kInvalidArgument,
                      "alarm name: 1..64 characters of letters, digits, '.', '_', '-'");
  }
  return ok_status();
}

Result<std::string> pattern(const json& spec, const char* key, const std::string& fallback) {
  if (!spec.contains(key)) {
    return fallback;
  }
  if (!spec[key].is_string() || spec[key].get<std::string>().empty() ||
      spec[key].get<std::string>().size() > 256) {
    return make_error(ErrorCode::kInvalidArgument, "{}: a text of 1..256 bytes", key);
  }
  return spec[key].get<std::string>();
}

Result<double> number(const json& v, const char* key, double min) {
  if (v.is_number()) {
    return check_number(v.get<double>(), key, min);
  }
  if (v.is_string()) {
    return parse_number(v.get<std::string>(), key, min);
  }
  return make_error(ErrorCode::kInvalidArgument, "{}: a number", key);
}

Result<std::chrono::milliseconds> duration(const json& v) {
  if (v.is_number()) {
    CL_ASSIGN_OR_RETURN(double s, check_number(v.get<double>(), "for", 0, 3600));
    return std::chrono::milliseconds(static_cast<int64_t>(s * 1000));
  }
  std::string text = v.is_string() ? v.get<std::string>() : "";
  CL_ASSIGN_OR_RETURN(uint64_t ns, parse_duration(text, "for", 3'600'000'000'000ull));
  return std::chrono::milliseconds(ns / 1'000'000);
}

Result<bool> comparison(const json& spec) {
  const json& given = spec.contains("op") ? spec["op"] : json(">");
  std::string op = given.is_string() ? given.get<std::string>() : "";
  if (op != ">" && op != "<") {
    return make_error(ErrorCode::kInvalidArgument, "op: '>' or '<'");
  }
  return op == ">";
}

Result<std::vector<std::string>> actions(const json& v) {
  if (!v.is_array() || v.size() > kMaxAlarmActions) {
    return make_error(ErrorCode::kInvalidArgument, "actions: a list of at most {} URLs",
                      kMaxAlarmActions);
  }
  std::vector<std::string> out;
  for (const auto& url : v) {
    if (!url.is_string()) {
      return make_error(ErrorCode::kInvalidArgument, "actions: a list of URLs");
    }
    auto checked = parse_http_url(url.get<std::string>());
    if (!checked.ok()) {
      return std::move(checked).error().context("actions");
    }
    out.push_back(url.get<std::string>());
  }
  return out;
}

}  // namespace

Result<AlarmRule> parse_alarm_rule(const json& spec) {
  if (!spec.is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "an alarm rule is an object");
  }
  AlarmRule r;
  r.name = spec.contains("name") && spec["name"].is_string() ? spec["name"].get<std::string>() : "";
  CL_RETURN_IF_ERROR(check_name(r.name));
  CL_ASSIGN_OR_RETURN(r.metric, pattern(spec, "metric", r.metric));
  CL_ASSIGN_OR_RETURN(r.selector, pattern(spec, "selector", r.selector));
  CL_ASSIGN_OR_RETURN(r.above, comparison(spec));
  if (!spec.contains("value")) {
    return make_error(ErrorCode::kInvalidArgument, "value: missing");
  }
  CL_ASSIGN_OR_RETURN(r.value, number(spec["value"], "value", -1e18));
  if (spec.contains("for")) {
    CL_ASSIGN_OR_RETURN(r.for_duration, duration(spec["for"]));
  }
  if (spec.contains("hysteresis")) {
    CL_ASSIGN_OR_RETURN(r.hysteresis, number(spec["hysteresis"], "hysteresis", 0));
  }
  if (spec.contains("actions") && !spec["actions"].is_null()) {
    CL_ASSIGN_OR_RETURN(r.actions, actions(spec["actions"]));
  }
  return r;
}

json alarm_rule_json(const AlarmRule& r) {
  json out = {{"name", r.name},
              {"metric", r.metric},
              {"selector", r.selector},
              {"op", r.above ? ">" : "<"},
              {"value", r.value},
              {"for", format_duration(static_cast<uint64_t>(r.for_duration.count()) * 1'000'000)},
              {"hysteresis", r.hysteresis}};
  if (!r.actions.empty()) {
    out["actions"] = r.actions;
  }
  return out;
}

Status Alarms::set(const AlarmRule& rule) {
  std::lock_guard lock(mu_);
  auto it = rules_.find(rule.name);
  if (it == rules_.end() && rules_.size() >= kMaxAlarmRules) {
    return make_error(ErrorCode::kResourceExhausted, "at most {} alarm rules", kMaxAlarmRules);
  }
  if (it != rules_.end()) {
    resolve_all(it->second, "replaced");
  }
  rules_[rule.name] = RuleState{rule, rule.selector + "/" + rule.metric, {}};
  return ok_status();
}

bool Alarms::remove(const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = rules_.find(name);
  if (it == rules_.end()) {
    return false;
  }
  resolve_all(it->second, "removed");
  rules_.erase(it);
  return true;
}

json Alarms::list() const {
  std::lock_guard lock(mu_);
  json out = json::array();
  for (const auto& [name, state] : rules_) {
    json item = alarm_rule_json(state.rule);
    item["firing"] = json::array();
    for (const auto& [series, s] : state.series) {
      if (s.firing) {
        item["firing"].push_back({{"series", series}, {"value", s.value}});
      }
    }
    out.push_back(std::move(item));
  }
  return out;
}

void Alarms::evaluate(const Reading& reading) {
  std::lock_guard lock(mu_);
  if (rules_.empty()) {
    return;
  }
  int64_t now = reading.snapshot.time_ms;
  each_value(reading, [&](const std::string& series, double value) {
    for (auto& [name, state] : rules_) {
      if (::fnmatch(state.pattern.c_str(), series.c_str(), FNM_PATHNAME) == 0) {
        step(state, series, value, now);
      }
    }
  });
  for (auto& [name, state] : rules_) {
    sweep(state);
  }
}

void Alarms::sweep(RuleState& state) {
  for (auto it = state.series.begin(); it != state.series.end();) {
    SeriesState& s = it->second;
    if (s.present) {
      s.present = false;
      ++it;
      continue;
    }
    if (s.firing) {
      publish(state, it->first, s, /*fired=*/false, "gone");
    }
    it = state.series.erase(it);
  }
}

void Alarms::step(RuleState& state, const std::string& series, double value, int64_t now_ms) {
  const AlarmRule& r = state.rule;
  SeriesState& s = state.series[series];
  s.value = value;
  s.present = true;
  bool holds = r.above ? value > r.value : value < r.value;
  bool cleared = r.above ? value < r.value - r.hysteresis : value > r.value + r.hysteresis;
  if (holds && s.since_ms < 0) {
    s.since_ms = now_ms;
  } else if (!holds) {
    s.since_ms = -1;
  }
  if (!s.firing && holds && now_ms - s.since_ms >= r.for_duration.count()) {
    s.firing = true;
    publish(state, series, s, /*fired=*/true, "threshold");
  } else if (s.firing && cleared) {
    s.firing = false;
    publish(state, series, s, /*fired=*/false, "threshold");
  }
}

void Alarms::resolve_all(RuleState& state, const char* reason) {
  for (auto& [series, s] : state.series) {
    if (s.firing) {
      s.firing = false;
      publish(state, series, s, /*fired=*/false, reason);
    }
  }
}

void Alarms::publish(const RuleState& state, const std::string& series, const SeriesState& s,
                     bool fired, const char* reason) {
  events_.publish(fired ? "alarm.fired" : "alarm.resolved",
                  {{"alarm", state.rule.name},
                   {"series", series},
                   {"value", std::isfinite(s.value) ? s.value : 0.0},
                   {"rule", alarm_rule_json(state.rule)},
                   {"reason", reason}});
}

}  // namespace chainlab::monitor
