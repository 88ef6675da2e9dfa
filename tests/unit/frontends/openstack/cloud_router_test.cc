// Routers against the in-memory emulator::Control: a router with ports is an instance with one
// interface per port (the subnet's gateway), forwarding on; servers get the default route via
// their gateway; bad requests and failures leave nothing behind. No root needed.
#include <gtest/gtest.h>

#include <algorithm>

#include <fmt/format.h>

#include "../../fakes/fake_control.h"
#include "cloud_requests.h"
#include "frontends/openstack/cloud.h"

namespace chainlab::openstack {
namespace {

using chainlab::testing::FakeControl;

class CloudRouterTest : public ::testing::Test {
 protected:
  CloudRouterTest() : emu_(FakeControl::pops({"dc1", "dc2"})) {}

  void SetUp() override {
    CloudConfig config;
    config.pop = "dc1";
    config.default_network = false;
    config.external_cidr = "172.24.4.0/24";
    cloud_ = std::make_unique<Cloud>(emu_, config);
    auto r = cloud_->create_router(RouterCreate{"r1", true, ""});
    ASSERT_TRUE(r.ok()) << r.error().message;
    router_ = r->id;
  }

  // The network's id and its subnet's.
  std::pair<std::string, std::string> network(const std::string& name, const std::string& cidr) {
    std::string net = chainlab::testing::network_with_subnet(*cloud_, name, cidr);
    auto n = cloud_->get_network(net);
    return {net, n.ok() && !n->subnet_ids.empty() ? n->subnet_ids.front() : ""};
  }
  Result<RouterInterface> attach(const std::string& subnet) {
    return cloud_->add_router_interface(router_, RouterInterface{subnet, ""});
  }
  size_t ports_on(const std::string& network) {
    auto ports = cloud_->list_ports();
    return static_cast<size_t>(std::count_if(
        ports.begin(), ports.end(), [&](const Port& p) { return p.network_id == network; }));
  }
  const emulator::ComputeInfo* router_instance() {
    auto r = cloud_->get_router(router_);
    if (!r.ok() || r->instance.empty() || emu_.instances().count(r->instance) == 0) {
      return nullptr;
    }
    return &emu_.instances().at(r->instance);
  }

  std::string public_network() {
    for (const auto& n : cloud_->list_networks()) {
      if (n.name == "public") {
        return n.id;
      }
    }
    return "";
  }
  Status set_gateway(const std::string& network) {
    RouterUpdate u;
    u.external_network_id = network;
    auto r = cloud_->update_router(router_, u);
    return r.ok() ? ok_status() : Status(r.error());
  }
  // The last script run in the router's namespace ("" if none).
  std::string last_router_script() {
    auto r = cloud_->get_router(router_);
    for (auto it = emu_.execs().rbegin(); it != emu_.execs().rend(); ++it) {
      if (r.ok() && it->front() == r->instance) {
        return it->back();
      }
    }
    return "";
  }

