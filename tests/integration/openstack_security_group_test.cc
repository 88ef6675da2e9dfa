// Security groups enforced in real instance namespaces (libnftables): a server whose only group
// allows TCP 80 answers HTTP but not ping, a rule added at runtime opens ping, removing the group
// closes it again, the default group admits its members, and a port without port security is not
// filtered.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "cloud_fixture.h"
#include "frontends/openstack/cloud.h"
#include "test_util.h"

namespace chainlab::openstack {
namespace {

using namespace std::chrono_literals;

class SecurityGroupScenario : public chainlab::testing::CloudFixture {
 protected:
  Result<Server> server(const std::string& name, const std::string& net,
                        std::vector<std::string> groups, const std::string& command = "") {
    ServerCreate r;
    r.name = name;
    r.flavor = "m1.tiny";
    r.nics = {{"", net, ""}};
    r.security_groups = std::move(groups);
    r.command = command;
    return cloud_->create_server(r);
  }
  std::string address(const Server& s) {
    auto ports = cloud_->server_ports(s.id);
    return ports.ok() && !ports->empty() ? (*ports)[0].fixed_ips.at(0).ip_address : "";
  }
  bool ping(const Server& from, const std::string& ip) {
    auto r = emu_->exec(from.instance, {"ping", "-c", "1", "-W", "1", ip}, 20s);
    return r.ok() && r->exit_code == 0;
  }
  bool http(const Server& from, const std::string& ip) {
    auto r = emu_->exec(from.instance,
                        {"curl", "-s", "-o", "/dev/null", "-m", "2", "http://" + ip + ":80/"}, 20s);
    return r.ok() && r->exit_code == 0;
  }
  // HTTP answers within 15 s (the server in the instance needs a moment to listen).
  bool http_comes_up(const Server& from, const std::string& ip) {
    for (auto end = std::chrono::steady_clock::now() + 15s; std::chrono::steady_clock::now() < end;
         std::this_thread::sleep_for(100ms)) {
      if (http(from, ip)) {
        return true;
      }
    }
    return false;
  }
  Result<SecurityGroupRule> allow(const std::string& group, const std::string& protocol,
                                  std::optional<int> port = {}) {
    return chainlab::testing::allow_ingress(*cloud_, group, protocol, port);
  }
};

TEST_F(SecurityGroupScenario, OnlyTcp80IsLetInUntilARuleOpensPing) {
  std::string net = network("sg", "10.72.0.0/24");
  auto web = cloud_->create_security_group({"web", "HTTP only"});
  ASSERT_TRUE(web.ok()) << web.error().message;
  ASSERT_TRUE(allow(web->id, "tcp", 80).ok());
  auto httpd = server("httpd", net, {"web"}, "python3 -m http.server 80 --bind 0.0.0.0");
  ASSERT_TRUE(httpd.ok()) << httpd.error().message;
  auto client = server("client", net, {});
  ASSERT_TRUE(client.ok()) << client.error().message;
  std::string ip = address(*httpd);
  EXPECT_TRUE(http_comes_up(*client, ip));
  EXPECT_FALSE(ping(*client, ip));
  auto icmp = allow(web->id, "icmp");
  ASSERT_TRUE(icmp.ok()) << icmp.error().message;
  EXPECT_TRUE(ping(*client, ip));
  ASSERT_TRUE(cloud_->delete_security_group_rule(icmp->id).ok());
  EXPECT_FALSE(ping(*client, ip));
  // The client is in "default": it admits its fellow members only, so httpd cannot reach it
  // until httpd joins "default" too.
  EXPECT_FALSE(ping(*httpd, address(*client)));
  ASSERT_TRUE(cloud_->add_server_security_group(httpd->id, "default").ok());
  cloud_->settle_firewalls();  // the client's filter learns its new fellow member
  EXPECT_TRUE(ping(*httpd, address(*client)));
  EXPECT_TRUE(ping(*client, ip));  // default admits default
  auto table = emu_->exec(httpd->instance, {"nft", "list", "table", "inet", "chainlab_sg"}, 20s);
  ASSERT_TRUE(table.ok());
  EXPECT_NE(table->output.find("dport 80 accept"), std::string::npos) << table->output;
  EXPECT_TRUE(cloud_->delete_server(httpd->id).ok());
  EXPECT_TRUE(cloud_->delete_server(client->id).ok());
  EXPECT_TRUE(cloud_->delete_security_group(web->id).ok());
}

TEST_F(SecurityGroupScenario, APortWithoutPortSecurityIsNotFiltered) {
  std::string net = network("open", "10.73.0.0/24");
  PortCreate pc;
  pc.network_id = net;
  pc.port_security_enabled = false;
  auto open = cloud_->create_port(pc);
  ASSERT_TRUE(open.ok()) << open.error().message;
  auto vnf = chainlab::testing::server_on_ports(*cloud_, "vnf", {open->id});
  ASSERT_TRUE(vnf.ok()) << vnf.error().message;
  auto lonely = cloud_->create_security_group({"lonely", ""});
  ASSERT_TRUE(lonely.ok());
  auto other = server("other", net, {"lonely"});  // admits nobody
  ASSERT_TRUE(other.ok()) << other.error().message;
  EXPECT_TRUE(ping(*other, address(*vnf)));   // out of "other" (egress allowed), into vnf (open)
  EXPECT_FALSE(ping(*vnf, address(*other)));  // into "other": no ingress rule
  EXPECT_TRUE(cloud_->delete_server(vnf->id).ok());
  EXPECT_TRUE(cloud_->delete_server(other->id).ok());
  EXPECT_TRUE(cloud_->delete_port(open->id).ok());
}

}  // namespace
}  // namespace chainlab::openstack
