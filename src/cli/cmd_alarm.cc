// `chainlab alarm set|list|remove`: threshold alarms of a running emulation (REST
// /restapi/alarms, docs/api/monitoring.md). Firing and resolving show in `chainlab events`.
#include <cstdio>

#include "cli/commands.h"
#include "cli/remote.h"
#include "cli/table.h"
#include "cli/views.h"

namespace chainlab::cli {
namespace {

using nlohmann::json;

struct AlarmOptions {
  RemoteOptions remote;
  std::string name;
  std::string metric = "cpu";
  std::string selector = "instance/*";
  std::string op = ">";
  std::string value;
  std::string for_duration = "0";
  std::string hysteresis = "0";
  std::vector<std::string> actions;
};

void print_alarms(const json& answer) {
  Table table({"NAME", "SERIES", "RULE", "FOR", "HYSTERESIS", "FIRING"});
  for (const auto& a : answer.value("alarms", json::array())) {
    std::string firing;
    for (const auto& f : a.value("firing", json::array())) {
      firing += (firing.empty() ? "" : ", ") + field(f, "series");
    }
    table.add({field(a, "name"), field(a, "selector") + "/" + field(a, "metric"),
               field(a, "op") + " " + field(a, "value"), field(a, "for"), field(a, "hysteresis"),
               firing.empty() ? "-" : firing});
  }
  print_table(table, "no alarms");
}

int set_alarm(const AlarmOptions& o) {
  json rule = {{"metric", o.metric}, {"selector", o.selector}, {"op", o.op},
               {"value", o.value},   {"for", o.for_duration},  {"hysteresis", o.hysteresis}};
  if (!o.actions.empty()) {
    rule["actions"] = o.actions;
  }
  return call_remote(
      connect(o.remote), o.remote,
      [&](RestClient& c) { return c.put("/restapi/alarms/" + o.name, rule); },
      [&](const json&) { std::printf("alarm '%s' set\n", o.name.c_str()); });
}

int list_alarms(const AlarmOptions& o) {
  return call_remote(
      connect(o.remote), o.remote, [](RestClient& c) { return c.get("/restapi/alarms"); },
      print_alarms);
}

int remove_alarm(const AlarmOptions& o) {
  return call_remote(
      connect(o.remote), o.remote,
      [&](RestClient& c) { return c.del("/restapi/alarms/" + o.name); },
      [&](const json&) { std::printf("alarm '%s' removed\n", o.name.c_str()); });
}

}  // namespace

void add_alarm_command(CLI::App& app, CliContext& ctx) {
  CLI::App* alarm = add_group(app, "alarm", "Threshold alarms on the monitor's series (REST)");
  auto [set, s] = add_leaf<AlarmOptions>(*alarm, ctx, "set", "Add or replace an alarm", set_alarm);
  set->add_option("name", s->name, "Alarm name (letters, digits, . _ -)")->required();
  set->add_option("--metric", s->metric, "Last part of the series: cpu, memory, rx_bytes, ...")
      ->capture_default_str();
  set->add_option("--selector", s->selector, "Series prefix, '*' within a part")
      ->capture_default_str();
  set->add_option("--op", s->op, "> or <")->capture_default_str();
  set->add_option("--value", s->value, "Threshold (cpu: cores, e.g. 0.5)")->required();
  set->add_option("--for", s->for_duration, "How long it must hold (e.g. 2s)")
      ->capture_default_str();
  set->add_option("--hysteresis", s->hysteresis, "How far back it must fall to resolve")
      ->capture_default_str();
  set->add_option("--action", s->actions,
                  "URL to POST when it fires (repeatable; e.g. a Heat policy's alarm_url)");
  add_remote_options(*set, s->remote, ctx.env);
  auto [list, l] =
      add_leaf<AlarmOptions>(*alarm, ctx, "list", "Alarms and what fires", list_alarms);
  add_remote_options(*list, l->remote, ctx.env);
  auto [remove, r] = add_leaf<AlarmOptions>(*alarm, ctx, "remove", "Remove an alarm", remove_alarm);
  remove->add_option("name", r->name, "Alarm name")->required();
  add_remote_options(*remove, r->remote, ctx.env);
}

}  // namespace chainlab::cli
