// Scenario: the two gatekeeper generations (topology emulator.gatekeeper_api) and SAP instances
// (emulator.gatekeeper_sap, a request's deploy_sap). The requests of son-emu's
// src/emuvim/test/unittests/test_tango_llcm.py re-created exactly (a multipart upload, JSON bodies
// without a Content-Type as python-requests' `data=json.dumps(...)` sends them), with its checks:
// lists from GET /packages and /instantiations, one instance per PoP in son-emu's REST API (the
// VNFs only), an empty list after the stop. Then the LLCM's entry fields and DELETE rules, the
// SONATA dummy gatekeeper's dicts, and SAP instances only when asked, with traffic through them.
#include "../unit/frontends/sonata/zip_writer.h"
#include "gatekeeper_fixture.h"

namespace chainlab::testing {
namespace {

namespace ot = sonata::testing;
using emulator::GatekeeperApi;
using nlohmann::json;

constexpr const char* kPackagePaths[] = {"/packages", "/api/v2/packages", "/api/v3/packages"};
constexpr const char* kServicePaths[] = {"/services", "/api/v2/services", "/api/v3/services"};
constexpr const char* kInstancePaths[] = {"/instantiations", "/api/v2/instantiations",
                                          "/api/v2/requests", "/api/v3/requests",
                                          "/api/v3/records/services"};

class GatekeeperApiTest : public GatekeeperFixture {
 protected:
  // input -> vnf_a (dc1) -> vnf_b (dc2) -> output; package "test-package", NSD "test-service".
  static std::string tgo() { return ot::make_zip(ot::tango_files()); }
  static std::string son() { return ot::make_zip(ot::sonata_files(ot::nsd_yaml("other"))); }

