// The Cloud's flows against the in-memory emulator::Control: what Nova and Neutron calls turn into
// (instances, interfaces, E-LANs), and that failures leave nothing behind. No root needed.
#include <gtest/gtest.h>

#include <future>
#include <map>
#include <tuple>

#include "../../fakes/fake_control.h"
#include "cloud_requests.h"
#include "frontends/openstack/cloud.h"

namespace chainlab::openstack {
namespace {

using chainlab::testing::FakeControl;

class CloudFlowTest : public ::testing::Test {
 protected:
  CloudFlowTest() : emu_(FakeControl::pops({"dc1", "dc2"})) {}

  void SetUp() override {
    CloudConfig config;
    config.pop = "dc1";
    config.default_network = false;
    cloud_ = std::make_unique<Cloud>(emu_, config);
  }

  std::string network(const std::string& name, const std::string& cidr) {
    return chainlab::testing::network_with_subnet(*cloud_, name, cidr);
  }
  Result<Server> server(const std::string& name, const std::vector<std::string>& networks) {
    return chainlab::testing::server_on_networks(*cloud_, name, networks);
  }

  FakeControl emu_;
  std::unique_ptr<Cloud> cloud_;
};

TEST_F(CloudFlowTest, AServerIsAnInstanceInThePopWithOneInterfacePerNic) {
  std::string a = network("a", "10.40.0.0/24");
  std::string b = network("b", "10.41.0.0/24");
  auto s = server("vnf1", {a, b});
  ASSERT_TRUE(s.ok()) << s.error().message;

  ASSERT_EQ(emu_.instances().size(), 1u);
  const auto& info = emu_.instances().begin()->second;
  EXPECT_EQ(info.pop, "dc1");
  EXPECT_EQ(info.name, s->instance);
  ASSERT_EQ(info.interfaces.size(), 2u);
  EXPECT_EQ(info.interfaces[0].ip.rfind("10.40.0.", 0), 0u) << info.interfaces[0].ip;
  EXPECT_EQ(info.interfaces[1].ip.rfind("10.41.0.", 0), 0u) << info.interfaces[1].ip;
  auto ports = cloud_->server_ports(s->id);
  ASSERT_TRUE(ports.ok());
  EXPECT_EQ(ports->size(), 2u);
}

TEST_F(CloudFlowTest, ServersOnOneNetworkShareItsElan) {
  std::string net = network("data", "10.42.0.0/24");
  ASSERT_TRUE(server("x", {net}).ok());
  ASSERT_TRUE(server("y", {net}).ok());
  ASSERT_EQ(emu_.elans().size(), 1u) << "one segment for the network";
  EXPECT_EQ(emu_.elans().begin()->second.members.size(), 2u) << "it joins both servers' ports";
}

TEST_F(CloudFlowTest, DeletingTheServersLeavesTheEmulationEmpty) {
  std::string net = network("data", "10.43.0.0/24");
  auto x = server("x", {net});
  auto y = server("y", {net});
  ASSERT_TRUE(x.ok() && y.ok());
  ASSERT_TRUE(cloud_->delete_server(x->id).ok());
  ASSERT_TRUE(cloud_->delete_server(y->id).ok());
  EXPECT_TRUE(emu_.instances().empty());
  for (const auto& [name, elan] : emu_.elans()) {
    EXPECT_TRUE(elan.members.empty()) << name;
  }
  EXPECT_TRUE(cloud_->list_servers().empty());
  EXPECT_TRUE(cloud_->list_ports().empty()) << "ports created for the server go with it";
}

TEST_F(CloudFlowTest, AFailedStartLeavesNoServerAndNoBoundPort) {
  std::string net = network("data", "10.44.0.0/24");
  emu_.fail_nth(FakeControl::Op::kStartCompute, 1, ErrorCode::kResourceExhausted);
  auto s = server("x", {net});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kResourceExhausted);
  EXPECT_TRUE(emu_.instances().empty());
  EXPECT_TRUE(cloud_->list_servers().empty());
  EXPECT_TRUE(cloud_->list_ports().empty()) << "the NIC's port is not left behind";
  EXPECT_TRUE(server("x", {net}).ok()) << "the name is free again";
}

TEST_F(CloudFlowTest, UnknownNetworkIsABadRequestAndStartsNothing) {
  auto s = server("x", {"00000000-0000-4000-8000-000000000000"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument) << "Nova answers 400 NetworkNotFound";
  EXPECT_EQ(emu_.calls(FakeControl::Op::kStartCompute), 0);
}

TEST_F(CloudFlowTest, AttachAndDetachAnInterfaceAtRuntime) {
  std::string a = network("a", "10.45.0.0/24");
  std::string b = network("b", "10.46.0.0/24");
  auto s = server("x", {a});
  ASSERT_TRUE(s.ok());
  auto port = cloud_->attach_interface(s->id, ServerNic{"", b, ""});
  ASSERT_TRUE(port.ok()) << port.error().message;
  EXPECT_EQ(emu_.instances().at(s->instance).interfaces.size(), 2u);
  ASSERT_TRUE(cloud_->detach_interface(s->id, port->id).ok());
  EXPECT_EQ(emu_.instances().at(s->instance).interfaces.size(), 1u);
}

// What Nova shows of a server, read at once: its ports in interface order, their networks' names,
// its flavor; and of every server.
TEST_F(CloudFlowTest, AServerViewHoldsItsPortsNetworksAndFlavor) {
  std::string a = network("a", "10.46.0.0/24");
  std::string b = network("b", "10.47.0.0/24");
  auto s = server("viewed", {b, a});
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto v = cloud_->server_view(s->id);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->server.id, s->id);
  ASSERT_EQ(v->ports.size(), 2u);
  EXPECT_EQ(v->ports[0].network_id, b);
  EXPECT_EQ(v->ports[1].network_id, a);
  EXPECT_EQ(v->network_names.at(a), "a");
  EXPECT_EQ(v->network_names.at(b), "b");
  ASSERT_TRUE(v->flavor.has_value());
  EXPECT_EQ(v->flavor->name, "m1.tiny");
  EXPECT_EQ(cloud_->server_view("no-such-server").error().code, ErrorCode::kNotFound);

  auto second = server("second", {a});
  ASSERT_TRUE(second.ok());
  std::map<std::string, size_t> ports_of;
  for (const auto& view : cloud_->list_server_views()) {
    ports_of[view.server.name] = view.ports.size();
  }
  EXPECT_EQ(ports_of, (std::map<std::string, size_t>{{"viewed", 2}, {"second", 1}}));
}

// While a create's instance starts (here: blocked in start_compute), reads answer from the view
// the last write published: the server being created is there, BUILD, with its port reserved;
// it is ACTIVE once the create returns.
TEST_F(CloudFlowTest, ReadsDoNotWaitForACreateInProgress) {
  using namespace std::chrono_literals;
  std::string net = network("data", "10.48.0.0/24");
  auto first = server("first", {net});
  ASSERT_TRUE(first.ok());
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  emu_.on_start_compute = [&] {
    entered.set_value();
    released.wait();
  };
  auto creating = std::async(std::launch::async, [&] { return server("second", {net}); });
  entered.get_future().wait();
  auto reads = std::async(std::launch::async, [&] {
    return std::tuple(cloud_->list_servers(), cloud_->server_view(first->id), cloud_->list_ports(),
                      cloud_->get_network(net));
  });
  bool answered = reads.wait_for(10s) == std::future_status::ready;
  release.set_value();
  ASSERT_TRUE(answered) << "a read waited for the create's kernel work";
  auto [servers, view, ports, network] = reads.get();
  ASSERT_EQ(servers.size(), 2u) << "the server being created is there, BUILD";
  for (const auto& s : servers) {
    EXPECT_EQ(s.status, s.name == "second" ? "BUILD" : "ACTIVE") << s.name;
  }
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->ports.size(), 1u);
  EXPECT_EQ(ports.size(), 2u) << "and its port, reserved";
  EXPECT_TRUE(network.ok());
  auto second = creating.get();
  ASSERT_TRUE(second.ok()) << second.error().message;
  emu_.on_start_compute = nullptr;
  EXPECT_EQ(cloud_->get_server(second->id)->status, "ACTIVE") << "published when it returned";
  EXPECT_EQ(cloud_->list_ports().size(), 2u);
}

