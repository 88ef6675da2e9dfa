// Nova's asynchronous create in the Cloud against the in-memory emulator::Control: a server is
// BUILD at once with its ports reserved, reads answer while its instance starts, it turns ACTIVE,
// or ERROR with a fault; deleted while BUILD it never starts and leaves nothing.
#include <gtest/gtest.h>

#include <memory>

#include "../../fakes/fake_control.h"
#include "../../fakes/start_gate.h"
#include "cloud_requests.h"
#include "frontends/openstack/cloud.h"

namespace chainlab::openstack {
namespace {

using chainlab::testing::FakeControl;

class CloudServerBuildTest : public ::testing::Test {
 protected:
  CloudServerBuildTest() : emu_(FakeControl::pops({"dc1"})) {}

  void SetUp() override {
    CloudConfig config;
    config.pop = "dc1";
    config.default_network = false;
    cloud_ = std::make_unique<Cloud>(emu_, config, nullptr);
    net_ = chainlab::testing::network_with_subnet(*cloud_, "data", "10.9.0.0/24");
  }
  void TearDown() override { gate_.reset(); }  // opens it before the Cloud joins its builds

  void hold_next_start() { gate_ = std::make_unique<chainlab::testing::StartGate>(emu_); }
  void held() { gate_->wait_held(); }
  void release() { gate_->release(); }
  Result<Server> start(const std::string& name, std::vector<ServerNic> nics = {}) {
    ServerCreate sc;
    sc.name = name;
    sc.flavor = "m1.tiny";
    sc.nics = nics.empty() ? std::vector<ServerNic>{{"", net_, ""}} : nics;
    return cloud_->start_server(sc);
  }

  FakeControl emu_;
  std::unique_ptr<Cloud> cloud_;
  std::string net_;
  std::unique_ptr<chainlab::testing::StartGate> gate_;
};

TEST_F(CloudServerBuildTest, BuildAtOnceThenActiveWhileReadsAnswer) {
  hold_next_start();
  auto s = start("web");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->status, "BUILD");
  EXPECT_EQ(s->task_state, "spawning");
  EXPECT_TRUE(s->instance.empty());
  held();  // the build thread is inside start_compute, without the PoP's lock
  auto shown = cloud_->server_view(s->id);
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->server.status, "BUILD");
  ASSERT_EQ(shown->ports.size(), 1U);
  EXPECT_EQ(shown->ports[0].device_id, s->id);  // reserved, not bound
  EXPECT_EQ(shown->ports[0].status, "DOWN");
  EXPECT_FALSE(shown->ports[0].binding.has_value());
  EXPECT_EQ(cloud_->list_servers().size(), 1U);
  release();
  cloud_->settle_builds();
  auto active = cloud_->get_server(s->id);
  ASSERT_TRUE(active.ok());
  EXPECT_EQ(active->status, "ACTIVE");
  EXPECT_TRUE(active->task_state.empty());
  EXPECT_EQ(emu_.instances().count(active->instance), 1U);
  auto port = cloud_->get_port(active->port_ids.at(0));
  ASSERT_TRUE(port.ok());
  EXPECT_EQ(port->status, "ACTIVE");
  EXPECT_TRUE(port->binding.has_value());
}

TEST_F(CloudServerBuildTest, AFailedStartIsErrorWithAFaultAndKeepsItsPortsUntilDeleted) {
  emu_.fail_nth(FakeControl::Op::kStartCompute, 1, ErrorCode::kResourceExhausted);
  auto s = start("big");
  ASSERT_TRUE(s.ok()) << s.error().message;
  cloud_->settle_builds();
  auto failed = cloud_->get_server(s->id);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->status, "ERROR");
  ASSERT_TRUE(failed->fault.has_value());
  EXPECT_EQ(failed->fault->code, 500);
  EXPECT_TRUE(failed->fault->message.starts_with("No valid host was found."))
      << failed->fault->message;
  EXPECT_TRUE(emu_.instances().empty());
  EXPECT_EQ(cloud_->list_ports().size(), 1U);
  EXPECT_EQ(cloud_->attach_interface(s->id, {"", net_, ""}).error().code,
            ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(cloud_->delete_server(s->id).ok());
  EXPECT_TRUE(cloud_->list_ports().empty());
  EXPECT_TRUE(cloud_->list_servers().empty());
}