  FakeControl emu_;
  std::unique_ptr<Cloud> cloud_;
  std::string router_;
};

TEST_F(CloudRouterTest, ARouterWithPortsIsAnInstanceForwardingBetweenTheirSubnets) {
  auto [a, a_subnet] = network("a", "10.50.0.0/24");
  auto [b, b_subnet] = network("b", "10.51.0.0/24");
  EXPECT_EQ(router_instance(), nullptr) << "no port, no namespace";

  auto first = attach(a_subnet);
  ASSERT_TRUE(first.ok()) << first.error().message;
  const emulator::ComputeInfo* inst = router_instance();
  ASSERT_NE(inst, nullptr);
  EXPECT_EQ(inst->name.rfind("qrouter-" + router_.substr(0, 8), 0), 0u) << inst->name;
  ASSERT_EQ(inst->interfaces.size(), 1u);
  EXPECT_EQ(inst->interfaces[0].ip, "10.50.0.1/24") << "the subnet's gateway";
  auto port = cloud_->get_port(first->port_id);
  ASSERT_TRUE(port.ok());
  EXPECT_EQ(inst->interfaces[0].mac, port->mac_address);
  EXPECT_EQ(port->status, "ACTIVE");
  EXPECT_EQ(port->device_owner, "network:router_interface");
  EXPECT_EQ(port->device_id, router_);
  bool forwarding = std::any_of(emu_.execs().begin(), emu_.execs().end(), [&](const auto& call) {
    return call.front() == inst->name && call.back().find("ip_forward") != std::string::npos;
  });
  EXPECT_TRUE(forwarding) << "IPv4 forwarding is turned on in the router";

  ASSERT_TRUE(attach(b_subnet).ok());
  inst = router_instance();
  ASSERT_NE(inst, nullptr);
  ASSERT_EQ(inst->interfaces.size(), 2u) << "the second port joins the same namespace";
  EXPECT_EQ(inst->interfaces[1].ip, "10.51.0.1/24");
  EXPECT_EQ(emu_.instances().size(), 1u);

  auto x = chainlab::testing::server_on_networks(*cloud_, "x", {a});
  auto y = chainlab::testing::server_on_networks(*cloud_, "y", {b});
  ASSERT_TRUE(x.ok() && y.ok());
  auto x_ports = cloud_->server_ports(x->id);
  ASSERT_TRUE(x_ports.ok() && x_ports->size() == 1u);
  std::string x_if = x->instance + ":" + x_ports->front().binding->interface;
  ASSERT_EQ(emu_.gateways().count(x_if), 1u) << "a server's route goes via its gateway";
  EXPECT_EQ(emu_.gateways().at(x_if), "10.50.0.1");
  ASSERT_EQ(emu_.elans().size(), 2u) << "each network joins its server and the router";
  for (const auto& [name, elan] : emu_.elans()) {
    EXPECT_EQ(elan.members.size(), 2u) << name;
  }
}

TEST_F(CloudRouterTest, TheLastPortRemovedStopsTheNamespace) {
  auto [a, a_subnet] = network("a", "10.52.0.0/24");
  auto [b, b_subnet] = network("b", "10.53.0.0/24");
  ASSERT_TRUE(attach(a_subnet).ok());
  ASSERT_TRUE(attach(b_subnet).ok());
  auto removed = cloud_->remove_router_interface(router_, RouterInterface{a_subnet, ""});
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  ASSERT_NE(router_instance(), nullptr);
  EXPECT_EQ(router_instance()->interfaces.size(), 1u);
  EXPECT_EQ(ports_on(a), 0u) << "the gateway port goes with the interface";
  EXPECT_FALSE(cloud_->delete_router(router_).ok()) << "a router with ports is not deleted";

  ASSERT_TRUE(cloud_->remove_router_interface(router_, RouterInterface{b_subnet, ""}).ok());
  EXPECT_TRUE(emu_.instances().empty()) << "no port, no namespace";
  EXPECT_TRUE(cloud_->delete_router(router_).ok());
  EXPECT_TRUE(cloud_->delete_network(a).ok()) << "nothing is left on the networks";
  EXPECT_TRUE(cloud_->delete_network(b).ok());
}

TEST_F(CloudRouterTest, OverlappingSubnetsOnOneRouterAreABadRequest) {
  auto [a, a_subnet] = network("a", "10.54.0.0/24");
  auto [wide, wide_subnet] = network("wide", "10.54.0.0/16");
  ASSERT_TRUE(attach(a_subnet).ok());
  auto refused = attach(wide_subnet);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.error().message.find("overlaps"), std::string::npos) << refused.error().message;
  EXPECT_EQ(ports_on(wide), 0u) << "no port is left on the refused subnet";
  EXPECT_EQ(router_instance()->interfaces.size(), 1u);
  auto again = attach(a_subnet);
  ASSERT_FALSE(again.ok()) << "one port per subnet";
  EXPECT_EQ(again.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(CloudRouterTest, ARouterPortIsNotDeletedThroughThePortApi) {
  auto [a, a_subnet] = network("a", "10.55.0.0/24");
  auto ri = attach(a_subnet);
  ASSERT_TRUE(ri.ok());
  Status s = cloud_->delete_port(ri->port_id);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kFailedPrecondition) << "Neutron's 409";
  EXPECT_TRUE(cloud_->get_port(ri->port_id).ok());
}

TEST_F(CloudRouterTest, AFailedPlugLeavesNoPortAndNoNamespace) {
  auto [a, a_subnet] = network("a", "10.56.0.0/24");
  emu_.fail_nth(FakeControl::Op::kStartCompute, 1);
  auto failed = attach(a_subnet);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(ports_on(a), 0u);
  EXPECT_TRUE(emu_.instances().empty());
  auto r = cloud_->get_router(router_);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->interfaces.empty());

