// `chainlab top [--once] [--json] [--pop DC]`: a live table of every instance's CPU, memory,
// processes and interface rates, like `docker stats` (REST: GET /restapi/monitor/instances and
// /interfaces). Refreshed every second (--interval) until Ctrl-C: redrawn in place on a terminal,
// successive tables otherwise. The rendering is top_view.h.
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "cli/commands.h"
#include "cli/remote.h"
#include "cli/top_view.h"
#include "cli/views.h"
#include "common/units.h"

namespace chainlab::cli {
namespace {

using nlohmann::json;

constexpr uint64_t kMinIntervalNs = 100'000'000;        // 100 ms
constexpr uint64_t kMaxIntervalNs = 3'600'000'000'000;  // an hour

struct TopOptions {
  RemoteOptions remote;
  std::string pop;
  bool once = false;
  std::string interval = "1s";
  uint64_t iterations = 0;  // 0: until Ctrl-C
};

Result<std::chrono::nanoseconds> parse_interval(const std::string& text) {
  CL_ASSIGN_OR_RETURN(uint64_t ns, parse_duration(text, "--interval", kMaxIntervalNs,
                                                  /*bare_unit_ns=*/1'000'000'000));
  if (ns < kMinIntervalNs) {
    return make_error(ErrorCode::kInvalidArgument, "--interval: at least 100ms, not '{}'", text);
  }
  return std::chrono::nanoseconds(ns);
}

// NotFound unless the run has a PoP named `pop` (an empty `pop` is every PoP).
Status check_pop(RestClient& client, const std::string& pop) {
  if (pop.empty()) {
    return ok_status();
  }
  CL_ASSIGN_OR_RETURN(json pops, client.get("/restapi/monitor/pops"));
  if (pops.is_object() && pops.contains("pops") && pops["pops"].is_array()) {
    for (const auto& p : pops["pops"]) {
      if (field(p, "pop") == pop) {
        return ok_status();
      }
    }
  }
  return make_error(ErrorCode::kNotFound,
                    "--pop: the run has no PoP named '{}' (`chainlab datacenter list`)", pop);
}

Result<json> fetch(RestClient& client, const std::string& pop) {
  CL_ASSIGN_OR_RETURN(json instances, client.get("/restapi/monitor/instances"));
  CL_ASSIGN_OR_RETURN(json interfaces, client.get("/restapi/monitor/interfaces"));
  return merge_top(instances, interfaces, pop);
}

// "HH:MM:SS" of the reading (local time), "-" without one.
std::string clock_of(const json& merged) {
  const json t = merged.value("time_ms", json());
  if (!t.is_number_integer()) {
    return "-";
  }
  time_t seconds = static_cast<time_t>(t.get<int64_t>() / 1000);
  struct tm local {};
  char text[16] = "-";
  if (::localtime_r(&seconds, &local) != nullptr) {
    std::strftime(text, sizeof(text), "%H:%M:%S", &local);
  }
  return text;
}

std::string table_text(const json& merged) {
  Table table = top_table(merged);
  return table.empty() ? "no instances\n" : table.render();
}

// One frame in place: cursor home, each line cleared to its end, the rest of the screen cleared
// (no flicker, unlike clearing the whole screen first).
std::string tty_frame(const json& merged, const std::string& endpoint, bool first) {
  std::string out = first ? "\033[2J\033[H" : "\033[H";
  std::string text = "chainlab top  " + endpoint + "  " + clock_of(merged) +
                     "  (Ctrl-C to quit)\n\n" + table_text(merged);
  for (char c : text) {
    if (c == '\n') {
      out += "\033[K";
    }
    out += c;
  }
  return out + "\033[J";
}

// Writes `text`; false when stdout is gone (`| head`), which ends the command quietly.
bool emit(const std::string& text) {
  return std::fwrite(text.data(), 1, text.size(), stdout) == text.size() &&
         std::fflush(stdout) == 0;
}

int run_once(const TopOptions& opt, RestClient& client) {
  auto merged = fetch(client, opt.pop);
  if (!merged.ok()) {
    return fail(merged.error());
  }
  if (opt.remote.json) {
    print_json(*merged);
  } else {
    emit(table_text(*merged));
  }
  return 0;
}

int run_live(const TopOptions& opt, RestClient& client, std::chrono::nanoseconds interval) {
  const bool tty = ::isatty(STDOUT_FILENO) != 0;
  auto next = std::chrono::steady_clock::now();
  for (uint64_t i = 0; opt.iterations == 0 || i < opt.iterations; ++i) {
    if (i > 0) {
      // A slow answer delays the next table; it does not make the following ones rush.
      next = std::max(next + interval, std::chrono::steady_clock::now());
      std::this_thread::sleep_until(next);
    }
    auto merged = fetch(client, opt.pop);
    if (!merged.ok()) {
      return fail(merged.error());
    }
    std::string text = tty ? tty_frame(*merged, client.endpoint(), i == 0)
                           : (i > 0 ? "\n" : "") + table_text(*merged);
    if (!emit(text)) {
      return 0;
    }
  }
  return 0;
}

int run_top(const TopOptions& opt) {
  auto interval = parse_interval(opt.interval);
  if (!interval.ok()) {
    return fail(interval.error());
  }
  auto client = connect(opt.remote);
  if (!client.ok()) {
    return fail(client.error());
  }
  if (Status s = check_pop(*client, opt.pop); !s.ok()) {
    return fail(s.error());
  }
  if (opt.once || opt.remote.json) {
    return run_once(opt, *client);
  }
  return run_live(opt, *client, *interval);
}

}  // namespace

void add_top_command(CLI::App& app, CliContext& ctx) {
  auto opt = std::make_shared<TopOptions>();
  auto* cmd = app.add_subcommand(
      "top", "Live CPU, memory and interface rates of every instance, like `docker stats` (REST)");
  cmd->add_flag("--once", opt->once, "Print one table and exit");
  cmd->add_option("--pop", opt->pop, "Only the instances of this PoP");
  cmd->add_option("--interval", opt->interval,
                  "Time between refreshes (100ms..1h; a bare number is seconds)")
      ->capture_default_str();
  cmd->add_option("-n,--iterations", opt->iterations, "Stop after N tables (default: Ctrl-C)");
  add_remote_options(*cmd, opt->remote, ctx.env);
  cmd->get_option("--json")->description(
      "Print the JSON of /restapi/monitor/instances and /interfaces merged per instance, once");
  cmd->callback([opt, &ctx] { ctx.exit_code = run_top(*opt); });
}

}  // namespace chainlab::cli
