// The environment is read once, by the composition root: each variable, its default when unset
// or empty, and the token a client sends. No root needed.
#include "app/environment.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace chainlab::app {
namespace {

Environment from_map(const std::map<std::string, std::string>& vars) {
  return Environment::from([&vars](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  });
}

TEST(EnvironmentTest, UnsetVariablesTakeTheDefaults) {
  Environment env = from_map({});
  EXPECT_EQ(env.state_dir, "/run/chainlab");
  EXPECT_EQ(env.image_dir, "/var/lib/chainlab/images");
  EXPECT_EQ(env.catalogue_dir, "/var/lib/chainlab/catalogue");
  EXPECT_EQ(env.node_dir, "/var/lib/chainlab/node");
  EXPECT_EQ(env.endpoint, "");
  EXPECT_EQ(env.gatekeeper, "");
  EXPECT_EQ(env.token, "");
  EXPECT_EQ(env.nffg, "");
  EXPECT_EQ(env.nffg_password, "");
}

TEST(EnvironmentTest, EmptyVariablesCountAsUnset) {
  EXPECT_EQ(from_map({{"CHAINLAB_STATE_DIR", ""},
                      {"CHAINLAB_IMAGE_DIR", ""},
                      {"CHAINLAB_CATALOGUE_DIR", ""},
                      {"CHAINLAB_NODE_DIR", ""},
                      {"CHAINLAB_ENDPOINT", ""},
                      {"CHAINLAB_GATEKEEPER", ""},
                      {"CHAINLAB_TOKEN", ""}}),
            from_map({}));
}

TEST(EnvironmentTest, SetVariablesOverrideTheDefaults) {
  Environment env = from_map({{"CHAINLAB_STATE_DIR", "/tmp/s"},
                              {"CHAINLAB_IMAGE_DIR", "/tmp/i"},
                              {"CHAINLAB_CATALOGUE_DIR", "/tmp/c"},
                              {"CHAINLAB_NODE_DIR", "/tmp/n"},
                              {"CHAINLAB_ENDPOINT", "http://10.0.0.1:5001"},
                              {"CHAINLAB_GATEKEEPER", "http://10.0.0.1:5000"},
                              {"CHAINLAB_TOKEN", "t0k"},
                              {"CHAINLAB_NFFG", "http://10.0.0.1:8080"},
                              {"CHAINLAB_NFFG_PASSWORD", "pw"},
                              {"UNRELATED", "x"}});
  EXPECT_EQ(env.state_dir, "/tmp/s");
  EXPECT_EQ(env.image_dir, "/tmp/i");
  EXPECT_EQ(env.catalogue_dir, "/tmp/c");
  EXPECT_EQ(env.node_dir, "/tmp/n");
  EXPECT_EQ(env.endpoint, "http://10.0.0.1:5001");
  EXPECT_EQ(env.gatekeeper, "http://10.0.0.1:5000");
  EXPECT_EQ(env.token, "t0k");
  EXPECT_EQ(env.nffg, "http://10.0.0.1:8080");
  EXPECT_EQ(env.nffg_password, "pw");
}

TEST(EnvironmentTest, TheTokenVariableWinsOverAnyRunsToken) {
  Environment env = from_map({{"CHAINLAB_TOKEN", "t0k"}, {"CHAINLAB_STATE_DIR", "/nonexistent"}});
  EXPECT_EQ(client_token(env, "http://127.0.0.1:5001"), "t0k");
  env.token.clear();
  EXPECT_EQ(client_token(env, "http://127.0.0.1:5001"), "") << "no run under the state dir";
}

}  // namespace
}  // namespace chainlab::app
