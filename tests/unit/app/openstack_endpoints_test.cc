// A PoP's OpenStack endpoints as the composition root makes them (app::make_openstack_services,
// endpoints::make_openstack_endpoints), served over a real HttpListener on 127.0.0.1, port 0,
// on the in-memory emulator::Control: the error replies clients depend on. No root needed.
#include <httplib.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../fakes/fake_control.h"
#include "app/services.h"
#include "endpoints/http/http.h"
#include "endpoints/openstack/openstack.h"

namespace chainlab::app {
namespace {

using chainlab::testing::FakeControl;
using nlohmann::json;

class OpenStackEndpointsTest : public ::testing::Test {
 protected:
  OpenStackEndpointsTest() : control_(FakeControl::pops({"dc1"})) {}

  void SetUp() override {
    services_ = make_openstack_services(control_, "dc1", nullptr);
    endpoints_ = endpoints::make_openstack_endpoints(*services_->cloud, *services_->sfc,
                                                     *services_->stacks, 0);
  }
  void TearDown() override {
    if (listener_) {
      listener_->stop();
    }
    listener_.reset();
    endpoints_.clear();
    services_.reset();
  }

  // Serves the endpoint labelled `label`; a client for it.
  httplib::Client serve(const std::string& label) {
    for (auto& e : endpoints_) {
      if (e.label == label) {
        auto l = endpoints::HttpListener::start({}, *e.endpoint);
        EXPECT_TRUE(l.ok()) << l.error().message;
        listener_ = std::move(l).value();
      }
    }
    EXPECT_NE(listener_, nullptr) << "no endpoint " << label;
    return httplib::Client("127.0.0.1", listener_ ? listener_->port() : 1);
  }
  std::string token() {
    auto t = services_->cloud->issue_token("admin", "admin");
    EXPECT_TRUE(t.ok());
    return t.ok() ? t->id : "";
  }

