// Scenario: the SONATA and 5GTANGO reference packages (../shared/fixtures) uploaded over HTTP to
// the SONATA dummy gatekeeper with deploy_sap (as son-emu's sonata_* examples run it),
// instantiated on two PoPs (round-robin), two instances of one service at once, traffic along
// every E-Line and inside every E-LAN, terminated, nothing left.
#include "../unit/frontends/sonata/zip_writer.h"
#include "gatekeeper_fixture.h"

namespace chainlab::testing {
namespace {

using sonata::testing::read_fixture;

class GatekeeperFixtures : public GatekeeperFixture {};

std::string pop_of(const nlohmann::json& record, const std::string& vnf_id) {
  for (const auto& u : record["vnfs"]) {
    if (u["vnf_id"] == vnf_id) {
      return u["pop"];
    }
  }
  return "";
}

TEST_F(GatekeeperFixtures, SonataAndTangoPackagesDeployAcrossTwoPops) {
  auto son = read_fixture("sonata/sonata-demo-service.son");
  auto tgo = read_fixture("tango/eu.5gtango.emulator-example-service.0.1.tgo");
  if (!son || !tgo) {
    GTEST_SKIP() << "fixtures not found under " << CHAINLAB_SOURCE_DIR "/../shared/fixtures";
  }
  api_ = emulator::GatekeeperApi::kSonata;
  deploy_saps_ = true;
  start();
  auto up_son = upload(*son);
  ASSERT_EQ(up_son.status, 201) << up_son.body.dump();
  EXPECT_TRUE(up_son.body["error"].is_null());
  EXPECT_EQ(up_son.body["size"], son->size());
  EXPECT_EQ(up_son.body["sha1"].get<std::string>().size(), 40u);
  auto up_tgo = upload_raw(*tgo);
  ASSERT_EQ(up_tgo.status, 201) << up_tgo.body.dump();
  std::string son_uuid = up_son.body["service_uuid"];

  auto pkgs = get("/packages");
  ASSERT_EQ(pkgs.status, 200);
  EXPECT_EQ(pkgs.body["service_uuid_list"].size(), 2u);
  auto services = get("/api/v3/services");
  ASSERT_EQ(services.body.size(), 2u);
  EXPECT_EQ(services.body[0]["nsd"]["name"], "sonata-empty-service");

  // SONATA demo by uuid, twice at once; 5GTANGO example by NSD name.
  auto a = post("/instantiations", {{"service_uuid", son_uuid}});
  ASSERT_EQ(a.status, 201) << a.body.dump();
  auto b = post("/api/v3/requests", {{"service_uuid", son_uuid}});
  ASSERT_EQ(b.status, 201) << b.body.dump();
  auto t = post("/api/v2/requests", {{"service_name", "emulator_example"}});
  ASSERT_EQ(t.status, 201) << t.body.dump();

  // Round-robin: VNF i in PoP i mod 2.
  EXPECT_EQ(pop_of(a.body, "empty_vnf1"), "dc1");
  EXPECT_EQ(pop_of(a.body, "empty_vnf2"), "dc2");
  EXPECT_EQ(pop_of(a.body, "empty_vnf3"), "dc1");
  EXPECT_EQ(pop_of(t.body, "vnf0"), "dc1");
  EXPECT_EQ(pop_of(t.body, "vnf1"), "dc2");
  EXPECT_EQ(a.body["vnfs"].size(), 3u);
  EXPECT_EQ(a.body["saps"].size(), 3u);
  EXPECT_EQ(a.body["elines"].size(), 4u);
  EXPECT_EQ(a.body["elans"].size(), 1u);
  EXPECT_EQ(t.body["vnfs"].size(), 2u);
  EXPECT_EQ(t.body["elines"].size(), 3u);
  // Names: vnf_id first, then suffixed with the instance's short id.
  EXPECT_EQ(a.body["vnfs"][0]["name"], "empty_vnf1");
  std::string short_b = b.body["uuid"].get<std::string>().substr(0, 8);
  EXPECT_EQ(b.body["vnfs"][0]["name"], "empty_vnf1-" + short_b);
  // Addresses: E-Line ends .1/.2 of 20.0.x.0/24, E-LAN members in 30.0.x.0/24.
  EXPECT_EQ(ip_in(a.body, "empty_vnf1", "input"), "20.0.0.2/24");
  EXPECT_EQ(ip_in(a.body, "empty_vnf1", "output"), "20.0.1.1/24");
  EXPECT_EQ(ip_in(a.body, "empty_vnf1", "mgmt"), "30.0.0.1/24");
  EXPECT_EQ(ip_in(b.body, "empty_vnf1-" + short_b, "input"), "20.0.4.2/24");
  // Limits from the descriptor: 2 GB memory.
  auto status = emu_->compute_status("empty_vnf1");
  ASSERT_TRUE(status.ok());

  expect_traffic(a.body);
  expect_traffic(b.body);
  expect_traffic(t.body);

  auto listed = get("/instantiations");
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body["instances"].size(), 3u);
  EXPECT_EQ(get("/api/v3/records/services").body.size(), 3u);

  auto d1 = del("/instantiations", {{"service_instance_uuid", a.body["uuid"]}});
  EXPECT_EQ(d1.status, 200) << d1.body.dump();
  EXPECT_EQ(del("/instantiations", {{"service_instance_uuid", a.body["uuid"]}}).status, 404);
  auto d2 = del("/api/v3/requests", {{"service_uuid", son_uuid}});
  EXPECT_EQ(d2.status, 200) << d2.body.dump();
  EXPECT_EQ(d2.body,
            "service instance with uuid '" + b.body["uuid"].get<std::string>() + "' stopped.");
  EXPECT_EQ(del("/api/v3/records/services", {{"service_instance_uuid", t.body["uuid"]}}).status,
            200);
  expect_nothing_left();
  EXPECT_EQ(get("/instantiations").body["instances"].size(), 0u);

  // Subnets came back: a new instance starts at the first ones again.
  auto again = post("/instantiations", {{"service_uuid", "latest"}});
  ASSERT_EQ(again.status, 201) << again.body.dump();
  EXPECT_EQ(again.body["service_name"], "emulator_example");
  EXPECT_EQ(ip_in(again.body, "vnf0", "input"), "20.0.0.2/24");
  EXPECT_EQ(del("/instantiations", nlohmann::json::object()).status, 200);
  expect_nothing_left();
}

}  // namespace
}  // namespace chainlab::testing
