// Shared set-up of the gatekeeper scenarios: a two-PoP emulation, the gatekeeper endpoint on an
// ephemeral port over a fresh catalogue directory, an HTTP client, and checks that traffic flows
// along every E-Line and inside every E-LAN of an instance record.
#pragma once

#include <httplib.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "app/services.h"
#include "emulator/emulation.h"
#include "endpoints/emulator/emulator_endpoint.h"
#include "endpoints/gatekeeper/gatekeeper_endpoint.h"
#include "test_util.h"

namespace chainlab::testing {

struct HttpAnswer {
  int status = 0;
  nlohmann::json body;
};

class GatekeeperFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    CL_REQUIRE_ROOT();
    char dir[] = "/tmp/chainlab-gk-test-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    catalogue_dir_ = dir;
  }
  void TearDown() override {
    for (auto* l : {&listener_, &rest_listener_}) {
      if (*l) {
        (*l)->stop();
      }
      l->reset();
    }
    rest_endpoint_.reset();
    endpoint_.reset();
    services_.reset();
    emu_.reset();
    if (!catalogue_dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(catalogue_dir_, ec);
    }
  }

  static emulator::Topology two_pops(emulator::ResourceModelSpec dc2 = {}) {
    emulator::Topology t;
    t.name = "gk";
    t.emulator.rest_port = 0;
    t.emulator.gatekeeper_port = 0;
    EXPECT_TRUE(t.add_pop({"dc1", {}, {}, {}}).ok());
    EXPECT_TRUE(t.add_pop({"dc2", dc2, {}, {}}).ok());
    emulator::LinkSpec l;
    l.a = "dc1";
    l.b = "dc2";
    EXPECT_TRUE(t.add_link(l).ok());
    return t;
  }

  bool reject_unknown_images_ = false;
  emulator::GatekeeperApi api_ = emulator::GatekeeperApi::kTango;
  bool deploy_saps_ = false;  // the run's emulator.gatekeeper_sap

  void start(const emulator::Topology& t = two_pops()) {
    auto e = emulator::Emulation::start(t);
    ASSERT_TRUE(e.ok()) << e.error().message;
    emu_ = std::move(e).value();
    sonata::GatekeeperOptions options;
    options.image_is_local = [](const std::string& image) { return image == "local/image:1"; };
    options.reject_unknown_images = reject_unknown_images_;
    options.deploy_saps = deploy_saps_;
    auto gk = app::open_gatekeeper_services(*emu_, catalogue_dir_, options, nullptr,
                                            endpoints::gatekeeper_package_limits());
    ASSERT_TRUE(gk.ok()) << gk.error().message;
    services_ = std::move(gk).value();
    endpoint_ =
        std::make_unique<endpoints::GatekeeperEndpoint>(*services_->gatekeeper, nullptr, api_);
    auto l = endpoints::HttpListener::start({}, *endpoint_);
    ASSERT_TRUE(l.ok()) << l.error().message;
    listener_ = std::move(l).value();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", listener_->port());
    client_->set_read_timeout(120, 0);
    rest_endpoint_ = std::make_unique<endpoints::EmulatorEndpoint>(*emu_, [] {});
    auto rl = endpoints::HttpListener::start({}, *rest_endpoint_);
    ASSERT_TRUE(rl.ok()) << rl.error().message;
    rest_listener_ = std::move(rl).value();
  }

  // GET on the son-emu REST API of the same emulation.
  HttpAnswer rest_get(const std::string& path) {
    httplib::Client c("127.0.0.1", rest_listener_->port());
    return answer(c.Get(path.c_str()));
  }

  static HttpAnswer answer(const httplib::Result& r) {
    HttpAnswer a;
    if (!r) {
      a.status = -1;
      return a;
    }
    a.status = r->status;
    a.body = nlohmann::json::parse(r->body, nullptr, false);
    return a;
  }

  HttpAnswer upload(const std::string& bytes, const std::string& path = "/packages") {
    httplib::MultipartFormDataItems items = {
        {"package", bytes, "package.son", "application/octet-stream"}};
    return answer(client_->Post(path.c_str(), items));
  }
  HttpAnswer upload_raw(const std::string& bytes, const std::string& path = "/api/v3/packages") {
    return answer(client_->Post(path.c_str(), bytes, "application/octet-stream"));
  }
  HttpAnswer post(const std::string& path, const nlohmann::json& body) {
    return answer(client_->Post(path.c_str(), body.dump(), "application/json"));
  }
  HttpAnswer get(const std::string& path) { return answer(client_->Get(path.c_str())); }
  // A body without a Content-Type, as python-requests sends `data=json.dumps(...)`.
  HttpAnswer post_untyped(const std::string& path, const nlohmann::json& body) {
    return answer(client_->Post(path.c_str(), body.dump(), ""));
  }
  HttpAnswer del_untyped(const std::string& path, const nlohmann::json& body) {
    return answer(client_->Delete(path.c_str(), body.dump(), ""));
  }
  // Instances per PoP as the emulator lists them (GET /restapi/datacenter's counts).
  std::map<std::string, size_t> instances_per_pop() {
    std::map<std::string, size_t> out;
    for (const auto& pop : emu_->list_pops()) {
      out[pop.name] = pop.instances.size();
    }
    return out;
  }
  HttpAnswer del(const std::string& path, const nlohmann::json& body) {
    return answer(client_->Delete(path.c_str(), body.dump(), "application/json"));
  }

  static std::string bare_ip(const std::string& cidr) { return cidr.substr(0, cidr.find('/')); }

  // The address of interface `intf` of instance `name` in an instance record.
  static std::string ip_in(const nlohmann::json& record, const std::string& name,
                           const std::string& intf) {
    for (const char* kind : {"vnfs", "saps"}) {
      for (const auto& u : record[kind]) {
        if (u["name"] == name) {
          for (const auto& i : u["interfaces"]) {
            if (i["name"] == intf) {
              return i["ip"].get<std::string>();
            }
          }
        }
      }
    }
    return "";
  }

  bool ping(const std::string& from, const std::string& ip) {
    using namespace std::chrono_literals;
    auto r = emu_->exec(from, {"ping", "-c", "1", "-W", "2", ip}, 20s);
    if (r.ok() && r->exit_code != 0) {
      // One retry: the first packet may race the ARP of a freshly wired segment.
      r = emu_->exec(from, {"ping", "-c", "2", "-i", "0.3", "-W", "2", ip}, 20s);
    }
    return r.ok() && r->exit_code == 0;
  }

  // Both ends of every E-Line reach each other; every E-LAN member reaches the others.
  void expect_traffic(const nlohmann::json& record) {
    ASSERT_TRUE(record.contains("elines"));
    for (const auto& l : record["elines"]) {
      std::string src = l["src"], dst = l["dst"];
      std::string src_ip = ip_in(record, src, l["src_intf"]);
      std::string dst_ip = ip_in(record, dst, l["dst_intf"]);
      ASSERT_FALSE(src_ip.empty()) << l.dump();
      ASSERT_FALSE(dst_ip.empty()) << l.dump();
      EXPECT_EQ(substrate::Cidr::parse(src_ip)->network(),
                substrate::Cidr::parse(dst_ip)->network())
          << l.dump();
      EXPECT_TRUE(ping(src, bare_ip(dst_ip))) << "E-Line " << l.dump();
      EXPECT_TRUE(ping(dst, bare_ip(src_ip))) << "E-Line back " << l.dump();
    }
    for (const auto& e : record["elans"]) {
      std::string first = e["members"][0];
      std::string first_name = first.substr(0, first.rfind(':'));
      for (size_t i = 1; i < e["members"].size(); ++i) {
        std::string m = e["members"][i];
        std::string name = m.substr(0, m.rfind(':'));
        std::string ip = ip_in(record, name, m.substr(m.rfind(':') + 1));
        ASSERT_FALSE(ip.empty()) << m;
        EXPECT_TRUE(ping(first_name, bare_ip(ip))) << "E-LAN " << e["id"] << ": " << m;
      }
    }
  }

  void expect_nothing_left() {
    auto computes = emu_->list_compute();
    ASSERT_TRUE(computes.ok());
    EXPECT_TRUE(computes->empty())
        << computes->size() << " instance(s) left, first " << computes->front().name;
    EXPECT_TRUE(emu_->list_chains().empty());
  }

  size_t catalogue_files() const {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(catalogue_dir_)) {
      ++n;
    }
    return n;
  }

  std::string catalogue_dir_;
  std::unique_ptr<emulator::Emulation> emu_;
  std::unique_ptr<app::GatekeeperServices> services_;
  std::unique_ptr<endpoints::GatekeeperEndpoint> endpoint_;
  std::unique_ptr<endpoints::HttpListener> listener_;
  std::unique_ptr<httplib::Client> client_;
  std::unique_ptr<endpoints::EmulatorEndpoint> rest_endpoint_;
  std::unique_ptr<endpoints::HttpListener> rest_listener_;
};

}  // namespace chainlab::testing
