// The OpenStack drop-in behaviours son-emu users and real clients rely on (issue 11, items 7-9),
// over real HTTP against one PoP's Keystone, Nova, Neutron (+ networking-sfc), Glance and Heat on
// a real emulation: Nova takes any project id in the path and checks it against the token; every
// PoP starts with son-emu's network "default"; a server's flavor and image carry bookmark links
// only; son-emu's servers/andPorts; images' architecture; Neutron's NetworkInUse; each service's
// own error body for unknown routes and for PUTs without a body. The last test drives the same
// through the real `openstack` client (skipped when python3-openstackclient is missing).
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <gmock/gmock.h>

#include <chrono>
#include <set>

#include "app/services.h"
#include "common/fd.h"
#include "emulator/emulation.h"
#include "endpoints/http/endpoint_group.h"
#include "endpoints/openstack/glance.h"
#include "endpoints/openstack/heat.h"
#include "endpoints/openstack/keystone.h"
#include "endpoints/openstack/neutron.h"
#include "endpoints/openstack/nova.h"
#include "endpoints/openstack/sfc.h"
#include "runtime/image_store.h"
#include "test_util.h"

namespace chainlab::endpoints {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Reply {
  int status = 0;
  json body;
  double seconds = 0;
};

// `n` distinct free loopback ports: bound together (so they differ), then released for the
// listeners. The services advertise each other's ports (Keystone's catalogue, version
// documents), so they must be known before the listeners start.
std::vector<int> free_ports(int n) {
  std::vector<UniqueFd> held;
  std::vector<int> ports;
  for (int i = 0; i < n; ++i) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      return {};
    }
    ports.push_back(ntohs(addr.sin_port));
    held.push_back(std::move(fd));
  }
  return ports;
}

// One request written as is (no Content-Length unless `head` has one); the status and JSON body
// of the answer, and how long it took.
Reply raw_request(int port, const std::string& head) {
  Reply out;
  auto start = std::chrono::steady_clock::now();
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM, 0));
  timeval tv{10, 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::write(fd.get(), head.data(), head.size()) != static_cast<ssize_t>(head.size())) {
    return out;
  }
  std::string text;
  char buf[4096];
  size_t body_at = std::string::npos;
  size_t length = 0;
  while (body_at == std::string::npos || text.size() < body_at + length) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n <= 0) {
      break;
    }
    text.append(buf, static_cast<size_t>(n));
    if (body_at == std::string::npos && text.find("\r\n\r\n") != std::string::npos) {
      body_at = text.find("\r\n\r\n") + 4;
      auto cl = text.find("Content-Length: ");
      length = cl < body_at ? std::stoul(text.substr(cl + 16)) : 0;
    }
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (text.starts_with("HTTP/1.1 ")) {
    out.status = std::stoi(text.substr(9, 3));
  }
  if (body_at != std::string::npos) {
    out.body = json::parse(text.substr(body_at), nullptr, false);
  }
  return out;
}

std::string host_machine() {
  utsname u{};
  return ::uname(&u) == 0 ? u.machine : "";
}

class OpenStackDropinTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CL_REQUIRE_ROOT();
    emulator::Topology t;
    t.emulator.rest_port = 0;
    ASSERT_TRUE(t.add_pop({"dc1", {}, {}, {}}).ok());
    auto e = emulator::Emulation::start(t);
    ASSERT_TRUE(e.ok()) << e.error().message;
    emu_ = std::move(e).value();
    char tmpl[] = "/tmp/chainlab-dropin-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    store_dir_ = tmpl;
    auto store = runtime::ImageStore::open(store_dir_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(store).value();
    ASSERT_TRUE(store_->build_from_host("dropin-tools", {"sh"}).ok());
    services_ = app::make_openstack_services(*emu_, "dc1", store_.get());
    cloud_ = services_->cloud.get();
    auto token = cloud_->issue_token("admin", "admin");
    ASSERT_TRUE(token.ok());
    token_ = token->id;
    project_ = token->project_id;

    std::vector<int> p = free_ports(5);
    ASSERT_EQ(p.size(), 5u);
    ports_ = {p[0], p[1], p[2], p[3], p[4]};
    std::vector<std::unique_ptr<Endpoint>> neutron;
    neutron.push_back(std::make_unique<OpenStackSfcEndpoint>(*cloud_, *services_->sfc));
    neutron.push_back(std::make_unique<NeutronEndpoint>(*cloud_, ports_));
    listen(ports_.keystone, std::make_unique<KeystoneEndpoint>(*cloud_, ports_));
    listen(ports_.nova, std::make_unique<NovaEndpoint>(*cloud_, ports_));
    listen(ports_.neutron, std::make_unique<EndpointGroup>("dc1 neutron", std::move(neutron)));
    listen(ports_.heat, std::make_unique<HeatEndpoint>(*cloud_, *services_->stacks, ports_));
    listen(ports_.glance, std::make_unique<GlanceEndpoint>(*cloud_, ports_));
  }
  void TearDown() override {
    for (auto& l : listeners_) {
      l->stop();
    }
    listeners_.clear();
    endpoints_.clear();
    services_.reset();
    emu_.reset();
    store_.reset();
    if (!store_dir_.empty()) {
      testing::run_command("rm -rf " + store_dir_);
    }
  }

  void listen(int port, std::unique_ptr<Endpoint> endpoint) {
    ListenOptions options;
    options.port = port;
    auto l = HttpListener::start(options, *endpoint);
    ASSERT_TRUE(l.ok()) << l.error().message;
    listeners_.push_back(std::move(l).value());
    endpoints_.push_back(std::move(endpoint));
  }

  Reply call(int port, const std::string& method, const std::string& path,
             const json& body = nullptr) {
    httplib::Client client("127.0.0.1", port);
    httplib::Headers h = {{"X-Auth-Token", token_}};
    std::string text = body.is_null() ? "" : body.dump();
    httplib::Result r{nullptr, httplib::Error::Unknown};
    if (method == "GET") {
      r = client.Get(path, h);
    } else if (method == "POST") {
      r = client.Post(path, h, text, "application/json");
    } else if (method == "PUT") {
      r = client.Put(path, h, text, "application/json");
    } else {
      r = client.Delete(path, h);
    }
    Reply out;
    if (!r) {
      ADD_FAILURE() << method << " " << path << ": no answer";
      return out;
    }
    out.status = r->status;
    out.body = json::parse(r->body, nullptr, false);
    return out;
  }
  Reply nova(const std::string& method, const std::string& path, const json& body = nullptr) {
    return call(ports_.nova, method, path, body);
  }
  Reply neutron(const std::string& method, const std::string& path, const json& body = nullptr) {
    return call(ports_.neutron, method, path, body);
  }
  std::string url(int port, const std::string& path) const {
    return fmt::format("http://127.0.0.1:{}{}", port, path);
  }

  // The id of the PoP's network "default".
  std::string default_network() {
    auto r = neutron("GET", "/v2.0/networks?name=default");
    EXPECT_EQ(r.body["networks"].size(), 1u) << r.body.dump();
    return r.body["networks"].size() == 1 ? r.body["networks"][0]["id"].get<std::string>() : "";
  }
  // A server booted through Nova on a new port of the network "default"; its id.
  std::string server_on_default(const std::string& name, const std::string& image = "") {
    auto port = neutron("POST", "/v2.0/ports",
                        {{"port", {{"network_id", default_network()}, {"name", name + "-p"}}}});
    EXPECT_EQ(port.status, 201) << port.body.dump();
    auto s = nova("POST", "/v2.1/" + project_ + "/servers",
                  {{"server",
                    {{"name", name},
                     {"flavorRef", "1"},
                     {"imageRef", image},
                     {"networks", {{{"port", port.body["port"]["id"]}}}}}}});
    EXPECT_EQ(s.status, 202) << s.body.dump();
    std::string id = s.body["server"].value("id", "");
    cloud_->settle_builds();  // Nova answers BUILD; the instance starts on the PoP's build thread
    auto shown = nova("GET", "/v2.1/" + project_ + "/servers/" + id);
    EXPECT_EQ(shown.body["server"].value("status", ""), "ACTIVE") << shown.body.dump();
    return id;
  }
  bool ping(const std::string& server_id, const std::string& address) {
    auto s = cloud_->get_server(server_id);
    if (!s.ok()) {
      return false;
    }
    auto r = emu_->exec(s->instance, {"ping", "-c", "2", "-i", "0.2", "-W", "1", address}, 30s);
    return r.ok() && r->exit_code == 0;
  }

  std::unique_ptr<emulator::Emulation> emu_;
  std::string store_dir_;
  std::unique_ptr<runtime::ImageStore> store_;
  std::unique_ptr<app::OpenStackServices> services_;
  openstack::Cloud* cloud_ = nullptr;  // the services'
  std::string token_;
  std::string project_;
  OpenStackPorts ports_;
  std::vector<std::unique_ptr<Endpoint>> endpoints_;
  std::vector<std::unique_ptr<HttpListener>> listeners_;
};

