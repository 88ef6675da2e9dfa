// The Cloud (one PoP's OpenStack state) against a real emulation: servers are instances, a network
// is an E-LAN over its bound ports, and a failed call leaves nothing behind.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <barrier>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "../unit/runtime/image_test_util.h"
#include "cloud_fixture.h"
#include "emulator/emulation.h"
#include "frontends/openstack/cloud.h"
#include "runtime/image_store.h"
#include "test_util.h"

namespace chainlab::openstack {
namespace {

using namespace std::chrono_literals;

class CloudTest : public chainlab::testing::CloudFixture {
 protected:
  Result<Server> server(const std::string& name, std::vector<ServerNic> nics) {
    ServerCreate r;
    r.name = name;
    r.flavor = "m1.tiny";
    r.nics = std::move(nics);
    return cloud_->create_server(r);
  }
  std::string address(const Server& s, size_t i = 0) {
    auto ports = cloud_->server_ports(s.id);
    return ports.ok() && ports->size() > i ? (*ports)[i].fixed_ips.at(0).ip_address : "";
  }
  bool ping(const Server& from, const std::string& ip) {
    auto r = emu_->exec(from.instance, {"ping", "-c", "1", "-W", "1", ip}, 20s);
    return r.ok() && r->exit_code == 0;
  }
};

TEST_F(CloudTest, ServersOnOneNetworkPingEachOtherAndNothingElse) {
  std::string net1 = network("net1", "10.70.0.0/24");
  std::string net2 = network("net2", "10.71.0.0/24");
  auto a = server("a", {{"", net1, ""}});
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(cloud_->get_network(net1)->elan, "");  // one port: no E-LAN yet
  auto b = server("b", {{"", net1, "10.70.0.50"}});
  ASSERT_TRUE(b.ok()) << b.error().message;
  auto c = server("c", {{"", net2, ""}});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(address(*a), "10.70.0.2");
  EXPECT_EQ(address(*b), "10.70.0.50");
  EXPECT_NE(cloud_->get_network(net1)->elan, "");
  EXPECT_TRUE(ping(*a, "10.70.0.50"));
  EXPECT_TRUE(ping(*b, "10.70.0.2"));
  EXPECT_FALSE(ping(*c, "10.70.0.2"));

  // The instance carries Neutron's MAC.
  auto info = emu_->compute_status(a->instance);
  ASSERT_TRUE(info.ok());
  ASSERT_EQ(info->interfaces.size(), 1u);
  EXPECT_EQ(info->interfaces[0].mac, cloud_->server_ports(a->id)->at(0).mac_address);
  EXPECT_EQ(info->interfaces[0].name, "port0");

  // Deleting a server deletes its implicit ports; the network's E-LAN goes below two members.
  ASSERT_TRUE(cloud_->delete_server(b->id).ok());
  EXPECT_EQ(cloud_->list_ports().size(), 2u);
  EXPECT_EQ(cloud_->get_network(net1)->elan, "");
  EXPECT_FALSE(emu_->compute_status(b->instance).ok());
  EXPECT_EQ(cloud_->delete_network(net1).error().code, ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(cloud_->delete_server(a->id).ok());
  ASSERT_TRUE(cloud_->delete_server(c->id).ok());
  EXPECT_TRUE(cloud_->list_ports().empty());
  EXPECT_TRUE(cloud_->delete_network(net1).ok());
  EXPECT_TRUE(emu_->list_compute()->empty());
}

TEST_F(CloudTest, ExplicitPortsKeepTheirNameAndOutliveTheServer) {
  std::string net = network("net", "10.72.0.0/24");
  PortCreate pc;
  pc.network_id = net;
  pc.name = "input";
  auto p = cloud_->create_port(pc);
  ASSERT_TRUE(p.ok());
  auto a = server("with-port", {{p->id, "", ""}});
  ASSERT_TRUE(a.ok()) << a.error().message;
  auto bound = cloud_->get_port(p->id);
  ASSERT_TRUE(bound->binding.has_value());
  EXPECT_EQ(bound->binding->interface, "input");
  EXPECT_EQ(bound->binding->instance, a->instance);
  EXPECT_EQ(bound->device_id, a->id);
  EXPECT_EQ(bound->status, "ACTIVE");
  // A bound port cannot serve a second server; the failure creates nothing.
  auto twice = server("again", {{"", net, ""}, {p->id, "", ""}});
  EXPECT_EQ(twice.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(cloud_->list_ports().size(), 1u);
  ASSERT_TRUE(cloud_->delete_server(a->id).ok());
  auto freed = cloud_->get_port(p->id);
  ASSERT_TRUE(freed.ok());
  EXPECT_FALSE(freed->binding.has_value());
  EXPECT_EQ(freed->device_id, "");
}

TEST_F(CloudTest, FailuresLeaveNothing) {
  std::string net = network("net", "10.73.0.0/24");
  ServerCreate bad_flavor;
  bad_flavor.name = "x";
  bad_flavor.flavor = "m1.nope";
  bad_flavor.nics = {{"", net, ""}};
  EXPECT_FALSE(cloud_->create_server(bad_flavor).ok());
  EXPECT_FALSE(server("x", {{"", "no-such-net", ""}}).ok());
  EXPECT_FALSE(server("x", {{"", net, "10.99.0.1"}}).ok());  // address outside every subnet
  EXPECT_TRUE(cloud_->list_ports().empty());
  EXPECT_TRUE(cloud_->list_servers().empty());

  // The emulator refusing the instance (unknown PoP) undoes the ports and their addresses.
  CloudConfig elsewhere;
  elsewhere.pop = "nowhere";
  Cloud other(*emu_, elsewhere);
  auto n = other.create_network(NetworkCreate{});
  SubnetCreate sc;
  sc.network_id = n->id;
  sc.cidr = "10.74.0.0/24";
  ASSERT_TRUE(other.create_subnet(sc).ok());
  ServerCreate r;
  r.name = "lost";
  r.flavor = "m1.tiny";
  r.nics = {{"", n->id, ""}};
  EXPECT_FALSE(other.create_server(r).ok());
  EXPECT_TRUE(other.list_ports().empty());
  PortCreate pc;
  pc.network_id = n->id;
  EXPECT_EQ(other.create_port(pc)->fixed_ips.at(0).ip_address, "10.74.0.2");  // given back
  EXPECT_TRUE(emu_->list_compute()->empty());
}

TEST_F(CloudTest, InterfacesAttachAndDetachAtRuntime) {
  std::string net1 = network("net1", "10.75.0.0/24");
  std::string net2 = network("net2", "10.76.0.0/24");
  auto a = server("a", {{"", net1, ""}});
  auto b = server("b", {{"", net2, ""}});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_FALSE(ping(*a, address(*b)));
  auto attached = cloud_->attach_interface(a->id, {"", net2, ""});
  ASSERT_TRUE(attached.ok()) << attached.error().message;
  EXPECT_EQ(attached->binding->interface, "port1");
  EXPECT_TRUE(ping(*a, address(*b)));
  ASSERT_TRUE(cloud_->detach_interface(a->id, attached->id).ok());
  EXPECT_FALSE(cloud_->get_port(attached->id).ok());  // created by the attach: deleted
  EXPECT_FALSE(ping(*a, address(*b)));
  EXPECT_EQ(cloud_->get_server(a->id)->port_ids.size(), 1u);
}

TEST_F(CloudTest, UploadedDockerArchiveIsImportedIntoTheImageStore) {
  char tmpl[] = "/tmp/chainlab-cloud-images-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string root = tmpl;
  {
    auto store = runtime::ImageStore::open(root);
    ASSERT_TRUE(store.ok()) << store.error().message;
    CloudConfig config;
    config.pop = "dc1";
    config.default_image = "";  // the store's images only
    Cloud cloud(*emu_, config, store->get());
    runtime::testing::DockerArchive archive;
    archive.layers = {runtime::testing::make_tar({runtime::testing::file("hello.txt", "hi")})};
    archive.config["config"] = {{"Cmd", {"/bin/sh"}}};

    ImageCreate ic;
    ic.name = "demo/vnf:1.0";
    ic.container_format = "docker";
    auto image = cloud.create_image(ic);
    ASSERT_TRUE(image.ok()) << image.error().message;
    EXPECT_EQ(image->status, "queued");
    auto up = cloud.upload_image(image->id, archive.build());
    ASSERT_TRUE(up.ok()) << up.error().message;
    EXPECT_EQ(up->status, "active");
    EXPECT_NE(up->store_ref, "");
    EXPECT_TRUE((*store)->resolve("demo/vnf:1.0").ok());
    EXPECT_EQ(cloud.list_images().size(), 1u);  // not listed twice
    EXPECT_EQ(cloud.upload_image(image->id, "again").error().code, ErrorCode::kFailedPrecondition);

    // Plain data stays a Glance record.
    ImageCreate raw;
    raw.name = "disk";
    auto disk = cloud.create_image(raw);
    ASSERT_TRUE(cloud.upload_image(disk->id, "0123456789").ok());
    EXPECT_EQ(*cloud.image_data(disk->id), "0123456789");
    EXPECT_EQ(cloud.get_image("disk")->size, 10);

    ASSERT_TRUE(cloud.delete_image(image->id).ok());
    EXPECT_FALSE((*store)->resolve("demo/vnf:1.0").ok());
    EXPECT_EQ(cloud.list_images().size(), 1u);
  }
  chainlab::testing::run_command("rm -rf " + root);
}

// Like son-emu's Glance listing the Docker images: a store image is listed under every tag, and
// any of them boots it.
TEST_F(CloudTest, AStoreImageIsListedUnderEachOfItsTags) {
  char tmpl[] = "/tmp/chainlab-cloud-tags-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string root = tmpl;
  {
    auto store = runtime::ImageStore::open(root);
    ASSERT_TRUE(store.ok()) << store.error().message;
    ASSERT_TRUE((*store)->build_from_host("tools", {"sh"}).ok());
    ASSERT_TRUE((*store)->tag("tools", "tools:1.0").ok());
    CloudConfig config;
    config.pop = "dc1";
    config.default_image = "";
    config.default_network = false;
    Cloud cloud(*emu_, config, store->get());
    auto images = cloud.list_images();
    ASSERT_EQ(images.size(), 2u);
    EXPECT_EQ(images[0].name, "tools:1.0");
    EXPECT_EQ(images[1].name, "tools:latest");
    EXPECT_NE(images[0].id, images[1].id);
    EXPECT_EQ(images[0].store_ref, images[1].store_ref);
    std::string net = chainlab::testing::network_with_subnet(cloud, "n", "10.95.0.0/24");
    ServerCreate sc;
    sc.name = "tagged";
    sc.image = "tools:1.0";
    sc.flavor = "m1.tiny";
    sc.nics = {{"", net, ""}};
    auto server = cloud.create_server(sc);
    ASSERT_TRUE(server.ok()) << server.error().message;
    EXPECT_EQ(server->image_id, images[0].id);
    ASSERT_TRUE(cloud.delete_server(server->id).ok());

    // A tag moved to another image (a newer pull) lists that one, once.
    auto other = (*store)->build_from_host("other", {"ls"});
    ASSERT_TRUE(other.ok()) << other.error().message;
    ASSERT_TRUE((*store)->tag("other", "tools:1.0").ok());
    int listed = 0;
    for (const auto& im : cloud.list_images()) {
      if (im.name == "tools:1.0") {
        ++listed;
        EXPECT_EQ(im.store_ref, other->id);
      }
    }
    EXPECT_EQ(listed, 1);
    ASSERT_TRUE((*store)->remove("tools").ok());
    ASSERT_TRUE((*store)->remove("other").ok());
    EXPECT_TRUE(cloud.list_images().empty()) << "gone from the store, gone under every tag";
  }
  chainlab::testing::run_command("rm -rf " + root);
}

// Two PoPs' Clouds share the emulation's instance names: creating servers with the same names on
// both at once (a MANO deploying one service on two VIMs) must never fail with "instance already
// exists" when the name chosen by one Cloud is taken by the other before its instance starts.
TEST(CloudRaceTest, SameServerNamesOnTwoPopsAtOnce) {
  CL_REQUIRE_ROOT();
  emulator::Topology t;
  t.name = "cloud-race";
  t.emulator.rest_port = 0;
  ASSERT_TRUE(t.add_pop({"dc1", {}, {}, {}}).ok());
  ASSERT_TRUE(t.add_pop({"dc2", {}, {}, {}}).ok());
  auto emu = emulator::Emulation::start(t);
  ASSERT_TRUE(emu.ok()) << emu.error().message;
  CloudConfig c1;
  c1.pop = "dc1";
  CloudConfig c2;
  c2.pop = "dc2";
  Cloud dc1(**emu, c1);
  Cloud dc2(**emu, c2);
  constexpr int kServers = 15;
  std::vector<std::string> errors;
  std::mutex errors_mu;
  std::barrier in_step(2);  // both PoPs pick the same name at the same moment
  auto create_all = [&](Cloud& cloud) {
    for (int i = 0; i < kServers; ++i) {
      in_step.arrive_and_wait();
      ServerCreate r;
      r.name = "vnf" + std::to_string(i);
      r.flavor = "m1.nano";
      auto s = cloud.create_server(r);
      if (!s.ok()) {
        std::lock_guard lock(errors_mu);
        errors.push_back(s.error().message);
      }
    }
  };
  std::thread a(create_all, std::ref(dc1));
  std::thread b(create_all, std::ref(dc2));
  a.join();
  b.join();
  EXPECT_TRUE(errors.empty()) << errors.front();
  std::set<std::string> instances;
  for (Cloud* cloud : {&dc1, &dc2}) {
    auto servers = cloud->list_servers();
    EXPECT_EQ(servers.size(), static_cast<size_t>(kServers));
    for (const auto& s : servers) {
      instances.insert(s.instance);
      EXPECT_TRUE(cloud->delete_server(s.id).ok());
    }
  }
  EXPECT_EQ(instances.size(), 2u * kServers);
  EXPECT_TRUE((*emu)->list_compute()->empty());
}

}  // namespace
}  // namespace chainlab::openstack
