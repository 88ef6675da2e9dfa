// The gatekeeper's instantiate/terminate against the in-memory emulator::Control: a package's
// VNFs become instances placed round-robin, its E-Lines chains, and a failure at any step of an
// instantiation leaves the emulation as it was. No root needed.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "../../fakes/fake_control.h"
#include "frontends/sonata/catalogue.h"
#include "frontends/sonata/service_deployer.h"
#include "monitor/events.h"
#include "zip_writer.h"

namespace chainlab::sonata {
namespace {

using chainlab::testing::FakeControl;

class GatekeeperFlowTest : public ::testing::Test {
 protected:
  GatekeeperFlowTest() : emu_(FakeControl::pops({"dc1", "dc2"})) {}

  void SetUp() override {
    char tmpl[] = "/tmp/chainlab-gk-flow-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto catalogue = Catalogue::open(dir_ + "/catalogue");
    ASSERT_TRUE(catalogue.ok()) << catalogue.error().message;
    catalogue_ = std::move(*catalogue);
    GatekeeperOptions options;
    options.image_is_local = [](const std::string&) { return false; };
    options.events = &events_;
    gk_ = std::make_unique<Gatekeeper>(emu_, *catalogue_, std::move(options));
    auto up = gk_->onboard(testing::make_zip(testing::sonata_files()));
    ASSERT_TRUE(up.ok()) << up.error().message;
  }
  void TearDown() override {
    gk_.reset();
    catalogue_.reset();
    std::filesystem::remove_all(dir_);
  }

  Result<ServiceInstance> instantiate() {
    InstantiateRequest r;
    r.service_uuid = "latest";
    return gk_->instantiate(r);
  }

  // The events the gatekeeper published so far, oldest first.
  std::vector<monitor::Event> events() const {
    return events_.after(0, 100, std::chrono::milliseconds(0));
  }

  FakeControl emu_;
  monitor::EventLog events_;
  std::string dir_;
  std::unique_ptr<Catalogue> catalogue_;
  std::unique_ptr<Gatekeeper> gk_;
};

TEST_F(GatekeeperFlowTest, VnfsArePlacedRoundRobinAndChained) {
  auto s = instantiate();
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(emu_.instances().size(), 2u) << "two VNFs, no SAP instances by default";
  EXPECT_EQ(emu_.instances().at("vnf_a").pop, "dc1");
  EXPECT_EQ(emu_.instances().at("vnf_b").pop, "dc2");
  auto chains = emu_.list_chains();
  ASSERT_FALSE(chains.empty());
  bool a_to_b = false;
  for (const auto& c : chains) {
    a_to_b |= c.request.src == "vnf_a" && c.request.src_intf == "output" &&
              c.request.dst == "vnf_b" && c.request.dst_intf == "input";
  }
  EXPECT_TRUE(a_to_b) << "the NSD's link-ab";
  // The instance's views come from what the Deployer made.
  ASSERT_EQ(s->units.size(), 2u);
  EXPECT_EQ(s->units[0].name, "vnf_a");
  EXPECT_EQ(s->units[0].vnf_id, "vnf_a");
  bool output_numbered = false;
  for (const auto& [name, ip] : s->units[0].interfaces) {
    output_numbered |= name == "output" && ip == "20.0.0.1/24";
  }
  EXPECT_TRUE(output_numbered);
  ASSERT_FALSE(s->elines.empty());
  EXPECT_EQ(s->elines[0].src, "vnf_a");

  ASSERT_TRUE(gk_->terminate(s->uuid).ok());
  EXPECT_TRUE(emu_.empty());
  EXPECT_TRUE(gk_->instances().empty());
}

TEST_F(GatekeeperFlowTest, InstantiateAndTerminateAreEventsOnTheRunsStream) {
  auto s = instantiate();
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_TRUE(gk_->terminate(s->uuid).ok());
  auto seen = events();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].type, "service.instantiated");
  EXPECT_EQ(seen[1].type, "service.terminated");
  for (const auto& e : seen) {
    EXPECT_EQ(e.data["instance_uuid"], s->uuid);
    EXPECT_EQ(e.data["service_uuid"], s->service_uuid);
    EXPECT_EQ(e.data["service"], s->service_name);
  }
  ASSERT_EQ(seen[0].data["units"].size(), 2u);
  EXPECT_EQ(seen[0].data["units"][0]["instance"], "vnf_a");
  EXPECT_EQ(seen[0].data["units"][0]["pop"], "dc1");
}

