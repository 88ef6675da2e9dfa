// Heat stacks on a real emulation: a StackEngine over one PoP's Cloud creates servers that ping
// each other, updates apply only the difference, failures leave nothing behind, and the SONATA
// fixture templates (../shared/fixtures/heat) create, update and delete.
#include "frontends/openstack/heat_stacks.h"

#include <gmock/gmock.h>

#include <algorithm>

#include "cloud_fixture.h"
#include "common/files.h"
#include "emulator/emulation.h"
#include "test_util.h"

namespace chainlab::openstack {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;

const char* kPair = R"(
heat_template_version: 2018-08-31
description: servers on one network
parameters:
  cidr: {type: string, default: 10.77.0.0/24}
  extra: {type: boolean, default: false}
resources:
  net:
    type: OS::Neutron::Net
    properties: {name: pair-net}
  subnet:
    type: OS::Neutron::Subnet
    properties:
      network: {get_resource: net}
      cidr: {get_param: cidr}
  port_a:
    type: OS::Neutron::Port
    properties:
      network: {get_resource: net}
      fixed_ips: [{subnet: {get_resource: subnet}, ip_address: 10.77.0.10}]
  a:
    type: OS::Nova::Server
    properties:
      name: pair-a
      image: none
      flavor: m1.tiny
      networks: [{port: {get_resource: port_a}}]
  b:
    type: OS::Nova::Server
    properties:
      name: pair-b
      image: none
      flavor: m1.tiny
      networks: [{network: {get_resource: net}}]
outputs:
  a_ip: {value: {get_attr: [a, first_address]}}
  b_ip: {value: {get_attr: [b, networks, pair-net, 0]}}
  port_mac: {value: {get_attr: [port_a, mac_address]}}
)";

class HeatTest : public chainlab::testing::CloudFixture {
 protected:
  void SetUp() override {
    CloudFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) {
      return;
    }
    engine_ = std::make_unique<StackEngine>(*cloud_);
  }
  void TearDown() override {
    engine_.reset();
    CloudFixture::TearDown();
  }

  StackRequest request(const std::string& name, const std::string& text,
                       json params = json::object()) {
    StackRequest r;
    r.name = name;
    r.template_text = text;
    r.parameters = std::move(params);
    return r;
  }
  // The engine answers at once (*_IN_PROGRESS); these wait for the outcome, as `--wait` does.
  Result<StackInfo> create(const StackRequest& r) {
    CL_ASSIGN_OR_RETURN(StackInfo s, engine_->create(r));
    EXPECT_EQ(s.status, "CREATE_IN_PROGRESS");
    engine_->settle();
    return engine_->get(s.id);
  }
  Result<StackInfo> update(const std::string& stack, const StackRequest& r) {
    CL_ASSIGN_OR_RETURN(StackInfo s, engine_->update(stack, r));
    EXPECT_EQ(s.status, "UPDATE_IN_PROGRESS");
    engine_->settle();
    return engine_->get(s.id);
  }
  // ok once the stack is gone; its DELETE_FAILED reason otherwise.
  Status remove(const std::string& stack) {
    CL_RETURN_IF_ERROR(engine_->remove(stack));
    engine_->settle();
    auto left = engine_->get(stack);
    if (left.ok()) {
      return make_error(ErrorCode::kFailedPrecondition, "{}: {}", left->status,
                        left->status_reason);
    }
    return ok_status();
  }
  std::map<std::string, json> outputs(const std::string& stack) {
    std::map<std::string, json> out;
    auto o = engine_->outputs(stack);
    EXPECT_TRUE(o.ok());
    for (const auto& x : *o) {
      EXPECT_TRUE(x.error.empty()) << x.key << ": " << x.error;
      out[x.key] = x.value;
    }
    return out;
  }
  std::map<std::string, std::string> ids(const std::string& stack) {
    std::map<std::string, std::string> out;
    auto all = engine_->resources(stack);
    if (!all.ok()) {
      ADD_FAILURE() << all.error().message;
      return out;
    }
    for (const auto& r : all.value()) {
      out[r.name] = r.physical_id;
    }
    return out;
  }
  std::string instance(const std::string& server_id) {
    auto s = cloud_->get_server(server_id);
    EXPECT_TRUE(s.ok());
    return s.ok() ? s->instance : "";
  }
  bool ping(const std::string& from, const std::string& to) {
    auto r = emu_->exec(from, {"ping", "-c", "2", "-i", "0.2", "-W", "1", to}, 30s);
    return r.ok() && r->exit_code == 0;
  }
  // Everything a stack could create, counted; the PoP's network "default" and its subnet, there
  // before any stack, are not.
  size_t cloud_objects() {
    CloudUsage u = cloud_->usage();
    return u.servers + u.networks + u.subnets + u.ports + u.floating_ips + u.routers +
           emu_->list_compute("")->size() - 2;
  }
  json fixture(const std::string& name) {
    auto text = read_file(std::string(CHAINLAB_SOURCE_DIR "/../shared/fixtures/heat/") + name);
    if (!text.ok()) {
      return nullptr;
    }
    auto tree = yaml_to_json(*text, name);
    EXPECT_TRUE(tree.ok());
    return (*tree)["template"];
  }

  std::unique_ptr<StackEngine> engine_;
};

