// networking-sfc on a real emulation: servers src and dst on one network, a service function sf
// whose two ports sit on networks of their own (so only the chain reaches them) and that bridges
// them; a port chain steers src's ICMP to dst through sf, observed on sf's ingress counter.
#include <chrono>
#include <sstream>
#include <thread>

#include "cloud_fixture.h"
#include "frontends/openstack/cloud.h"
#include "frontends/openstack/sfc.h"
#include "test_util.h"

namespace chainlab::openstack {
namespace {

using namespace std::chrono_literals;

// Request builders (designated initialisers would trip -Wmissing-field-initializers).
PortPairCreate pair(const std::string& ingress, const std::string& egress) {
  PortPairCreate r;
  r.ingress = ingress;
  r.egress = egress;
  return r;
}
PortPairGroupCreate group(std::vector<std::string> pairs) {
  PortPairGroupCreate r;
  r.port_pairs = std::move(pairs);
  return r;
}
PortChainCreate chain_of(std::vector<std::string> groups, std::vector<std::string> classifiers) {
  PortChainCreate r;
  r.port_pair_groups = std::move(groups);
  r.flow_classifiers = std::move(classifiers);
  return r;
}
PortChainUpdate classifiers(std::vector<std::string> ids) {
  PortChainUpdate r;
  r.flow_classifiers = std::move(ids);
  return r;
}

class SfcTest : public chainlab::testing::CloudFixture {
 protected:
  void SetUp() override {
    CloudFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) {
      return;
    }
    sfc_ = std::make_unique<Sfc>(*cloud_, *emu_);

    std::string data = network("data", "10.31.0.0/24");
    std::string sf_in_net = network("sf-in", "10.31.1.0/24");
    std::string sf_out_net = network("sf-out", "10.31.2.0/24");
    src_port_ = port(data, "src0");
    dst_port_ = port(data, "dst0");
    sf_in_ = port(sf_in_net, "in");
    sf_out_ = port(sf_out_net, "out");
    server("src", {src_port_});
    server("dst", {dst_port_});
    server("sf", {sf_in_, sf_out_});
    auto dst = cloud_->get_port(dst_port_);
    ASSERT_TRUE(dst.ok());
    dst_ip_ = dst->fixed_ips.at(0).ip_address;
    // sf forwards between its two interfaces.
    for (const auto& cmd :
         std::vector<std::vector<std::string>>{{"ip", "link", "add", "br0", "type", "bridge"},
                                               {"ip", "link", "set", "in", "master", "br0"},
                                               {"ip", "link", "set", "out", "master", "br0"},
                                               {"ip", "link", "set", "br0", "up"}}) {
      auto r = emu_->exec(instance("sf"), cmd, 10s);
      ASSERT_TRUE(r.ok() && r->exit_code == 0) << cmd[3] << ": " << (r.ok() ? r->output : "");
    }
  }
  void TearDown() override {
    sfc_.reset();
    CloudFixture::TearDown();
  }

  std::string port(const std::string& network_id, const std::string& name) {
    return chainlab::testing::port_on(*cloud_, network_id, name);
  }
  void server(const std::string& name, const std::vector<std::string>& ports) {
    auto s = chainlab::testing::server_on_ports(*cloud_, name, ports);
    ASSERT_TRUE(s.ok()) << s.error().message;
    instances_[name] = s->instance;
  }
  std::string instance(const std::string& server) { return instances_.at(server); }

  bool ping(int count = 3) {
    auto r =
        emu_->exec(instance("src"),
                   {"ping", "-c", std::to_string(count), "-i", "0.2", "-W", "1", dst_ip_}, 20s);
    return r.ok() && r->exit_code == 0;
  }
  // Packets received on an interface of sf (/proc/net/dev inside sf), by default its ingress.
  uint64_t sf_rx_packets(const std::string& intf = "in", const std::string& server = "sf") {
    auto r = emu_->exec(instance(server), {"cat", "/proc/net/dev"}, 10s);
    EXPECT_TRUE(r.ok());
    std::istringstream in(r.ok() ? r->output : "");
    std::string line;
    while (std::getline(in, line)) {
      auto colon = line.find(':');
      if (colon == std::string::npos) {
        continue;
      }
      std::string name = line.substr(0, colon);
      name.erase(0, name.find_first_not_of(' '));
      if (name == intf) {
        std::istringstream fields(line.substr(colon + 1));
        uint64_t bytes = 0;
        uint64_t packets = 0;
        fields >> bytes >> packets;
        return packets;
      }
    }
    ADD_FAILURE() << "no interface '" << intf << "' in " << server;
    return 0;
  }