// Item 7: any project id string routes; it must be the token's (real Nova's 400 otherwise); the
// paths without a project keep working, and a resource name is never taken for a project.
TEST_F(OpenStackDropinTest, NovaTakesAnyProjectIdInThePathCheckedAgainstTheToken) {
  EXPECT_EQ(nova("GET", "/v2.1/" + project_ + "/servers").status, 200);
  EXPECT_EQ(nova("GET", "/v2.1/servers").status, 200);
  EXPECT_EQ(nova("GET", "/v2.1/servers/detail").status, 200);
  EXPECT_EQ(nova("GET", "/v2.1/flavors/1").status, 200);
  EXPECT_EQ(nova("GET", "/v2.1/" + project_ + "/flavors/detail").status, 200);
  for (std::string other : {"id_bla", "abcdefghijklmnopqrstuvwxyz123456", "tenantabc123"}) {
    auto r = nova("GET", "/v2.1/" + other + "/servers");
    EXPECT_EQ(r.status, 400) << other;
    EXPECT_EQ(r.body["badRequest"]["message"], "Malformed request URL: URL's project_id '" + other +
                                                   "' doesn't match Context's project_id '" +
                                                   project_ + "'");
    EXPECT_EQ(nova("GET", "/v2.1/" + other + "/flavors/1").status, 400) << other;
  }
  // A server id that looks like a project is still a server id.
  auto missing = nova("GET", "/v2.1/servers/id_bla");
  EXPECT_EQ(missing.status, 404);
  EXPECT_TRUE(missing.body.contains("itemNotFound"));
  // Links carry the project only when the request's path did (as Nova's do).
  auto with = nova("GET", "/v2.1/" + project_ + "/flavors");
  EXPECT_EQ(with.body["flavors"][0]["links"][0]["href"],
            url(ports_.nova, "/v2.1/" + project_ + "/flavors/" +
                                 with.body["flavors"][0]["id"].get<std::string>()));
  auto without = nova("GET", "/v2.1/flavors");
  EXPECT_EQ(without.body["flavors"][0]["links"][1]["href"],
            url(ports_.nova, "/flavors/" + without.body["flavors"][0]["id"].get<std::string>()));
}

// Item 8: son-emu's floating network, there from the start, takes ports and servers that reach
// each other over it.
TEST_F(OpenStackDropinTest, EveryPopStartsWithSonEmusNetworkDefault) {
  auto nets = neutron("GET", "/v2.0/networks");
  ASSERT_EQ(nets.status, 200);
  ASSERT_EQ(nets.body["networks"].size(), 2u) << "default, and DevStack's external network";
  // Neutron lists by id, so the order of the two is the order of their random ids.
  const json& first = nets.body["networks"][0];
  const json& net = first["name"] == "default" ? first : nets.body["networks"][1];
  const json& ext = first["name"] == "default" ? nets.body["networks"][1] : first;
  EXPECT_EQ(net["name"], "default");
  EXPECT_EQ(ext["name"], "public");
  EXPECT_EQ(ext["router:external"], true);
  EXPECT_EQ(net["shared"], false);
  EXPECT_EQ(net["router:external"], false);
  ASSERT_EQ(net["subnets"].size(), 1u);
  auto sub = neutron("GET", "/v2.0/subnets/" + net["subnets"][0].get<std::string>());
  EXPECT_EQ(sub.body["subnet"]["name"], "default-sub");
  EXPECT_EQ(sub.body["subnet"]["cidr"], "192.168.100.0/24");
  EXPECT_EQ(sub.body["subnet"]["network_id"], net["id"]);

  std::string a = server_on_default("vnf-a");
  std::string b = server_on_default("vnf-b");
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  auto ports = cloud_->server_ports(b);
  ASSERT_TRUE(ports.ok());
  std::string b_ip = ports->at(0).fixed_ips.at(0).ip_address;
  EXPECT_THAT(b_ip, StartsWith("192.168.100."));
  EXPECT_TRUE(ping(a, b_ip));
}

