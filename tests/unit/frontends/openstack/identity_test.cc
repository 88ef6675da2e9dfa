// Keystone identity: configured users, scoping, expiry by an injected clock, the token cap.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "frontends/openstack/identity.h"

namespace chainlab::openstack {
namespace {

using namespace std::chrono_literals;

IdentityConfig two_users() {
  IdentityConfig c;
  c.users = {{"alice", "wonderland"}, {"bob", "builder"}};
  c.project = "lab";
  c.token_lifetime = 3600s;
  return c;
}

TEST(Identity, ConfiguredUsersAuthenticateOthersDoNot) {
  ManualClock clock;
  Identity id(two_users(), clock);
  auto a = id.authenticate("alice", "wonderland", "");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->user_name, "alice");
  EXPECT_EQ(a->project_name, "lab");
  EXPECT_EQ(a->id.size(), 32u);
  EXPECT_TRUE(id.authenticate("bob", "builder", "lab").ok());
  EXPECT_TRUE(id.authenticate(id.users()[1].id, "builder", id.project_id()).ok());
  EXPECT_FALSE(id.authenticate("alice", "builder", "").ok());  // another user's password
  EXPECT_FALSE(id.authenticate("admin", "admin", "").ok());    // not configured
  EXPECT_FALSE(id.authenticate("alice", "wonderland", "other").ok());
  EXPECT_EQ(id.authenticate("eve", "x", "").error().code, ErrorCode::kInvalidArgument);
}

TEST(Identity, TokensExpireByTheClock) {
  ManualClock clock;
  Identity id(two_users(), clock);
  auto t = id.authenticate("alice", "wonderland", "");
  ASSERT_TRUE(t.ok());
  clock.advance(3599s);
  EXPECT_TRUE(id.validate(t->id).ok());
  auto again = id.reissue(t->id, "");  // the token method keeps the user
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->user_name, "alice");
  clock.advance(2s);
  EXPECT_EQ(id.validate(t->id).error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(id.reissue(t->id, "").ok());
  EXPECT_TRUE(id.validate(again->id).ok());
}

TEST(Identity, RevokedTokensAreGone) {
  ManualClock clock;
  Identity id(two_users(), clock);
  auto t = id.authenticate("bob", "builder", "");
  ASSERT_TRUE(t.ok());
  id.revoke(t->id);
  EXPECT_FALSE(id.validate(t->id).ok());
  id.revoke("unknown");  // harmless
}

TEST(Identity, TheTokenCapDropsTheOldest) {
  ManualClock clock;
  IdentityConfig c = two_users();
  c.max_tokens = 3;
  Identity id(c, clock);
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    ids.push_back(id.authenticate("alice", "wonderland", "")->id);
    clock.advance(1s);
  }
  EXPECT_FALSE(id.validate(ids[0]).ok());
  for (int i = 1; i < 4; ++i) {
    EXPECT_TRUE(id.validate(ids[static_cast<size_t>(i)]).ok());
  }
}

TEST(Identity, DefaultIsAdminAdmin) {
  Identity id(IdentityConfig{});
  EXPECT_TRUE(id.authenticate("admin", "admin", "admin").ok());
}

TEST(Identity, IdsComeFromTheInjectedSource) {
  ManualClock clock;
  SequentialIds ids;
  Identity id(two_users(), clock, ids);
  EXPECT_EQ(id.project_id(), fmt::format("{:032x}", 1));
  ASSERT_EQ(id.users().size(), 2u);
  EXPECT_EQ(id.users()[1].id, fmt::format("{:032x}", 3));
  auto t = id.authenticate("alice", "wonderland", "");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->id, fmt::format("{:032x}", 4));
  EXPECT_TRUE(id.validate(t->id).ok());
}

}  // namespace
}  // namespace chainlab::openstack
