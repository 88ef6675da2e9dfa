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

}  // namespace
}  // namespace chainlab::app