TEST_F(HeatTest, ServersOfAStackPingEachOther) {
  auto s = create(request("pair", kPair));
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->status, "CREATE_COMPLETE") << s->status_reason;
  auto out = outputs("pair");
  EXPECT_EQ(out["a_ip"], "10.77.0.10");
  ASSERT_TRUE(out["b_ip"].is_string());
  EXPECT_TRUE(out["port_mac"].is_string());
  auto id = ids("pair");
  EXPECT_EQ(id.size(), 5u);
  EXPECT_TRUE(ping(instance(id["a"]), out["b_ip"].get<std::string>()));
  EXPECT_TRUE(ping(instance(id["b"]), "10.77.0.10"));
  EXPECT_EQ(engine_->list().size(), 1u);
  EXPECT_EQ(engine_->get(s->id)->name, "pair");
  EXPECT_EQ(engine_->template_of("pair")->at("description"), "servers on one network");

  ASSERT_TRUE(remove("pair").ok());
  EXPECT_EQ(engine_->get("pair").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(cloud_objects(), 0u);
}

// examples/heat/nested: two VNFs from one nested template, given as heatclient sends it (the
// nested template and the get_file content in `files`).
TEST_F(HeatTest, ANestedTemplateDeploysUpdatesAndDeletes) {
  const std::string dir = CHAINLAB_SOURCE_DIR "/examples/heat/nested/";
  StackRequest r = request("chain", read_file(dir + "stack.yaml").value_or(""));
  for (const char* name : {"vnf.yaml", "banner.txt"}) {
    r.files.files[name] = read_file(dir + name).value_or("");
  }
  auto s = create(r);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->status, "CREATE_COMPLETE") << s->status_reason;
  auto out = outputs("chain");
  EXPECT_EQ(out["front_ip"], "10.91.0.10");
  EXPECT_EQ(out["back_ip"], "10.91.0.11");
  EXPECT_TRUE(out["back_monitor_ip"].is_null()) << "not monitored";
  auto before = ids("chain");
  EXPECT_EQ(before.size(), 2u + 2u + 2u * 2u) << "net, subnet, 2 x (vnf, port, server)";
  ASSERT_EQ(before.count("front.server"), 1u);
  auto server = cloud_->get_server(before["front.server"]);
  ASSERT_TRUE(server.ok());
  EXPECT_EQ(server->metadata["banner"], "chainlab VNF") << "get_file";
  EXPECT_TRUE(ping(out["front_instance"].get<std::string>(), "10.91.0.11"));
  EXPECT_EQ(engine_->resource("chain", "front.server")->group, "front");
  EXPECT_EQ(engine_->resource("chain", "front")->type, "vnf.yaml");

  r.parameters = json{{"monitored", true}};
  auto u = update("chain", r);
  ASSERT_TRUE(u.ok()) << u.error().message;
  ASSERT_EQ(u->status, "UPDATE_COMPLETE") << u->status_reason;
  auto after = ids("chain");
  EXPECT_EQ(after.size(), before.size() + 1) << "the back VNF's monitoring port";
  EXPECT_EQ(after["front.server"], before["front.server"]);
  EXPECT_EQ(after["back.server"], before["back.server"]);
  EXPECT_TRUE(outputs("chain")["back_monitor_ip"].is_string());

  ASSERT_TRUE(remove("chain").ok());
  EXPECT_EQ(cloud_objects(), 0u);
}

