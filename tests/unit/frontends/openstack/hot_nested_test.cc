// Nested templates (hot_template.h): a resource whose type names a template of the request's
// files is expanded into the stack as "<resource>.<name>", its properties are that template's
// parameters and its outputs its attributes; get_file inlines a file; cycles, depth and size are
// bounded.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "frontends/openstack/hot_template.h"
#include "named_refs.h"

namespace chainlab::openstack {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const char* kVnf = R"(
heat_template_version: 2018-08-31
parameters:
  network: {type: string}
  flavor: {type: string, default: m1.tiny}
  role: {type: string, default: plain}
conditions:
  with_monitor: {equals: [{get_param: role}, monitored]}
resources:
  port:
    type: OS::Neutron::Port
    properties: {network: {get_param: network}}
  server:
    type: OS::Nova::Server
    properties:
      image: cirros
      flavor: {get_param: flavor}
      networks: [{port: {get_resource: port}}]
      user_data: {get_file: boot.sh}
  monitor:
    type: OS::Neutron::Port
    condition: with_monitor
    depends_on: server
    properties: {network: {get_param: network}}
outputs:
  ip: {value: {get_attr: [server, first_address]}}
  port: {value: {get_resource: port}}
)";

const char* kChain = R"(
heat_template_version: 2018-08-31
parameters:
  flavor: {type: string, default: m1.small}
resources:
  net: {type: OS::Neutron::Net}
  first:
    type: vnf.yaml
    properties:
      network: {get_resource: net}
      flavor: {get_param: flavor}
  second:
    type: My::VNF
    properties:
      network: {get_resource: net}
      role: monitored
  peer:
    type: OS::Neutron::Port
    properties:
      network: {get_resource: net}
      name: {get_attr: [first, ip]}
outputs:
  first_ip: {value: {get_attr: [first, ip]}}
)";

TemplateFiles vnf_files() {
  TemplateFiles f;
  f.files = {{"vnf.yaml", kVnf}, {"boot.sh", "#!/bin/sh\necho up\n"}};
  f.registry = {{"My::VNF", "vnf.yaml"}};
  return f;
}

Result<StackPlan> plan_of(const std::string& text, const TemplateFiles& files,
                          const json& params = json::object()) {
  auto t = parse_template(text, files);
  if (!t.ok()) {
    return t.error();
  }
  return plan_stack(*t, params);
}

std::string plan_error(const std::string& text, const TemplateFiles& files) {
  auto p = plan_of(text, files);
  return p.ok() ? "" : p.error().message;
}

size_t position(const StackPlan& p, const std::string& name) {
  for (size_t i = 0; i < p.resources.size(); ++i) {
    if (p.resources[i].name == name) {
      return i;
    }
  }
  ADD_FAILURE() << name << " is not planned";
  return p.resources.size();
}

TEST(HotNested, ATemplateResourceExpandsIntoTheStack) {
  auto plan = plan_of(kChain, vnf_files());
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  const PlannedResource* first = plan->find("first");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->type, ResourceType::kNestedStack);
  EXPECT_EQ(first->type_name, "vnf.yaml");
  EXPECT_EQ(first->members, (std::vector<std::string>{"first.port", "first.server"}))
      << "monitor's condition is false for the first";
  const PlannedResource* server = plan->find("first.server");
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->group, "first");
  EXPECT_EQ(server->properties["flavor"], "m1.small") << "the outer get_param, passed on";
  EXPECT_EQ(server->properties["networks"][0]["port"], (json{{"get_resource", "first.port"}}));
  EXPECT_EQ(server->properties["user_data"], "#!/bin/sh\necho up\n") << "get_file inlined";
  EXPECT_EQ(plan->find("first.port")->properties["network"], (json{{"get_resource", "net"}}))
      << "an outer reference is kept as it is";
  EXPECT_LT(position(*plan, "net"), position(*plan, "first.port"));
  EXPECT_LT(position(*plan, "first.server"), position(*plan, "first"));
  EXPECT_LT(position(*plan, "first"), position(*plan, "peer")) << "peer reads first's output";
  EXPECT_EQ(first->outputs.at("ip"), (json{{"get_attr", {"first.server", "first_address"}}}));

  const PlannedResource* second = plan->find("second");
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->type_name, "My::VNF") << "through the resource registry";
  EXPECT_EQ(second->members.size(), 3u);
  EXPECT_TRUE(plan->find("second.monitor")->needs.count("second.server"));
  EXPECT_EQ(plan->find("second.server")->properties["flavor"], "m1.tiny") << "the default";
}

