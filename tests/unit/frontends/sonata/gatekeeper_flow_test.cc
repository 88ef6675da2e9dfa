// The gatekeeper's instantiate/terminate against the in-memory emulator::Control: a package's
// VNFs become instances placed round-robin, its E-Lines chains, and a failure at any step of an
// instantiation leaves the emulation as it was. No root needed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "../../fakes/fake_control.h"
#include "frontends/sonata/catalogue.h"
#include "frontends/sonata/service_deployer.h"
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

  FakeControl emu_;
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

  ASSERT_TRUE(gk_->terminate(s->uuid).ok());
  EXPECT_TRUE(emu_.empty());
  EXPECT_TRUE(gk_->instances().empty());
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
  EXPECT_EQ(failed, 3) << "each of the 2 starts and the one VNF-to-VNF chain failed once";
  auto s = instantiate();
  ASSERT_TRUE(s.ok()) << "names and addresses were all given back";
  std::string output_ip;
  for (const auto& intf : emu_.instances().at("vnf_a").interfaces) {
    output_ip = intf.name == "output" ? intf.ip : output_ip;
  }
  EXPECT_EQ(output_ip, "20.0.0.1/24") << "every failed attempt gave its E-Line subnets back";
}

}  // namespace
}  // namespace chainlab::sonata
