// Scenario: hostile numbers and YAML over real HTTP (issue 10). Each reproduction gets a 400 with
// the field named, in milliseconds, and changes nothing: `mem_limit=17179869185g` used to wrap to
// 1 GiB, a Nova flavor with a huge RAM used to wrap too, `bw=inf` reached an undefined cast, and a
// 1 KB Heat template with a 10-level alias bomb grew the process to 17 GB.
#include <httplib.h>

#include <chrono>

#include "app/services.h"
#include "emulator/emulation.h"
#include "endpoints/emulator/emulator_endpoint.h"
#include "endpoints/openstack/heat.h"
#include "endpoints/openstack/nova.h"
#include "frontends/openstack/cloud.h"
#include "test_util.h"

namespace chainlab::endpoints {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

struct RawReply {
  int status = 0;
  json body;
  std::string text;
};

RawReply reply(const httplib::Result& r) {
  RawReply out;
  if (r) {
    out.status = r->status;
    out.text = r->body;
    out.body = json::parse(r->body, nullptr, false);
  }
  return out;
}

// A 10-level "billion laughs" HOT template: 10^10 strings once expanded, under 1 KB as text.
std::string alias_bomb_template() {
  std::string t =
      "heat_template_version: 2015-04-30\nparameters:\n  l0:\n    type: string\n"
      "    default: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i < 10; ++i) {
    std::string prev = "*l" + std::to_string(i - 1);
    t += "  l" + std::to_string(i) + ":\n    type: json\n    default: &l" + std::to_string(i) +
         " [" + prev;
    for (int j = 1; j < 10; ++j) {
      t += "," + prev;
    }
    t += "]\n";
  }
  return t;
}

class BoundedInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CL_REQUIRE_ROOT();
    emulator::Topology t;
    t.emulator.rest_port = 0;
    ASSERT_TRUE(t.add_pop({"dc1", {}, {}, {}}).ok());
    ASSERT_TRUE(t.add_pop({"dc2", {}, {}, {}}).ok());
    emulator::LinkSpec link;
    link.a = "dc1";
    link.b = "dc2";
    ASSERT_TRUE(t.add_link(link).ok());
    auto e = emulator::Emulation::start(t);
    ASSERT_TRUE(e.ok()) << e.error().message;
    emu_ = std::move(e).value();
    services_ = app::make_openstack_services(*emu_, "dc1", nullptr);
    cloud_ = services_->cloud.get();
    auto token = cloud_->issue_token("admin", "admin");
    ASSERT_TRUE(token.ok());
    auth_ = {{"X-Auth-Token", token->id}};
  }
  void TearDown() override {
    clients_.clear();
    for (auto& l : listeners_) {
      l->stop();
    }
    listeners_.clear();
    endpoints_.clear();
    services_.reset();
    emu_.reset();
  }

  // Serves `endpoint` on an ephemeral loopback port; a client for it.
  httplib::Client& serve(std::unique_ptr<Endpoint> endpoint) {
    auto l = HttpListener::start(ListenOptions{}, *endpoint);
    EXPECT_TRUE(l.ok()) << l.error().message;
    endpoints_.push_back(std::move(endpoint));
    listeners_.push_back(std::move(l).value());
    clients_.push_back(std::make_unique<httplib::Client>("127.0.0.1", listeners_.back()->port()));
    clients_.back()->set_read_timeout(30, 0);
    return *clients_.back();
  }

  httplib::Client& emulator_api() {
    return serve(std::make_unique<EmulatorEndpoint>(*emu_, [] {}));
  }

  std::unique_ptr<emulator::Emulation> emu_;
  std::unique_ptr<app::OpenStackServices> services_;
  openstack::Cloud* cloud_ = nullptr;  // the services'
  httplib::Headers auth_;
  std::vector<std::unique_ptr<Endpoint>> endpoints_;
  std::vector<std::unique_ptr<HttpListener>> listeners_;
  std::vector<std::unique_ptr<httplib::Client>> clients_;
};

