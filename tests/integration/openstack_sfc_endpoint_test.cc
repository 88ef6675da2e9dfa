// The networking-sfc REST endpoint over HTTP: shapes, status codes and error bodies the neutron
// client expects, on a real emulation (servers are started through the Cloud directly).
#include <httplib.h>

#include "app/services.h"
#include "emulator/emulation.h"
#include "endpoints/http/endpoint_group.h"
#include "endpoints/openstack/sfc.h"
#include "test_util.h"

namespace chainlab::endpoints {
namespace {

using json = nlohmann::json;
using openstack::Cloud;

class OpenStackSfcEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CL_REQUIRE_ROOT();
    emulator::Topology t;
    t.emulator.rest_port = 0;
    ASSERT_TRUE(t.add_pop({"dc1", {}, {}, {}}).ok());
    auto e = emulator::Emulation::start(t);
    ASSERT_TRUE(e.ok()) << e.error().message;
    emu_ = std::move(e).value();
    services_ = app::make_openstack_services(*emu_, "dc1", nullptr);
    cloud_ = services_->cloud.get();
    std::vector<std::unique_ptr<Endpoint>> members;
    members.push_back(std::make_unique<OpenStackSfcEndpoint>(*cloud_, *services_->sfc));
    group_ = std::make_unique<EndpointGroup>("dc1 neutron", std::move(members));
    auto l = HttpListener::start({}, *group_);
    ASSERT_TRUE(l.ok()) << l.error().message;
    listener_ = std::move(l).value();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", listener_->port());
    auto token = cloud_->issue_token("admin", "admin");
    ASSERT_TRUE(token.ok());
    headers_ = {{"X-Auth-Token", token->id}};

    auto net = cloud_->create_network(openstack::NetworkCreate{"n", true, false, false, {}});
    ASSERT_TRUE(net.ok());
    openstack::SubnetCreate sc;
    sc.network_id = net->id;
    sc.cidr = "10.32.0.0/24";
    ASSERT_TRUE(cloud_->create_subnet(sc).ok());
    for (const char* name : {"src", "in", "out"}) {
      openstack::PortCreate pc;
      pc.network_id = net->id;
      pc.name = name;
      auto p = cloud_->create_port(pc);
      ASSERT_TRUE(p.ok());
      ports_[name] = p->id;
    }
    openstack::ServerCreate s1;
    s1.name = "src";
    s1.flavor = "m1.tiny";
    s1.nics = {{ports_["src"], "", ""}};
    ASSERT_TRUE(cloud_->create_server(s1).ok());
    openstack::ServerCreate s2;
    s2.name = "sf";
    s2.flavor = "m1.tiny";
    s2.nics = {{ports_["in"], "", ""}, {ports_["out"], "", ""}};
    ASSERT_TRUE(cloud_->create_server(s2).ok());
  }
  void TearDown() override {
    client_.reset();
    if (listener_) {
      listener_->stop();
    }
    listener_.reset();
    group_.reset();
    services_.reset();
    emu_.reset();
  }

