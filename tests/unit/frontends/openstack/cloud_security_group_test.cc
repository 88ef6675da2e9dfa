// Security groups in the Cloud against the in-memory emulator::Control and a firewall that records
// what each server is given: the default group, new groups and rules, ports and servers joining
// groups, the remote group's members, what Neutron refuses, and rollback when enforcing fails.
#include <gtest/gtest.h>

#include <atomic>
#include <map>

#include "../../fakes/fake_control.h"
#include "cloud_requests.h"
#include "frontends/openstack/cloud.h"

namespace chainlab::openstack {
namespace {

using chainlab::testing::FakeControl;

class RecordingFirewall final : public PortFirewall {
 public:
  Status apply(const std::string& instance, const std::string& ruleset) override {
    if (fail) {
      return make_error(ErrorCode::kInternal, "nft: refused");
    }
    ++applies;
    rulesets[instance] = ruleset;
    return ok_status();
  }
  std::map<std::string, std::string> rulesets;  // read after Cloud::settle_firewalls
  size_t applies = 0;
  std::atomic<bool> fail = false;
};

class CloudSecurityGroupTest : public ::testing::Test {
 protected:
  CloudSecurityGroupTest() : emu_(FakeControl::pops({"dc1"})) {}

  void SetUp() override {
    CloudConfig config;
    config.pop = "dc1";
    config.default_network = false;
    cloud_ = std::make_unique<Cloud>(emu_, config, nullptr, &firewall_);
    net_ = chainlab::testing::network_with_subnet(*cloud_, "data", "10.9.0.0/24");
  }

  std::string group(const std::string& name) {
    auto g = cloud_->create_security_group({name, ""});
    EXPECT_TRUE(g.ok()) << g.error().message;
    return g.ok() ? g->id : "";
  }
  Result<SecurityGroupRule> allow(const std::string& group, const std::string& protocol,
                                  std::optional<int> port = {}) {
    return chainlab::testing::allow_ingress(*cloud_, group, protocol, port);
  }
  Server server(const std::string& name, std::vector<std::string> groups = {}) {
    ServerCreate sc;
    sc.name = name;
    sc.flavor = "m1.tiny";
    sc.nics.push_back(ServerNic{"", net_, ""});
    sc.security_groups = std::move(groups);
    auto s = cloud_->create_server(sc);
    EXPECT_TRUE(s.ok()) << s.error().message;
    return s.ok() ? *s : Server{};
  }
  std::string address_of(const Server& s) {
    auto p = cloud_->get_port(s.port_ids.front());
    return p.ok() && !p->fixed_ips.empty() ? p->fixed_ips.front().ip_address : "";
  }
  const std::string& ruleset(const Server& s) {
    cloud_->settle_firewalls();
    return firewall_.rulesets[s.instance];
  }

