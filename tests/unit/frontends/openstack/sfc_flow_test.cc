// networking-sfc against the in-memory emulator::Control: a port chain becomes one emulator chain
// per hop, in order, and goes away with it; a failure on any hop leaves no chain. No root needed.
#include <gtest/gtest.h>

#include "../../fakes/fake_control.h"
#include "cloud_requests.h"
#include "frontends/openstack/cloud.h"
#include "frontends/openstack/sfc.h"

namespace chainlab::openstack {
namespace {

using chainlab::testing::FakeControl;

class SfcFlowTest : public ::testing::Test {
 protected:
  SfcFlowTest() : emu_(FakeControl::pops({"dc1"})) {}

  void SetUp() override {
    CloudConfig config;
    config.pop = "dc1";
    config.default_network = false;
    cloud_ = std::make_unique<Cloud>(emu_, config);
    sfc_ = std::make_unique<Sfc>(*cloud_, emu_);
    std::string data = network("data", "10.50.0.0/24");
    std::string in = network("sf-in", "10.50.1.0/24");
    std::string out = network("sf-out", "10.50.2.0/24");
    src_ = port(data, "src0");
    dst_ = port(data, "dst0");
    sf_in_ = port(in, "in");
    sf_out_ = port(out, "out");
    server("src", {src_});
    server("dst", {dst_});
    server("sf", {sf_in_, sf_out_});
  }

  std::string network(const std::string& name, const std::string& cidr) {
    return chainlab::testing::network_with_subnet(*cloud_, name, cidr);
  }
  std::string port(const std::string& network_id, const std::string& name) {
    return chainlab::testing::port_on(*cloud_, network_id, name);
  }
  void server(const std::string& name, const std::vector<std::string>& ports) {
    auto s = chainlab::testing::server_on_ports(*cloud_, name, ports);
    ASSERT_TRUE(s.ok()) << s.error().message;
    instances_[name] = s->instance;
  }

  // A chain src -> sf -> dst for ICMP; answers the port chain create result.
  Result<PortChain> make_chain() {
    PortPairCreate pp;
    pp.ingress = sf_in_;
    pp.egress = sf_out_;
    auto pair = sfc_->create_port_pair(pp);
    EXPECT_TRUE(pair.ok());
    PortPairGroupCreate g;
    g.port_pairs = {pair->id};
    auto group = sfc_->create_port_pair_group(g);
    EXPECT_TRUE(group.ok());
    FlowClassifierCreate fc;
    fc.protocol = "icmp";
    fc.logical_source_port = src_;
    fc.logical_destination_port = dst_;
    auto classifier = sfc_->create_flow_classifier(fc);
    EXPECT_TRUE(classifier.ok()) << classifier.error().message;
    PortChainCreate pc;
    pc.port_pair_groups = {group->id};
    pc.flow_classifiers = {classifier->id};
    return sfc_->create_port_chain(pc);
  }

  FakeControl emu_;
  std::unique_ptr<Cloud> cloud_;
  std::unique_ptr<Sfc> sfc_;
  std::map<std::string, std::string> instances_;
  std::string src_, dst_, sf_in_, sf_out_;
};

TEST_F(SfcFlowTest, APortChainIsOneEmulatorChainPerHopInOrder) {
  auto chain = make_chain();
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  auto hops = emu_.list_chains();
  ASSERT_EQ(hops.size(), 2u);
  bool src_to_sf = false;
  bool sf_to_dst = false;
  for (const auto& h : hops) {
    src_to_sf |= h.request.src == instances_["src"] && h.request.dst == instances_["sf"] &&
                 h.request.dst_intf == "in";
    sf_to_dst |= h.request.src == instances_["sf"] && h.request.src_intf == "out" &&
                 h.request.dst == instances_["dst"];
    EXPECT_EQ(h.request.priority, kSfcPriority);
    EXPECT_NE(h.request.match.find("nw_proto=1"), std::string::npos) << h.request.match;
  }
  EXPECT_TRUE(src_to_sf && sf_to_dst);

  ASSERT_TRUE(sfc_->delete_port_chain(chain->id).ok());
  EXPECT_TRUE(emu_.list_chains().empty());
}

TEST_F(SfcFlowTest, AFailedHopLeavesNoChain) {
  emu_.fail_nth(FakeControl::Op::kSetChain, 2);
  auto chain = make_chain();
  ASSERT_FALSE(chain.ok());
  EXPECT_TRUE(emu_.list_chains().empty()) << "the first hop is taken back";
  EXPECT_TRUE(sfc_->list_port_chains().empty());
}

TEST_F(SfcFlowTest, PiecesInUseCannotBeDeleted) {
  auto chain = make_chain();
  ASSERT_TRUE(chain.ok());
  ASSERT_EQ(chain->port_pair_groups.size(), 1u);
  EXPECT_EQ(sfc_->delete_port_pair_group(chain->port_pair_groups[0]).error().code,
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(sfc_->delete_flow_classifier(chain->flow_classifiers[0]).error().code,
            ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace chainlab::openstack
