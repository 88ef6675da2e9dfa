#include "frontends/openstack/hot_template.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/files.h"
#include "frontends/openstack/hot_resources.h"

namespace chainlab::openstack {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string error_of(const std::string& text, const json& params = json::object()) {
  auto t = parse_template(text);
  if (!t.ok()) {
    return t.error().message;
  }
  auto p = plan_stack(*t, params);
  return p.ok() ? "" : p.error().message;
}

StackPlan plan(const std::string& text, const json& params = json::object()) {
  auto t = parse_template(text);
  EXPECT_TRUE(t.ok()) << t.error().message;
  auto p = plan_stack(*t, params);
  EXPECT_TRUE(p.ok()) << p.error().message;
  return std::move(p).value();
}

std::vector<std::string> order(const StackPlan& p) {
  std::vector<std::string> names;
  for (const auto& r : p.resources) {
    names.push_back(r.name);
  }
  return names;
}

// Reads a fixture request file ({template: ..., stack_name: ...}) and returns its template.
json fixture_template(const std::string& name, bool* found) {
  auto text = read_file(std::string(CHAINLAB_SOURCE_DIR "/../shared/fixtures/heat/") + name);
  *found = text.ok();
  if (!text.ok()) {
    return nullptr;
  }
  auto tree = yaml_to_json(*text, name);
  EXPECT_TRUE(tree.ok()) << tree.error().message;
  return (*tree)["template"];
}

const char* kTwoServers = R"(
heat_template_version: 2018-08-31
description: two servers on one network
parameters:
  cidr:
    type: string
    default: 10.5.0.0/24
  count:
    type: number
    default: 2
    constraints:
      - range: {min: 1, max: 4}
  flavor:
    type: string
    default: m1.tiny
    constraints:
      - allowed_values: [m1.tiny, m1.small]
resources:
  net:
    type: OS::Neutron::Net
    properties: {name: demo-net}
  subnet:
    type: OS::Neutron::Subnet
    properties:
      network: {get_resource: net}
      cidr: {get_param: cidr}
  port_a:
    type: OS::Neutron::Port
    properties:
      network: {get_resource: net}
      fixed_ips: [{subnet: {get_resource: subnet}}]
  a:
    type: OS::Nova::Server
    properties:
      name: {str_replace: {template: vnf-$x, params: {$x: a}}}
      image: ubuntu
      flavor: {get_param: flavor}
      networks: [{port: {get_resource: port_a}}]
  b:
    type: OS::Nova::Server
    depends_on: a
    properties:
      image: ubuntu
      flavor: {get_param: flavor}
      networks: [{network: {get_resource: net}}]
outputs:
  a_ip:
    value: {get_attr: [a, first_address]}
  joined:
    value: {list_join: [',', [{get_param: cidr}, x]]}
)";

TEST(HotTemplate, ParsesAndOrdersByDependencies) {
  auto t = parse_template(std::string(kTwoServers));
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->version, "2018-08-31");
  EXPECT_EQ(t->parameters.size(), 3u);
  EXPECT_EQ(t->resources.size(), 5u);
  StackPlan p = plan(kTwoServers);
  EXPECT_THAT(order(p), ElementsAre("net", "subnet", "port_a", "a", "b"));
  EXPECT_EQ(p.find("a")->properties["name"], "vnf-a");
  EXPECT_EQ(p.find("a")->properties["flavor"], "m1.tiny");
  EXPECT_EQ(p.find("subnet")->properties["cidr"], "10.5.0.0/24");
  EXPECT_THAT(p.find("b")->needs, ElementsAre("a", "net", "subnet"));  // subnet: implicit
  EXPECT_EQ(p.outputs[1].value, "10.5.0.0/24,x");
  EXPECT_EQ(p.outputs[0].value, json::parse(R"({"get_attr": ["a", "first_address"]})"));
}

TEST(HotTemplate, ParametersFromRequestAreConvertedAndChecked) {
  StackPlan p = plan(kTwoServers, {{"count", "3"}, {"flavor", "m1.small"}});
  EXPECT_EQ(p.parameters["count"], 3);
  EXPECT_EQ(p.parameters["flavor"], "m1.small");
  EXPECT_THAT(error_of(kTwoServers, {{"count", "9"}}),
              HasSubstr("template: parameters.count: 9 is out of range 1..4"));
  EXPECT_THAT(error_of(kTwoServers, {{"count", "many"}}),
              HasSubstr("parameters.count: \"many\" is not a number"));
  EXPECT_THAT(error_of(kTwoServers, {{"flavor", "m1.huge"}}),
              HasSubstr("parameters.flavor: \"m1.huge\" is not one of the allowed values"));
  EXPECT_THAT(error_of(kTwoServers, {{"nope", 1}}),
              HasSubstr("unknown parameter 'nope' (the template declares: cidr, count, flavor)"));
  EXPECT_THAT(error_of(R"(
heat_template_version: 2015-04-30
parameters:
  image: {type: string}
resources: {}
)"),
              HasSubstr("template: parameters.image: required parameter has no default"));
}

