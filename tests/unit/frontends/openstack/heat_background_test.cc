// Heat stack operations in the background, against a Cloud over the in-memory emulator::Control:
// create answers CREATE_IN_PROGRESS, reads answer while a server of the stack starts, an update
// meanwhile is refused, a delete is queued behind the create and leaves nothing.
#include <gtest/gtest.h>

#include <memory>

#include "../../fakes/fake_control.h"
#include "../../fakes/start_gate.h"
#include "frontends/openstack/cloud.h"
#include "frontends/openstack/heat_stacks.h"

namespace chainlab::openstack {
namespace {

using chainlab::testing::FakeControl;

constexpr const char* kTwoServers = R"(
heat_template_version: 2018-08-31
resources:
  net:
    type: OS::Neutron::Net
  sub:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}, cidr: 10.5.0.0/24}
  a:
    type: OS::Nova::Server
    properties:
      flavor: m1.tiny
      image: no-such-image
      networks: [{subnet: {get_resource: sub}}]
  b:
    type: OS::Nova::Server
    properties:
      flavor: m1.tiny
      image: no-such-image
      networks: [{subnet: {get_resource: sub}}]
)";

class HeatBackgroundTest : public ::testing::Test {
 protected:
  HeatBackgroundTest() : emu_(FakeControl::pops({"dc1"})) {}

  void SetUp() override {
    CloudConfig config;
    config.pop = "dc1";
    config.default_network = false;
    config.default_image = "";
    cloud_ = std::make_unique<Cloud>(emu_, config, nullptr);
    engine_ = std::make_unique<StackEngine>(*cloud_);
  }
  void TearDown() override {
    gate_.reset();  // opens it before the engine and the Cloud join their jobs
    engine_.reset();
  }

  void hold_next_start() { gate_ = std::make_unique<chainlab::testing::StartGate>(emu_); }
  StackRequest request(const std::string& name, std::string text) {
    StackRequest r;
    r.name = name;
    r.template_text = std::move(text);
    return r;
  }

  FakeControl emu_;
  std::unique_ptr<Cloud> cloud_;
  std::unique_ptr<StackEngine> engine_;
  std::unique_ptr<chainlab::testing::StartGate> gate_;
};

TEST_F(HeatBackgroundTest, CreateAnswersInProgressAndReadsAnswerWhileAServerStarts) {
  hold_next_start();
  auto s = engine_->create(request("pair", kTwoServers));
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->status, "CREATE_IN_PROGRESS");
  gate_->wait_held();  // the job is inside server a's start, the engine unlocked
  auto shown = engine_->get("pair");
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->status, "CREATE_IN_PROGRESS");
  auto events = engine_->events("pair");
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->back().resource_name, "a");
  EXPECT_EQ(events->back().status, "CREATE_IN_PROGRESS");
  EXPECT_EQ(engine_->update("pair", request("pair", kTwoServers)).error().code,
            ErrorCode::kFailedPrecondition);
  gate_->release();
  engine_->settle();
  shown = engine_->get("pair");
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->status, "CREATE_COMPLETE") << shown->status_reason;
  EXPECT_EQ(emu_.instances().size(), 2U);
  EXPECT_EQ(cloud_->list_servers().size(), 2U);
}

TEST_F(HeatBackgroundTest, ADeleteDuringTheCreateRunsAfterItAndLeavesNothing) {
  hold_next_start();
  ASSERT_TRUE(engine_->create(request("gone", kTwoServers)).ok());
  gate_->wait_held();
  ASSERT_TRUE(engine_->remove("gone").ok());  // answers at once, queued behind the create
  EXPECT_EQ(engine_->get("gone")->status, "CREATE_IN_PROGRESS");
  gate_->release();
  engine_->settle();
  EXPECT_EQ(engine_->get("gone").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(emu_.instances().empty());
  EXPECT_TRUE(cloud_->list_servers().empty());
  EXPECT_TRUE(cloud_->list_networks().empty());
  EXPECT_TRUE(cloud_->list_ports().empty());
}

TEST_F(HeatBackgroundTest, AStackRemovedBeforeItsCreateRanIsNeverCreated) {
  hold_next_start();
  ASSERT_TRUE(engine_->create(request("first", kTwoServers)).ok());
  gate_->wait_held();
  ASSERT_TRUE(engine_->create(request("queued", kTwoServers)).ok());
  ASSERT_TRUE(engine_->remove("queued").ok());
  EXPECT_EQ(engine_->update("queued", request("queued", kTwoServers)).error().code,
            ErrorCode::kFailedPrecondition);
  gate_->release();
  engine_->settle();
  EXPECT_EQ(engine_->get("queued").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(engine_->get("first")->status, "CREATE_COMPLETE");
  EXPECT_EQ(emu_.instances().size(), 2U);  // the first stack's only
}

TEST_F(HeatBackgroundTest, AFailingServerMakesTheStackCreateFailedAndRollsBack) {
  emu_.fail_nth(FakeControl::Op::kStartCompute, 2);
  ASSERT_TRUE(engine_->create(request("half", kTwoServers)).ok());
  engine_->settle();
  auto shown = engine_->get("half");
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->status, "CREATE_FAILED");
  EXPECT_NE(shown->status_reason.find("Resource CREATE failed"), std::string::npos)
      << shown->status_reason;
  EXPECT_TRUE(emu_.instances().empty());
  EXPECT_TRUE(cloud_->list_servers().empty());
  ASSERT_TRUE(engine_->remove("half").ok());
  engine_->settle();
  EXPECT_EQ(engine_->get("half").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace chainlab::openstack
