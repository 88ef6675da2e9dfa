// Shared plumbing for the commands that talk to a running emulator over REST: the `-e/--endpoint`
// and `--json` options, connecting, calling and printing the answer (errors: command_util.h).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "app/environment.h"
#include "cli/command_util.h"
#include "cli/rest_client.h"

namespace chainlab::cli {

struct RemoteOptions {
  std::string endpoint;  // empty: $CHAINLAB_ENDPOINT or kDefaultEndpoint
  bool json = false;
  app::Environment env;  // the process's, read once by main (URL and token defaults)
};

// Adds -e/--endpoint and --json to a leaf command; keeps `env` in `opt`.
void add_remote_options(CLI::App& cmd, RemoteOptions& opt, const app::Environment& env);
// Adds -e/--endpoint (help: "<what> (default $<env_var> or <fallback>)") and --json; keeps `env`.
void add_endpoint_options(CLI::App& cmd, RemoteOptions& opt, const app::Environment& env,
                          const std::string& what, const std::string& env_var,
                          const std::string& fallback);

// A client for `url` carrying the token for it: $CHAINLAB_TOKEN, else the local run's
// (app::client_token).
Result<RestClient> connect_to(const std::string& url, const app::Environment& env);
// A client for the son-emu REST endpoint the options name.
Result<RestClient> connect(const RemoteOptions& opt);

// The PoP of instance `name`, from GET /restapi/compute; NotFound when there is none.
Result<std::string> pop_of_instance(RestClient& client, const std::string& name);

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

// The usual remote command: fails when `client` does, else finishes (above) with what
// request(*client) answers.
template <typename Request, typename F>
int call_remote(Result<RestClient> client, const RemoteOptions& opt, Request&& request, F&& human) {
  if (!client.ok()) {
    return fail(client.error());
  }
  return finish(opt, request(*client), std::forward<F>(human));
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
