// The request parsers behind the REST routes (son-emu, Keystone, Nova): typed requests from JSON,
// and wrong-typed fields as InvalidArgument rather than escaping JSON exceptions (found by the
// fuzz targets in tests/fuzz; their inputs are in tests/fuzz/regressions).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "endpoints/emulator/emulator_endpoint.h"
#include "endpoints/openstack/keystone.h"
#include "endpoints/openstack/neutron.h"
#include "endpoints/openstack/nova.h"

namespace chainlab::endpoints {
namespace {

using nlohmann::json;

template <typename T>
void expect_invalid(const Result<T>& r) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << r.error().message;
}

TEST(KeystoneRequests, V3PasswordAndToken) {
  auto a = parse_v3_auth(json::parse(R"({"auth": {"identity": {"methods": ["password"],
      "password": {"user": {"name": "admin", "password": "pw"}}},
      "scope": {"project": {"id": "p1"}}}})"));
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->user, "admin");
  EXPECT_EQ(a->password, "pw");
  EXPECT_EQ(a->project, "p1");
  auto t = parse_v3_auth(
      json::parse(R"({"auth": {"identity": {"methods": ["token"], "token": {"id": "abc"}}}})"));
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->token, "abc");
}

TEST(KeystoneRequests, WrongTypesAreInvalidArguments) {
  expect_invalid(parse_v3_auth(
      json::parse(R"({"auth": {"identity": {"methods": ["password"], "password": "admin"}}})")));
  expect_invalid(parse_v3_auth(json::parse(
      R"({"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": 7}}}}})")));
  expect_invalid(parse_v3_auth(
      json::parse(R"({"auth": {"identity": {"methods": ["token"], "token": {"id": []}}}})")));
  expect_invalid(parse_v2_auth(json::parse(R"({"auth": {"tenantId": {"id": "abc"}}})")));
  expect_invalid(parse_v2_auth(
      json::parse(R"({"auth": {"passwordCredentials": {"username": "a", "password": 1}}})")));
  // Null password object: no credentials, answered 401 by the route, not an exception.
  auto none = parse_v3_auth(
      json::parse(R"({"auth": {"identity": {"methods": ["password"], "password": null}}})"));
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_EQ(none->user, "");
  auto v2 = parse_v2_auth(json::parse(R"({"auth": {"tenantName": "admin"}})"));
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->method, V2Auth::Method::kNone);
}

TEST(NovaRequests, ServerCreateLeavesAutoNetworksToTheRoute) {
  auto r = parse_server_create(json::parse(R"({"server": {"name": "vm", "flavorRef": "1"}})"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->auto_network);
  EXPECT_TRUE(r->server.nics.empty());
  auto none = parse_server_create(
      json::parse(R"({"server": {"name": "vm", "flavorRef": "1", "networks": "none"}})"));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->auto_network);
}

TEST(NovaRequests, InterfaceAttachmentWrongTypes) {
  auto ok = parse_interface_attachment(json::parse(
      R"({"interfaceAttachment": {"net_id": "n", "fixed_ips": [{"ip_address": "10.0.0.5"}]}})"));
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->network_id, "n");
  EXPECT_EQ(ok->fixed_ip, "10.0.0.5");
  expect_invalid(
      parse_interface_attachment(json::parse(R"({"interfaceAttachment": {"port_id": 5}})")));
  expect_invalid(
      parse_interface_attachment(json::parse(R"({"interfaceAttachment": {"fixed_ips": [5]}})")));
  expect_invalid(parse_interface_attachment(
      json::parse(R"({"interfaceAttachment": {"fixed_ips": [{"ip_address": false}]}})")));
}

TEST(NeutronRequests, RouterGatewayCreateAndUpdate) {
  auto created = parse_router_create(
      json::parse(R"({"name": "r", "external_gateway_info": {"network_id": "ext"}})"));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->name, "r");
  EXPECT_TRUE(created->admin_state_up);
  EXPECT_EQ(created->external_network_id, "ext");
  auto unchanged = parse_router_update(json::parse(R"({"admin_state_up": false})"));
  ASSERT_TRUE(unchanged.ok());
  EXPECT_FALSE(unchanged->name.has_value());
  EXPECT_EQ(unchanged->admin_state_up, false);
  EXPECT_FALSE(unchanged->external_network_id.has_value());
  auto cleared = parse_router_update(json::parse(R"({"external_gateway_info": {}})"));
  ASSERT_TRUE(cleared.ok());
  EXPECT_EQ(cleared->external_network_id, "");
  expect_invalid(parse_router_create(json::parse(R"({"name": 5})")));
}

TEST(NeutronRequests, NetworkCreateDefaultsAndUpdateLeavesUnset) {
  auto created = parse_network_create(json::parse(R"({"name": "n", "mtu": 1400})"));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_TRUE(created->admin_state_up);
  EXPECT_FALSE(created->shared);
  EXPECT_EQ(created->mtu, 1400);
  auto update = parse_network_update(json::parse(R"({"router:external": true})"));
  ASSERT_TRUE(update.ok());
  EXPECT_FALSE(update->name.has_value());
  EXPECT_EQ(update->external, true);
  EXPECT_EQ(parse_network_update(json::parse(R"({"shared": "x"})")).error().message,
            "Invalid input for shared: '\"x\"' is not a boolean");
}

TEST(EmulatorRequests, NetworkListItemsNeedStrings) {
  auto ok =
      parse_network_param(json::parse(R"([{"id": "in", "ip": "10.0.0.1/24"}, {"id": null}])"));
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[0].ip, "10.0.0.1/24");
  expect_invalid(parse_network_param(json::parse(R"([{"id": 5}])")));
  expect_invalid(parse_network_param(json::parse(R"([{"id": "a", "mac": ["x"]}])")));
}

// PUT /restapi/elan/<name>: "vnf[:intf]" strings; what GET /restapi/elan lists reads back.
TEST(EmulatorRequests, ElanMembers) {
  auto m = parse_elan_members(json::parse(R"({"members": ["v1:lan", "v2"]})"));
  ASSERT_TRUE(m.ok()) << m.error().message;
  using Members = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(*m, (Members{{"v1", "lan"}, {"v2", ""}}));
  emulator::ElanInfo listed{"lan1", 5, *m, {"dc1"}};
  auto again = parse_elan_members(json{{"members", listed.member_names()}});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *m) << "the listed members are what PUT takes";
  for (const char* bad :
       {R"({})", R"({"members": "v1"})", R"({"members": [5]})", R"({"members": [""]})",
        R"({"members": [":lan"]})", R"({"members": ["v1", null]})"}) {
    expect_invalid(parse_elan_members(json::parse(bad)));
  }
}

TEST(EmulatorRequests, ComputeAndChain) {
  auto c = parse_compute_request(
      json::parse(R"j({"image": "ubuntu", "docker_command": "None", "network": "(id=in)"})j"),
      "dc1", "vnf1");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->pop, "dc1");
  EXPECT_EQ(c->command, "");
  ASSERT_EQ(c->interfaces.size(), 1u);
  EXPECT_EQ(c->interfaces[0].id, "in");
  auto chain = parse_chain_request(json::parse(
      R"({"vnf_src_name": "a", "vnf_dst_name": "b", "priority": "7", "path": " dc1, ,dc2"})"));
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  EXPECT_EQ(chain->priority, 7);
  EXPECT_EQ(chain->path, (std::vector<std::string>{"dc1", "dc2"}));
  expect_invalid(parse_chain_request(json::parse(R"({"vnf_src_name": "a"})")));
}

}  // namespace
}  // namespace chainlab::endpoints
