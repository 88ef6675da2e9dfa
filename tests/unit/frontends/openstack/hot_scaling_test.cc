// OS::Heat::AutoScalingGroup and OS::Heat::ScalingPolicy (hot_resources.h): Heat's size rules
// and adjustment arithmetic, and the plan of a group at the size a signal gave it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "frontends/openstack/hot_resources.h"
#include "frontends/openstack/hot_template.h"
#include "named_refs.h"

namespace chainlab::openstack {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

ScalingPolicySpec scaling_policy(AdjustmentType type, int64_t adjustment, int64_t min_step = 0) {
  ScalingPolicySpec p;
  p.type = type;
  p.adjustment = adjustment;
  p.min_adjustment_step = min_step;
  return p;
}

TEST(HotScaling, NewCapacityFollowsHeat) {
  using enum AdjustmentType;
  EXPECT_EQ(scaling_policy(kChangeInCapacity, 1).new_capacity(2, 1, 5), 3);
  EXPECT_EQ(scaling_policy(kChangeInCapacity, -1).new_capacity(1, 1, 5), 1) << "never below min";
  EXPECT_EQ(scaling_policy(kChangeInCapacity, 10).new_capacity(2, 1, 5), 5) << "never above max";
  EXPECT_EQ(scaling_policy(kExactCapacity, 4).new_capacity(2, 1, 5), 4);
  EXPECT_EQ(scaling_policy(kExactCapacity, 0).new_capacity(2, 1, 5), 1);
  EXPECT_EQ(scaling_policy(kPercentChangeInCapacity, 50).new_capacity(4, 0, 10), 6);
  EXPECT_EQ(scaling_policy(kPercentChangeInCapacity, 10).new_capacity(4, 0, 10), 5)
      << "less than one member rounds away from zero";
  EXPECT_EQ(scaling_policy(kPercentChangeInCapacity, -10).new_capacity(4, 0, 10), 3);
  EXPECT_EQ(scaling_policy(kPercentChangeInCapacity, 150).new_capacity(3, 0, 10), 7)
      << "4.5 truncated";
  EXPECT_EQ(scaling_policy(kPercentChangeInCapacity, 25, 3).new_capacity(4, 0, 10), 7)
      << "min_adjustment_step";
}

std::string scaling_group_error(const json& props) {
  auto g = parse_scaling_group(props, "resources.asg.properties");
  return g.ok() ? "" : g.error().message;
}

TEST(HotScaling, GroupAndPolicyPropertiesAreChecked) {
  json server = {{"type", "OS::Nova::Server"}, {"properties", {{"image", "i"}, {"flavor", "f"}}}};
  EXPECT_THAT(scaling_group_error({{"min_size", 1}, {"resource", server}}),
              HasSubstr("missing required property 'max_size'"));
  EXPECT_THAT(scaling_group_error({{"min_size", 3}, {"max_size", 2}, {"resource", server}}),
              HasSubstr("max_size: must not be less than min_size"));
  EXPECT_THAT(
      scaling_group_error(
          {{"min_size", 1}, {"max_size", 2}, {"desired_capacity", 5}, {"resource", server}}),
      HasSubstr("desired_capacity: must be between min_size and max_size"));
  EXPECT_THAT(
      scaling_group_error(
          {{"min_size", {{"get_attr", {"x", "y"}}}}, {"max_size", 2}, {"resource", server}}),
      HasSubstr("min_size: must not depend on other resources"));
  EXPECT_THAT(scaling_group_error({{"min_size", 1}, {"max_size", 2000}, {"resource", server}}),
              HasSubstr("out of range"));
  EXPECT_THAT(
      scaling_group_error({{"min_size", 1}, {"max_size", 2}, {"resource", {{"properties", {}}}}}),
      HasSubstr("missing required property 'type'"));
  auto p = parse_scaling_policy(
      {{"auto_scaling_group_id", "g"}, {"adjustment_type", "sideways"}, {"scaling_adjustment", 1}},
      "p");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.error().message, HasSubstr("adjustment_type: expected change_in_capacity"));
  p = parse_scaling_policy({{"auto_scaling_group_id", "g"},
                            {"adjustment_type", "change_in_capacity"},
                            {"scaling_adjustment", 1},
                            {"min_adjustment_step", 2}},
                           "p");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.error().message, HasSubstr("only with adjustment_type percent"));
}

