// Scenario: our own packages (examples/services, source trees zipped as `chainlab package upload
// DIR` does) deployed over HTTP: the CDN-like demo of seed 001 serves a page through its proxy
// and forwarder to a SAP, the multi-VDU VNF relays between its two VDUs; traffic on every link.
#include "cli/package_zip.h"
#include "gatekeeper_fixture.h"

namespace chainlab::testing {
namespace {

using namespace std::chrono_literals;

class GatekeeperExamples : public GatekeeperFixture {
 protected:
  nlohmann::json deploy(const std::string& example) {
    auto zip =
        cli::zip_directory(std::string(CHAINLAB_SOURCE_DIR) + "/examples/services/" + example);
    EXPECT_TRUE(zip.ok()) << zip.error().message;
    if (!zip.ok()) {
      return {};
    }
    auto up = upload(*zip);
    EXPECT_EQ(up.status, 201) << up.body.dump();
    // With SAP instances (son-emu's deploy_sap): the tests send traffic from them.
    auto inst =
        post("/instantiations", {{"service_uuid", up.body["service_uuid"]}, {"deploy_sap", true}});
    EXPECT_EQ(inst.status, 201) << inst.body.dump();
    return inst.body;
  }
  // Fetches "/" from host:port inside `from` (an HTTP/1.0 GET over socat; busybox wget crashes
  // on the relayed answer), retrying while the servers come up. The body, or "failed: ...".
  std::string fetch(const std::string& from, const std::string& host_port) {
    std::string out;
    for (int i = 0; i < 30; ++i) {
      auto r = emu_->exec(
          from,
          {"/bin/sh", "-c", "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | socat -t 3 - TCP:" + host_port},
          10s);
      if (r.ok() && r->exit_code == 0 && r->output.find("200 OK") != std::string::npos) {
        return r->output.substr(r->output.find("\r\n\r\n") + 4);
      }
      out = r.ok() ? r->output : r.error().message;
      std::this_thread::sleep_for(200ms);
    }
    return "failed: " + out;
  }
};

TEST_F(GatekeeperExamples, CdnDemoAndMultiVduServeTraffic) {
  if (run_command("command -v socat && command -v busybox").status != 0) {
    GTEST_SKIP() << "needs socat and busybox on the host (the example VNFs' commands)";
  }
  start();
  auto cdn = deploy("cdn-demo");
  ASSERT_TRUE(cdn.contains("uuid"));
  EXPECT_EQ(cdn["vnfs"].size(), 3u);
  std::string sap = cdn["saps"][0]["cp"] == "ns:client" ? cdn["saps"][0]["name"].get<std::string>()
                                                        : cdn["saps"][1]["name"].get<std::string>();
  EXPECT_EQ(ip_in(cdn, sap, "client"), "10.101.0.1/24");  // numbered in the static subnet
  EXPECT_EQ(ip_in(cdn, "web", "input"), "10.103.0.2/24");
  expect_traffic(cdn);
  EXPECT_EQ(fetch(sap, "10.101.0.2:8080"), "hello from the cdn web server\n");

  auto multi = deploy("multi-vdu");
  ASSERT_TRUE(multi.contains("uuid"));
  ASSERT_EQ(multi["vnfs"].size(), 2u);
  EXPECT_EQ(multi["vnfs"][0]["name"], "web_tier-front");
  EXPECT_EQ(multi["vnfs"][1]["name"], "web_tier-back");
  EXPECT_EQ(multi["vnfs"][0]["pop"], multi["vnfs"][1]["pop"]);
  expect_traffic(multi);
  std::string msap = multi["saps"][0]["name"];
  std::string front_ip = bare_ip(ip_in(multi, "web_tier-front", "input"));
  EXPECT_EQ(fetch(msap, front_ip + ":8080"), "hello from the back VDU\n");

  EXPECT_EQ(del("/instantiations", nlohmann::json::object()).status, 200);
  expect_nothing_left();
}

}  // namespace
}  // namespace chainlab::testing
