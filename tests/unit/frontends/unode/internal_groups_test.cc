// Internal groups over FakeControl: one switch per group shared by its graphs, hub rules that
// follow the membership, the switch gone with the last member.
#include "frontends/unode/internal_groups.h"

#include <gtest/gtest.h>

#include "../../fakes/fake_control.h"

namespace chainlab::unode {
namespace {

using chainlab::testing::FakeControl;

TEST(InternalGroupsTest, MembersShareOneSwitchThatFloodsToTheOthers) {
  FakeControl fake(FakeControl::pops({"dc1"}));
  InternalGroups groups(fake, "dc1");
  auto a = groups.join("blue", "g1");
  auto b = groups.join("blue", "g2");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_EQ(*groups.join("blue", "g1"), *a) << "the same port again";
  ASSERT_EQ(fake.graph_lsis().size(), 1u);
  const auto& lsi = fake.graph_lsis().begin()->second;
  const auto& links = fake.graph_links(lsi.name);
  ASSERT_EQ(links.size(), 2u);
  ASSERT_EQ(fake.rules(lsi.lsi).size(), 2u);
  for (const auto& [id, rule] : fake.rules(lsi.lsi)) {
    ASSERT_EQ(rule.actions.size(), 1u);
    EXPECT_NE(rule.actions[0], dataplane::Action::output(*rule.match.in_port));
  }
  ASSERT_TRUE(groups.leave("blue", "g2").ok());
  EXPECT_EQ(groups.members("blue"), 1u);
  ASSERT_EQ(fake.rules(lsi.lsi).size(), 1u);
  EXPECT_EQ(fake.rules(lsi.lsi).begin()->second.actions[0], dataplane::Action::drop());
  ASSERT_TRUE(groups.leave("blue", "g1").ok());
  EXPECT_TRUE(fake.empty());
  EXPECT_EQ(groups.leave("blue", "g1").error().code, ErrorCode::kNotFound);
}

TEST(InternalGroupsTest, AFailedJoinLeavesNothing) {
  FakeControl fake(FakeControl::pops({"dc1"}));
  InternalGroups groups(fake, "dc1");
  fake.fail_nth(FakeControl::Op::kAddRule, 1);
  EXPECT_FALSE(groups.join("blue", "g1").ok());
  EXPECT_TRUE(fake.empty());
  EXPECT_EQ(groups.members("blue"), 0u);
}

}  // namespace
}  // namespace chainlab::unode