TEST(HotNested, AGroupOfTemplatesExpandsEveryMember) {
  const char* text = R"(
heat_template_version: 2018-08-31
resources:
  net: {type: OS::Neutron::Net}
  vnfs:
    type: OS::Heat::ResourceGroup
    properties:
      count: 3
      resource_def:
        type: vnf.yaml
        properties: {network: {get_resource: net}, flavor: "m1.%index%"}
)";
  auto plan = plan_of(text, vnf_files());
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(plan->find("vnfs")->members.size(), 3u);
  EXPECT_EQ(plan->find("vnfs-2")->type, ResourceType::kNestedStack);
  ASSERT_NE(plan->find("vnfs-2.server"), nullptr);
  EXPECT_EQ(plan->find("vnfs-2.server")->properties["flavor"], "m1.2");
  EXPECT_EQ(plan->resources.size(), 1u + 1u + 3u * 3u);
}

TEST(HotNested, UpdatesReplaceOnlyTheChangedInnerResources) {
  auto before = plan_of(kChain, vnf_files());
  auto after = plan_of(kChain, vnf_files(), json{{"flavor", "m1.large"}});
  ASSERT_TRUE(before.ok() && after.ok());
  PlanDiff d = diff_plans(*before, *after);
  EXPECT_THAT(d.replaced, ::testing::Contains("first.server"));
  EXPECT_THAT(d.unchanged, ::testing::Contains("first.port"));
  EXPECT_THAT(d.unchanged, ::testing::Contains("second.server"));
}

TEST(HotNested, CyclesDepthAndSizeAreBounded) {
  const std::string head = "heat_template_version: 2018-08-31\nresources:\n";
  TemplateFiles loop;
  loop.files = {{"a.yaml", head + "  b: {type: b.yaml}\n"},
                {"b.yaml", head + "  a: {type: a.yaml}\n"}};
  EXPECT_THAT(plan_error(head + "  top: {type: a.yaml}\n", loop),
              HasSubstr("nested templates form a cycle: a.yaml -> b.yaml -> a.yaml"));

  TemplateFiles deep;
  for (int i = 0; i < 7; ++i) {
    deep.files[fmt::format("l{}.yaml", i)] = head + fmt::format("  x: {{type: l{}.yaml}}\n", i + 1);
  }
  deep.files["l7.yaml"] = head + "  n: {type: OS::Neutron::Net}\n";
  EXPECT_THAT(plan_error(head + "  top: {type: l0.yaml}\n", deep),
              HasSubstr("templates nest more than 5 levels deep"));

  TemplateFiles wide;
  wide.files["g.yaml"] = head +
                         "  g:\n    type: OS::Heat::ResourceGroup\n    properties:\n"
                         "      count: 100\n      resource_def: {type: OS::Neutron::Net}\n";
  EXPECT_THAT(plan_error(head + "  many:\n    type: OS::Heat::ResourceGroup\n    properties:\n"
                                "      count: 100\n      resource_def: {type: g.yaml}\n",
                         wide),
              HasSubstr("more than 1000 resources"));

  TemplateFiles big;
  big.files["big.txt"] = std::string(64 * 1024, 'x');
  EXPECT_THAT(plan_error(head + "  g:\n    type: OS::Heat::ResourceGroup\n    properties:\n"
                                "      count: 1000\n      resource_def:\n"
                                "        type: OS::Neutron::Net\n"
                                "        properties: {name: {get_file: big.txt}}\n",
                         big),
              HasSubstr("more than 32 MiB"))
      << "a file copied into a thousand members is refused before it is copied";

  big.files["big.txt"] = std::string(1 << 20, 'x');
  std::string many =
      head + "  n:\n    type: OS::Neutron::Net\n    properties:\n      value_specs: [";
  for (int i = 0; i < 10; ++i) {
    many += std::string(i == 0 ? "" : ", ") + "{get_file: big.txt}";
  }
  EXPECT_THAT(plan_error(many + "]\n", big), HasSubstr("get_file copies more than 8 MiB"))
      << "ten copies of a 1 MiB file in one template";
  EXPECT_THAT(plan_error(head + "  n:\n    type: OS::Neutron::Net\n    properties:\n"
                                "      name: {get_param: [OS::stack_name, {get_file: nope}]}\n",
                         big),
              ::testing::Not(::testing::IsEmpty()))
      << "an unchecked get_file is an error, not an exception";
}