  FakeControl emu_;
  RecordingFirewall firewall_;
  std::unique_ptr<Cloud> cloud_;
  std::string net_;
};

TEST_F(CloudSecurityGroupTest, EveryPopHasNeutronsDefaultGroup) {
  auto groups = cloud_->list_security_groups();
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].name, "default");
  ASSERT_EQ(groups[0].rules.size(), 4u);
  size_t from_itself = 0;
  for (const auto& r : groups[0].rules) {
    from_itself += r.direction == "ingress" && r.remote_group_id == groups[0].id;
    EXPECT_TRUE(r.direction == "ingress" || r.remote_group_id.empty());
  }
  EXPECT_EQ(from_itself, 2u);
  EXPECT_EQ(cloud_->list_security_group_rules().size(), 4u);
  auto deleted = cloud_->delete_security_group(groups[0].id);
  EXPECT_EQ(deleted.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(cloud_->create_security_group({"Default", ""}).error().code, ErrorCode::kAlreadyExists);
  auto other = cloud_->create_security_group({"other", ""});
  ASSERT_TRUE(other.ok());
  SecurityGroupUpdate rename;
  rename.name = "default";
  EXPECT_EQ(cloud_->update_security_group(other->id, rename).error().code,
            ErrorCode::kAlreadyExists);  // two groups named "default" would break every lookup
  rename.name = "renamed";
  EXPECT_EQ(cloud_->update_security_group(groups[0].id, rename).error().code,
            ErrorCode::kAlreadyExists);
}

TEST_F(CloudSecurityGroupTest, ServersOfTheDefaultGroupAdmitEachOther) {
  Server a = server("a");
  EXPECT_NE(ruleset(a).find("iifname \"port0\" jump in_0"), std::string::npos) << ruleset(a);
  EXPECT_NE(ruleset(a).find(address_of(a)), std::string::npos);
  Server b = server("b");
  std::string b_address = address_of(b);
  ASSERT_FALSE(b_address.empty());
  // a's filter learnt b's address (the remote group grew) without a change of a's own.
  EXPECT_NE(ruleset(a).find(address_of(b)), std::string::npos) << ruleset(a);
  EXPECT_NE(ruleset(b).find(address_of(a)), std::string::npos);
  ASSERT_TRUE(cloud_->delete_server(b.id).ok());
  EXPECT_EQ(ruleset(a).find(b_address), std::string::npos);
  cloud_->settle_firewalls();
  EXPECT_EQ(firewall_.rulesets.size(), 2u);  // the firewall is not asked about a deleted server
}

TEST_F(CloudSecurityGroupTest, ARuleAddedAtRuntimeReachesEveryMemberAndLeavesWithItsDeletion) {
  std::string web = group("web");
  Server s = server("s", {"web"});
  auto port = cloud_->get_port(s.port_ids.front());
  ASSERT_TRUE(port.ok());
  EXPECT_EQ(port->security_groups, std::vector<std::string>{web});
  EXPECT_EQ(ruleset(s).find("th dport 80"), std::string::npos);
  auto r = allow(web, "tcp", 80);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_NE(ruleset(s).find("meta l4proto 6 th dport 80 accept"), std::string::npos);
  auto again = allow(web, "6", 80);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(again.error().message.find(r->id), std::string::npos);
  ASSERT_TRUE(cloud_->delete_security_group_rule(r->id).ok());
  EXPECT_EQ(ruleset(s).find("th dport 80"), std::string::npos);
  EXPECT_EQ(cloud_->delete_security_group_rule(r->id).error().code, ErrorCode::kNotFound);
  auto in_use = cloud_->delete_security_group(web);
  EXPECT_EQ(in_use.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(in_use.error().message, "Security Group " + web + " in use.");
}

TEST_F(CloudSecurityGroupTest, NovasGroupActionsChangeEveryPortOfTheServer) {
  std::string web = group("web");
  ASSERT_TRUE(allow(web, "tcp", 80).ok());
  Server s = server("s");
  ASSERT_TRUE(cloud_->add_server_security_group(s.id, "web").ok());
  EXPECT_NE(ruleset(s).find("th dport 80"), std::string::npos);
  auto groups = cloud_->server_security_groups(s.id);
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(groups->size(), 2u);
  EXPECT_EQ((*groups)[1].name, "web");
  auto view = cloud_->server_view(s.id);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->security_groups, (std::vector<std::string>{"default", "web"}));
  ASSERT_TRUE(cloud_->remove_server_security_group(s.id, web).ok());
  EXPECT_EQ(ruleset(s).find("th dport 80"), std::string::npos);
  EXPECT_EQ(cloud_->remove_server_security_group(s.id, "web").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(cloud_->add_server_security_group(s.id, "nope").error().code, ErrorCode::kNotFound);
}

TEST_F(CloudSecurityGroupTest, PortSecurityOffIsNotFilteredAndExcludesGroups) {
  PortCreate pc;
  pc.network_id = net_;
  pc.port_security_enabled = false;
  auto free = cloud_->create_port(pc);
  ASSERT_TRUE(free.ok());
  EXPECT_TRUE(free->security_groups.empty());
  auto s = chainlab::testing::server_on_ports(*cloud_, "fw", {free->id});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(ruleset(*s).find("jump"), std::string::npos) << ruleset(*s);
  pc.security_groups = std::vector<std::string>{"default"};
  EXPECT_EQ(cloud_->create_port(pc).error().code, ErrorCode::kInvalidArgument);
  // A port in a group cannot turn port security off without leaving its groups.
  PortCreate in_group;
  in_group.network_id = net_;
  auto p = cloud_->create_port(in_group);
  ASSERT_TRUE(p.ok());
  PortUpdate off;
  off.port_security_enabled = false;
  EXPECT_EQ(cloud_->update_port(p->id, off).error().code, ErrorCode::kFailedPrecondition);
  off.security_groups = std::vector<std::string>{};
  auto updated = cloud_->update_port(p->id, off);
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_FALSE(updated->port_security_enabled);
}

TEST_F(CloudSecurityGroupTest, DeletingAGroupTakesTheRulesNamingItAsRemote) {
  std::string peers = group("peers");
  std::string web = group("web");
  SecurityGroupRuleCreate r;
  r.security_group_id = web;
  r.direction = "ingress";
  r.remote_group_id = peers;
  ASSERT_TRUE(cloud_->create_security_group_rule(r).ok());
  EXPECT_EQ(cloud_->list_security_group_rules().size(), 4u + 2 + 3);
  ASSERT_TRUE(cloud_->delete_security_group(peers).ok());
  EXPECT_EQ(cloud_->list_security_group_rules().size(), 4u + 2);
  r.remote_group_id = peers;
  EXPECT_EQ(cloud_->create_security_group_rule(r).error().code, ErrorCode::kNotFound);
}

TEST_F(CloudSecurityGroupTest, AServerWithAnUnknownGroupOrAFailingFirewallLeavesNothing) {
  ServerCreate sc;
  sc.name = "x";
  sc.flavor = "m1.tiny";
  sc.nics.push_back(ServerNic{"", net_, ""});
  sc.security_groups = {"nope"};
  EXPECT_EQ(cloud_->create_server(sc).error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(cloud_->list_ports().empty());
  firewall_.fail = true;
  sc.security_groups.clear();
  auto failed = cloud_->create_server(sc);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("nft: refused"), std::string::npos);
  EXPECT_TRUE(cloud_->list_servers().empty());
  EXPECT_TRUE(cloud_->list_ports().empty());
  EXPECT_TRUE(emu_.instances().empty());
  firewall_.fail = false;
  Server s = server("s");
  std::string before = ruleset(s);
  firewall_.fail = true;
  EXPECT_FALSE(allow(cloud_->list_security_groups()[0].id, "tcp", 22).ok());
  EXPECT_EQ(cloud_->list_security_group_rules().size(), 4u);  // the rule is not kept
  firewall_.fail = false;
  auto ssh = allow(cloud_->list_security_groups()[0].id, "tcp", 22);
  ASSERT_TRUE(ssh.ok());
  EXPECT_NE(ruleset(s), before);
  // A rule deleted, a group added or removed while the firewall fails: all as it was.
  std::string web = group("web");
  firewall_.fail = true;
  EXPECT_FALSE(cloud_->delete_security_group_rule(ssh->id).ok());
  EXPECT_EQ(cloud_->list_security_group_rules().size(), 4u + 1 + 2);
  EXPECT_FALSE(cloud_->add_server_security_group(s.id, "web").ok());
  EXPECT_FALSE(cloud_->remove_server_security_group(s.id, "default").ok());
  firewall_.fail = false;
  EXPECT_EQ(cloud_->get_port(s.port_ids.front())->security_groups,
            std::vector<std::string>{cloud_->get_security_group("default")->id});
  EXPECT_TRUE(cloud_->delete_security_group(web).ok());
}

TEST_F(CloudSecurityGroupTest, AnUnchangedFilterIsNotLoadedAgain) {
  Server s = server("s");
  cloud_->settle_firewalls();
  size_t applies = firewall_.applies;
  std::string web = group("web");  // nobody is in it
  ASSERT_TRUE(allow(web, "tcp", 80).ok());
  cloud_->settle_firewalls();
  EXPECT_EQ(firewall_.applies, applies);
}

}  // namespace
}  // namespace chainlab::openstack