// OS::Neutron::SecurityGroup: a web server's group lets TCP 80 in and ping only from its own
// members; the client, outside it, reaches HTTP but not ping; the stack's delete takes the group.
TEST_F(HeatTest, ASecurityGroupOfTheStackFiltersItsServer) {
  const char* kText = R"(
heat_template_version: 2016-10-14
resources:
  net:
    type: OS::Neutron::Net
  sub:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}, cidr: 10.78.0.0/24}
  web_sg:
    type: OS::Neutron::SecurityGroup
    properties:
      rules:
        - {protocol: tcp, port_range_min: 80, port_range_max: 80}
        - {protocol: icmp, remote_mode: remote_group_id}
  web_port:
    type: OS::Neutron::Port
    properties:
      network: {get_resource: net}
      fixed_ips: [{subnet: {get_resource: sub}}]
      security_groups: [{get_resource: web_sg}]
  web:
    type: OS::Nova::Server
    properties: {image: cirros, flavor: m1.tiny, networks: [{port: {get_resource: web_port}}]}
  client:
    type: OS::Nova::Server
    properties: {image: cirros, flavor: m1.tiny, networks: [{network: {get_resource: net}}]}
outputs:
  web_ip: {value: {get_attr: [web, first_address]}}
  client_ip: {value: {get_attr: [client, first_address]}}
)";
  auto s = create(request("sg", kText));
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->status, "CREATE_COMPLETE") << s->status_reason;
  auto id = ids("sg");
  auto group = cloud_->get_security_group(id["web_sg"]);
  ASSERT_TRUE(group.ok()) << group.error().message;
  EXPECT_EQ(group->name, "sg-web_sg");
  ASSERT_EQ(group->rules.size(), 4u);  // Neutron's two egress rules and the template's two
  EXPECT_EQ(group->rules[3].remote_group_id, group->id);
  EXPECT_EQ(cloud_->get_port(id["web_port"])->security_groups, std::vector<std::string>{group->id});
  auto out = outputs("sg");
  std::string web_ip = out["web_ip"].get<std::string>();
  EXPECT_FALSE(ping(instance(id["client"]), web_ip));  // the client is not in web_sg
  auto tcp80 = emu_->exec(instance(id["client"]),
                          {"sh", "-c", "curl -s -m 2 http://" + web_ip + ":80/; echo $?"}, 30s);
  ASSERT_TRUE(tcp80.ok());
  EXPECT_EQ(tcp80->output, "7\n");  // curl: refused (the SYN passed), not timed out (28)
  ASSERT_TRUE(remove("sg").ok());
  EXPECT_FALSE(cloud_->get_security_group(id["web_sg"]).ok());
  EXPECT_EQ(cloud_objects(), 0u);
}

TEST_F(HeatTest, UpdateAppliesOnlyTheDifference) {
  ASSERT_EQ(create(request("upd", kPair))->status, "CREATE_COMPLETE");
  auto before = ids("upd");
  // Add a server c, drop b, keep the rest.
  std::string next = kPair;
  size_t b = next.find("  b:\n");
  size_t end = next.find("outputs:");
  next.replace(b, end - b, R"(  c:
    type: OS::Nova::Server
    properties:
      name: pair-c
      image: none
      flavor: m1.tiny
      networks: [{network: {get_resource: net}, fixed_ip: 10.77.0.30}]
)");
  next.replace(next.find("  b_ip:"), next.find("  port_mac:") - next.find("  b_ip:"),
               "  c_ip: {value: {get_attr: [c, first_address]}}\n");
  auto u = update("upd", request("upd", next));
  ASSERT_TRUE(u.ok()) << u.error().message;
  ASSERT_EQ(u->status, "UPDATE_COMPLETE") << u->status_reason;
  auto after = ids("upd");
  for (const char* same : {"net", "subnet", "port_a", "a"}) {
    EXPECT_EQ(before[same], after[same]) << same << " must keep its id";
  }
  EXPECT_EQ(after.count("b"), 0u);
  EXPECT_FALSE(cloud_->get_server(before["b"]).ok());
  ASSERT_EQ(after.count("c"), 1u);
  EXPECT_EQ(outputs("upd")["c_ip"], "10.77.0.30");
  EXPECT_TRUE(ping(instance(after["a"]), "10.77.0.30"));
  EXPECT_EQ(cloud_->usage().servers, 2u);

  // PATCH-style: same template, one parameter changed -> the subnet and what plugs into the
  // network are replaced, the network is not.
  StackRequest patch;
  patch.existing = true;
  patch.parameters = {{"cidr", "10.78.0.0/24"}};
  auto p = update("upd", patch);
  ASSERT_TRUE(p.ok()) << p.error().message;
  // c and port_a ask for 10.77.0.x, which is not in the new subnet: the update fails and says
  // which resource and why.
  EXPECT_EQ(p->status, "UPDATE_FAILED");
  EXPECT_THAT(p->status_reason, HasSubstr("Resource UPDATE failed: resources."));
  EXPECT_THAT(p->status_reason, HasSubstr("10.77.0."));
  ASSERT_TRUE(remove("upd").ok());
  EXPECT_EQ(cloud_objects(), 0u);
}