// Nova's create answers BUILD before the instance runs; servers deleted at once, while BUILD
// (queued or starting), leave no instance, namespace or port behind, and the last one created
// still turns ACTIVE on the real emulation.
TEST_F(OpenStackDropinTest, ServersDeletedWhileBuildingLeaveNothing) {
  std::string net = default_network();
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    auto s = nova("POST", "/v2.1/" + project_ + "/servers",
                  {{"server",
                    {{"name", fmt::format("short-{}", i)},
                     {"flavorRef", "1"},
                     {"networks", {{{"uuid", net}}}}}}});
    ASSERT_EQ(s.status, 202) << s.body.dump();
    ids.push_back(s.body["server"].value("id", ""));
  }
  auto first = nova("GET", "/v2.1/" + project_ + "/servers/" + ids[0]);
  const std::string status = first.body["server"].value("status", "");
  EXPECT_TRUE(status == "BUILD" || status == "ACTIVE") << status;
  if (status == "BUILD") {
    EXPECT_EQ(first.body["server"]["OS-EXT-STS:vm_state"], "building");
    EXPECT_EQ(first.body["server"]["OS-EXT-STS:task_state"], "spawning");
    EXPECT_TRUE(first.body["server"]["OS-SRV-USG:launched_at"].is_null());
  }
  for (size_t i = 0; i + 1 < ids.size(); ++i) {
    EXPECT_EQ(nova("DELETE", "/v2.1/" + project_ + "/servers/" + ids[i]).status, 204);
  }
  cloud_->settle_builds();
  auto last = nova("GET", "/v2.1/" + project_ + "/servers/" + ids.back());
  EXPECT_EQ(last.body["server"].value("status", ""), "ACTIVE") << last.body.dump();
  EXPECT_EQ(nova("DELETE", "/v2.1/" + project_ + "/servers/" + ids.back()).status, 204);
  EXPECT_TRUE(nova("GET", "/v2.1/" + project_ + "/servers").body["servers"].empty());
  auto ports = neutron("GET", "/v2.0/ports");
  EXPECT_TRUE(ports.body["ports"].empty()) << ports.body.dump();
  auto computes = emu_->list_compute("");
  ASSERT_TRUE(computes.ok());
  for (const auto& c : *computes) {
    ADD_FAILURE() << "instance left: " << c.name;
  }
}

// Items 9a-9c: a server's flavor and image carry the bookmark link only (Nova before 2.47), the
// flavor and image resources self and bookmark; son-emu's servers/andPorts; images'
// architecture in Nova's metadata and Glance's properties.
TEST_F(OpenStackDropinTest, ServerViewsAndPortsAndImageArchitecture) {
  openstack::ImageCreate ic;
  ic.name = "raw-disk";
  auto raw = cloud_->create_image(ic);
  ASSERT_TRUE(raw.ok()) << raw.error().message;
  std::string id = server_on_default("vnf1", raw->id);
  ASSERT_FALSE(id.empty());
  auto shown = nova("GET", "/v2.1/" + project_ + "/servers/" + id);
  ASSERT_EQ(shown.status, 200);
  const json& s = shown.body["server"];
  EXPECT_EQ(s["flavor"]["links"],
            json::parse(R"([{"rel": "bookmark", "href": ")" +
                        url(ports_.nova, "/" + project_ + "/flavors/1") + R"("}])"));
  EXPECT_EQ(s["image"]["links"],
            json::parse(R"([{"rel": "bookmark", "href": ")" +
                        url(ports_.nova, "/" + project_ + "/images/" + raw->id) + R"("}])"));
  EXPECT_EQ(s["links"].size(), 2u);
  auto flavor = nova("GET", "/v2.1/flavors/1");
  EXPECT_EQ(flavor.body["flavor"]["links"].size(), 2u);

  auto listed = nova("GET", "/v2.1/" + project_ + "/servers/andPorts");
  ASSERT_EQ(listed.status, 200) << listed.body.dump();
  ASSERT_EQ(listed.body["servers"].size(), 1u);
  const json& item = listed.body["servers"][0];
  EXPECT_EQ(item["id"], id);
  EXPECT_EQ(item["name"], "vnf1");
  EXPECT_EQ(item["full_name"], cloud_->get_server(id)->instance);
  ASSERT_EQ(item["ports"].size(), 1u);
  const json& port = item["ports"][0];
  auto bound = cloud_->server_ports(id)->at(0);
  EXPECT_EQ(port["id"], bound.id);
  EXPECT_EQ(port["name"], "vnf1-p");
  EXPECT_EQ(port["intf_name"], bound.binding->interface);
  EXPECT_EQ(port["mac_address"], bound.mac_address);
  EXPECT_EQ(port["network_id"], default_network());
  EXPECT_EQ(port["fixed_ips"][0]["ip_address"], bound.fixed_ips[0].ip_address);
  EXPECT_EQ(port["device_id"], id);
  EXPECT_EQ(port["tenant_id"], bound.project_id);
  std::vector<std::string> keys;
  for (const auto& [key, value] : port.items()) {
    keys.push_back(key);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"admin_state_up", "device_id", "device_owner",
                                            "fixed_ips", "id", "intf_name", "mac_address", "name",
                                            "network_id", "status", "tenant_id"}));
  EXPECT_EQ(port["fixed_ips"][0].size(), 2u) << port.dump();

  auto images = nova("GET", "/v2.1/images/detail");
  bool found = false;
  for (const auto& im : images.body["images"]) {
    if (im["name"] == "dropin-tools:latest") {
      found = true;
      EXPECT_EQ(im["metadata"]["architecture"], host_machine()) << im.dump();
      auto glance = call(ports_.glance, "GET", "/v2/images/" + im["id"].get<std::string>());
      EXPECT_EQ(glance.body["architecture"], host_machine()) << glance.body.dump();
    }
  }
  EXPECT_TRUE(found) << images.body.dump();
}

