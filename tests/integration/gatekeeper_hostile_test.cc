// Scenario: hostile or broken uploads and requests over HTTP get a 4xx with a precise error and
// change nothing (catalogue files, instances, chains); a deployment failing half-way (a `fixed`
// PoP out of room) is rolled back completely.
#include "../unit/frontends/sonata/zip_writer.h"
#include "gatekeeper_fixture.h"

namespace chainlab::testing {
namespace {

namespace ot = sonata::testing;

class GatekeeperHostile : public GatekeeperFixture {
 protected:
  void expect_refused(const HttpAnswer& a, const std::string& needle, int status = 400) {
    EXPECT_EQ(a.status, status) << a.body.dump();
    ASSERT_TRUE(a.body.is_object()) << a.body.dump();
    std::string err = a.body.value("error", "");
    EXPECT_NE(err.find(needle), std::string::npos)
        << "error '" << err << "' lacks '" << needle << "'";
  }
};

TEST_F(GatekeeperHostile, BadPackagesAndRequestsChangeNothing) {
  emulator::ResourceModelSpec tight;
  tight.model = "fixed";
  tight.max_cu = 1.5;
  start(two_pops(tight));
  auto good = upload(ot::make_zip(ot::sonata_files()));
  ASSERT_EQ(good.status, 201) << good.body.dump();
  size_t files = catalogue_files();

  expect_refused(upload(ot::zip_entries({ot::zfile("../../etc/evil", "x")})), "..");
  expect_refused(upload(ot::zip_entries({ot::zfile("/etc/evil", "x")})), "/etc/evil");
  expect_refused(upload(ot::zip_entries({ot::zsymlink("META-INF", "/etc")})), "symbolic link");
  auto bomb = upload(ot::zip_entries({ot::zzeros("META-INF/MANIFEST.MF", size_t{100} << 20)}));
  EXPECT_GE(bomb.status, 400);
  EXPECT_LT(bomb.status, 600);
  EXPECT_FALSE(bomb.body.value("error", "").empty());
  auto bad_yaml = ot::sonata_files();
  bad_yaml["service_descriptors/nsd.yml"] = "name: [unclosed\n";
  expect_refused(upload(ot::make_zip(bad_yaml)), "service_descriptors/nsd.yml");
  auto missing = ot::sonata_files();
  missing.erase("function_descriptors/vnf-b.yml");
  expect_refused(upload(ot::make_zip(missing)), "vnf-b");
  auto tgo = ot::tango_files();
  tgo["Definitions/vnf-a.yml"] += "# changed after hashing\n";
  expect_refused(upload_raw(ot::make_zip(tgo)), "Definitions/vnf-a.yml");
  expect_refused(upload("this is not a zip"), "");
  expect_refused(upload_raw(""), "empty upload");
  httplib::MultipartFormDataItems wrong_field = {{"file", "x", "a.son", "application/zip"}};
  expect_refused(answer(client_->Post("/packages", wrong_field)), "'package'");

  expect_refused(post("/instantiations", {{"service_uuid", "no-such-uuid"}}), "no-such-uuid", 404);
  expect_refused(post("/instantiations", {{"service_name", "nope"}}), "nope", 404);
  expect_refused(post("/instantiations", nlohmann::json::object()), "service_uuid");
  expect_refused(post("/instantiations",
                      {{"service_uuid", good.body["service_uuid"]}, {"placement", "magic"}}),
                 "magic");
  expect_refused(del("/instantiations", {{"service_instance_uuid", "nope"}}), "nope", 404);
  EXPECT_EQ(catalogue_files(), files);
  EXPECT_EQ(get("/packages").body.size(), 1u);  // the LLCM's list

  // Half-way failure: everything on dc2, whose fixed model has room for one `small` VDU only.
  // A server-side path is refused (the reference read /etc/shadow this way); the mapping itself
  // is accepted as an object or as YAML text.
  expect_refused(post("/instantiations", {{"service_uuid", good.body["service_uuid"]},
                                          {"placement", "static"},
                                          {"placement_file", "/etc/shadow"}}),
                 "placement_map");
  expect_refused(post("/instantiations", {{"service_uuid", good.body["service_uuid"]},
                                          {"placement", "static"},
                                          {"placement_map", "vnf_a: [unclosed"}}),
                 "placement_map");
  auto failed = post("/instantiations", {{"service_uuid", good.body["service_uuid"]},
                                         {"placement", "static"},
                                         {"placement_map", "vnf_a: dc2\nvnf_b: dc2\n"}});
  expect_refused(failed, "rolled back", 503);
  expect_nothing_left();
  EXPECT_EQ(get("/instantiations").body.size(), 0u);
  // resource-aware placement avoids the full PoP and succeeds.
  auto ok = post("/instantiations",
                 {{"service_uuid", good.body["service_uuid"]}, {"placement", "resource-aware"}});
  ASSERT_EQ(ok.status, 201) << ok.body.dump();
  expect_traffic(ok.body);
  // The rolled-back subnets are free again (no SAPs: link-ab is the first E-Line wired).
  EXPECT_EQ(ip_in(ok.body, "vnf_a", "output"), "20.0.0.1/24");
  EXPECT_EQ(del("/instantiations", {{"service_instance_uuid", ok.body["uuid"]}}).status, 200);
  expect_nothing_left();
}

TEST_F(GatekeeperHostile, UnknownImagesAreRefusedWhenTheRuleSaysSo) {
  reject_unknown_images_ = true;
  start();
  auto files = ot::sonata_files();
  ASSERT_NE(files["function_descriptors/vnf-a.yml"].find("vm_image:"), std::string::npos);
  expect_refused(upload(ot::make_zip(files)), "is not in the local image store");
  EXPECT_EQ(catalogue_files(), 0u);
  EXPECT_EQ(get("/packages").body.size(), 0u);
}

}  // namespace
}  // namespace chainlab::testing