  struct Reply {
    int status = 0;
    json body;
  };
  Reply call(const std::string& method, const std::string& path, const json& body = nullptr,
             bool auth = true) {
    httplib::Headers h = auth ? headers_ : httplib::Headers{};
    httplib::Result r{nullptr, httplib::Error::Unknown};
    std::string text = body.is_null() ? "" : body.dump();
    if (method == "GET") {
      r = client_->Get(path, h);
    } else if (method == "POST") {
      r = client_->Post(path, h, text, "application/json");
    } else if (method == "PUT") {
      r = client_->Put(path, h, text, "application/json");
    } else {
      r = client_->Delete(path, h);
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

  std::unique_ptr<emulator::Emulation> emu_;
  std::unique_ptr<app::OpenStackServices> services_;
  Cloud* cloud_ = nullptr;  // the services'

  std::unique_ptr<EndpointGroup> group_;
  std::unique_ptr<HttpListener> listener_;
  std::unique_ptr<httplib::Client> client_;
  httplib::Headers headers_;
  std::map<std::string, std::string> ports_;
};

TEST_F(OpenStackSfcEndpointTest, CreateListShowUpdateDeleteAsTheClientDoes) {
  auto pp = call("POST", "/v2.0/sfc/port_pairs",
                 {{"port_pair",
                   {{"name", "pp1"},
                    {"ingress", ports_["in"]},
                    {"egress", ports_["out"]},
                    {"service_function_parameters", {{"weight", "2"}}}}}});
  ASSERT_EQ(pp.status, 201) << pp.body.dump();
  std::string pp_id = pp.body["port_pair"]["id"];
  EXPECT_EQ(pp.body["port_pair"]["service_function_parameters"]["weight"], 2);
  EXPECT_TRUE(pp.body["port_pair"]["service_function_parameters"]["correlation"].is_null());
  EXPECT_EQ(pp.body["port_pair"]["tenant_id"], cloud_->project_id());

  // The client finds by id (?id=) then by name (?name=), with ?fields=id.
  auto by_name = call("GET", "/v2.0/sfc/port_pairs.json?name=pp1&fields=id");
  ASSERT_EQ(by_name.status, 200);
  ASSERT_EQ(by_name.body["port_pairs"].size(), 1u);
  EXPECT_EQ(by_name.body["port_pairs"][0], json({{"id", pp_id}}));
  EXPECT_TRUE(call("GET", "/v2.0/sfc/port_pairs?name=other").body["port_pairs"].empty());

  auto ppg = call("POST", "/v2.0/sfc/port_pair_groups.json",
                  {{"port_pair_group", {{"name", "ppg1"}, {"port_pairs", {pp_id}}}}});
  ASSERT_EQ(ppg.status, 201) << ppg.body.dump();
  std::string ppg_id = ppg.body["port_pair_group"]["id"];
  EXPECT_EQ(ppg.body["port_pair_group"]["tap_enabled"], false);

  auto fc = call("POST", "/v2.0/sfc/flow_classifiers",
                 {{"flow_classifier",
                   {{"name", "fc1"},
                    {"ethertype", "IPv4"},
                    {"protocol", "tcp"},
                    {"destination_port_range_min", 80},
                    {"destination_port_range_max", 80},
                    {"logical_source_port", ports_["src"]}}}});
  ASSERT_EQ(fc.status, 201) << fc.body.dump();
  std::string fc_id = fc.body["flow_classifier"]["id"];
  EXPECT_TRUE(fc.body["flow_classifier"]["source_ip_prefix"].is_null());
  EXPECT_TRUE(fc.body["flow_classifier"]["l7_parameters"].is_object());

  auto pc = call("POST", "/v2.0/sfc/port_chains",
                 {{"port_chain",
                   {{"name", "pc1"},
                    {"port_pair_groups", {ppg_id}},
                    {"flow_classifiers", {fc_id}},
                    {"chain_parameters", {{"correlation", "mpls"}, {"symmetric", "false"}}}}}});
  ASSERT_EQ(pc.status, 201) << pc.body.dump();
  std::string pc_id = pc.body["port_chain"]["id"];
  EXPECT_EQ(pc.body["port_chain"]["chain_id"], 1);
  EXPECT_EQ(emu_->list_chains().size(), 1u) << "no destination port: one hop src -> sf:in";

  auto shown = call("GET", "/v2.0/sfc/port_chains/" + pc_id + ".json");
  ASSERT_EQ(shown.status, 200);
  EXPECT_EQ(shown.body["port_chain"]["flow_classifiers"], json({fc_id}));

  auto renamed = call("PUT", "/v2.0/sfc/port_chains/" + pc_id, {{"port_chain", {{"name", "x"}}}});
  ASSERT_EQ(renamed.status, 200) << renamed.body.dump();
  EXPECT_EQ(renamed.body["port_chain"]["name"], "x");

  // In use: 409 with a NeutronError.
  auto in_use = call("DELETE", "/v2.0/sfc/port_pair_groups/" + ppg_id);
  EXPECT_EQ(in_use.status, 409);
  EXPECT_TRUE(in_use.body["NeutronError"]["message"].is_string());

  EXPECT_EQ(call("DELETE", "/v2.0/sfc/port_chains/" + pc_id).status, 204);
  EXPECT_TRUE(emu_->list_chains().empty());
  EXPECT_EQ(call("DELETE", "/v2.0/sfc/port_pair_groups/" + ppg_id + ".json").status, 204);
  EXPECT_EQ(call("DELETE", "/v2.0/sfc/flow_classifiers/" + fc_id).status, 204);
  EXPECT_EQ(call("DELETE", "/v2.0/sfc/port_pairs/" + pp_id).status, 204);
  EXPECT_TRUE(call("GET", "/v2.0/sfc/port_pairs").body["port_pairs"].empty());
}

TEST_F(OpenStackSfcEndpointTest, ErrorsHaveTheStatusAndShapeTheClientExpects) {
  auto no_token = call("GET", "/v2.0/sfc/port_pairs", nullptr, false);
  EXPECT_EQ(no_token.status, 401);
  EXPECT_EQ(no_token.body["NeutronError"]["type"], "NotAuthenticated");

  auto unknown = call("GET", "/v2.0/sfc/port_chains/nope");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body["NeutronError"]["type"], "PortChainNotFound");

  auto not_json = client_->Post("/v2.0/sfc/port_pairs", headers_, "{oops", "application/json");
  ASSERT_TRUE(not_json);
  EXPECT_EQ(not_json->status, 400);

  EXPECT_EQ(
      call("POST", "/v2.0/sfc/port_pairs", {{"port_pair", {{"ingress", ports_["in"]}}}}).status,
      400)
      << "egress missing";
  EXPECT_EQ(call("POST", "/v2.0/sfc/port_pairs",
                 {{"port_pair", {{"ingress", ports_["in"]}, {"egress", "nope"}}}})
                .status,
            404);
  EXPECT_EQ(call("POST", "/v2.0/sfc/port_pairs",
                 {{"port_pair", {{"ingress", ports_["in"]}, {"egress", ports_["out"]}, {"x", 1}}}})
                .status,
            400)
      << "unknown attribute";
  EXPECT_EQ(call("POST", "/v2.0/sfc/flow_classifiers",
                 {{"flow_classifier", {{"source_ip_prefix", "10.0.0.0/33"}}}})
                .status,
            400);
  EXPECT_EQ(call("POST", "/v2.0/sfc/flow_classifiers",
                 {{"flow_classifier",
                   {{"protocol", "udp"},
                    {"source_port_range_min", 1000},
                    {"source_port_range_max", 2000}}}})
                .status,
            400)
      << "ranges wider than one port";
  EXPECT_EQ(
      call("POST", "/v2.0/sfc/port_chains", {{"port_chain", {{"port_pair_groups", 5}}}}).status,
      400);
  EXPECT_EQ(
      call("POST", "/v2.0/sfc/port_chains", {{"port_chain", {{"port_pair_groups", {"nope"}}}}})
          .status,
      404);
  EXPECT_TRUE(emu_->list_chains().empty());
}

}  // namespace
}  // namespace chainlab::endpoints
