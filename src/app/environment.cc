#include "app/environment.h"

#include <cstdlib>

#include "app/run_token.h"
#include "runtime/image_store.h"
#include "substrate/journal.h"

namespace chainlab::app {
namespace {

std::string value_or(const std::function<const char*(const char*)>& lookup, const char* name,
                     const char* fallback) {
  const char* value = lookup(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace

Environment Environment::from(const std::function<const char*(const char*)>& lookup) {
  Environment env;
  env.state_dir = value_or(lookup, "CHAINLAB_STATE_DIR", substrate::kDefaultStateDir);
  env.image_dir = value_or(lookup, "CHAINLAB_IMAGE_DIR", runtime::kDefaultImageDir);
  env.catalogue_dir = value_or(lookup, "CHAINLAB_CATALOGUE_DIR", kDefaultCatalogueDir);
  env.node_dir = value_or(lookup, "CHAINLAB_NODE_DIR", kDefaultNodeDir);
  env.endpoint = value_or(lookup, "CHAINLAB_ENDPOINT", "");
  env.gatekeeper = value_or(lookup, "CHAINLAB_GATEKEEPER", "");
  env.token = value_or(lookup, "CHAINLAB_TOKEN", "");
  env.nffg = value_or(lookup, "CHAINLAB_NFFG", "");
  env.nffg_password = value_or(lookup, "CHAINLAB_NFFG_PASSWORD", "");
  return env;
}

Environment Environment::from_process() {
  return from([](const char* name) { return std::getenv(name); });
}

std::string client_token(const Environment& env, const std::string& url) {
  return env.token.empty() ? find_run_token(url, env.state_dir) : env.token;
}

}  // namespace chainlab::app
