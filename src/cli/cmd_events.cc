// `chainlab events`: the run's event stream (instances started/stopped/exited, chains, links,
// alarms), one line each; `--follow` keeps reading (long polls of GET /restapi/events?stream=0),
// `--json` prints each event's JSON on a line.
#include <cstdio>

#include "cli/commands.h"
#include "cli/remote.h"

namespace chainlab::cli {
namespace {

using nlohmann::json;

struct EventsOptions {
  RemoteOptions remote;
  uint64_t since = 0;
  bool follow = false;
};

void print_event(const json& e, bool as_json) {
  if (as_json) {
    std::printf("%s\n", e.dump(-1, ' ', false, json::error_handler_t::replace).c_str());
    return;
  }
  std::string details;
  const json data = e.value("data", json::object());
  for (const auto& [key, value] : data.items()) {
    if (key != "rule") {
      details += " " + key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
    }
  }
  std::printf("%-6s %-16s%s\n", std::to_string(e.value("id", 0)).c_str(),
              e.value("type", std::string()).c_str(), details.c_str());
  std::fflush(stdout);
}

int run_events(const EventsOptions& o) {
  auto client = connect(o.remote);
  if (!client.ok()) {
    return fail(client.error());
  }
  for (uint64_t after = o.since;;) {
    Query query = {{"stream", "0"}, {"since", std::to_string(after)}};
    if (o.follow) {
      query.push_back({"wait", "10"});
    }
    auto got = client->get("/restapi/events", query);
    if (!got.ok()) {
      return fail(got.error());
    }
    for (const auto& e : *got) {
      print_event(e, o.remote.json);
      after = e.value("id", after);
    }
    if (!o.follow) {
      return 0;
    }
  }
}

}  // namespace

void add_events_command(CLI::App& app, CliContext& ctx) {
  auto opt = std::make_shared<EventsOptions>();
  CLI::App* cmd = app.add_subcommand("events", "The run's events (instances, chains, alarms)");
  cmd->add_option("--since", opt->since, "Only events after this id (default: all kept)");
  cmd->add_flag("-f,--follow", opt->follow, "Keep printing new events until Ctrl-C");
  add_remote_options(*cmd, opt->remote, ctx.env);
  cmd->callback([opt, &ctx] { ctx.exit_code = run_events(*opt); });
}

}  // namespace chainlab::cli