  FakeControl control_;
  std::unique_ptr<OpenStackServices> services_;
  std::vector<endpoints::OpenStackService> endpoints_;
  std::unique_ptr<endpoints::HttpListener> listener_;
};

TEST_F(OpenStackEndpointsTest, TheFiveServicesOfAPopAreMadeOverItsCloud) {
  std::vector<std::string> labels;
  for (const auto& e : endpoints_) {
    labels.push_back(e.label);
  }
  EXPECT_EQ(labels, (std::vector<std::string>{"keystone", "nova", "neutron", "glance", "heat"}));
  EXPECT_EQ(endpoints_[1].endpoint->name(), "dc1 nova");
}

TEST_F(OpenStackEndpointsTest, NovaWithoutATokenIs401WithKeystonesChallenge) {
  httplib::Client client = serve("nova");
  auto r = client.Get("/v2.1/" + services_->cloud->project_id() + "/servers");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->get_header_value("WWW-Authenticate"), "Keystone uri=\"\"");
  EXPECT_EQ(r->get_header_value("X-OpenStack-Nova-API-Version"), "2.1");
  json body = json::parse(r->body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << r->body;
  EXPECT_EQ(body["unauthorized"]["code"], 401) << r->body;
}

TEST_F(OpenStackEndpointsTest, NovaUnknownServerIs404ItemNotFound) {
  httplib::Client client = serve("nova");
  std::string path = "/v2.1/" + services_->cloud->project_id() + "/servers/no-such-server";
  auto r = client.Get(path, {{"X-Auth-Token", token()}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->get_header_value("Content-Type").rfind("application/json", 0), 0u)
      << r->get_header_value("Content-Type");
  EXPECT_EQ(r->get_header_value("OpenStack-API-Version"), "compute 2.1");
  json body = json::parse(r->body, nullptr, false);
  ASSERT_TRUE(body.contains("itemNotFound")) << r->body;
  EXPECT_EQ(body["itemNotFound"]["code"], 404);
  EXPECT_TRUE(body["itemNotFound"]["message"].is_string());
  EXPECT_TRUE(control_.instances().empty()) << "a refused request changes nothing";
}

// Nova's create answers 202 with the server BUILD; it turns ACTIVE, or ERROR with Nova's fault
// when its instance cannot start.
TEST_F(OpenStackEndpointsTest, NovaCreatesInTheBackgroundActiveOrErrorWithAFault) {
  httplib::Client client = serve("nova");
  const std::string servers = "/v2.1/" + services_->cloud->project_id() + "/servers";
  const httplib::Headers auth = {{"X-Auth-Token", token()}};
  auto create = [&](const std::string& name) {
    json body = {{"server", {{"name", name}, {"flavorRef", "1"}, {"networks", "none"}}}};
    auto r = client.Post(servers, auth, body.dump(), "application/json");
    EXPECT_TRUE(r && r->status == 202) << (r ? r->body : "no answer");
    return r ? json::parse(r->body, nullptr, false)["server"].value("id", "") : "";
  };
  auto show = [&](const std::string& id) {
    auto r = client.Get(servers + "/" + id, auth);
    EXPECT_TRUE(r && r->status == 200);
    return r ? json::parse(r->body, nullptr, false)["server"] : json();
  };
  std::string ok = create("fine");
  control_.fail_nth(FakeControl::Op::kStartCompute, 1, ErrorCode::kResourceExhausted);
  std::string bad = create("too-big");
  services_->cloud->settle_builds();
  json fine = show(ok);
  EXPECT_EQ(fine["status"], "ACTIVE");
  EXPECT_EQ(fine["OS-EXT-STS:vm_state"], "active");
  EXPECT_TRUE(fine["OS-EXT-STS:task_state"].is_null());
  EXPECT_FALSE(fine.contains("fault"));
  json failed = show(bad);
  EXPECT_EQ(failed["status"], "ERROR");
  EXPECT_EQ(failed["OS-EXT-STS:vm_state"], "error");
  EXPECT_EQ(failed["OS-EXT-STS:power_state"], 0);
  EXPECT_EQ(failed["fault"]["code"], 500);
  EXPECT_EQ(failed["fault"]["message"].get<std::string>().rfind("No valid host was found.", 0), 0u)
      << failed.dump();
  EXPECT_EQ(control_.instances().size(), 1u);
}

// addSecurityGroup / removeSecurityGroup: a body without a group name is 400, an unknown group
// 404 (Nova's messages), a known one 202.
TEST_F(OpenStackEndpointsTest, NovaSecurityGroupActionsCheckTheirBodies) {
  httplib::Client client = serve("nova");
  const std::string servers = "/v2.1/" + services_->cloud->project_id() + "/servers";
  const httplib::Headers auth = {{"X-Auth-Token", token()}};
  json body = {{"server", {{"name", "s"}, {"flavorRef", "1"}, {"networks", "none"}}}};
  auto made = client.Post(servers, auth, body.dump(), "application/json");
  ASSERT_TRUE(made && made->status == 202);
  std::string action =
      servers + "/" + json::parse(made->body)["server"]["id"].get<std::string>() + "/action";
  services_->cloud->settle_builds();
  auto post = [&](const json& b) {
    auto r = client.Post(action, auth, b.dump(), "application/json");
    return r ? r->status : 0;
  };
  EXPECT_EQ(post({{"addSecurityGroup", json::object()}}), 400);
  EXPECT_EQ(post({{"addSecurityGroup", "default"}}), 400);
  EXPECT_EQ(post({{"addSecurityGroup", {{"name", 7}}}}), 400);
  EXPECT_EQ(post({{"removeSecurityGroup", json::array()}}), 400);
  auto unknown = client.Post(action, auth, json{{"addSecurityGroup", {{"name", "nope"}}}}.dump(),
                             "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_NE(unknown->body.find("Security group nope not found."), std::string::npos)
      << unknown->body;
  EXPECT_EQ(post({{"addSecurityGroup", {{"name", "default"}}}}), 202);
  // The server has no port, so no port is in the group (Nova: not associated with the instance).
  EXPECT_EQ(post({{"removeSecurityGroup", {{"name", "default"}}}}), 404);
}

}  // namespace
}  // namespace chainlab::app