TEST(HotTemplate, GetParamWithPathAndJsonTemplates) {
  const char* text = R"({
    "heat_template_version": "2016-10-14",
    "parameters": {
      "nets": {"type": "comma_delimited_list", "default": "a, b"},
      "cfg": {"type": "json", "default": {"x": [{"name": "deep"}]}}
    },
    "resources": {
      "n": {"type": "OS::Neutron::Net",
            "properties": {"name": {"get_param": ["cfg", "x", 0, "name"]}}},
      "m": {"type": "OS::Neutron::Net", "properties": {"name": {"get_param": ["nets", 1]}}}
    }
  })";
  StackPlan p = plan(text);
  EXPECT_EQ(p.find("n")->properties["name"], "deep");
  EXPECT_EQ(p.find("m")->properties["name"], "b");
  EXPECT_THAT(error_of(text, {{"nets", "a"}}),
              HasSubstr("resources.m.properties.name.get_param: index 1 is out of range"));
}

TEST(HotTemplate, BadTemplatesGetPreciseErrors) {
  auto err = [](std::string resources) {
    return error_of("heat_template_version: 2015-04-30\nresources:\n" + resources);
  };
  EXPECT_THAT(
      err("  x: {type: OS::Nova::Flavor}"),
      HasSubstr("template: resources.x.type: unsupported resource type 'OS::Nova::Flavor'"));
  EXPECT_THAT(err("  x: {type: OS::Neutron::Port, properties: {network: {get_resource: y}}}"),
              HasSubstr("resources.x.properties.network.get_resource: unknown resource 'y'"));
  EXPECT_THAT(err(R"(
  s:
    type: OS::Nova::Server
    properties:
      image: i
      flavor: f
      networks: [{fixed_ip: 10.0.0.1}])"),
              HasSubstr("template: resources.s.properties.networks[0]: one of 'network', 'port' "
                        "or 'subnet' is required"));
  EXPECT_THAT(err("  s: {type: OS::Nova::Server, properties: {image: i, flavor: f, networks: 3}}"),
              HasSubstr("resources.s.properties.networks: expected a list"));
  EXPECT_THAT(err("  n: {type: OS::Neutron::Net, properties: {colour: red}}"),
              HasSubstr("resources.n.properties: unknown property 'colour'"));
  EXPECT_THAT(err("  n: {type: OS::Neutron::Subnet, properties: {cidr: 10.0.0.0/24}}"),
              HasSubstr("resources.n.properties: missing required property 'network'"));
  EXPECT_THAT(err("  n: {type: OS::Neutron::Net, properties: {name: {str_split: [',', x]}}}"),
              HasSubstr("resources.n.properties.name: unsupported intrinsic function 'str_split'"));
  EXPECT_THAT(err("  n: {type: OS::Neutron::Net, properties: {name: {get_file: x}}}"),
              HasSubstr("resources.n.properties.name.get_file: No content found in the \"files\" "
                        "section for get_file path: x"));
  EXPECT_THAT(err("  n: {type: vnf.yaml}"),
              HasSubstr("resources.n.type: template 'vnf.yaml' is not among the request's files"));
  EXPECT_THAT(err("  n: {type: OS::Neutron::Net, depends_on: [m]}"),
              HasSubstr("resources.n.depends_on[0]: unknown resource 'm'"));
  EXPECT_THAT(err("  n: {type: OS::Neutron::Net, propertys: {}}"),
              HasSubstr("resources.n: unknown key 'propertys'"));
  EXPECT_THAT(error_of("heat_template_version: 2012-01-01\nresources: {}"),
              HasSubstr("heat_template_version: unknown version '2012-01-01'"));
  EXPECT_THAT(error_of("resources: {}"), HasSubstr("missing key 'heat_template_version'"));
  EXPECT_THAT(error_of("heat_template_version: 2015-04-30\nresources: [\n"),
              HasSubstr("template: not valid YAML: line"));
  EXPECT_THAT(error_of("{\"heat_template_version\": "), HasSubstr("template: not valid JSON"));
  EXPECT_THAT(err("  n: {type: OS::Neutron::Net}\n  n: {type: OS::Neutron::Net}"),
              HasSubstr("resources: duplicate key 'n'"));
}