// Item 9d: a network with a port a user created (not bound to any server) cannot be deleted.
TEST_F(OpenStackDropinTest, DeletingANetworkWithUserPortsIsNetworkInUse) {
  auto net = neutron("POST", "/v2.0/networks", {{"network", {{"name", "n1"}}}});
  std::string nid = net.body["network"]["id"];
  ASSERT_EQ(
      neutron("POST", "/v2.0/subnets",
              {{"subnet", {{"network_id", nid}, {"cidr", "10.88.0.0/24"}, {"ip_version", 4}}}})
          .status,
      201);
  auto port = neutron("POST", "/v2.0/ports", {{"port", {{"network_id", nid}, {"name", "p1"}}}});
  ASSERT_EQ(port.status, 201);
  auto refused = neutron("DELETE", "/v2.0/networks/" + nid);
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(refused.body["NeutronError"]["type"], "NetworkInUse");
  EXPECT_EQ(refused.body["NeutronError"]["message"],
            "Unable to complete operation on network " + nid +
                ". There are one or more ports still in use on the network.");
  EXPECT_EQ(neutron("GET", "/v2.0/networks/" + nid).status, 200);
  EXPECT_EQ(neutron("GET", "/v2.0/ports/" + port.body["port"]["id"].get<std::string>()).status,
            200);
  EXPECT_EQ(neutron("DELETE", "/v2.0/ports/" + port.body["port"]["id"].get<std::string>()).status,
            204);
  EXPECT_EQ(neutron("DELETE", "/v2.0/networks/" + nid).status, 204);
}

