// The NF-FG REST API (endpoints/unode) over a real HttpListener on 127.0.0.1 and a unode::Node on
// the in-memory FakeControl: every status code clients depend on (201 + Location, 202, 204, 401,
// 403, 405 + Allow, 404 on status, 400 {"module","message"}), users, groups, the template
// repository and the domain description, and the users' database surviving a restart. No root.
#include "endpoints/unode/nffg_endpoint.h"

#include <httplib.h>
#include <stdlib.h>

#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../../fakes/fake_control.h"
#include "../../frontends/unode/nffg_samples.h"
#include "common/files.h"

namespace chainlab::endpoints {
namespace {

using chainlab::testing::FakeControl;
using nlohmann::json;
using ::testing::HasSubstr;

using unode::samples::passthrough;

class NffgEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/chainlab-nffg-api-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::filesystem::create_directories(dir_ + "/templates/example");
    ASSERT_TRUE(write_file(dir_ + "/templates/example/start", "#!/bin/sh\n", true).ok());
    std::filesystem::permissions(dir_ + "/templates/example/start",
                                 std::filesystem::perms::owner_all);
    json t = {{"functional-capability", "example"},
              {"vnf-type", "native"},
              {"uri", "example"},
              {"memory-size", 64},
              {"ports", {{{"position", "0-2"}, {"label", "inout"}}}}};
    ASSERT_TRUE(write_file(dir_ + "/templates/example.json", t.dump(), true).ok());
    control_.set_pop_interfaces("dc1", {{"eth0", 501}, {"eth1", 502}});
    start();
  }
  void TearDown() override {
    stop();
    std::filesystem::remove_all(dir_);
  }

  void start() {
    unode::NodeOptions options;
    options.pop = "dc1";
    options.templates_dir = dir_ + "/templates";
    options.db_path = dir_ + "/dc1.db";
    options.admin_password = "secret";
    options.users.pbkdf2_iterations = 1000;
    auto node = unode::Node::open(control_, options, nullptr, nullptr);
    ASSERT_TRUE(node.ok()) << node.error().message;
    node_ = std::move(node).value();
    endpoint_ = std::make_unique<NffgEndpoint>(*node_, "127.0.0.1:0");
    auto l = HttpListener::start({}, *endpoint_);
    ASSERT_TRUE(l.ok()) << l.error().message;
    listener_ = std::move(l).value();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", listener_->port());
  }
  void stop() {
    if (listener_) {
      listener_->stop();
    }
    listener_.reset();
    endpoint_.reset();
    node_.reset();
  }

  std::string login(const std::string& user, const std::string& password) {
    auto r = client_->Post("/login", json{{"username", user}, {"password", password}}.dump(),
                           "application/json");
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
    return r && r->status == 200 ? r->body : "";
  }
  httplib::Headers as(const std::string& token) { return {{"X-Auth-Token", token}}; }
  // POST /NF-FG/ as `token`: the new graph's id ("" on failure).
  std::string create(const std::string& token, const json& graph = passthrough()) {
    auto r = client_->Post("/NF-FG/", as(token), graph.dump(), "application/json");
    EXPECT_TRUE(r && r->status == 201) << (r ? r->body : "no answer");
    return r && r->status == 201 ? json::parse(r->body).value("nffg-uuid", "") : "";
  }

  std::string dir_;
  FakeControl control_{FakeControl::pops({"dc1"})};
  std::unique_ptr<unode::Node> node_;
  std::unique_ptr<NffgEndpoint> endpoint_;
  std::unique_ptr<HttpListener> listener_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(NffgEndpointTest, LoginGivesATokenAsTextAndWrongCredentialsA401) {
  auto r =
      client_->Post("/login", R"({"username":"admin","password":"secret"})", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_THAT(r->get_header_value("Content-Type"), HasSubstr("text/plain"));
  EXPECT_GE(r->body.size(), 32u);
  r = client_->Post("/login", R"({"username":"admin","password":"nope"})", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  r = client_->Post("/login", R"({"username":"admin","password":"secret","x":1})",
                    "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

TEST_F(NffgEndpointTest, TheGraphLifecycleAnswersTheReferencesCodes) {
  std::string token = login("admin", "secret");
  auto r = client_->Post("/NF-FG/", as(token), passthrough().dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  std::string id = json::parse(r->body).at("nffg-uuid");
  EXPECT_EQ(r->get_header_value("Location"),
            "http://127.0.0.1:" + std::to_string(listener_->port()) + "/NF-FG/" + id);

  r = client_->Get("/NF-FG/" + id, as(token));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body)["forwarding-graph"]["name"], "passthrough");
  r = client_->Get("/NF-FG/status/" + id, as(token));
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body), (json{{"status", "complete"}, {"percentage_completed", 100}}));
  r = client_->Get("/NF-FG", as(token));
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body)["NF-FG"][0]["nffg-uuid"], id);

  json next = passthrough();
  next["forwarding-graph"]["big-switch"]["flow-rules"][0]["match"]["ether_type"] = "0x0800";
  r = client_->Put("/NF-FG/" + id, as(token), next.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202);
  EXPECT_TRUE(r->body.empty());
  r = client_->Delete("/NF-FG/" + id, as(token));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_TRUE(control_.empty());
}

TEST_F(NffgEndpointTest, AnUnknownGraphIs405WithAllowLikeTheReferenceAnd404OnStatus) {
  std::string token = login("admin", "secret");
  auto r = client_->Get("/NF-FG/nope", as(token));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->get_header_value("Allow"), "POST");
  r = client_->Put("/NF-FG/nope", as(token), passthrough().dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->get_header_value("Allow"), "POST");
  r = client_->Delete("/NF-FG/nope", as(token));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->get_header_value("Allow"), "PUT");
  r = client_->Get("/NF-FG/status/nope", as(token));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
}