TEST(HotNested, BadNestedUsesAreRefusedWithTheirPath) {
  const std::string head = "heat_template_version: 2018-08-31\nresources:\n";
  TemplateFiles f = vnf_files();
  EXPECT_THAT(plan_error(head + "  v: {type: vnf.yaml}\n", f),
              HasSubstr("resources.v.properties.network: required"));
  EXPECT_THAT(
      plan_error(head + "  v: {type: vnf.yaml, properties: {network: n, colour: red}}\n", f),
      HasSubstr("resources.v.properties.colour: unknown property"));
  EXPECT_THAT(plan_error(head + "  n: {type: OS::Neutron::Net}\n"
                                "  v: {type: vnf.yaml, properties: {network: n, role: "
                                "{get_resource: n}}}\n",
                         f),
              HasSubstr("a condition cannot depend on a value known only at creation"));
  EXPECT_THAT(plan_error(head + "  v: {type: vnf.yaml, properties: {network: n}}\n"
                                "  w: {type: OS::Neutron::Port, properties: {network: n, name: "
                                "{get_attr: [v, nope]}}}\n",
                         f),
              ::testing::IsEmpty())
      << "an unknown output is found when it is read (nested_attribute), as in Heat";
  TemplateFiles broken;
  broken.files["bad.yaml"] = "heat_template_version: 2018-08-31\nresources: [1]\n";
  EXPECT_THAT(plan_error(head + "  v: {type: bad.yaml}\n", broken),
              HasSubstr("resources.v.type: bad.yaml: resources: expected a mapping"));
  TemplateFiles registry;
  registry.registry["My::Net"] = "OS::Neutron::Net";
  auto aliased = plan_of(head + "  n: {type: My::Net}\n", registry);
  ASSERT_TRUE(aliased.ok()) << aliased.error().message;
  EXPECT_EQ(aliased->find("n")->type, ResourceType::kNet) << "a registry alias of a built-in type";
}

// The nested stack's attributes: its outputs, resolved when read.
TEST(HotNested, OutputsAreTheNestedStacksAttributes) {
  auto plan = plan_of(kChain, vnf_files());
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  NamedRefs refs;
  const PlannedResource& first = *plan->find("first");
  EXPECT_EQ(nested_attribute(first, "ip", refs).value_or(json()), "first.server/first_address");
  EXPECT_EQ(nested_attribute(first, "port", refs).value_or(json()), "id-first.port");
  EXPECT_EQ(nested_attribute(first, "OS::stack_id", refs).value_or(json()), "id-first");
  EXPECT_EQ(nested_attribute(first, "resource.server", refs).value_or(json()), "id-first.server");
  EXPECT_EQ(nested_attribute(first, "resource.server.name", refs).value_or(json()),
            "first.server/name");
  auto missing = nested_attribute(first, "nope", refs);
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message, HasSubstr("its template's outputs: ip, port"));
  EXPECT_FALSE(nested_attribute(first, "resource.monitor", refs).ok()) << "left out";
}

}  // namespace
}  // namespace chainlab::openstack