// Found by fuzzing: scalars were typed with std::regex, whose recursive matcher overflowed the
// stack on a 40 KB number; allowed_pattern did the same on a long value.
TEST(HotTemplate, LongScalarsAndPatternsDoNotOverflowTheStack) {
  std::string digits(40000, '7');
  auto t = parse_template(
      "heat_template_version: 2018-08-31\nresources:\n  n:\n"
      "    type: OS::Neutron::Net\n    properties: {name: " +
      digits + "}\n");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->resources[0].properties["name"], digits);  // too big for an integer: text
  auto scalars = yaml_to_json("[12, -3, 1.5, .5, 2e3, 1e, 1.2.3, +7, '8']", "s");
  ASSERT_TRUE(scalars.ok());
  EXPECT_EQ(*scalars, json::parse(R"([12, -3, 1.5, 0.5, 2000.0, "1e", "1.2.3", 7, "8"])"));
  std::string text = R"(
heat_template_version: 2018-08-31
parameters:
  p: {type: string, constraints: [{allowed_pattern: "a*"}]}
resources: {}
)";
  EXPECT_EQ(error_of(text, {{"p", std::string(5000, 'a')}}),
            "template: parameters.p: 5000 bytes is too long to match against a pattern (at most "
            "4096)");
  EXPECT_EQ(error_of(text, {{"p", std::string(4096, 'a')}}), "");
  EXPECT_THAT(error_of(R"(
heat_template_version: 2018-08-31
parameters:
  p: {type: string, constraints: [{allowed_pattern: "(a)\\1"}]}
resources: {}
)"),
              HasSubstr("template: parameters.p.constraints[0].allowed_pattern: invalid regular "
                        "expression"));
}

TEST(HotTemplate, DependencyCyclesAreReported) {
  EXPECT_THAT(error_of(R"(
heat_template_version: 2015-04-30
resources:
  a: {type: OS::Neutron::Net, depends_on: c}
  b: {type: OS::Neutron::Net, depends_on: a}
  c: {type: OS::Neutron::Net, depends_on: b}
  d: {type: OS::Neutron::Net}
)"),
              HasSubstr("template: resources: dependency cycle: a -> c -> b -> a"));
  EXPECT_THAT(error_of(R"(
heat_template_version: 2015-04-30
resources:
  p: {type: OS::Neutron::Port, properties: {network: {get_resource: p}}}
)"),
              HasSubstr("dependency cycle: p -> p"));
}

const char* kGroup = R"(
heat_template_version: 2015-04-30
parameters:
  n: {type: number, default: 2}
resources:
  net: {type: OS::Neutron::Net}
  sub:
    type: OS::Neutron::Subnet
    properties: {network: {get_resource: net}, cidr: 10.0.0.0/24}
  vnfs:
    type: OS::Heat::ResourceGroup
    properties:
      count: {get_param: n}
      resource_def:
        type: OS::Nova::Server
        properties:
          name: vnf-%index%
          image: ubuntu
          flavor: m1.tiny
          networks: [{network: {get_resource: net}}]
outputs:
  ids: {value: {get_attr: [vnfs, refs]}}
)";

TEST(HotTemplate, ResourceGroupsExpandToIndexedMembers) {
  StackPlan p = plan(kGroup, {{"n", 3}});
  EXPECT_THAT(order(p), ElementsAre("net", "sub", "vnfs-0", "vnfs-1", "vnfs-2", "vnfs"));
  EXPECT_EQ(p.find("vnfs-2")->properties["name"], "vnf-2");
  EXPECT_EQ(p.find("vnfs-2")->group, "vnfs");
  EXPECT_THAT(p.find("vnfs")->members, ElementsAre("vnfs-0", "vnfs-1", "vnfs-2"));
  EXPECT_THAT(error_of(kGroup, {{"n", -1}}),
              HasSubstr("resources.vnfs.properties.count: -1 is out of range 0..1000"));
  EXPECT_THAT(error_of(R"(
heat_template_version: 2015-04-30
resources:
  g:
    type: OS::Heat::ResourceGroup
    properties:
      resource_def: {type: OS::Nova::Server, properties: {flavor: f}}
)"),
              HasSubstr("resources.g.properties.resource_def.properties: missing required "
                        "property 'image'"));
}