  emu_.fail_nth(FakeControl::Op::kExec, 1);
  EXPECT_FALSE(attach(a_subnet).ok()) << "no forwarding, no router";
  EXPECT_TRUE(emu_.instances().empty());
  EXPECT_EQ(ports_on(a), 0u);

  ASSERT_TRUE(attach(a_subnet).ok()) << "works once the emulation does";
  auto [b, b_subnet] = network("b", "10.57.0.0/24");
  emu_.fail_nth(FakeControl::Op::kAddInterface, 1);
  EXPECT_FALSE(attach(b_subnet).ok());
  EXPECT_EQ(ports_on(b), 0u);
  EXPECT_EQ(router_instance()->interfaces.size(), 1u) << "the first port stays";
}

// A failure after the port joined its network (here: the NAT step of a router with a gateway)
// takes the port out of the network's E-LAN again.
TEST_F(CloudRouterTest, AFailedNatStepLeavesTheNetworkAsItWas) {
  ASSERT_TRUE(set_gateway(public_network()).ok());
  auto [a, a_subnet] = network("a", "10.59.0.0/24");
  ASSERT_TRUE(chainlab::testing::server_on_networks(*cloud_, "x", {a}).ok());
  ASSERT_TRUE(chainlab::testing::server_on_networks(*cloud_, "y", {a}).ok());
  ASSERT_EQ(emu_.elans().size(), 1u);
  emu_.fail_nth(FakeControl::Op::kExec, 1);
  ASSERT_FALSE(attach(a_subnet).ok());
  ASSERT_EQ(emu_.elans().size(), 1u);
  EXPECT_EQ(emu_.elans().begin()->second.members.size(), 2u) << "the router left the E-LAN";
  EXPECT_EQ(ports_on(a), 2u) << "the servers' ports only";
  ASSERT_NE(router_instance(), nullptr);
  EXPECT_EQ(router_instance()->interfaces.size(), 1u) << "the gateway only";
}

// admin_state_up false: the router forwards nothing (its namespace stops, its ports are DOWN
// and out of their networks); true again: all of it comes back.
TEST_F(CloudRouterTest, AnAdministrativelyDownRouterForwardsNothing) {
  ASSERT_TRUE(set_gateway(public_network()).ok());
  auto [a, a_subnet] = network("a", "10.60.0.0/24");
  ASSERT_TRUE(chainlab::testing::server_on_networks(*cloud_, "x", {a}).ok());
  auto ri = attach(a_subnet);
  ASSERT_TRUE(ri.ok());
  ASSERT_EQ(emu_.elans().size(), 1u);
  RouterUpdate down;
  down.admin_state_up = false;
  ASSERT_TRUE(cloud_->update_router(router_, down).ok());
  EXPECT_EQ(router_instance(), nullptr) << "no namespace";
  EXPECT_EQ(cloud_->get_port(ri->port_id)->status, "DOWN");
  EXPECT_EQ(cloud_->get_port(ri->port_id)->device_id, router_) << "still the router's port";
  EXPECT_TRUE(emu_.elans().empty()) << "the server is alone on its network again";

  RouterUpdate up;
  up.admin_state_up = true;
  ASSERT_TRUE(cloud_->update_router(router_, up).ok());
  ASSERT_NE(router_instance(), nullptr);
  EXPECT_EQ(router_instance()->interfaces.size(), 2u) << "the subnet's port and the gateway";
  EXPECT_EQ(cloud_->get_port(ri->port_id)->status, "ACTIVE");
  EXPECT_EQ(emu_.elans().size(), 1u);
  EXPECT_NE(last_router_script().find("snat"), std::string::npos) << "NAT loaded again";
}

TEST_F(CloudRouterTest, AnExistingFreePortBecomesARouterPort) {
  auto [a, a_subnet] = network("a", "10.58.0.0/24");
  std::string port = chainlab::testing::port_on(*cloud_, a, "gw");
  auto ri = cloud_->add_router_interface(router_, RouterInterface{"", port});
  ASSERT_TRUE(ri.ok()) << ri.error().message;
  EXPECT_EQ(ri->subnet_id, a_subnet);
  ASSERT_NE(router_instance(), nullptr);
  auto in_use = cloud_->add_router_interface(router_, RouterInterface{"", port});
  EXPECT_FALSE(in_use.ok()) << "a port in use is refused";
}

TEST_F(CloudRouterTest, APopStartsWithTheExternalNetworkPublic) {
  auto net = cloud_->get_network(public_network());
  ASSERT_TRUE(net.ok());
  EXPECT_TRUE(net->external);
  ASSERT_EQ(net->subnet_ids.size(), 1u);
  auto sub = cloud_->get_subnet(net->subnet_ids.front());
  ASSERT_TRUE(sub.ok());
  EXPECT_EQ(sub->cidr, "172.24.4.0/24");
  EXPECT_EQ(sub->gateway_ip, "172.24.4.1") << "the host's address on the bridge";
}

TEST_F(CloudRouterTest, TheGatewayIsAPortOnTheExternalNetworkInTheHostBridge) {
  ASSERT_TRUE(set_gateway(public_network()).ok());
  auto r = cloud_->get_router(router_);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->gateway_ips.size(), 1u);
  EXPECT_EQ(r->gateway_ips.front().ip_address, "172.24.4.2");
  const emulator::ComputeInfo* inst = router_instance();
  ASSERT_NE(inst, nullptr) << "a gateway alone makes the namespace";
  ASSERT_EQ(inst->interfaces.size(), 1u);
  EXPECT_EQ(inst->interfaces[0].name.rfind("qg-", 0), 0u);
  EXPECT_EQ(inst->interfaces[0].host_bridge, "ext-dc1");
  EXPECT_EQ(emu_.host_bridges().at("ext-dc1"), "172.24.4.1/24");
  EXPECT_EQ(emu_.gateways().at(inst->name + ":" + inst->interfaces[0].name), "172.24.4.1")
      << "the router's default route goes to the host";
  EXPECT_TRUE(emu_.elans().empty()) << "the external network is the bridge, not an E-LAN";
  auto gw = cloud_->get_port(r->gateway_port_id);
  ASSERT_TRUE(gw.ok());
  EXPECT_EQ(gw->device_owner, "network:router_gateway");
  EXPECT_FALSE(cloud_->delete_port(gw->id).ok()) << "Neutron's 409";

