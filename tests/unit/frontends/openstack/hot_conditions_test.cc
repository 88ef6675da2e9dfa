// HOT conditions (hot_template.h): the `conditions` section, a resource's and an output's
// `condition`, `if` in properties; evaluated by plan_stack with the stack's parameters.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "frontends/openstack/hot_template.h"

namespace chainlab::openstack {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const char* kConditional = R"(
heat_template_version: 2018-08-31
parameters:
  env: {type: string, default: dev}
  ha: {type: boolean, default: false}
conditions:
  is_prod: {equals: [{get_param: env}, prod]}
  is_dev: {not: is_prod}
  prod_ha: {and: [is_prod, {get_param: ha}]}
  any: {or: [is_dev, prod_ha]}
resources:
  net:
    type: OS::Neutron::Net
    properties:
      name: {if: [is_prod, net-prod, net-dev]}
  backup:
    type: OS::Neutron::Net
    condition: prod_ha
  port:
    type: OS::Neutron::Port
    depends_on: [backup]
    properties:
      network: {get_resource: net}
      name: {if: [{not: any}, never, {if: [is_dev, dev-port, prod-port]}]}
outputs:
  backup_id:
    value: {get_resource: backup}
    condition: prod_ha
  env:
    value: {get_param: env}
)";

Result<StackPlan> conditional_plan(const char* text, const json& params) {
  auto t = parse_template(std::string(text));
  if (!t.ok()) {
    return t.error();
  }
  return plan_stack(*t, params);
}

std::vector<std::string> kept_names(const StackPlan& p) {
  std::vector<std::string> out;
  for (const auto& r : p.resources) {
    out.push_back(r.name);
  }
  return out;
}

TEST(HotConditions, TheParametersChooseResourcesValuesAndOutputs) {
  auto dev = conditional_plan(kConditional, json::object());
  ASSERT_TRUE(dev.ok()) << dev.error().message;
  EXPECT_EQ(dev->conditions,
            (std::map<std::string, bool>{
                {"any", true}, {"is_dev", true}, {"is_prod", false}, {"prod_ha", false}}));
  EXPECT_EQ(kept_names(*dev), (std::vector<std::string>{"net", "port"})) << "backup is left out";
  EXPECT_EQ(dev->find("net")->properties["name"], "net-dev");
  EXPECT_EQ(dev->find("port")->properties["name"], "dev-port") << "nested if";
  EXPECT_TRUE(dev->find("port")->needs.count("backup") == 0) << "depends_on a left-out one";
  ASSERT_EQ(dev->outputs.size(), 2u);
  EXPECT_TRUE(dev->outputs[0].value.is_null()) << "an output whose condition is false is null";

  auto prod = conditional_plan(kConditional, json{{"env", "prod"}, {"ha", "true"}});
  ASSERT_TRUE(prod.ok()) << prod.error().message;
  EXPECT_EQ(kept_names(*prod).size(), 3u);
  EXPECT_EQ(prod->find("net")->properties["name"], "net-prod");
  EXPECT_EQ(prod->find("port")->properties["name"], "prod-port");
  EXPECT_TRUE(prod->find("port")->needs.count("backup") == 1);
  EXPECT_EQ(prod->outputs[0].value, (json{{"get_resource", "backup"}}));

  PlanDiff d = diff_plans(*dev, *prod);
  EXPECT_EQ(d.added, (std::vector<std::string>{"backup"}));
  EXPECT_FALSE(d.replaced.empty()) << "the net's name changed with the condition";
}

std::string condition_error(const std::string& text, const json& params = json::object()) {
  auto p = conditional_plan(text.c_str(), params);
  return p.ok() ? "" : p.error().message;
}

TEST(HotConditions, BadConditionsAreRefusedWithTheirPath) {
  const std::string head = "heat_template_version: 2018-08-31\n";
  const std::string net = "resources:\n  n: {type: OS::Neutron::Net}\n";
  EXPECT_THAT(condition_error(head + "conditions:\n  c: {contains: [a, [a]]}\n" + net),
              HasSubstr("conditions.c: unsupported condition function 'contains'"));
  EXPECT_THAT(condition_error(head + "conditions:\n  c: {equals: [a]}\n" + net),
              HasSubstr("conditions.c.equals: expected a list of two values"));
  EXPECT_THAT(condition_error(head + "conditions:\n  c: {not: nope}\n" + net),
              HasSubstr("unknown condition 'nope'"));
  EXPECT_THAT(condition_error(head + "conditions:\n  c: {equals: [{get_resource: n}, x]}\n" + net),
              HasSubstr("unknown resource 'n'"))
      << "conditions cannot depend on resources";
  EXPECT_THAT(condition_error(head + "conditions:\n  a: {not: b}\n  b: {not: a}\n" + net),
              HasSubstr("in a cycle"));
  EXPECT_THAT(condition_error(head + "conditions: [x]\n" + net),
              HasSubstr("conditions: expected a mapping"));
  EXPECT_THAT(
      condition_error(head + "resources:\n  n: {type: OS::Neutron::Net, condition: nope}\n"),
      HasSubstr("resources.n.condition: unknown condition 'nope'"));
  EXPECT_THAT(condition_error(head + "resources:\n  n: {type: OS::Neutron::Net, condition: [1]}\n"),
              HasSubstr("expected a condition name or a boolean"));
  EXPECT_THAT(
      condition_error(head + "resources:\n  n:\n    type: OS::Neutron::Net\n    properties:\n"
                             "      name: {if: [true, a]}\n"),
      HasSubstr("expected a list [condition, value if true, value if false]"));
  EXPECT_THAT(condition_error(head +
                              "parameters:\n  p: {type: string, default: x}\n"
                              "conditions:\n  c: {get_param: p}\n" +
                              net),
              HasSubstr("expected a boolean parameter"));
}

TEST(HotConditions, AKeptResourceCannotReferToALeftOutOne) {
  const char* text = R"(
heat_template_version: 2018-08-31
resources:
  net: {type: OS::Neutron::Net, condition: false}
  port:
    type: OS::Neutron::Port
    properties: {network: {get_resource: net}}
)";
  EXPECT_THAT(condition_error(text),
              HasSubstr("refers to resource 'net', which its condition leaves out"));
  const char* chosen = R"(
heat_template_version: 2018-08-31
resources:
  net: {type: OS::Neutron::Net, condition: false}
  other: {type: OS::Neutron::Net}
  port:
    type: OS::Neutron::Port
    properties: {network: {if: [false, {get_resource: net}, {get_resource: other}]}}
)";
  auto p = conditional_plan(chosen, json::object());
  ASSERT_TRUE(p.ok()) << p.error().message << ": the branch not taken does not count";
  EXPECT_EQ(p->find("port")->references, (std::set<std::string>{"other"}));
}

}  // namespace
}  // namespace chainlab::openstack
