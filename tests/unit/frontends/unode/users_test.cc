// The node's security manager against a real SQLite file: the admin on first start, logins and
// expiring tokens, users and groups, per-graph read/update/delete flags (403), and a restart that
// keeps it all.
#include "frontends/unode/users.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

namespace chainlab::unode {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

// The code of a failed status (kInternal, and a test failure, for a success).
ErrorCode code(const Status& s) {
  EXPECT_FALSE(s.ok());
  return s.ok() ? ErrorCode::kInternal : s.error().code;
}

class UsersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/chainlab-users-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    reopen();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void reopen() {
    store_.reset();
    UserStoreOptions options;
    options.clock = &clock_;
    options.pbkdf2_iterations = 1000;  // the cost is not under test
    options.token_lifetime = 600s;
    auto s = UserStore::open(dir_ + "/users.db", options);
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
  }
  UserInfo as(const std::string& token) {
    auto u = store_->authenticate(token);
    EXPECT_TRUE(u.ok()) << u.error().message;
    return u.ok() ? *u : UserInfo{};
  }

  ManualClock clock_;
  std::string dir_;
  std::unique_ptr<UserStore> store_;
};

TEST_F(UsersTest, TheAdminComesOnceWithAGeneratedOrGivenPassword) {
  auto generated = store_->ensure_admin("");
  ASSERT_TRUE(generated.ok()) << generated.error().message;
  ASSERT_TRUE(generated->has_value()) << "printed once";
  EXPECT_GE((*generated)->size(), 16u);
  auto again = store_->ensure_admin("other");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value()) << "the stored admin stays";
  EXPECT_FALSE(store_->login("admin", "other").ok());
  auto token = store_->login("admin", **generated);
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_EQ(token->size(), 64u);
  UserInfo admin = as(*token);
  EXPECT_TRUE(admin.admin);
  EXPECT_EQ(admin.group, "admin");
}

