// The orchestrator's config file (frontends/escape/mdo/mdo_config.h): typed at the edge, unknown
// keys refused by path.
#include "frontends/escape/mdo/mdo_config.h"

#include <gtest/gtest.h>

namespace chainlab::escape {
namespace {

using nlohmann::json;

TEST(MdoConfigTest, EveryKey) {
  auto c = parse_mdo_config(json::parse(R"({
    "api": {"listen": "0.0.0.0", "port": 9999, "prefix": "escape"},
    "mapping": {"algorithm": "alg1", "backtrack_depth": 6, "branching": 2, "seed": 7,
                "time_limit": 5},
    "view": "single",
    "domains": [{"name": "d1", "kind": "static", "file": "t.nffg"},
                {"name": "un", "kind": "chainlab-node", "url": "http://10.0.0.2:8080"}]})"),
                            "/etc/mdo");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->listen, "0.0.0.0");
  EXPECT_EQ(c->port, 9999);
  EXPECT_EQ(c->view, ViewMode::kSingle);
  EXPECT_EQ(c->mapping.algorithm, "alg1");
  EXPECT_EQ(c->mapping.embedding.backtrack_depth, 6);
  EXPECT_EQ(c->mapping.embedding.branching, 2);
  EXPECT_EQ(c->mapping.embedding.seed, 7u);
  EXPECT_EQ(c->mapping.embedding.time_limit_s, 5);
  ASSERT_EQ(c->domains.size(), 2u);
  EXPECT_EQ(c->domains[0].name, "d1");
  EXPECT_EQ(c->domains[0].kind, "static");
  EXPECT_EQ(c->domains[0].settings, json({{"file", "t.nffg"}}));
  EXPECT_EQ(c->domains[0].base_dir, "/etc/mdo");
  EXPECT_EQ(c->domains[1].settings["url"], "http://10.0.0.2:8080");
}

TEST(MdoConfigTest, DefaultsAndRefusals) {
  auto empty = parse_mdo_config(json(nullptr), ".");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->port, 8888);
  EXPECT_EQ(empty->listen, "127.0.0.1");
  EXPECT_EQ(empty->view, ViewMode::kGlobal);
  struct Case {
    const char* doc;
    const char* says;
  };
  for (const Case& c : {
           Case{R"({"apis": {}})", "apis: unknown key"},
           Case{R"({"api": {"port": 70000}})", "api.port"},
           Case{R"({"api": {"prefix": "../x"}})", "api.prefix"},
           Case{R"({"api": {"hostname": "x"}})", "api.hostname: unknown key"},
           Case{R"({"mapping": {"branching": 0}})", "mapping.branching"},
           Case{R"({"view": "dov"})", "view"},
           Case{R"({"domains": {"name": "x"}})", "domains: not a list"},
           Case{R"({"domains": [{"kind": "static"}]})", "domains[0].name"},
           Case{R"({"domains": [7]})", "domains[0]: not a mapping"},
       }) {
    auto r = parse_mdo_config(json::parse(c.doc), ".");
    ASSERT_FALSE(r.ok()) << c.doc;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << r.error().message;
  }
}

}  // namespace
}  // namespace chainlab::escape
