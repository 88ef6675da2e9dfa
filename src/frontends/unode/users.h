// The node orchestrator's security manager: users, groups, login tokens and per-graph permissions
// in SQLite, surviving restarts. The reference's model (../shared/reference/node-orchestrator.md,
// /work/notes/un-facts.md §3) without its defects:
//   - passwords are salted PBKDF2-HMAC-SHA256 (the reference: unsalted SHA-256 cut to 20 bytes);
//   - tokens are 32 random bytes and expire (the reference's never did);
//   - a graph's owner, the owner's group, every user and the admin each get read/update/delete
//     flags (defaults: owner all, group read, others none, admin all), and update and delete are
//     checked with their own flags (the reference checked read for everything, against a
//     misspelled table, so everything passed); a user without the flag gets PermissionDenied (403);
//   - who may create graphs and users is a per-user right (the admin: both; a new user: graphs).
// The admin (user "admin", group "admin") is made on first start with a given password or a
// generated one, which the caller prints once.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"

namespace chainlab::unode {

class SqliteDb;

enum class GraphOp { kRead, kUpdate, kDelete };

struct UserInfo {
  std::string name;
  std::string group;
  bool admin = false;
  bool may_create_graphs = false;
  bool may_create_users = false;
};

struct UserStoreOptions {
  std::chrono::seconds token_lifetime{3600};
  int pbkdf2_iterations = 100'000;
  const Clock* clock = &SystemClock::instance();
};

class UserStore {
 public:
  static Result<std::unique_ptr<UserStore>> open(const std::string& path,
                                                 UserStoreOptions options = {});
  ~UserStore();

  // First start only: the admin with `password`, or a generated one (returned, to print once).
  // Afterwards: none, and the stored admin stays as it is.
  Result<std::optional<std::string>> ensure_admin(const std::string& password);

  // A token for the user (the same one again while it is valid); Unauthenticated otherwise.
  Result<std::string> login(const std::string& user, const std::string& password);
  // The token's user; Unauthenticated for an unknown or expired token.
  Result<UserInfo> authenticate(const std::string& token);

  // PermissionDenied unless `by` may create users; NotFound for an unknown group.
  Status create_user(const UserInfo& by, const std::string& name, const std::string& password,
                     const std::string& group);
  Result<UserInfo> user(const std::string& name);
  Status create_group(const UserInfo& by, const std::string& name);  // admin only
  Status delete_group(const UserInfo& by, const std::string& name);  // admin; empty groups only
  Result<std::vector<std::string>> groups();

  Status check_create_graph(const UserInfo& by);
  // Records `by` as the owner of `graph` with the default flags.
  Status own_graph(const UserInfo& by, const std::string& graph);
  // NotFound for a graph it has no record of; PermissionDenied without the flag.
  Status check(const UserInfo& user, const std::string& graph, GraphOp op);
  Status forget_graph(const std::string& graph);
  // The recorded graphs `user` may read.
  Result<std::vector<std::string>> readable_graphs(const UserInfo& user);

 private:
  UserStore(std::unique_ptr<SqliteDb> db, UserStoreOptions options);
  Status add_user(const std::string& name, const std::string& password, const std::string& group,
                  bool create_graphs, bool create_users);
  Result<bool> password_matches(const std::string& user, const std::string& password);

  std::unique_ptr<SqliteDb> db_;
  UserStoreOptions options_;
  std::mutex mu_;  // one request at a time on the connection
};

}  // namespace chainlab::unode