const char* kScalingTemplate = R"(
heat_template_version: 2018-08-31
parameters:
  desired: {type: number, default: 2}
resources:
  net: {type: OS::Neutron::Net}
  asg:
    type: OS::Heat::AutoScalingGroup
    properties:
      min_size: 1
      max_size: 4
      desired_capacity: {get_param: desired}
      resource:
        type: OS::Nova::Server
        properties:
          image: cirros
          flavor: m1.tiny
          networks: [{network: {get_resource: net}}]
  out:
    type: OS::Heat::ScalingPolicy
    properties:
      auto_scaling_group_id: {get_resource: asg}
      adjustment_type: change_in_capacity
      scaling_adjustment: 1
outputs:
  url: {value: {get_attr: [out, alarm_url]}}
)";

std::vector<std::string> asg_members(const StackPlan& plan) {
  const PlannedResource* g = plan.find("asg");
  return g == nullptr ? std::vector<std::string>{} : g->members;
}

TEST(HotScaling, AGroupIsPlannedAtItsDesiredOrSignalledSize) {
  auto t = parse_template(std::string(kScalingTemplate));
  ASSERT_TRUE(t.ok()) << t.error().message;
  auto plan = plan_stack(*t, json::object());
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(asg_members(*plan), (std::vector<std::string>{"asg-0", "asg-1"}));
  EXPECT_EQ(plan->find("asg-1")->properties["networks"][0]["network"],
            (json{{"get_resource", "net"}}));
  EXPECT_TRUE(plan->find("out")->needs.count("asg")) << "the policy comes after its group";

  auto scaled = plan_stack(*t, json::object(), {}, {{"asg", 3}});
  ASSERT_TRUE(scaled.ok());
  EXPECT_EQ(asg_members(*scaled).size(), 3u) << "a signal's size wins over desired_capacity";
  auto clamped = plan_stack(*t, json::object(), {}, {{"asg", 9}});
  ASSERT_TRUE(clamped.ok());
  EXPECT_EQ(asg_members(*clamped).size(), 4u) << "within max_size";

  PlanDiff d = diff_plans(*plan, *scaled);
  EXPECT_EQ(d.added, (std::vector<std::string>{"asg-2"}));
  EXPECT_TRUE(d.replaced.empty()) << "the group and its policy keep their ids";
}

TEST(HotScaling, GroupAttributesListEveryMember) {
  auto t = parse_template(std::string(kScalingTemplate));
  ASSERT_TRUE(t.ok());
  auto plan = plan_stack(*t, json::object());
  ASSERT_TRUE(plan.ok());
  NamedRefs refs;
  const PlannedResource& g = *plan->find("asg");
  EXPECT_EQ(group_attribute(g, "current_size", refs).value_or(json()), 2);
  EXPECT_EQ(group_attribute(g, "outputs.first_address", refs).value_or(json()),
            (json{{"asg-0", "asg-0/first_address"}, {"asg-1", "asg-1/first_address"}}));
  EXPECT_EQ(group_attribute(g, "outputs_list.name", refs).value_or(json()),
            (json{"asg-0/name", "asg-1/name"}));
  // get_attr [asg, outputs, first_address, asg-1] reaches group_attribute as outputs.<attr>.
  struct GroupRefs : NamedRefs {
    const PlannedResource* group = nullptr;
    Result<json> attribute(const std::string& r, const std::string& a) const override {
      return r == "asg" ? group_attribute(*group, a, *this) : NamedRefs::attribute(r, a);
    }
  } group_refs;
  group_refs.group = &g;
  auto v = resolve_value(json{{"get_attr", {"asg", "outputs", "first_address", "asg-1"}}},
                         group_refs, "outputs.x");
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(*v, "asg-1/first_address");
}

}  // namespace
}  // namespace chainlab::openstack