// DevStack's cirros, as a fresh PoP lists it: active, bootable with no upload (a native
// instance); a PoP configured with no default image lists none.
TEST_F(CloudFlowTest, AFreshPopOffersTheDefaultImageAndBootsFromIt) {
  auto images = cloud_->list_images();
  ASSERT_EQ(images.size(), 1u);
  EXPECT_EQ(images[0].name, kDefaultImageName);
  EXPECT_EQ(images[0].status, "active");
  EXPECT_TRUE(is_uuid(images[0].id));

  std::string net = network("data", "10.45.0.0/24");
  ServerCreate sc;
  sc.name = "booted";
  sc.flavor = "m1.tiny";
  sc.image = kDefaultImageName;
  sc.nics.push_back(ServerNic{"", net, ""});
  auto s = cloud_->create_server(sc);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->image_id, images[0].id);
  ASSERT_EQ(emu_.instances().size(), 1u);
  EXPECT_EQ(emu_.instances().begin()->second.image, kDefaultImageName)
      << "no store image by that name: the emulator starts a native instance";

  CloudConfig bare;
  bare.pop = "dc2";
  bare.default_image = "";
  EXPECT_TRUE(Cloud(emu_, bare).list_images().empty());
}

TEST(CloudSources, RecordsTakeTheirIdsAndStampsFromTheInjectedSources) {
  FakeControl emu(FakeControl::pops({"dc1"}));
  ManualClock clock;
  SequentialIds ids;
  CloudConfig config;
  config.pop = "dc1";
  config.default_network = false;
  Cloud cloud(emu, config, nullptr, nullptr, clock, ids);
  std::string net = chainlab::testing::network_with_subnet(cloud, "a", "10.40.0.0/24");
  std::string stamped_before = iso8601(clock.now(), true);
  clock.advance(std::chrono::hours(1));
  auto s = chainlab::testing::server_on_networks(cloud, "vnf1", {net});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->created, iso8601(clock.now(), true)) << "the injected clock, not the system's";
  EXPECT_EQ(s->id.substr(8, 16), "-0000-4000-8000-") << "a SequentialIds uuid: " << s->id;
  EXPECT_EQ(cloud.get_network(net)->created_at, stamped_before) << "an hour earlier";
}

}  // namespace
}  // namespace chainlab::openstack