TEST_F(UsersTest, TokensAreReusedWhileValidAndExpire) {
  ASSERT_TRUE(store_->ensure_admin("secret").ok());
  auto first = store_->login("admin", "secret");
  auto second = store_->login("admin", "secret");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, *second) << "the same token while it is valid, as the reference";
  EXPECT_EQ(store_->login("admin", "wrong").error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(store_->login("nobody", "secret").error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(store_->authenticate("0000").error().code, ErrorCode::kUnauthenticated);
  clock_.advance(599s);
  EXPECT_TRUE(store_->authenticate(*first).ok());
  clock_.advance(2s);
  EXPECT_EQ(store_->authenticate(*first).error().code, ErrorCode::kUnauthenticated)
      << "tokens expire (the reference's never did)";
  auto fresh = store_->login("admin", "secret");
  ASSERT_TRUE(fresh.ok());
  EXPECT_NE(*fresh, *first);
}

TEST_F(UsersTest, UsersGroupsAndCreationRights) {
  ASSERT_TRUE(store_->ensure_admin("secret").ok());
  UserInfo admin = as(*store_->login("admin", "secret"));
  EXPECT_EQ(code(store_->create_user(admin, "alice", "pw", "ops")), ErrorCode::kNotFound)
      << "no group ops yet";
  ASSERT_TRUE(store_->create_group(admin, "ops").ok());
  EXPECT_EQ(code(store_->create_group(admin, "ops")), ErrorCode::kAlreadyExists);
  ASSERT_TRUE(store_->create_user(admin, "alice", "pw", "ops").ok());
  EXPECT_EQ(code(store_->create_user(admin, "alice", "pw2", "ops")), ErrorCode::kAlreadyExists);
  EXPECT_EQ(code(store_->create_user(admin, "bad name", "pw", "ops")), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(store_->create_user(admin, "bob", "", "ops")), ErrorCode::kInvalidArgument);
  UserInfo alice = as(*store_->login("alice", "pw"));
  EXPECT_EQ(alice.group, "ops");
  EXPECT_TRUE(store_->check_create_graph(alice).ok());
  EXPECT_EQ(code(store_->create_user(alice, "eve", "pw", "ops")), ErrorCode::kPermissionDenied);
  EXPECT_EQ(code(store_->create_group(alice, "x")), ErrorCode::kPermissionDenied);
  EXPECT_EQ(code(store_->delete_group(admin, "ops")), ErrorCode::kFailedPrecondition)
      << "it has a member";
  EXPECT_EQ(store_->user("alice")->group, "ops");
  EXPECT_EQ(store_->user("carol").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(*store_->groups(), (std::vector<std::string>{"admin", "ops"}));
}

TEST_F(UsersTest, GraphFlagsAreCheckedPerOperation) {
  ASSERT_TRUE(store_->ensure_admin("secret").ok());
  UserInfo admin = as(*store_->login("admin", "secret"));
  ASSERT_TRUE(store_->create_group(admin, "ops").ok());
  ASSERT_TRUE(store_->create_group(admin, "dev").ok());
  ASSERT_TRUE(store_->create_user(admin, "alice", "pw", "ops").ok());
  ASSERT_TRUE(store_->create_user(admin, "bob", "pw", "ops").ok());
  ASSERT_TRUE(store_->create_user(admin, "carol", "pw", "dev").ok());
  UserInfo alice = as(*store_->login("alice", "pw"));
  UserInfo bob = as(*store_->login("bob", "pw"));
  UserInfo carol = as(*store_->login("carol", "pw"));
  ASSERT_TRUE(store_->own_graph(alice, "g1").ok());
  for (GraphOp op : {GraphOp::kRead, GraphOp::kUpdate, GraphOp::kDelete}) {
    EXPECT_TRUE(store_->check(alice, "g1", op).ok()) << "the owner";
    EXPECT_TRUE(store_->check(admin, "g1", op).ok()) << "the admin";
    EXPECT_EQ(code(store_->check(carol, "g1", op)), ErrorCode::kPermissionDenied) << "others";
  }
  EXPECT_TRUE(store_->check(bob, "g1", GraphOp::kRead).ok()) << "the owner's group reads";
  auto update = store_->check(bob, "g1", GraphOp::kUpdate);
  EXPECT_EQ(code(update), ErrorCode::kPermissionDenied);
  EXPECT_THAT(update.error().message, HasSubstr("may not update graph 'g1'"));
  EXPECT_EQ(code(store_->check(bob, "g1", GraphOp::kDelete)), ErrorCode::kPermissionDenied);
  EXPECT_EQ(code(store_->check(alice, "g2", GraphOp::kRead)), ErrorCode::kNotFound);
  EXPECT_EQ(*store_->readable_graphs(bob), std::vector<std::string>{"g1"});
  EXPECT_TRUE(store_->readable_graphs(carol)->empty());
  ASSERT_TRUE(store_->forget_graph("g1").ok());
  EXPECT_EQ(code(store_->check(alice, "g1", GraphOp::kRead)), ErrorCode::kNotFound);
}

TEST_F(UsersTest, ARestartKeepsUsersTokensAndOwners) {
  ASSERT_TRUE(store_->ensure_admin("secret").ok());
  UserInfo admin = as(*store_->login("admin", "secret"));
  ASSERT_TRUE(store_->create_group(admin, "ops").ok());
  ASSERT_TRUE(store_->create_user(admin, "alice", "pw", "ops").ok());
  auto token = store_->login("alice", "pw");
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE(store_->own_graph(as(*token), "g1").ok());
  reopen();
  UserInfo alice = as(*token);
  EXPECT_EQ(alice.name, "alice");
  EXPECT_TRUE(store_->check(alice, "g1", GraphOp::kDelete).ok()) << "still the owner";
  EXPECT_FALSE(store_->ensure_admin("")->has_value()) << "no second admin";
}

}  // namespace
}  // namespace chainlab::unode
