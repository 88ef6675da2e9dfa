// The run's API token on disk: `chainlab run` writes <state>/runs/<prefix>/api.json (mode 0600:
// {"pid", "token", "endpoints": [{"label", "url"}]}); the CLI's remote commands find the token of
// the live run that serves their endpoint there, so local use needs no flag. docs/security.md.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace chainlab::app {

struct ApiEndpoint {
  std::string label;
  std::string url;  // http://HOST:PORT
};

// Writes api.json into `run_dir`, readable by its owner only.
Status write_api_file(const std::string& run_dir, const std::string& token,
                      const std::vector<ApiEndpoint>& endpoints);

// The token of a live run under `state_dir` that serves `url` (same port, same host or both
// loopback); else "". ($CHAINLAB_TOKEN comes first: app::client_token, app/environment.h.)
std::string find_run_token(const std::string& url, const std::string& state_dir);

}  // namespace chainlab::app