  // pp, ppg and an ICMP classifier from src to dst; returns the classifier id.
  std::string make_pieces() {
    auto pp = sfc_->create_port_pair(pair(sf_in_, sf_out_));
    EXPECT_TRUE(pp.ok()) << pp.error().message;
    pp_ = pp.ok() ? pp->id : "";
    auto g = sfc_->create_port_pair_group(group({pp_}));
    EXPECT_TRUE(g.ok()) << g.error().message;
    ppg_ = g.ok() ? g->id : "";
    FlowClassifierCreate fc;
    fc.name = "fc1";
    fc.protocol = "icmp";
    fc.destination_ip_prefix = dst_ip_ + "/32";
    fc.logical_source_port = src_port_;
    fc.logical_destination_port = dst_port_;
    auto c = sfc_->create_flow_classifier(fc);
    EXPECT_TRUE(c.ok()) << c.error().message;
    return c.ok() ? c->id : "";
  }

  std::unique_ptr<Sfc> sfc_;
  std::map<std::string, std::string> instances_;
  std::string src_port_, dst_port_, sf_in_, sf_out_, dst_ip_, pp_, ppg_;
};

TEST_F(SfcTest, TrafficFollowsThePortChainOnlyWhileItExists) {
  std::string fc = make_pieces();
  ASSERT_FALSE(fc.empty());

  // Before the chain: src reaches dst over the network, sf sees nothing.
  uint64_t before = sf_rx_packets();
  ASSERT_TRUE(ping()) << "src and dst share a network";
  EXPECT_LT(sf_rx_packets() - before, 3u) << "no chain yet: sf is off the path";

  auto chain = sfc_->create_port_chain(chain_of({ppg_}, {fc}));
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  EXPECT_EQ(chain->chain_id, 1);
  auto hops = sfc_->port_chain_hops(chain->id);
  ASSERT_TRUE(hops.ok());
  ASSERT_EQ(hops->size(), 2u) << "src -> sf:in, sf:out -> dst";
  EXPECT_EQ((*hops)[0].request.src, instance("src"));
  EXPECT_EQ((*hops)[0].request.dst_intf, "in");
  EXPECT_EQ((*hops)[1].request.src_intf, "out");
  EXPECT_EQ((*hops)[1].request.priority, kSfcPriority);
  EXPECT_EQ(emu_->list_chains().size(), 2u);

  before = sf_rx_packets();
  ASSERT_TRUE(ping(5)) << "the echo requests cross sf and still arrive";
  EXPECT_GE(sf_rx_packets() - before, 5u) << "every echo request entered sf's ingress";

  // Without classifiers the chain steers nothing; with it back, sf is on the path again.
  auto updated = sfc_->update_port_chain(chain->id, classifiers({}));
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_TRUE(emu_->list_chains().empty());
  before = sf_rx_packets();
  ASSERT_TRUE(ping());
  EXPECT_LT(sf_rx_packets() - before, 3u);
  updated = sfc_->update_port_chain(chain->id, classifiers({fc}));
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  before = sf_rx_packets();
  ASSERT_TRUE(ping());
  EXPECT_GE(sf_rx_packets() - before, 3u);

  // In use: the pieces of a chain cannot go before it.
  EXPECT_EQ(sfc_->delete_port_pair_group(ppg_).error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(sfc_->delete_flow_classifier(fc).error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(sfc_->delete_port_pair(pp_).error().code, ErrorCode::kFailedPrecondition);

  ASSERT_TRUE(sfc_->delete_port_chain(chain->id).ok());
  EXPECT_TRUE(emu_->list_chains().empty());
  before = sf_rx_packets();
  ASSERT_TRUE(ping()) << "back on the network's forwarding";
  EXPECT_LT(sf_rx_packets() - before, 3u) << "chain deleted: sf is off the path";

  EXPECT_TRUE(sfc_->delete_port_pair_group(ppg_).ok());
  EXPECT_TRUE(sfc_->delete_port_pair(pp_).ok());
  EXPECT_TRUE(sfc_->delete_flow_classifier(fc).ok());
  EXPECT_TRUE(sfc_->list_port_chains().empty());
}

TEST_F(SfcTest, RefusalsLeaveNothingInstalled) {
  std::string fc = make_pieces();
  ASSERT_FALSE(fc.empty());
  EXPECT_EQ(sfc_->create_port_pair(pair("no-such-port", sf_out_)).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(sfc_->create_port_pair_group(group({"nope"})).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(sfc_->create_port_pair_group(group({pp_})).error().code, ErrorCode::kFailedPrecondition)
      << "a port pair is in one group at most";
  EXPECT_EQ(sfc_->create_port_chain(chain_of({}, {fc})).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(sfc_->create_port_chain(chain_of({"nope"}, {})).error().code, ErrorCode::kNotFound);

  // An unbound port refuses the chain, naming the port.
  std::string loose = port(cloud_->get_port(src_port_)->network_id, "loose");
  FlowClassifierCreate req;
  req.logical_source_port = loose;
  auto unbound_fc = sfc_->create_flow_classifier(req);
  ASSERT_TRUE(unbound_fc.ok()) << unbound_fc.error().message;
  auto refused = sfc_->create_port_chain(chain_of({ppg_}, {unbound_fc->id}));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(refused.error().message.find(loose), std::string::npos) << refused.error().message;
  EXPECT_TRUE(emu_->list_chains().empty());
  EXPECT_TRUE(sfc_->list_port_chains().empty());

  // A classifier already used by a chain cannot join another.
  auto chain = sfc_->create_port_chain(chain_of({ppg_}, {fc}));
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  auto pp2 = sfc_->create_port_pair(pair(sf_out_, sf_in_));
  ASSERT_TRUE(pp2.ok()) << pp2.error().message;
  auto g2 = sfc_->create_port_pair_group(group({pp2->id}));
  ASSERT_TRUE(g2.ok()) << g2.error().message;
  EXPECT_EQ(sfc_->create_port_chain(chain_of({g2->id}, {fc})).error().code,
            ErrorCode::kFailedPrecondition);
  // A failed update keeps the chain as it was.
  auto bad = sfc_->update_port_chain(chain->id, classifiers({fc, unbound_fc->id}));
  EXPECT_EQ(bad.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(emu_->list_chains().size(), 2u);
  EXPECT_EQ(sfc_->get_port_chain(chain->id)->flow_classifiers, std::vector<std::string>{fc});
  EXPECT_TRUE(ping());
}

TEST_F(SfcTest, SymmetricChainSteersTheRepliesBackThroughTheFunction) {
  std::string fc = make_pieces();
  ASSERT_FALSE(fc.empty());
  PortChainCreate req = chain_of({ppg_}, {fc});
  req.chain_parameters.symmetric = true;
  auto chain = sfc_->create_port_chain(req);
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  auto hops = sfc_->port_chain_hops(chain->id);
  ASSERT_TRUE(hops.ok());
  ASSERT_EQ(hops->size(), 4u);
  EXPECT_EQ((*hops)[2].request.src, instance("dst"));
  EXPECT_EQ((*hops)[2].request.dst_intf, "out");
  uint64_t in_before = sf_rx_packets("in");
  uint64_t out_before = sf_rx_packets("out");
  ASSERT_TRUE(ping(4));
  EXPECT_GE(sf_rx_packets("in") - in_before, 4u) << "echo requests enter sf's ingress";
  EXPECT_GE(sf_rx_packets("out") - out_before, 4u) << "echo replies come back through its egress";

  // Symmetric needs a destination port on every classifier.
  FlowClassifierCreate open;
  open.logical_source_port = src_port_;
  open.protocol = "udp";
  auto fc2 = sfc_->create_flow_classifier(open);
  ASSERT_TRUE(fc2.ok()) << fc2.error().message;
  auto bad = sfc_->update_port_chain(chain->id, classifiers({fc, fc2->id}));
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(emu_->list_chains().size(), 4u) << "the chain is as it was";
}

TEST_F(SfcTest, AGroupOfTwoPairsSpreadsFlowsAndEachFlowComesBackThroughItsPair) {
  // sf2 bridges a second pair of ports, on networks of its own (on sf's, the two bridges would
  // close a loop between the networks).
  std::string in2 = port(network("sf2-in", "10.31.3.0/24"), "in2");
  std::string out2 = port(network("sf2-out", "10.31.4.0/24"), "out2");
  server("sf2", {in2, out2});
  // No IPv6 in the functions: their bridges' router solicitations would reach the other one.
  for (const char* sf : {"sf", "sf2"}) {
    for (const char* key :
         {"net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"}) {
      auto r = emu_->exec(instance(sf), {"sysctl", "-qw", key}, 10s);
      ASSERT_TRUE(r.ok() && r->exit_code == 0) << sf << ": " << (r.ok() ? r->output : "");
    }
  }
  for (const auto& cmd :
       std::vector<std::vector<std::string>>{{"ip", "link", "add", "br0", "type", "bridge"},
                                             {"ip", "link", "set", "in2", "master", "br0"},
                                             {"ip", "link", "set", "out2", "master", "br0"},
                                             {"ip", "link", "set", "br0", "up"}}) {
    auto r = emu_->exec(instance("sf2"), cmd, 10s);
    ASSERT_TRUE(r.ok() && r->exit_code == 0) << cmd[3];
  }
  auto pp1 = sfc_->create_port_pair(pair(sf_in_, sf_out_));
  auto pp2 = sfc_->create_port_pair(pair(in2, out2));
  ASSERT_TRUE(pp1.ok() && pp2.ok());
  auto g = sfc_->create_port_pair_group(group({pp1->id, pp2->id}));
  ASSERT_TRUE(g.ok()) << g.error().message;
  FlowClassifierCreate udp;
  udp.protocol = "udp";
  udp.destination_ip_prefix = dst_ip_ + "/32";
  udp.logical_source_port = src_port_;
  udp.logical_destination_port = dst_port_;
  auto fc = sfc_->create_flow_classifier(udp);
  ASSERT_TRUE(fc.ok()) << fc.error().message;
  PortChainCreate req = chain_of({g->id}, {fc->id});
  req.chain_parameters.symmetric = true;
  auto chain = sfc_->create_port_chain(req);
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  auto hops = sfc_->port_chain_hops(chain->id);
  ASSERT_TRUE(hops.ok());
  // src -> {in, in2}; out -> dst; out2 -> dst; dst -> {out, out2}; in -> src; in2 -> src.
  ASSERT_EQ(hops->size(), 6u);
  EXPECT_EQ((*hops)[0].request.dst_group.size(), 2u);
  EXPECT_EQ((*hops)[3].request.dst_group.size(), 2u);

  // dst echoes every datagram; src sends one from each of 40 source ports (40 flows).
  auto echo = emu_->exec(
      instance("dst"),
      {"sh", "-c", "socat UDP4-RECVFROM:7,fork EXEC:cat </dev/null >/dev/null 2>&1 &"}, 10s);
  ASSERT_TRUE(echo.ok() && echo->exit_code == 0);
  // The echo is listening before the first datagram (on a busy machine socat takes a while).
  auto listening = emu_->exec(instance("dst"),
                              {"sh", "-c",
                               "for i in $(seq 200); do ss -Huln 'sport = :7' | grep -q . && "
                               "exit 0; sleep 0.05; done; exit 1"},
                              20s);
  ASSERT_TRUE(listening.ok() && listening->exit_code == 0) << "the echo never listened";
  std::map<std::string, uint64_t> before;
  for (const auto& [server, intf] :
       {std::pair{"sf", "in"}, {"sf", "out"}, {"sf2", "in2"}, {"sf2", "out2"}}) {
    before[intf] = sf_rx_packets(intf, server);
  }
  auto sent = emu_->exec(instance("src"),
                         {"sh", "-c",
                          "for p in $(seq 40000 40039); do echo x | socat -u - "
                          "UDP4-SENDTO:" +
                              dst_ip_ + ":7,sourceport=$p; done"},
                         30s);
  ASSERT_TRUE(sent.ok() && sent->exit_code == 0) << (sent.ok() ? sent->output : "");
  // Until every request has passed a pair and every reply has come back (or 10 s).
  uint64_t requests1 = 0, requests2 = 0, replies1 = 0, replies2 = 0;
  for (auto end = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < end;
       std::this_thread::sleep_for(50ms)) {
    requests1 = sf_rx_packets("in", "sf") - before["in"];
    requests2 = sf_rx_packets("in2", "sf2") - before["in2"];
    replies1 = sf_rx_packets("out", "sf") - before["out"];
    replies2 = sf_rx_packets("out2", "sf2") - before["out2"];
    if (requests1 + requests2 >= 40 && replies1 + replies2 >= requests1 + requests2) {
      break;
    }
  }
  EXPECT_EQ(requests1 + requests2, 40u);
  EXPECT_GE(requests1, 8u) << "both pairs carry flows";
  EXPECT_GE(requests2, 8u);
  EXPECT_EQ(replies1, requests1) << "every reply comes back through its flow's pair";
  EXPECT_EQ(replies2, requests2);
}

}  // namespace
}  // namespace chainlab::openstack
