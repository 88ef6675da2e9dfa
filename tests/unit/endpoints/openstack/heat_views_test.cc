// Heat's resource and event views over REST (endpoints/openstack/heat.cc), on the in-memory
// emulator::Control: a stack of one network, its resource list and its events, field by field.
// No root needed.
#include <httplib.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../../fakes/fake_control.h"
#include "app/services.h"
#include "endpoints/http/http.h"
#include "endpoints/openstack/openstack.h"

namespace chainlab::endpoints {
namespace {

using chainlab::testing::FakeControl;
using nlohmann::json;

std::vector<std::string> keys_of(const json& object) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : object.items()) {
    keys.push_back(key);
  }
  return keys;
}

class HeatViewsTest : public ::testing::Test {
 protected:
  HeatViewsTest() : control_(FakeControl::pops({"dc1"})) {}

  void SetUp() override {
    services_ = app::make_openstack_services(control_, "dc1", nullptr);
    endpoints_ =
        make_openstack_endpoints(*services_->cloud, *services_->sfc, *services_->stacks, 0);
    for (auto& e : endpoints_) {
      if (e.label == "heat") {
        auto l = HttpListener::start({}, *e.endpoint);
        ASSERT_TRUE(l.ok()) << l.error().message;
        listener_ = std::move(l).value();
      }
    }
    ASSERT_NE(listener_, nullptr);
    auto t = services_->cloud->issue_token("admin", "admin");
    ASSERT_TRUE(t.ok());
    headers_ = {{"X-Auth-Token", t->id}};
    base_ = "/v1/" + services_->cloud->project_id() + "/stacks";
  }
  void TearDown() override {
    if (listener_) {
      listener_->stop();
    }
    listener_.reset();
    endpoints_.clear();
    services_.reset();
  }

  json get(const std::string& path) {
    httplib::Client client("127.0.0.1", listener_->port());
    auto r = client.Get(path, headers_);
    EXPECT_TRUE(r);
    if (!r) {
      return nullptr;
    }
    EXPECT_EQ(r->status, 200) << path << ": " << r->body;
    return json::parse(r->body, nullptr, false);
  }
  // Creates stack "s1" of one network "n1"; its path under base_.
  std::string create_stack() {
    json body = {{"stack_name", "s1"},
                 {"template",
                  {{"heat_template_version", "2018-08-31"},
                   {"resources",
                    {{"net", {{"type", "OS::Neutron::Net"}, {"properties", {{"name", "n1"}}}}}}}}}};
    httplib::Client client("127.0.0.1", listener_->port());
    auto r = client.Post(base_, headers_, body.dump(), "application/json");
    EXPECT_TRUE(r);
    if (!r) {
      return "";
    }
    EXPECT_EQ(r->status, 201) << r->body;
    return base_ + "/s1/" + json::parse(r->body)["stack"]["id"].get<std::string>();
  }

  FakeControl control_;
  std::unique_ptr<app::OpenStackServices> services_;
  std::vector<OpenStackService> endpoints_;
  std::unique_ptr<HttpListener> listener_;
  httplib::Headers headers_;
  std::string base_;
};

TEST_F(HeatViewsTest, AResourceNamesItselfItsPhysicalIdTypeAndStatus) {
  std::string stack = create_stack();
  ASSERT_FALSE(stack.empty());
  json resources = get(stack + "/resources");
  ASSERT_EQ(resources["resources"].size(), 1u) << resources.dump();
  const json& r = resources["resources"][0];
  EXPECT_EQ(keys_of(r), (std::vector<std::string>{
                            "creation_time", "links", "logical_resource_id", "physical_resource_id",
                            "required_by", "resource_name", "resource_status",
                            "resource_status_reason", "resource_type", "updated_time"}));
  auto networks = services_->cloud->list_networks();
  std::string net_id;
  for (const auto& n : networks) {
    if (n.name == "n1") {
      net_id = n.id;
    }
  }
  ASSERT_FALSE(net_id.empty());
  EXPECT_EQ(r["resource_name"], "net");
  EXPECT_EQ(r["logical_resource_id"], "net");
  EXPECT_EQ(r["physical_resource_id"], net_id);
  EXPECT_EQ(r["resource_type"], "OS::Neutron::Net");
  EXPECT_EQ(r["resource_status"], "CREATE_COMPLETE");
  EXPECT_EQ(r["resource_status_reason"], "state changed");
  EXPECT_EQ(r["creation_time"], r["updated_time"]);
  EXPECT_EQ(r["required_by"], json::array());
  ASSERT_EQ(r["links"].size(), 2u);
  EXPECT_EQ(r["links"][0]["rel"], "self");
  EXPECT_TRUE(r["links"][0]["href"].get<std::string>().ends_with(stack + "/resources/net"))
      << r["links"][0]["href"];
  EXPECT_EQ(r["links"][1]["rel"], "stack");

  json one = get(stack + "/resources/net");
  EXPECT_EQ(one["resource"]["physical_resource_id"], net_id);
  EXPECT_EQ(one["resource"]["attributes"], json::object());
}

TEST_F(HeatViewsTest, AnEventCarriesItsResourcesFieldsAndThreeLinks) {
  std::string stack = create_stack();
  ASSERT_FALSE(stack.empty());
  json events = get(stack + "/events");
  const json* net_event = nullptr;
  for (const auto& e : events["events"]) {
    if (e["resource_name"] == "net" && e["resource_status"] == "CREATE_COMPLETE") {
      net_event = &e;
    }
  }
  ASSERT_NE(net_event, nullptr) << events.dump();
  const json& e = *net_event;
  EXPECT_EQ(keys_of(e),
            (std::vector<std::string>{"event_time", "id", "links", "logical_resource_id",
                                      "physical_resource_id", "resource_name", "resource_status",
                                      "resource_status_reason", "resource_type"}));
  EXPECT_EQ(e["logical_resource_id"], "net");
  EXPECT_EQ(e["resource_type"], "OS::Neutron::Net");
  EXPECT_FALSE(e["physical_resource_id"].get<std::string>().empty());
  ASSERT_EQ(e["links"].size(), 3u);
  std::string id = e["id"].get<std::string>();
  EXPECT_TRUE(
      e["links"][0]["href"].get<std::string>().ends_with(stack + "/resources/net/events/" + id));
  EXPECT_EQ(e["links"][0]["rel"], "self");
  EXPECT_TRUE(e["links"][1]["href"].get<std::string>().ends_with(stack + "/resources/net"));
  EXPECT_EQ(e["links"][1]["rel"], "resource");
  EXPECT_TRUE(e["links"][2]["href"].get<std::string>().ends_with(stack));
  EXPECT_EQ(e["links"][2]["rel"], "stack");
}

}  // namespace
}  // namespace chainlab::endpoints