TEST_F(GatekeeperFlowTest, AFailureAtAnyStepLeavesNothing) {
  using Op = FakeControl::Op;
  int failed = 0;
  for (Op op : {Op::kStartCompute, Op::kSetChain, Op::kCreateElan}) {
    for (int nth = 1; nth <= 4; ++nth) {
      int before = emu_.calls(op);
      emu_.fail_nth(op, nth);
      auto s = instantiate();
      bool reached = emu_.calls(op) - before >= nth;
      if (reached) {
        ++failed;
        EXPECT_FALSE(s.ok()) << "op " << static_cast<int>(op) << " call " << nth;
      } else if (s.ok()) {
        ASSERT_TRUE(gk_->terminate(s->uuid).ok());
        emu_.clear_failures();
      }
      EXPECT_TRUE(emu_.empty()) << "op " << static_cast<int>(op) << " call " << nth;
      EXPECT_TRUE(gk_->instances().empty());
    }
  }
  // A failed instantiation announces nothing: every event pairs with a service that ran.
  size_t instantiated = 0, terminated = 0;
  for (const auto& e : events()) {
    instantiated += e.type == "service.instantiated" ? 1 : 0;
    terminated += e.type == "service.terminated" ? 1 : 0;
  }
  EXPECT_EQ(instantiated, terminated);
  EXPECT_EQ(failed, 3) << "each of the 2 starts and the one VNF-to-VNF chain failed once";
  auto s = instantiate();
  ASSERT_TRUE(s.ok()) << "names and addresses were all given back";
  std::string output_ip;
  for (const auto& intf : emu_.instances().at("vnf_a").interfaces) {
    output_ip = intf.name == "output" ? intf.ip : output_ip;
  }
  EXPECT_EQ(output_ip, "20.0.0.1/24") << "every failed attempt gave its E-Line subnets back";
}

TEST_F(GatekeeperFlowTest, ContainerStartCommandRunsAfterStartAndItsFailureRollsBack) {
  auto catalogue = Catalogue::open(dir_ + "/containers");
  ASSERT_TRUE(catalogue.ok()) << catalogue.error().message;
  GatekeeperOptions options;
  options.image_is_local = [](const std::string& image) { return image == "chainlab/vnf-a"; };
  Gatekeeper gk(emu_, **catalogue, std::move(options));
  auto files = testing::sonata_files(testing::nsd_yaml(),
                                     testing::vnfd_yaml("vnf-a", "    vm_cmd_start: serve --now"));
  ASSERT_TRUE(gk.onboard(testing::make_zip(files)).ok());
  InstantiateRequest r;
  r.service_uuid = "latest";
  auto s = gk.instantiate(r);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(emu_.execs().size(), 1u) << "only the container's VDU has a start command";
  EXPECT_EQ(emu_.execs()[0].front(), "vnf_a");
  EXPECT_NE(emu_.execs()[0].back().find("(serve --now)"), std::string::npos)
      << emu_.execs()[0].back();
  EXPECT_EQ(s->units.at(0).container, true);
  EXPECT_EQ(emu_.instances().at("vnf_a").command, "") << "a container keeps its entrypoint";
  ASSERT_TRUE(gk.terminate(s->uuid).ok());

  emu_.fail_nth(FakeControl::Op::kExec, 1);
  auto failed = gk.instantiate(r);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("vm_cmd_start"), std::string::npos)
      << failed.error().message;
  EXPECT_NE(failed.error().message.find("rolled back"), std::string::npos);
  EXPECT_TRUE(emu_.empty());
  EXPECT_TRUE(gk.instances().empty());
}

TEST_F(GatekeeperFlowTest, InstanceUuidsAndSecondInstanceNamesComeFromTheInjectedIds) {
  SequentialIds ids;
  ManualClock clock;
  GatekeeperOptions options;
  options.image_is_local = [](const std::string&) { return false; };
  options.ids = &ids;
  options.clock = &clock;
  Gatekeeper gk(emu_, *catalogue_, std::move(options));
  InstantiateRequest r;
  r.service_uuid = "latest";
  auto first = gk.instantiate(r);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->uuid, "00000001-0000-4000-8000-000000000001");
  EXPECT_EQ(first->created_at, iso8601(clock.now(), true));
  auto second = gk.instantiate(r);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->uuid, "00000002-0000-4000-8000-000000000002");
  EXPECT_EQ(emu_.instances().count("vnf_a-00000002"), 1u) << "the taken name gets the short id";
  EXPECT_EQ(second->ssiid, 1);
  ASSERT_EQ(gk.terminate_service("").value().size(), 2u);
  EXPECT_TRUE(emu_.empty());
}

}  // namespace
}  // namespace chainlab::sonata