TEST_F(HeatTest, BadTemplatesAndFailingResourcesLeaveNothing) {
  auto bad = create(request("bad",
                            "heat_template_version: 2015-04-30\n"
                            "resources:\n  x: {type: OS::Nova::KeyPair}\n"));
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message, HasSubstr("resources.x.type: unsupported resource type"));
  EXPECT_TRUE(engine_->list().empty());

  std::string failing = kPair;
  failing.replace(failing.rfind("m1.tiny"), 7, "m1.enormous");  // server b's flavor
  auto f = create(request("failing", failing));
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->status, "CREATE_FAILED");
  EXPECT_THAT(f->status_reason, HasSubstr("resources.b"));
  EXPECT_THAT(f->status_reason, HasSubstr("m1.enormous"));
  EXPECT_EQ(cloud_objects(), 0u) << "a failed stack leaves nothing behind";
  auto res = engine_->resources("failing");
  ASSERT_TRUE(res.ok());
  ASSERT_EQ(res.value().size(), 1u);
  EXPECT_EQ(res->front().status, "CREATE_FAILED");
  EXPECT_TRUE(remove("failing").ok());
  EXPECT_EQ(create(request("failing", kPair))->status, "CREATE_COMPLETE");
  EXPECT_EQ(create(request("failing", kPair)).error().code, ErrorCode::kAlreadyExists);
  EXPECT_TRUE(remove("failing").ok());
  EXPECT_EQ(cloud_objects(), 0u);
}

// examples/heat/autoscaling.yaml: a scaling policy's signal resizes its group: new members are
// real servers on the network, the old ones keep their ids, min / max / cooldown hold, the
// alarm_url's secret is checked.
TEST_F(HeatTest, AScalingPolicySignalResizesItsGroup) {
  const std::string text =
      read_file(CHAINLAB_SOURCE_DIR "/examples/heat/autoscaling.yaml").value_or("");
  const json params = {{"cidr", "10.93.0.0/24"}, {"max_size", 3}, {"scale_in_cooldown", 3600}};
  auto s = create(request("scale", text, params));
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->status, "CREATE_COMPLETE") << s->status_reason;
  EXPECT_EQ(outputs("scale")["size"], 1);
  auto before = ids("scale");

  auto url = outputs("scale")["scale_out_url"].get<std::string>();
  std::string secret = url.substr(url.find("signature=") + 10);
  EXPECT_EQ(engine_->signal("scale", "scale_out", "wrong").error().code,
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(engine_->signal("scale", "web", "").error().code, ErrorCode::kInvalidArgument)
      << "a group takes no signal";
  EXPECT_EQ(engine_->signal("scale", "nope", "").error().code, ErrorCode::kNotFound);
  ASSERT_EQ(engine_->signal("scale", "scale_out", secret).value_or(SignalOutcome::kUnchanged),
            SignalOutcome::kScaled);
  auto after = ids("scale");
  EXPECT_EQ(after["web-0"], before["web-0"]) << "the first member stays";
  ASSERT_EQ(after.count("web-1"), 1u);
  auto out = outputs("scale");
  EXPECT_EQ(out["size"], 2);
  ASSERT_EQ(out["addresses"].size(), 2u);
  EXPECT_TRUE(ping(instance(after["web-0"]), out["addresses"][1].get<std::string>()))
      << "the new member is on the network";
  EXPECT_EQ(engine_->get("scale")->status, "CREATE_COMPLETE") << "a resize is no stack update";

  ASSERT_TRUE(engine_->signal("scale", "scale_out", "").ok());
  EXPECT_EQ(*engine_->signal("scale", "scale_out", ""), SignalOutcome::kUnchanged) << "at max_size";
  EXPECT_EQ(*engine_->signal("scale", "scale_in", ""), SignalOutcome::kScaled);
  EXPECT_EQ(*engine_->signal("scale", "scale_in", ""), SignalOutcome::kCooldown)
      << "an hour's cooldown";
  EXPECT_EQ(outputs("scale")["size"], 2);
  auto events = engine_->events("scale");
  ASSERT_TRUE(events.ok());
  EXPECT_TRUE(std::any_of(events->begin(), events->end(), [](const StackEvent& e) {
    return e.resource_name == "scale_out" && e.status == "SIGNAL_COMPLETE";
  }));

  // An update that leaves the group alone keeps its size.
  auto u = update("scale", request("scale", text, params));
  ASSERT_TRUE(u.ok() && u->status == "UPDATE_COMPLETE") << (u.ok() ? u->status_reason : "");
  EXPECT_EQ(outputs("scale")["size"], 2);
  // One that changes the group: its desired_capacity wins, as in Heat.
  std::string resized = text;
  resized.replace(resized.find("cooldown: 0"), 11, "cooldown: 0\n      desired_capacity: 3");
  u = update("scale", request("scale", resized, params));
  ASSERT_TRUE(u.ok() && u->status == "UPDATE_COMPLETE") << (u.ok() ? u->status_reason : "");
  EXPECT_EQ(outputs("scale")["size"], 3);
  ASSERT_TRUE(remove("scale").ok());
  EXPECT_EQ(cloud_objects(), 0u);
}