TEST_F(CloudServerBuildTest, DeletedWhileQueuedItNeverStartsAndItsPortsGo) {
  std::string given = chainlab::testing::port_on(*cloud_, net_, "given");
  hold_next_start();
  auto first = start("first");
  ASSERT_TRUE(first.ok());
  held();  // the PoP's lock is free while an instance starts: calls go on
  auto second = start("second", {{given, "", ""}, {"", net_, ""}});  // queued behind the first
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->status, "BUILD");
  // A BUILD server's port cannot be taken by another server.
  EXPECT_EQ(start("thief", {{given, "", ""}}).error().code, ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(cloud_->delete_server(second->id).ok());
  release();
  cloud_->settle_builds();
  EXPECT_EQ(emu_.instances().size(), 1U);  // only the first
  EXPECT_FALSE(cloud_->get_server(second->id).ok());
  auto kept = cloud_->get_port(given);
  ASSERT_TRUE(kept.ok());  // given by id: kept, freed
  EXPECT_TRUE(kept->device_id.empty());
  EXPECT_EQ(cloud_->list_ports().size(), 2U);  // the first's and the given one
}

TEST_F(CloudServerBuildTest, DeletedWhileItsInstanceStartsTheInstanceIsStopped) {
  hold_next_start();
  auto s = start("short-lived");
  ASSERT_TRUE(s.ok());
  held();
  ASSERT_TRUE(cloud_->delete_server(s->id).ok());  // answers at once
  EXPECT_TRUE(cloud_->list_ports().empty());
  release();
  cloud_->settle_builds();
  EXPECT_TRUE(emu_.instances().empty());
  EXPECT_TRUE(cloud_->list_servers().empty());
}

TEST_F(CloudServerBuildTest, APortDeletedWhileItsInstanceStartsLeavesTheServer) {
  std::string given = chainlab::testing::port_on(*cloud_, net_, "given");
  hold_next_start();
  auto s = start("two-legs", {{given, "", ""}, {"", net_, ""}});
  ASSERT_TRUE(s.ok());
  held();
  ASSERT_TRUE(cloud_->delete_port(given).ok());
  release();
  cloud_->settle_builds();
  auto active = cloud_->get_server(s->id);
  ASSERT_TRUE(active.ok());
  EXPECT_EQ(active->status, "ACTIVE");
  ASSERT_EQ(active->port_ids.size(), 1U);
  const auto& interfaces = emu_.instances().at(active->instance).interfaces;
  ASSERT_EQ(interfaces.size(), 1U);  // the deleted port's interface went
  auto port = cloud_->get_port(active->port_ids[0]);
  ASSERT_TRUE(port.ok());
  EXPECT_EQ(interfaces[0].name, port->binding->interface);
}

TEST_F(CloudServerBuildTest, AReservedPortKeepsItsOwner) {
  std::string given = chainlab::testing::port_on(*cloud_, net_, "given");
  hold_next_start();
  auto s = start("owner", {{given, "", ""}});
  ASSERT_TRUE(s.ok());
  held();
  PortUpdate steal;
  steal.device_id = "";
  EXPECT_EQ(cloud_->update_port(given, steal).error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(start("thief", {{given, "", ""}}).error().code, ErrorCode::kFailedPrecondition);
  release();
  cloud_->settle_builds();
  EXPECT_EQ(cloud_->get_port(given)->device_id, s->id);
  EXPECT_EQ(cloud_->get_server(s->id)->status, "ACTIVE");
}

TEST_F(CloudServerBuildTest, AFailedJoinIsErrorWithTheInstanceStoppedAndItsPortsReserved) {
  ASSERT_TRUE(chainlab::testing::server_on_networks(*cloud_, "first", {net_}).ok());
  // The second member of the network makes its E-LAN: that step fails.
  emu_.fail_nth(FakeControl::Op::kCreateElan, 1);
  emu_.fail_nth(FakeControl::Op::kUpdateElan, 1);
  auto s = start("second");
  ASSERT_TRUE(s.ok());
  cloud_->settle_builds();
  auto failed = cloud_->get_server(s->id);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->status, "ERROR");
  EXPECT_TRUE(failed->instance.empty());
  EXPECT_EQ(emu_.instances().size(), 1U);  // only the first
  auto port = cloud_->get_port(failed->port_ids.at(0));
  ASSERT_TRUE(port.ok());
  EXPECT_EQ(port->device_id, s->id);
  EXPECT_FALSE(port->binding.has_value());
  emu_.clear_failures();
  ASSERT_TRUE(cloud_->delete_server(s->id).ok());
  EXPECT_EQ(cloud_->list_ports().size(), 1U);
}

TEST_F(CloudServerBuildTest, TheSynchronousCreateLeavesNothingWhenItsStartFails) {
  emu_.fail_nth(FakeControl::Op::kStartCompute, 1);
  auto s = chainlab::testing::server_on_networks(*cloud_, "sync", {net_});
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(cloud_->list_servers().empty());
  EXPECT_TRUE(cloud_->list_ports().empty());
}

}  // namespace
}  // namespace chainlab::openstack