TEST_F(NffgEndpointTest, NoTokenOrABadOneIs401OnEveryRoute) {
  for (const char* path : {"/NF-FG", "/NF-FG/x", "/NF-FG/status/x", "/groups", "/users/admin",
                           "/domain-description", "/v2/nf_template/example/"}) {
    for (const std::string& token : {std::string(), std::string("bad")}) {
      auto r = token.empty() ? client_->Get(path) : client_->Get(path, as(token));
      ASSERT_TRUE(r) << path;
      EXPECT_EQ(r->status, 401) << path;
      EXPECT_EQ(json::parse(r->body)["module"], "Security-Manager") << path;
    }
  }
  auto r = client_->Post("/NF-FG/", passthrough().dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_TRUE(control_.empty());
}

TEST_F(NffgEndpointTest, AUserWithoutTheGraphsFlagGets403) {
  std::string admin = login("admin", "secret");
  auto r = client_->Post("/users/alice", as(admin),
                         json{{"password", "pw-a"}, {"group", "admin"}}.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 202) << r->body;
  ASSERT_TRUE(client_->Put("/groups/others", as(admin), "", "application/json"));
  r = client_->Post("/users/bob", as(admin), json{{"password", "pw-b"}, {"group", "others"}}.dump(),
                    "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 202) << r->body;
  std::string bob = login("bob", "pw-b");
  std::string id = create(bob);
  std::string alice = login("alice", "pw-a");
  r = client_->Delete("/NF-FG/" + id, as(alice));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(json::parse(r->body)["module"], "Security-Manager");
  r = client_->Put("/NF-FG/" + id, as(alice), passthrough().dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  r = client_->Get("/NF-FG", as(alice));
  ASSERT_TRUE(r);
  EXPECT_TRUE(json::parse(r->body)["NF-FG"].empty()) << "alice may not read bob's graph";
  r = client_->Get("/users/bob", as(alice));
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body), (json{{"group", "others"}, {"username", "bob"}}));
}

TEST_F(NffgEndpointTest, ParseErrorsAre400FromTheParserNamingTheField) {
  std::string token = login("admin", "secret");
  json bad = passthrough();
  bad["forwarding-graph"]["big-switch"]["flow-rules"][0]["match"]["port_in"] = "vnf:9:inout:0";
  auto r = client_->Post("/NF-FG/", as(token), bad.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  json body = json::parse(r->body);
  EXPECT_EQ(body["module"], "Match-Parser");
  EXPECT_THAT(body["message"].get<std::string>(), HasSubstr("port_in"));
  bad = passthrough();
  bad["forwarding-graph"]["VNFs"][0]["colour"] = "red";
  r = client_->Post("/NF-FG/", as(token), bad.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(json::parse(r->body)["module"], "Graph-Parser");
  r = client_->Post("/NF-FG/", as(token), "{\"forwarding-graph\": [", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(control_.empty());
}

TEST_F(NffgEndpointTest, AGraphTheNodeCannotRunIs400FromTheGraphManagerAndLeavesNothing) {
  std::string token = login("admin", "secret");
  json g = passthrough();
  g["forwarding-graph"]["end-points"][0]["interface"]["if-name"] = "wlan7";
  auto r = client_->Post("/NF-FG/", as(token), g.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(json::parse(r->body)["module"], "Graph-Manager");
  EXPECT_TRUE(control_.empty());
  r = client_->Get("/NF-FG", as(token));
  ASSERT_TRUE(r);
  EXPECT_TRUE(json::parse(r->body)["NF-FG"].empty());
}

TEST_F(NffgEndpointTest, GroupsCanBeCreatedListedAndDeleted) {
  std::string token = login("admin", "secret");
  auto r = client_->Put("/groups/ops", as(token), "", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  EXPECT_THAT(r->get_header_value("Location"), HasSubstr("/groups/ops"));
  r = client_->Put("/groups/ops", as(token), "", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  r = client_->Get("/groups", as(token));
  ASSERT_TRUE(r);
  EXPECT_THAT(r->body, HasSubstr("\"ops\""));
  r = client_->Delete("/groups/ops", as(token));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202);
  r = client_->Delete("/groups/ops", as(token));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->get_header_value("Allow"), "PUT");
}

TEST_F(NffgEndpointTest, TemplatesAndTheDescriptionAreServed) {
  std::string token = login("admin", "secret");
  auto r = client_->Get("/v2/nf_template/example/", as(token));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  r = client_->Get("/v2/nf_capability/example/", as(token));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  r = client_->Get("/v2/nf_template/nope/", as(token));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  r = client_->Get("/domain-description", as(token));
  ASSERT_TRUE(r);
  json d = json::parse(r->body)["netgroup-domain:informations"];
  EXPECT_EQ(d["hardware-informations"]["interfaces"]["interface"].size(), 2u);
  uint64_t free_before = d["netgroup-domain:resources"]["memory"]["free-mb"];
  create(token);
  r = client_->Get("/domain-description", as(token));
  ASSERT_TRUE(r);
  d = json::parse(r->body)["netgroup-domain:informations"];
  EXPECT_EQ(d["netgroup-domain:resources"]["memory"]["free-mb"].get<uint64_t>(), free_before - 64);
}

TEST_F(NffgEndpointTest, UsersAndTheAdminPasswordSurviveARestart) {
  std::string admin = login("admin", "secret");
  auto r = client_->Post("/users/carol", as(admin),
                         json{{"password", "pw-c"}, {"group", "admin"}}.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 202);
  stop();
  start();
  EXPECT_FALSE(login("carol", "pw-c").empty());
  EXPECT_FALSE(login("admin", "secret").empty());
}

}  // namespace
}  // namespace chainlab::endpoints