TEST_F(HeatTest, ResourceGroupScalesUpAndDown) {
  const char* group = R"(
heat_template_version: 2015-04-30
parameters:
  n: {type: number, default: 2}
resources:
  net: {type: OS::Neutron::Net}
  sub:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}, cidr: 10.79.0.0/24}
  vnfs:
    type: OS::Heat::ResourceGroup
    properties:
      count: {get_param: n}
      resource_def:
        type: OS::Nova::Server
        properties:
          name: g-%index%
          image: none
          flavor: m1.tiny
          networks: [{network: {get_resource: net}}]
outputs:
  addrs: {value: {get_attr: [vnfs, first_address]}}
)";
  ASSERT_EQ(create(request("grp", group))->status, "CREATE_COMPLETE");
  EXPECT_EQ(outputs("grp")["addrs"].size(), 2u);
  auto before = ids("grp");
  StackRequest up;
  up.existing = true;
  up.parameters = {{"n", "3"}};
  ASSERT_EQ(update("grp", up)->status, "UPDATE_COMPLETE");
  auto after = ids("grp");
  EXPECT_EQ(before["vnfs-0"], after["vnfs-0"]);
  EXPECT_EQ(before["vnfs-1"], after["vnfs-1"]);
  auto addrs = outputs("grp")["addrs"];
  ASSERT_EQ(addrs.size(), 3u);
  EXPECT_TRUE(ping(instance(after["vnfs-2"]), addrs[0].get<std::string>()));
  up.parameters = {{"n", "1"}};
  ASSERT_EQ(update("grp", up)->status, "UPDATE_COMPLETE");
  EXPECT_EQ(cloud_->usage().servers, 1u);
  EXPECT_EQ(ids("grp")["vnfs-0"], before["vnfs-0"]);
  ASSERT_TRUE(remove("grp").ok());
  EXPECT_EQ(cloud_objects(), 0u);
}

TEST_F(HeatTest, SonataFixturesCreateUpdateDelete) {
  json created = fixture("test_heatapi_template_create_stack.yml");
  json updated = fixture("test_heatapi_template_update_stack.yml");
  if (created.is_null() || updated.is_null()) {
    GTEST_SKIP() << "../shared/fixtures/heat not present next to the source tree";
  }
  StackRequest c;
  c.name = "s1";
  c.template_tree = created;
  auto s = create(c);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->status, "CREATE_COMPLETE") << s->status_reason;
  EXPECT_EQ(cloud_->usage().servers, 3u);
  auto before = ids("s1");
  StackRequest u;
  u.template_tree = updated;
  auto r = update("s1", u);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->status, "UPDATE_COMPLETE") << r->status_reason;
  EXPECT_EQ(cloud_->usage().servers, 6u);
  auto after = ids("s1");
  EXPECT_EQ(after.size(), 67u);
  const std::string kept = "firewall:input:net:9df6a98f-9e11-4cb7-b3c0-InAdUnitTest";
  EXPECT_EQ(before[kept], after[kept]);
  ASSERT_TRUE(remove("s1").ok());
  EXPECT_EQ(cloud_objects(), 0u);
}

}  // namespace
}  // namespace chainlab::openstack
