// Scenarios for namespaces, veths, addresses and routes (substrate/netns.h, substrate/rtnl.h).
#include <sys/socket.h>

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "substrate/addr.h"
#include "substrate/netns.h"
#include "substrate/rtnl.h"
#include "test_util.h"

namespace chainlab::substrate {
namespace {

using chainlab::testing::run_command;
using chainlab::testing::unique_name;

// Removes what a test created, also when it fails half-way: root-namespace links first, then the
// namespaces (the kernel destroys the links inside them). Declare it before any Netns so that the
// namespace fds are closed before it runs.
struct Cleanup {
  std::vector<std::string> links;
  std::vector<std::string> netns;

  ~Cleanup() {
    if (auto rtnl = Rtnl::open(); rtnl.ok()) {
      for (const auto& link : links) {
        (void)rtnl->delete_link(link);
      }
    }
    for (const auto& ns : netns) {
      (void)Netns::remove(ns);
    }
  }
};

// Creates a namespace registered with `cleanup`, failing the test when that is impossible.
Netns make_netns(Cleanup& cleanup, const std::string& name) {
  cleanup.netns.push_back(name);
  auto ns = Netns::create(name);
  EXPECT_TRUE(ns.ok()) << ns.error().message;
  if (!ns.ok()) {
    std::abort();  // nothing sensible to continue with; the guard has not leaked anything yet
  }
  return std::move(ns).value();
}

Rtnl open_in(const Netns& ns) {
  auto rtnl = Rtnl::open_in(ns);
  if (!rtnl.ok()) {
    ADD_FAILURE() << rtnl.error().message;
    std::abort();
  }
  return std::move(rtnl).value();
}

VethSpec veth(std::string name, std::string peer, int peer_netns_fd = -1,
              std::optional<int> mtu = std::nullopt) {
  VethSpec spec;
  spec.name = std::move(name);
  spec.peer_name = std::move(peer);
  spec.peer_netns_fd = peer_netns_fd;
  spec.mtu = mtu;
  return spec;
}

Cidr cidr(std::string_view text) {
  return Cidr::parse(text).value();
}
IpAddress ip(std::string_view text) {
  return IpAddress::parse(text).value();
}
MacAddress mac(std::string_view text) {
  return MacAddress::parse(text).value();
}

std::vector<std::string> link_names(Rtnl& rtnl) {
  auto links = rtnl.list_links();
  EXPECT_TRUE(links.ok()) << links.error().message;
  std::vector<std::string> names;
  if (links.ok()) {
    for (const auto& l : *links) {
      names.push_back(l.name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool has_route(const std::vector<Route>& routes, std::string_view dst, std::string_view via) {
  return std::any_of(routes.begin(), routes.end(), [&](const Route& r) {
    return r.destination.to_string() == dst && r.gateway && r.gateway->to_string() == via;
  });
}

TEST(NetnsTest, CreateOpenRemove) {
  CL_REQUIRE_ROOT();
  Cleanup cleanup;
  std::string name = unique_name("tnc");
  {
    Netns ns = make_netns(cleanup, name);
    EXPECT_EQ(ns.name(), name);
    EXPECT_EQ(ns.path(), "/run/netns/" + name);
    EXPECT_GE(ns.fd(), 0);
    EXPECT_TRUE(Netns::exists(name));
    EXPECT_NE(run_command("ip netns list").output.find(name), std::string::npos);

    auto opened = Netns::open(name);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    // A fresh namespace holds only a down loopback.
    Rtnl rtnl = open_in(*opened);
    EXPECT_EQ(link_names(rtnl), std::vector<std::string>{"lo"});
    auto lo = rtnl.get_link("lo");
    ASSERT_TRUE(lo.ok()) << lo.error().message;
    EXPECT_FALSE(lo->up);
  }
  ASSERT_TRUE(Netns::remove(name).ok());
  EXPECT_FALSE(Netns::exists(name));
  EXPECT_EQ(run_command("ip netns list").output.find(name), std::string::npos);
  auto reopened = Netns::open(name);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.error().code, ErrorCode::kNotFound);
  Status again = Netns::remove(name);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
}

TEST(NetnsTest, DuplicateCreateFailsAndKeepsOriginal) {
  CL_REQUIRE_ROOT();
  Cleanup cleanup;
  std::string name = unique_name("tnd");
  Netns ns = make_netns(cleanup, name);
  auto dup = Netns::create(name);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(dup.error().message.find(name), std::string::npos);
  // The original is still mounted and usable.
  auto opened = Netns::open(name);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_TRUE(open_in(*opened).get_link("lo").ok());
}

TEST(NetnsTest, RejectsInvalidNames) {
  CL_REQUIRE_ROOT();
  for (const std::string& name : {std::string(), std::string("a/b"), std::string(".."),
                                  std::string("a b"), std::string(65, 'n')}) {
    auto ns = Netns::create(name);
    ASSERT_FALSE(ns.ok()) << name;
    EXPECT_EQ(ns.error().code, ErrorCode::kInvalidArgument) << name;
    EXPECT_FALSE(Netns::exists(name));
  }
}

TEST(NetnsTest, RunInSwitchesBack) {
  CL_REQUIRE_ROOT();
  Cleanup cleanup;
  Netns ns = make_netns(cleanup, unique_name("tnr"));
  auto inside = ns.run_in([]() -> Result<int> { return 1; });
  ASSERT_TRUE(inside.ok());
  // This thread still sees the root namespace's links.
  auto rtnl = Rtnl::open();
  ASSERT_TRUE(rtnl.ok());
  EXPECT_GT(link_names(*rtnl).size(), 0u);
  EXPECT_NE(link_names(*rtnl), std::vector<std::string>{"lo"});
}

TEST(VethTest, PeerCreatedDirectlyInNamespace) {
  CL_REQUIRE_ROOT();
  Cleanup cleanup;
  Netns ns = make_netns(cleanup, unique_name("tnp"));
  std::string host = unique_name("tvp");
  std::string peer = unique_name("tpp");
  cleanup.links.push_back(host);
  auto root = Rtnl::open();
  ASSERT_TRUE(root.ok()) << root.error().message;
  VethSpec spec{host, peer, ns.fd(), mac("02:00:00:00:00:01"), mac("02:00:00:00:00:02"), 1400};
  Status created = root->create_veth(spec);
  ASSERT_TRUE(created.ok()) << created.error().message;

  auto host_link = root->get_link(host);
  ASSERT_TRUE(host_link.ok()) << host_link.error().message;
  EXPECT_EQ(host_link->kind, "veth");
  EXPECT_EQ(host_link->mtu, 1400);
  EXPECT_EQ(host_link->mac.to_string(), "02:00:00:00:00:01");
  EXPECT_FALSE(host_link->up);
  auto missing = root->get_link(peer);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  Rtnl inside = open_in(ns);
  auto peer_link = inside.get_link(peer);
  ASSERT_TRUE(peer_link.ok()) << peer_link.error().message;
  EXPECT_EQ(peer_link->kind, "veth");
  EXPECT_EQ(peer_link->mtu, 1400);
  EXPECT_EQ(peer_link->mac.to_string(), "02:00:00:00:00:02");

  ASSERT_TRUE(root->delete_link(host).ok());
  EXPECT_EQ(root->get_link(host).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(inside.get_link(peer).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(root->delete_link(host).error().code, ErrorCode::kNotFound);
}

TEST(VethTest, MoveIntoNamespaceWithRename) {
  CL_REQUIRE_ROOT();
  Cleanup cleanup;
  Netns ns = make_netns(cleanup, unique_name("tnm"));
  std::string host = unique_name("tvm");
  std::string peer = unique_name("tpm");
  std::string renamed = unique_name("trm");
  cleanup.links = {host, peer, renamed};
  auto root = Rtnl::open();
  ASSERT_TRUE(root.ok());
  ASSERT_TRUE(root->create_veth(veth(host, peer)).ok());
  ASSERT_TRUE(root->get_link(peer).ok());

  Status moved = root->move_to_netns(peer, ns.fd(), "eth0");
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_EQ(root->get_link(peer).error().code, ErrorCode::kNotFound);
  Rtnl inside = open_in(ns);
  auto eth0 = inside.get_link("eth0");
  ASSERT_TRUE(eth0.ok()) << eth0.error().message;
  EXPECT_EQ(eth0->kind, "veth");

  // Rename keeps the administrative state.
  ASSERT_TRUE(root->set_up(host, true).ok());
  Status r = root->rename(host, renamed);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(root->get_link(host).error().code, ErrorCode::kNotFound);
  auto link = root->get_link(renamed);
  ASSERT_TRUE(link.ok()) << link.error().message;
  EXPECT_TRUE(link->up);
}

TEST(VethTest, SetMacMtuAndUp) {
  CL_REQUIRE_ROOT();
  Cleanup cleanup;
  Netns ns = make_netns(cleanup, unique_name("tns"));
  Rtnl rtnl = open_in(ns);
  ASSERT_TRUE(rtnl.create_veth(veth("a0", "b0")).ok());
  ASSERT_TRUE(rtnl.set_mac("a0", mac("02:aa:bb:cc:dd:ee")).ok());
  ASSERT_TRUE(rtnl.set_mtu("a0", 9000).ok());
  ASSERT_TRUE(rtnl.set_up("a0", true).ok());
  auto link = rtnl.get_link("a0");
  ASSERT_TRUE(link.ok());
  EXPECT_EQ(link->mac.to_string(), "02:aa:bb:cc:dd:ee");
  EXPECT_EQ(link->mtu, 9000);
  EXPECT_TRUE(link->up);
  ASSERT_TRUE(rtnl.set_up("a0", false).ok());
  EXPECT_FALSE(rtnl.get_link("a0")->up);

  Status bad_mtu = rtnl.set_mtu("a0", 10);
  ASSERT_FALSE(bad_mtu.ok());
  EXPECT_EQ(bad_mtu.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad_mtu.error().message.find("MTU 10"), std::string::npos);
  EXPECT_FALSE(rtnl.set_mtu("a0", 65536).ok());
  EXPECT_EQ(rtnl.get_link("a0")->mtu, 9000);
  MacAddress multicast;
  multicast.bytes = {0x01, 0, 0x5e, 0, 0, 1};
  EXPECT_EQ(rtnl.set_mac("a0", multicast).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(rtnl.set_up("nosuch0", true).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(rtnl.set_mtu("nosuch0", 1500).error().code, ErrorCode::kNotFound);
}

TEST(VethTest, PingAcrossTwoNamespaces) {
  CL_REQUIRE_ROOT();
  Cleanup cleanup;
  std::string name1 = unique_name("tn1");
  std::string name2 = unique_name("tn2");
  Netns ns1 = make_netns(cleanup, name1);
  Netns ns2 = make_netns(cleanup, name2);
  Rtnl r1 = open_in(ns1);
  Rtnl r2 = open_in(ns2);
  Status created = r1.create_veth(veth("left", "right", ns2.fd()));
  ASSERT_TRUE(created.ok()) << created.error().message;

  ASSERT_TRUE(r1.add_address("left", cidr("10.99.0.1/24")).ok());
  ASSERT_TRUE(r2.add_address("right", cidr("10.99.0.2/24")).ok());
  ASSERT_TRUE(r1.add_address("left", cidr("fd00:99::1/64")).ok());
  ASSERT_TRUE(r1.set_up("left", true).ok());
  ASSERT_TRUE(r2.set_up("right", true).ok());

  auto addrs = r1.list_addresses("left");
  ASSERT_TRUE(addrs.ok()) << addrs.error().message;
  EXPECT_NE(std::find(addrs->begin(), addrs->end(), cidr("10.99.0.1/24")), addrs->end());
  EXPECT_NE(std::find(addrs->begin(), addrs->end(), cidr("fd00:99::1/64")), addrs->end());
  EXPECT_EQ(r2.list_addresses("right")->front(), cidr("10.99.0.2/24"));
  EXPECT_NE(run_command("ip netns exec " + name1 + " ip -4 addr show left")
                .output.find("brd 10.99.0.255"),
            std::string::npos);

  auto ping = run_command("ip netns exec " + name1 + " ping -c1 -W1 10.99.0.2");
  EXPECT_EQ(ping.status, 0) << ping.output;
  ping = run_command("ip netns exec " + name2 + " ping -c1 -W1 10.99.0.1");
  EXPECT_EQ(ping.status, 0) << ping.output;

  Status dup = r1.add_address("left", cidr("10.99.0.1/24"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
  ASSERT_TRUE(r1.delete_address("left", cidr("10.99.0.1/24")).ok());
  addrs = r1.list_addresses("left");
  EXPECT_EQ(std::find(addrs->begin(), addrs->end(), cidr("10.99.0.1/24")), addrs->end());
  Status gone = r1.delete_address("left", cidr("10.99.0.1/24"));
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
  ping = run_command("ip netns exec " + name1 + " ping -c1 -W1 10.99.0.2");
  EXPECT_NE(ping.status, 0) << ping.output;
}

TEST(RouteTest, RouteAndDefaultGateway) {
  CL_REQUIRE_ROOT();
  Cleanup cleanup;
  std::string name1 = unique_name("tno");
  Netns ns1 = make_netns(cleanup, name1);
  Netns ns2 = make_netns(cleanup, unique_name("tnq"));
  Rtnl r1 = open_in(ns1);
  ASSERT_TRUE(r1.create_veth(veth("left", "right", ns2.fd())).ok());
  ASSERT_TRUE(r1.add_address("left", cidr("10.98.0.1/24")).ok());
  ASSERT_TRUE(r1.set_up("left", true).ok());

  Route route{cidr("10.200.0.0/16"), ip("10.98.0.2"), std::nullopt};
  Status added = r1.add_route(route);
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_EQ(r1.add_route(route).error().code, ErrorCode::kAlreadyExists);
  Status gw = r1.set_default_gateway(ip("10.98.0.2"), "left");
  ASSERT_TRUE(gw.ok()) << gw.error().message;
  Status dev_route = r1.add_route({cidr("10.201.0.0/24"), std::nullopt, "left"});
  ASSERT_TRUE(dev_route.ok()) << dev_route.error().message;

  auto routes = r1.list_routes(AF_INET);
  ASSERT_TRUE(routes.ok()) << routes.error().message;
  EXPECT_TRUE(has_route(*routes, "10.200.0.0/16", "10.98.0.2"));
  EXPECT_TRUE(has_route(*routes, "0.0.0.0/0", "10.98.0.2"));
  auto shown = run_command("ip netns exec " + name1 + " ip route").output;
  EXPECT_NE(shown.find("default via 10.98.0.2 dev left"), std::string::npos) << shown;
  EXPECT_NE(shown.find("10.200.0.0/16 via 10.98.0.2 dev left"), std::string::npos) << shown;
  EXPECT_NE(shown.find("10.201.0.0/24 dev left"), std::string::npos) << shown;

  // Replacing the default gateway leaves exactly one default route.
  ASSERT_TRUE(r1.set_default_gateway(ip("10.98.0.3")).ok());
  routes = r1.list_routes(AF_INET);
  ASSERT_TRUE(routes.ok());
  EXPECT_TRUE(has_route(*routes, "0.0.0.0/0", "10.98.0.3"));
  EXPECT_FALSE(has_route(*routes, "0.0.0.0/0", "10.98.0.2"));

  ASSERT_TRUE(r1.delete_route(route).ok());
  EXPECT_FALSE(has_route(*r1.list_routes(AF_INET), "10.200.0.0/16", "10.98.0.2"));
  EXPECT_EQ(r1.delete_route(route).error().code, ErrorCode::kNotFound);

  EXPECT_EQ(r1.add_route({cidr("10.202.0.1/16"), ip("10.98.0.2"), std::nullopt}).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(r1.add_route({cidr("10.202.0.0/16"), ip("fd00::1"), std::nullopt}).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(r1.add_route({cidr("10.202.0.0/16"), std::nullopt, std::nullopt}).error().code,
            ErrorCode::kInvalidArgument);
  Status unreachable = r1.add_route({cidr("10.203.0.0/16"), ip("192.0.2.1"), std::nullopt});
  EXPECT_FALSE(unreachable.ok());
  EXPECT_EQ(r1.add_route({cidr("10.204.0.0/16"), std::nullopt, "nosuch0"}).error().code,
            ErrorCode::kNotFound);
}

TEST(VethTest, InvalidRequestsFailPreciselyAndLeaveNothing) {
  CL_REQUIRE_ROOT();
  Cleanup cleanup;
  Netns ns = make_netns(cleanup, unique_name("tni"));
  Netns other = make_netns(cleanup, unique_name("tnj"));
  Rtnl rtnl = open_in(ns);
  Rtnl other_rtnl = open_in(other);
  std::vector<std::string> before = link_names(rtnl);

  Status s = rtnl.create_veth(veth("0123456789abcdef", "p0"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(s.error().message.find("16 bytes"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("create veth 0123456789abcdef/p0"), std::string::npos);

  s = rtnl.create_veth(veth("v0", "bad name"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(s.error().message.find("invalid character ' '"), std::string::npos)
      << s.error().message;

  s = rtnl.create_veth(veth("v0", "p/0"));
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);

  s = rtnl.create_veth(veth("v0", "p0", -1, 10));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(s.error().message.find("MTU 10 is out of range 68..65535"), std::string::npos)
      << s.error().message;

  s = rtnl.create_veth(veth("v0", "v0"));
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(link_names(rtnl), before);

  ASSERT_TRUE(rtnl.create_veth(veth("v0", "p0")).ok());
  std::vector<std::string> with_pair = link_names(rtnl);
  EXPECT_EQ(with_pair.size(), before.size() + 2);

  s = rtnl.create_veth(veth("v0", "p1"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(s.error().message.find("create veth v0/p1"), std::string::npos) << s.error().message;
  s = rtnl.create_veth(veth("v1", "p0"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(link_names(rtnl), with_pair);
  EXPECT_EQ(rtnl.get_link("v1").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(rtnl.get_link("p1").error().code, ErrorCode::kNotFound);

  // A peer name taken in the target namespace: nothing is created on either side.
  ASSERT_TRUE(other_rtnl.create_veth(veth("x0", "y0")).ok());
  std::vector<std::string> other_before = link_names(other_rtnl);
  s = rtnl.create_veth(veth("v2", "x0", other.fd()));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(link_names(rtnl), with_pair);
  EXPECT_EQ(link_names(other_rtnl), other_before);

  EXPECT_EQ(rtnl.get_link("0123456789abcdef").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(rtnl.rename("v0", "p0").error().code, ErrorCode::kAlreadyExists);
  EXPECT_TRUE(rtnl.get_link("v0").ok());
  EXPECT_EQ(rtnl.move_to_netns("v0", other.fd(), "x0").error().code, ErrorCode::kAlreadyExists);
  EXPECT_TRUE(rtnl.get_link("v0").ok());
  EXPECT_EQ(rtnl.add_address("v0", Cidr{}).error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace chainlab::substrate