TEST_F(BoundedInputTest, HugeMemLimitIs400AndChangesNothing) {
  auto& api = emulator_api();
  auto started = reply(api.Put("/restapi/compute/dc1/m1", "{}", "application/json"));
  ASSERT_EQ(started.status, 200) << started.text;
  auto ok = reply(api.Put("/restapi/compute/resources/dc1/m1?mem_limit=512m", "", "text/plain"));
  ASSERT_EQ(ok.status, 200) << ok.text;
  EXPECT_EQ(ok.body["mem_limit"], int64_t{512} << 20);

  // 17179869185g = 2^64 + 1 GiB: wrapped to 1 GiB before.
  for (const char* bad : {"17179869185g", "99999999999999999999", "-1g", "1e3m", "inf", "12q"}) {
    auto r = reply(api.Put(std::string("/restapi/compute/resources/dc1/m1?mem_limit=") + bad, "",
                           "text/plain"));
    EXPECT_EQ(r.status, 400) << bad << ": " << r.text;
    EXPECT_NE(r.text.find("mem_limit"), std::string::npos) << r.text;
  }
  for (const char* q : {"cpu_quota=99999999999999999999", "cpu_period=1.5", "cpu_bw=inf",
                        "cpu_bw=-1", "cpu_bw=1e400", "cpu_shares=x"}) {
    auto r =
        reply(api.Put(std::string("/restapi/compute/resources/dc1/m1?") + q, "", "text/plain"));
    EXPECT_EQ(r.status, 400) << q << ": " << r.text;
  }
  auto status = reply(api.Get("/restapi/compute/dc1/m1"));
  ASSERT_EQ(status.status, 200);
  EXPECT_EQ(status.body["mem_limit"], int64_t{512} << 20);  // unchanged by every refusal
  auto stopped = reply(api.Delete("/restapi/compute/dc1/m1"));
  EXPECT_EQ(stopped.status, 200) << stopped.text;
}

TEST_F(BoundedInputTest, NonFiniteOrOverflowingLinkValuesAre400) {
  auto& api = emulator_api();
  for (const char* q : {"bw=inf", "bw=nan", "bw=-1", "bw=1e400", "bw=500gbit", "loss=nan",
                        "loss=101", "queue=4294967297", "queue=0", "queue=1.5",
                        "delay=18446744073709551616ns", "delay=61s", "jitter=-1ms"}) {
    auto r = reply(api.Put(std::string("/restapi/link/dc1/dc2?") + q, "", "text/plain"));
    EXPECT_EQ(r.status, 400) << q << ": " << r.text;
    std::string field(q, std::string_view(q).find('='));
    EXPECT_NE(r.text.find(field), std::string::npos) << q << ": " << r.text;
  }
  auto ok = reply(api.Put("/restapi/link/dc1/dc2?bw=1gbit&queue=500&delay=5ms", "", "text/plain"));
  EXPECT_EQ(ok.status, 200) << ok.text;
}

TEST_F(BoundedInputTest, HugeFlavorIs400AndCreatesNothing) {
  auto& nova = serve(std::make_unique<NovaEndpoint>(*cloud_, OpenStackPorts::from_base(0)));
  size_t before = cloud_->list_flavors().size();
  for (const json& bad : {json(17179869185LL * 1024), json(1e300), json(-1), json("lots"),
                          json(18446744073709551615ULL), json(2.5)}) {
    json body = {{"flavor", {{"name", "huge"}, {"ram", bad}, {"vcpus", 1}, {"disk", 1}}}};
    auto r = reply(nova.Post("/v2.1/flavors", auth_, body.dump(), "application/json"));
    EXPECT_EQ(r.status, 400) << bad.dump() << ": " << r.text;
    EXPECT_NE(r.text.find("ram"), std::string::npos) << r.text;
  }
  for (const char* field : {"vcpus", "disk"}) {
    json body = {{"flavor", {{"name", "huge"}, {"ram", 512}, {"vcpus", 1}, {"disk", 1}}}};
    body["flavor"][field] = 4294967297LL;  // wrapped to 1 as an int
    auto r = reply(nova.Post("/v2.1/flavors", auth_, body.dump(), "application/json"));
    EXPECT_EQ(r.status, 400) << field << ": " << r.text;
  }
  EXPECT_EQ(cloud_->list_flavors().size(), before);
  json good = {{"flavor", {{"name", "big"}, {"ram", 2147483647}, {"vcpus", 4}, {"disk", 10}}}};
  auto r = reply(nova.Post("/v2.1/flavors", auth_, good.dump(), "application/json"));
  EXPECT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(cloud_->list_flavors().size(), before + 1);
}

TEST_F(BoundedInputTest, HeatAliasBombIs400InMilliseconds) {
  auto& heat = serve(
      std::make_unique<HeatEndpoint>(*cloud_, *services_->stacks, OpenStackPorts::from_base(0)));
  std::string bomb = alias_bomb_template();
  ASSERT_LT(bomb.size(), 1024u);
  json body = {{"stack_name", "bomb"}, {"template", bomb}};
  auto start = Clock::now();
  auto r = reply(heat.Post("/v1/admin/stacks", auth_, body.dump(), "application/json"));
  auto took = Clock::now() - start;
  EXPECT_EQ(r.status, 400) << r.text;
  EXPECT_NE(r.text.find("expands to more than 100000 nodes"), std::string::npos) << r.text;
  EXPECT_LT(took, std::chrono::seconds(1));
  auto list = reply(heat.Get("/v1/admin/stacks", auth_));
  ASSERT_EQ(list.status, 200) << list.text;
  EXPECT_TRUE(list.body["stacks"].empty());
}

}  // namespace
}  // namespace chainlab::endpoints
