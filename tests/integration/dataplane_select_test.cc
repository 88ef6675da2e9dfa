// Load-balancing groups with real frames: 100 UDP flows from a client through `select` over three
// member ports spread about a third each; with a fourth member added the old members only lose
// flows; groups are checked (unknown ports, repeats, unknown group in a rule).
#include <map>
#include <thread>

#include "dataplane_fixture.h"

namespace chainlab::testing {
namespace {

// The error code of a result that must have failed ("ok" when it did not).
template <typename R>
std::string error_name(const R& r) {
  return r.ok() ? "ok" : error_code_name(r.error().code);
}

class SelectTest : public DataplaneTest {
 protected:
  // The client sends one datagram from each of 100 source ports to 10.0.0.100:9 (a static ARP
  // entry: no ARP frame); returns each member port's transmitted-frame increase.
  std::map<dataplane::PortId, uint64_t> send_flows(dataplane::LsiId l,
                                                   const std::vector<dataplane::PortId>& members) {
    std::map<dataplane::PortId, uint64_t> before;
    for (auto m : members) {
      before[m] = engine_->port_counters(l, m)->tx_packets;
    }
    auto r = exec("client", {"python3", "-c",
                             "import socket\n"
                             "for p in range(20000, 20100):\n"
                             "  s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                             "  s.bind(('10.0.0.1', p)); s.sendto(b'x', ('10.0.0.100', 9))\n"
                             "  s.close()\n"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    std::map<dataplane::PortId, uint64_t> sent;
    uint64_t total = 0;
    for (auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
         total < 100 && std::chrono::steady_clock::now() < end;
         std::this_thread::sleep_for(std::chrono::milliseconds(5))) {
      total = 0;
      for (auto m : members) {
        sent[m] = engine_->port_counters(l, m)->tx_packets - before[m];
        total += sent[m];
      }
    }
    EXPECT_EQ(total, 100u);
    return sent;
  }
};

TEST_F(SelectTest, HundredFlowsSpreadAndStayWhenAMemberIsAdded) {
  auto l = lsi("lb");
  auto client = host("client", "10.0.0.1/24", l);
  std::vector<dataplane::PortId> members = {
      host("s1", "10.0.0.11/24", l), host("s2", "10.0.0.12/24", l), host("s3", "10.0.0.13/24", l)};
  auto extra = host("s4", "10.0.0.14/24", l);
  ASSERT_EQ(exec("client", {"ip", "neigh", "replace", "10.0.0.100", "lladdr", "02:00:00:00:00:64",
                            "dev", "eth0"})
                .exit_code,
            0);
  auto group = engine_->add_group(l, {members, {}});
  ASSERT_TRUE(group.ok()) << group.error().message;
  dataplane::RuleSpec spec = port_to_port(client, {dataplane::Action::select(*group)});
  spec.match.eth_type = dataplane::kEthTypeIpv4;
  spec.match.ip_proto = dataplane::kProtoUdp;
  rule(l, spec);

  // 100 flows spread binomially (sigma 4.7): every member gets its share within 4 sigma.
  auto first = send_flows(l, members);
  for (auto m : members) {
    EXPECT_GE(first[m], 33u - 19u) << "member port " << m;
    EXPECT_LE(first[m], 33u + 19u) << "member port " << m;
  }
  auto grown = members;
  grown.push_back(extra);
  ASSERT_TRUE(engine_->update_group(l, *group, {grown, {}}).ok());
  auto second = send_flows(l, grown);
  uint64_t lost = 0;
  for (auto m : members) {
    EXPECT_LE(second[m], first[m]) << "a flow moved to old member port " << m;
    lost += first[m] - std::min(first[m], second[m]);
  }
  EXPECT_EQ(second[extra], lost);
  EXPECT_GT(second[extra], 0u);
}

TEST_F(SelectTest, GroupsAreChecked) {
  auto l = lsi("lb");
  auto a = host("a", "10.0.0.1/24", l);
  EXPECT_EQ(error_name(engine_->add_group(l, {{a, a}, {}})),
            std::string(error_code_name(ErrorCode::kInvalidArgument)));
  EXPECT_EQ(error_name(engine_->add_group(l, {{a, 99}, {}})),
            std::string(error_code_name(ErrorCode::kNotFound)));
  EXPECT_EQ(error_name(engine_->add_group(
                l, {std::vector<uint32_t>(dataplane::kMaxGroupMembers + 1, a), {}})),
            std::string(error_code_name(ErrorCode::kInvalidArgument)));
  EXPECT_EQ(error_name(engine_->add_group(999, {{a}, {}})),
            std::string(error_code_name(ErrorCode::kNotFound)));
  auto bad_rule = engine_->add_rule(l, port_to_port(a, {dataplane::Action::select(42)}));
  ASSERT_FALSE(bad_rule.ok());
  EXPECT_EQ(bad_rule.error().code, ErrorCode::kNotFound);
  auto g = engine_->add_group(l, {{a}, {}});
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(error_name(engine_->update_group(l, *g + 1, {{a}, {}})),
            std::string(error_code_name(ErrorCode::kNotFound)));
  EXPECT_TRUE(engine_->remove_group(l, *g).ok());
  EXPECT_EQ(error_name(engine_->remove_group(l, *g)),
            std::string(error_code_name(ErrorCode::kNotFound)));
}

}  // namespace
}  // namespace chainlab::testing
