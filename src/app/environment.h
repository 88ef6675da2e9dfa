// What chainlab takes from its process environment, read once by the composition root
// (Environment::from_process(), called by main) and handed down as plain values: no other code
// reads the environment (the one exception, PATH in substrate::find_executable, is written down
// in docs/design/architecture.md). An empty variable counts as unset.
//   CHAINLAB_STATE_DIR      runs' journals and files (substrate::kDefaultStateDir, /run/chainlab)
//   CHAINLAB_IMAGE_DIR      the image store (runtime::kDefaultImageDir, /var/lib/chainlab/images)
//   CHAINLAB_CATALOGUE_DIR  the gatekeeper's catalogue (/var/lib/chainlab/catalogue)
//   CHAINLAB_ENDPOINT       the son-emu REST URL of the remote commands (docs/cli.md)
//   CHAINLAB_GATEKEEPER     the gatekeeper URL of `package` and `service`
//   CHAINLAB_TOKEN          the run token the remote commands send (docs/security.md)
#pragma once

#include <functional>
#include <string>

namespace chainlab::app {

inline constexpr const char* kDefaultCatalogueDir = "/var/lib/chainlab/catalogue";
inline constexpr const char* kDefaultNodeDir = "/var/lib/chainlab/node";

struct Environment {
  std::string state_dir;      // never empty
  std::string image_dir;      // never empty
  std::string catalogue_dir;  // never empty
  std::string node_dir;       // never empty: the NF-FG nodes' user databases (<pop>.db)
  std::string endpoint;       // "" = unset (the CLI's default applies)
  std::string gatekeeper;     // "" = unset
  std::string token;          // "" = unset (the token of the live run serving the URL is used)
  std::string nffg;           // "" = unset: the NF-FG API `chainlab nffg` talks to
  std::string nffg_password;  // "" = unset: the password `chainlab nffg` logs in with
  friend bool operator==(const Environment&, const Environment&) = default;

  // The variables above from `lookup` (name -> value, null when unset); the defaults for unset
  // ones.
  static Environment from(const std::function<const char*(const char*)>& lookup);
  // The same from this process's environment.
  static Environment from_process();
};

// The token a client of `url` sends: `env.token` when set, else the token of the live run under
// `env.state_dir` that serves `url` (app/run_token.h), else "".
std::string client_token(const Environment& env, const std::string& url);

}  // namespace chainlab::app