// Item 9e: a path no route takes gets the service's own 404 body.
TEST_F(OpenStackDropinTest, UnknownRoutesAnswerEachServicesOwnErrorBody) {
  const std::string kMessage = "The resource could not be found.";
  auto r = nova("GET", "/v2.1/" + project_ + "/os-nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, json({{"itemNotFound", {{"code", 404}, {"message", kMessage}}}}));
  r = neutron("GET", "/v2.0/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body["NeutronError"]["message"], kMessage) << r.body.dump();
  r = call(ports_.glance, "GET", "/v2/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, json({{"code", 404}, {"title", "Not Found"}, {"message", kMessage}}));
  r = call(ports_.heat, "POST", "/v1/" + project_ + "/nope", json::object());
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body["code"], 404);
  EXPECT_EQ(r.body["title"], "Not Found");
  EXPECT_EQ(r.body["error"]["message"], kMessage) << r.body.dump();
  r = call(ports_.keystone, "GET", "/v3/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body,
            json({{"error", {{"code", 404}, {"title", "Not Found"}, {"message", kMessage}}}}));
}

// Item 9f: a PUT without a body or Content-Length has no body (RFC 9112): it is routed at once
// and gets the service's own answer, not an empty 400 after the read timeout.
TEST_F(OpenStackDropinTest, PutWithoutBodyOrContentLengthGetsTheServicesOwnAnswer) {
  auto head = [this](const std::string& path) {
    return "PUT " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: " + token_ + "\r\n\r\n";
  };
  std::string nid = default_network();
  auto r = raw_request(ports_.neutron, head("/v2.0/networks/" + nid));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["NeutronError"]["message"], "Resource body required") << r.body.dump();
  EXPECT_LT(r.seconds, 2.0);
  std::string sid = server_on_default("vnf1");
  r = raw_request(ports_.nova, head("/v2.1/servers/" + sid));
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.body["badRequest"].contains("message")) << r.body.dump();
  EXPECT_LT(r.seconds, 2.0);
  r = raw_request(ports_.heat, head("/v1/" + project_ + "/stacks/nope/0000"));
  EXPECT_EQ(r.status / 100, 4);
  EXPECT_TRUE(r.body.contains("error")) << r.body.dump();
  EXPECT_LT(r.seconds, 2.0);
  // Glance's tag PUT has no body at all: it simply works.
  openstack::ImageCreate ic;
  ic.name = "tagged";
  auto im = cloud_->create_image(ic);
  ASSERT_TRUE(im.ok());
  r = raw_request(ports_.glance, head("/v2/images/" + im->id + "/tags/blue"));
  EXPECT_EQ(r.status, 204);
  EXPECT_LT(r.seconds, 2.0);
  EXPECT_EQ(cloud_->get_image(im->id)->tags, std::vector<std::string>{"blue"});
}

// Items 7-9 as the stock client sees them (its Nova calls go to /v2.1/<project>/...).
TEST_F(OpenStackDropinTest, TheRealOpenStackClient) {
  if (testing::run_command("command -v openstack").status != 0) {
    GTEST_SKIP() << "the openstack client is not installed (python3-openstackclient)";
  }
  std::string env = fmt::format(
      "env OS_AUTH_URL=http://127.0.0.1:{}/v3 OS_USERNAME=admin OS_PASSWORD=admin "
      "OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default "
      "OS_IDENTITY_API_VERSION=3 OS_REGION_NAME=RegionOne openstack ",
      ports_.keystone);
  auto os = [&env](const std::string& args) { return testing::run_command(env + args); };
  auto os_json = [&os](const std::string& args) {
    auto r = os(args + " -f json");
    EXPECT_EQ(r.status, 0) << args << ": " << r.output;
    return json::parse(r.output, nullptr, false);
  };

  auto nets = os_json("network list");
  ASSERT_EQ(nets.size(), 2u) << nets.dump();
  std::set<std::string> names = {nets[0]["Name"], nets[1]["Name"]};
  EXPECT_EQ(names, (std::set<std::string>{"default", "public"}));
  EXPECT_EQ(os_json("subnet show default-sub")["cidr"], "192.168.100.0/24");
  auto port = os_json("port create --network default p-a");
  EXPECT_THAT(port.dump(), HasSubstr("192.168.100."));
  openstack::ImageCreate ic;
  ic.name = "raw-disk";
  ASSERT_TRUE(cloud_->create_image(ic).ok());
  auto server = os_json("server create --wait --flavor m1.tiny --image raw-disk --port p-a vnf-a");
  EXPECT_EQ(server["status"], "ACTIVE") << server.dump();
  auto listed = os_json("server list");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_THAT(listed[0]["Networks"].dump(), HasSubstr("192.168.100."));

  auto image = os_json("image show dropin-tools:latest");
  EXPECT_THAT(image["properties"].dump(), HasSubstr(host_machine())) << image.dump();

  os_json("network create n1");
  os_json("subnet create --network n1 --subnet-range 10.89.0.0/24 s1");
  os_json("port create --network n1 p1");
  auto refused = os("network delete n1");
  EXPECT_NE(refused.status, 0);
  EXPECT_THAT(refused.output, HasSubstr("ports still in use on the network"));
  EXPECT_EQ(os("port delete p1").status, 0);
  EXPECT_EQ(os("network delete n1").status, 0) << "deletable once its port is gone";
}

}  // namespace
}  // namespace chainlab::endpoints
