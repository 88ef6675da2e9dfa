// Shared plumbing for the commands that talk to a running emulator over REST: the `-e/--endpoint`
// and `--json` options, connecting, and the "error: ..." convention (stderr, exit code 1).
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/rest_client.h"

namespace chainlab::cli {

struct RemoteOptions {
  std::string endpoint;  // empty: $CHAINLAB_ENDPOINT or kDefaultEndpoint
  bool json = false;
};

// Adds -e/--endpoint and --json to a leaf command.
void add_remote_options(CLI::App& cmd, RemoteOptions& opt);

// A client for the endpoint the options name.
Result<RestClient> connect(const RemoteOptions& opt);

// Prints "error: <message>" to stderr; returns exit code 1.
int fail(const Error& error);

// Pretty-prints JSON to stdout.
void print_json(const nlohmann::json& j);

// The command's outcome: prints the raw JSON with --json, else calls `human(answer)`.
template <typename F>
int finish(const RemoteOptions& opt, const Result<nlohmann::json>& answer, F&& human) {
  if (!answer.ok()) {
    return fail(answer.error());
  }
  if (opt.json) {
    print_json(*answer);
  } else {
    human(*answer);
  }
  return 0;
}

// What POST /restapi/compute/exec/<name> reports.
struct ExecOutcome {
  int exit_code = -1;  // -1: killed or unknown
  std::string output;  // stdout and stderr, interleaved
  bool timed_out = false;
};

// Runs `argv` in instance `name`, waiting up to `timeout_s` seconds (raises the client's read
// timeout to match).
Result<ExecOutcome> exec_in(RestClient& client, const std::string& name,
                            const std::vector<std::string>& argv, int timeout_s);

}  // namespace chainlab::cli