  ASSERT_TRUE(set_gateway("").ok());
  EXPECT_TRUE(emu_.instances().empty()) << "no gateway and no port: no namespace";
  EXPECT_FALSE(cloud_->get_port(gw->id).ok()) << "the gateway port goes with the gateway";
}

TEST_F(CloudRouterTest, AFloatingIpNeedsARouterAndIsNattedByIt) {
  auto [a, a_subnet] = network("a", "10.60.0.0/24");
  auto x = chainlab::testing::server_on_networks(*cloud_, "x", {a});
  ASSERT_TRUE(x.ok());
  auto x_ports = cloud_->server_ports(x->id);
  ASSERT_TRUE(x_ports.ok() && !x_ports->empty());
  std::string port = x_ports->front().id;
  std::string fixed = x_ports->front().fixed_ips.front().ip_address;
  FloatingIpCreate fc;
  fc.floating_network_id = public_network();
  fc.port_id = port;
  auto unreachable = cloud_->create_floating_ip(fc);
  ASSERT_FALSE(unreachable.ok()) << "no router joins the port's subnet to the network";
  EXPECT_EQ(unreachable.error().code, ErrorCode::kNotFound);
  EXPECT_NE(unreachable.error().message.find("is not reachable from subnet"), std::string::npos);
  EXPECT_TRUE(cloud_->list_floating_ips().empty()) << "nothing half-made";

  ASSERT_TRUE(attach(a_subnet).ok());
  ASSERT_TRUE(set_gateway(public_network()).ok());
  EXPECT_NE(last_router_script().find("ip saddr { 10.60.0.0/24 } snat to 172.24.4.2"),
            std::string::npos)
      << "SNAT of the router's subnets:\n"
      << last_router_script();
  auto f = cloud_->create_floating_ip(fc);
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->router_id, router_);
  EXPECT_EQ(f->status, "ACTIVE");
  EXPECT_EQ(f->fixed_ip_address, fixed);
  std::string script = last_router_script();
  EXPECT_NE(script.find(fmt::format("ip daddr {} dnat to {}", f->floating_ip_address, fixed)),
            std::string::npos)
      << script;
  EXPECT_NE(script.find(fmt::format("addr replace {}/32", f->floating_ip_address)),
            std::string::npos)
      << "the floating address answers ARP on the gateway:\n"
      << script;

  EXPECT_FALSE(set_gateway("").ok()) << "a gateway in use by a floating IP stays (409)";
  auto still = cloud_->remove_router_interface(router_, RouterInterface{a_subnet, ""});
  ASSERT_FALSE(still.ok()) << "so does the interface the floating IP goes through";
  EXPECT_EQ(still.error().code, ErrorCode::kFailedPrecondition);

  auto off = cloud_->associate_floating_ip(f->id, "");
  ASSERT_TRUE(off.ok());
  script = last_router_script();
  EXPECT_EQ(script.find("dnat"), std::string::npos) << script;
  EXPECT_NE(script.find(fmt::format("addr del {}/32", f->floating_ip_address)), std::string::npos)
      << script;
  ASSERT_TRUE(cloud_->delete_floating_ip(f->id).ok());
  EXPECT_TRUE(set_gateway("").ok());
}

TEST_F(CloudRouterTest, AnInterfaceOnTheExternalNetworkIsABadRequest) {
  auto net = cloud_->get_network(public_network());
  ASSERT_TRUE(net.ok());
  auto refused = attach(net->subnet_ids.front());
  ASSERT_FALSE(refused.ok()) << "its gateway address is the host's";
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ports_on(public_network()), 0u);
  EXPECT_TRUE(emu_.instances().empty());
}

TEST_F(CloudRouterTest, AServerOnTheExternalNetworkIsInTheHostBridge) {
  auto s = chainlab::testing::server_on_networks(*cloud_, "edge", {public_network()});
  ASSERT_TRUE(s.ok()) << s.error().message;
  const auto& inst = emu_.instances().at(s->instance);
  ASSERT_EQ(inst.interfaces.size(), 1u);
  EXPECT_EQ(inst.interfaces[0].host_bridge, "ext-dc1");
}

}  // namespace
}  // namespace chainlab::openstack