  // Instances per PoP as son-emu's REST API shows them: /restapi/compute/<dc> and the
  // datacenter list's n_running_containers must agree.
  std::map<std::string, size_t> rest_counts() {
    std::map<std::string, size_t> out;
    auto dcs = rest_get("/restapi/datacenter");
    EXPECT_EQ(dcs.status, 200);
    for (const auto& dc : dcs.body) {
      std::string name = dc["label"];
      auto compute = rest_get("/restapi/compute/" + name);
      EXPECT_EQ(compute.body.size(), dc["n_running_containers"].get<size_t>()) << name;
      out[name] = compute.body.size();
    }
    EXPECT_EQ(out, instances_per_pop());
    return out;
  }
  static std::map<std::string, size_t> counts(size_t dc1, size_t dc2) {
    return {{"dc1", dc1}, {"dc2", dc2}};
  }
  std::string header(const httplib::Result& r, const char* name) {
    return r && r->has_header(name) ? r->get_header_value(name) : "";
  }
};

TEST_F(GatekeeperApiTest, TangoIsTheDefaultAndAnswersAsSonemusLlcmTest) {
  start();  // emulator.gatekeeper_api and gatekeeper_sap left at their defaults
  // test_tango_llcm_start_service: board, instantiate, GETs, compute lists.
  auto up = upload(tgo());
  ASSERT_EQ(up.status, 201) << up.body.dump();
  ASSERT_TRUE(up.body["service_uuid"].is_string()) << up.body.dump();
  EXPECT_TRUE(up.body["error"].is_null());
  std::string service = up.body["service_uuid"];
  auto inst = post_untyped("/instantiations", {{"service_uuid", service}});
  ASSERT_EQ(inst.status, 201) << inst.body.dump();
  ASSERT_TRUE(inst.body["service_instance_uuid"].is_string());
  EXPECT_EQ(inst.body["id"], inst.body["service_instance_uuid"]);
  auto packages = get("/packages");
  ASSERT_TRUE(packages.body.is_array()) << packages.body.dump();
  EXPECT_EQ(packages.body.size(), 1u);
  auto instances = get("/instantiations");
  ASSERT_TRUE(instances.body.is_array()) << instances.body.dump();
  EXPECT_EQ(instances.body.size(), 1u);
  EXPECT_EQ(rest_counts(), counts(1, 1)) << "the VNFs only, one per PoP (round-robin)";
  EXPECT_EQ(inst.body["saps"].size(), 0u);
  EXPECT_EQ(inst.body["elines"].size(), 1u) << "vnf_a <-> vnf_b; the links to ns: are not wired";
  expect_traffic(inst.body);

  // test_tango_llcm_stop_service: DELETE with both uuids, then an empty list.
  auto stop = del_untyped("/instantiations",
                          {{"service_uuid", service}, {"service_instance_uuid", inst.body["id"]}});
  EXPECT_EQ(stop.status, 200) << stop.body.dump();
  EXPECT_EQ(stop.body, "Service(s) stopped.");
  auto after = get("/instantiations");
  ASSERT_TRUE(after.body.is_array()) << after.body.dump();
  EXPECT_EQ(after.body.size(), 0u);
  expect_nothing_left();
  EXPECT_EQ(rest_counts(), counts(0, 0));
}

TEST_F(GatekeeperApiTest, TangoEntryFieldsOnEveryPath) {
  start();
  auto up = upload_raw(tgo(), "/api/v3/packages");
  ASSERT_EQ(up.status, 201) << up.body.dump();
  std::string service = up.body["service_uuid"];
  for (const char* path : kPackagePaths) {
    auto r = client_->Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(header(r, "Access-Control-Allow-Origin"), "*") << path;
    EXPECT_EQ(r->get_header_value_count("Access-Control-Allow-Origin"), 1u) << path;
    EXPECT_EQ(header(r, "Access-Control-Allow-Methods"), "GET,OPTIONS") << path;
    auto list = json::parse(r->body);
    ASSERT_TRUE(list.is_array()) << path << ": " << r->body;
    ASSERT_EQ(list.size(), 1u) << path;
    EXPECT_EQ(list[0]["uuid"], service) << path;
    EXPECT_EQ(list[0]["pd"]["name"], "test-package") << path;  // the package (NAPD) name
    EXPECT_EQ(list[0]["pd"]["version"], "0.1") << path;
    EXPECT_TRUE(list[0]["created_at"].is_string()) << path;
  }
  for (const char* path : kServicePaths) {
    auto list = get(path).body;
    ASSERT_TRUE(list.is_array()) << path;
    EXPECT_EQ(list[0]["uuid"], service) << path;
    EXPECT_EQ(list[0]["nsd"]["name"], "test-service") << path;
    EXPECT_EQ(list[0]["nsd"]["version"], "1.0") << path;
  }
  // The LLCM finds a service_name among the package names, and tries a service_uuid that is
  // no uuid as a name.
  auto first = post("/api/v2/requests", {{"service_name", "test-package"}});
  ASSERT_EQ(first.status, 201) << first.body.dump();
  auto second = post("/api/v3/requests", {{"service_uuid", "test-service"}});
  ASSERT_EQ(second.status, 201) << second.body.dump();
  for (const char* path : kInstancePaths) {
    auto r = client_->Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(header(r, "Access-Control-Allow-Methods"), "GET,OPTIONS") << path;
    auto list = json::parse(r->body);
    ASSERT_TRUE(list.is_array()) << path << ": " << r->body;
    ASSERT_EQ(list.size(), 2u) << path;
    EXPECT_EQ(list[0]["uuid"], first.body["id"]) << path;
    EXPECT_EQ(list[0]["instance_name"], "eu.chainlab.test-service.1.0-inst.0") << path;
    EXPECT_EQ(list[1]["instance_name"], "eu.chainlab.test-service.1.0-inst.1") << path;
    EXPECT_EQ(list[0]["status"], "running") << path;
    EXPECT_TRUE(list[0]["created_at"].is_string()) << path;
  }
  // {service_uuid}: every instance of it; {}: the rest (none): both "Service(s) stopped.".
  auto stop = del("/api/v3/records/services", {{"service_uuid", service}});
  EXPECT_EQ(stop.status, 200) << stop.body.dump();
  EXPECT_EQ(stop.body, "Service(s) stopped.");
  expect_nothing_left();
  auto none = del("/instantiations", json::object());
  EXPECT_EQ(none.status, 200) << none.body.dump();
  EXPECT_EQ(none.body, "Service(s) stopped.");
}

TEST_F(GatekeeperApiTest, TangoDeleteRefusesWhatItCannotStop) {
  start();
  auto nothing = del("/instantiations", json::object());
  EXPECT_EQ(nothing.status, 404) << nothing.body.dump();
  EXPECT_EQ(nothing.body["error"], "no service is onboarded");
  std::string a = upload(tgo()).body["service_uuid"];
  std::string b = upload(son()).body["service_uuid"];
  auto inst = post("/instantiations", {{"service_uuid", a}});
  ASSERT_EQ(inst.status, 201) << inst.body.dump();
  std::string id = inst.body["id"];
  auto wrong = del("/instantiations", {{"service_uuid", b}, {"service_instance_uuid", id}});
  EXPECT_EQ(wrong.status, 404) << wrong.body.dump();
  EXPECT_NE(wrong.body["error"].get<std::string>().find("not of '" + b + "'"), std::string::npos);
  EXPECT_EQ(del("/instantiations", {{"service_instance_uuid", "nope"}}).status, 404);
  EXPECT_EQ(del("/instantiations", {{"service_uuid", "nope"}}).status, 404);
  EXPECT_EQ(get("/instantiations").body.size(), 1u) << "a refused DELETE stops nothing";
  EXPECT_EQ(rest_counts(), counts(1, 1));
  EXPECT_EQ(del("/instantiations", {{"service_instance_uuid", id}}).status, 200);
  expect_nothing_left();
}

TEST_F(GatekeeperApiTest, SonataAnswersWithTheDummyGatekeepersDicts) {
  api_ = GatekeeperApi::kSonata;
  start();
  auto up = upload(son());
  ASSERT_EQ(up.status, 201) << up.body.dump();
  std::string service = up.body["service_uuid"];
  for (const char* path : {"/packages", "/api/v2/packages"}) {
    auto r = client_->Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(header(r, "Access-Control-Allow-Methods"), "") << path << ": the LLCM's header";
    auto dict = json::parse(r->body);
    ASSERT_TRUE(dict.is_object()) << path << ": " << r->body;
    EXPECT_EQ(dict["service_uuid_list"], json::array({service})) << path;
  }
  EXPECT_TRUE(get("/api/v3/packages").body.is_array()) << "not a dummy gatekeeper path";
  auto inst = post_untyped("/instantiations", {{"service_uuid", service}});
  ASSERT_EQ(inst.status, 201) << inst.body.dump();
  std::string id = inst.body["service_instance_uuid"];
  EXPECT_FALSE(inst.body.contains("instance_name"));
  EXPECT_EQ(inst.body["saps"].size(), 0u) << "deploy_sap is off unless asked, as in son-emu";
  for (const char* path : {"/instantiations", "/api/v2/instantiations", "/api/v2/requests"}) {
    auto dict = get(path).body;
    ASSERT_TRUE(dict.is_object()) << path << ": " << dict.dump();
    EXPECT_EQ(dict["service_instantiations_list"], json::array({json::array({id})})) << path;
  }
  for (const char* path : {"/api/v3/requests", "/api/v3/records/services"}) {
    auto list = get(path).body;
    ASSERT_TRUE(list.is_array()) << path;
    EXPECT_EQ(list[0]["status"], "normal operation") << path;
  }
  EXPECT_EQ(rest_counts(), counts(1, 1));
  auto stop =
      del_untyped("/instantiations", {{"service_uuid", service}, {"service_instance_uuid", id}});
  EXPECT_EQ(stop.status, 200) << stop.body.dump();
  EXPECT_EQ(stop.body, "service instance with uuid '" + id + "' stopped.");
  EXPECT_EQ(del("/instantiations", json::object()).status, 404) << "nothing left to stop";
  expect_nothing_left();
}

TEST_F(GatekeeperApiTest, SapInstancesOnlyWhenAskedAndTrafficThroughThem) {
  start();
  std::string service = upload(tgo()).body["service_uuid"];
  auto bad = post("/instantiations", {{"service_uuid", service}, {"deploy_sap", "maybe"}});
  EXPECT_EQ(bad.status, 400) << bad.body.dump();
  EXPECT_EQ(bad.body["error"], "deploy_sap: expected true or false, not \"maybe\"");
  EXPECT_EQ(rest_counts(), counts(0, 0)) << "a refused request starts nothing";

  auto with = post("/instantiations", {{"service_uuid", service}, {"deploy_sap", true}});
  ASSERT_EQ(with.status, 201) << with.body.dump();
  ASSERT_EQ(with.body["saps"].size(), 2u);
  EXPECT_EQ(with.body["elines"].size(), 3u);
  EXPECT_EQ(rest_counts(), counts(2, 2)) << "each SAP in the PoP of its VNF";
  expect_traffic(with.body);  // pings from the SAPs through the chains

  auto without = post("/instantiations", {{"service_uuid", service}, {"deploy_sap", "false"}});
  ASSERT_EQ(without.status, 201) << without.body.dump();
  EXPECT_EQ(without.body["saps"].size(), 0u);
  EXPECT_EQ(rest_counts(), counts(3, 3));
  expect_traffic(without.body);
  EXPECT_EQ(del("/instantiations", json::object()).status, 200);
  expect_nothing_left();
}

TEST_F(GatekeeperApiTest, RunWideSapsWithAPerRequestOverride) {
  deploy_saps_ = true;  // emulator.gatekeeper_sap: true
  start();
  std::string service = upload(tgo()).body["service_uuid"];
  auto with = post("/instantiations", {{"service_uuid", service}});
  ASSERT_EQ(with.status, 201) << with.body.dump();
  EXPECT_EQ(with.body["saps"].size(), 2u);
  auto without = post("/instantiations", {{"service_uuid", service}, {"deploy_sap", false}});
  ASSERT_EQ(without.status, 201) << without.body.dump();
  EXPECT_EQ(without.body["saps"].size(), 0u);
  EXPECT_EQ(rest_counts(), counts(3, 3));
  EXPECT_EQ(del("/instantiations", json::object()).status, 200);
  expect_nothing_left();
}

}  // namespace
}  // namespace chainlab::testing