TEST(HotTemplate, DiffFindsAddedRemovedReplacedAndUnchanged) {
  StackPlan two = plan(kGroup, {{"n", 2}});
  StackPlan three = plan(kGroup, {{"n", 3}});
  PlanDiff d = diff_plans(two, three);
  EXPECT_THAT(d.added, ElementsAre("vnfs-2"));
  EXPECT_THAT(d.replaced, ElementsAre("vnfs"));  // the group itself (count changed)
  EXPECT_THAT(d.unchanged, ElementsAre("net", "sub", "vnfs-0", "vnfs-1"));
  EXPECT_TRUE(d.removed.empty());
  PlanDiff back = diff_plans(three, two);
  EXPECT_THAT(back.removed, ElementsAre("vnfs-2"));

  // A changed subnet replaces everything plugged into its network.
  std::string other = kTwoServers;
  other.replace(other.find("10.5.0.0/24"), 11, "10.6.0.0/24");
  PlanDiff s = diff_plans(plan(kTwoServers), plan(other));
  EXPECT_THAT(s.unchanged, ElementsAre("net"));
  EXPECT_THAT(s.replaced, ElementsAre("subnet", "port_a", "a", "b"));
  EXPECT_TRUE(diff_plans(plan(kTwoServers), plan(kTwoServers)).replaced.empty());
}

class TestRefs : public ReferenceResolver {
 public:
  Result<json> resource_id(const std::string& r) const override {
    if (r == "missing") {
      return make_error(ErrorCode::kNotFound, "resource '{}' does not exist", r);
    }
    return json("id-" + r);
  }
  Result<json> attribute(const std::string& r, const std::string& a) const override {
    if (a == "networks") {
      return json::parse(R"({"net": ["10.0.0.3"]})");
    }
    return json(r + "." + a);
  }
};

TEST(HotTemplate, ResolvesReferencesAtCreationTime) {
  TestRefs refs;
  json v = json::parse(R"({
    "a": {"get_resource": "x"},
    "b": {"get_attr": ["x", "networks", "net", 0]},
    "c": {"str_replace": {"template": "ip=IP", "params": {"IP": {"get_attr": ["y", "ip"]}}}},
    "d": [{"list_join": ["-", [{"get_resource": "x"}, "z"]]}]
  })");
  auto r = resolve_value(v, refs, "resources.s.properties");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)["a"], "id-x");
  EXPECT_EQ((*r)["b"], "10.0.0.3");
  EXPECT_EQ((*r)["c"], "ip=y.ip");
  EXPECT_EQ((*r)["d"][0], "id-x-z");
  auto bad = resolve_value(json::parse(R"({"p": {"get_attr": ["x", "networks", "nope"]}})"), refs,
                           "outputs.o.value");
  EXPECT_THAT(bad.error().message, HasSubstr("outputs.o.value.p.get_attr: no key 'nope'"));
  auto missing = resolve_value(json::parse(R"({"get_resource": "missing"})"), refs, "x");
  EXPECT_THAT(missing.error().message, HasSubstr("resource 'missing' does not exist"));
}

TEST(HotTemplate, ReadsTheCreateAndUpdateFixtures) {
  bool found = false;
  json create = fixture_template("test_heatapi_template_create_stack.yml", &found);
  if (!found) {
    GTEST_SKIP() << "../shared/fixtures/heat not present next to the source tree";
  }
  json update = fixture_template("test_heatapi_template_update_stack.yml", &found);
  auto t1 = parse_template(create);
  ASSERT_TRUE(t1.ok()) << t1.error().message;
  auto t2 = parse_template(update);
  ASSERT_TRUE(t2.ok()) << t2.error().message;
  EXPECT_EQ(t1->resources.size(), 40u);
  EXPECT_EQ(t2->resources.size(), 67u);
  auto p1 = plan_stack(*t1, json::object());
  ASSERT_TRUE(p1.ok()) << p1.error().message;
  auto p2 = plan_stack(*t2, json::object());
  ASSERT_TRUE(p2.ok()) << p2.error().message;
  // Every resource comes after what it needs.
  std::set<std::string> done;
  for (const auto& r : p1->resources) {
    for (const auto& n : r.needs) {
      EXPECT_TRUE(done.count(n)) << r.name << " before " << n;
    }
    done.insert(r.name);
  }
  PlanDiff d = diff_plans(*p1, *p2);
  EXPECT_EQ(d.added.size() + d.replaced.size() + d.unchanged.size(), 67u);
  EXPECT_EQ(d.removed.size() + d.replaced.size() + d.unchanged.size(), 40u);
  EXPECT_FALSE(d.added.empty());
  EXPECT_FALSE(d.unchanged.empty());
  // The firewall's input network is untouched by the update.
  EXPECT_THAT(d.unchanged,
              ::testing::Contains("firewall:input:net:9df6a98f-9e11-4cb7-b3c0-InAdUnitTest"));
}

}  // namespace
}  // namespace chainlab::openstack
