#include "frontends/unode/users.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "common/hex.h"
#include "common/random.h"
#include "frontends/unode/sqlite_db.h"

namespace chainlab::unode {
namespace {

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS groups(name TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS users(
  name TEXT PRIMARY KEY, grp TEXT NOT NULL REFERENCES groups(name), salt TEXT NOT NULL,
  hash TEXT NOT NULL, iterations INTEGER NOT NULL, create_graphs INTEGER NOT NULL,
  create_users INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tokens(
  token TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  expires_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS graphs(
  id TEXT PRIMARY KEY, owner TEXT NOT NULL, grp TEXT NOT NULL, owner_flags TEXT NOT NULL,
  group_flags TEXT NOT NULL, all_flags TEXT NOT NULL, admin_flags TEXT NOT NULL);
)";

// Read, update, delete: a letter where allowed ("rud", "r--").
constexpr const char* kOwnerFlags = "rud";
constexpr const char* kGroupFlags = "r--";
constexpr const char* kAllFlags = "---";
constexpr const char* kAdminFlags = "rud";

Status check_name(const std::string& name, std::string_view what) {
  bool ok = !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
  });
  if (!ok) {
    return make_error(ErrorCode::kInvalidArgument,
                      "{} name '{}': 1-64 letters, digits, '.', '_' or '-'", what,
                      name.substr(0, 80));
  }
  return ok_status();
}

std::string derive(const std::string& password, const std::string& salt_hex, int iterations) {
  unsigned char out[32];
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt_hex.data()),
                    static_cast<int>(salt_hex.size()), iterations, EVP_sha256(), sizeof out, out);
  return hex_encode(out, sizeof out);
}

int64_t ms_of(const Clock& clock) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.now().time_since_epoch())
      .count();
}

UserInfo info_of(const SqlRow& row) {  // name, grp, create_graphs, create_users
  UserInfo u;
  u.name = row[0];
  u.group = row[1];
  u.admin = u.name == "admin";
  u.may_create_graphs = row[2] == "1";
  u.may_create_users = row[3] == "1";
  return u;
}

size_t flag_index(GraphOp op) {
  return static_cast<size_t>(op);
}

}  // namespace

UserStore::UserStore(std::unique_ptr<SqliteDb> db, UserStoreOptions options)
    : db_(std::move(db)), options_(options) {}

UserStore::~UserStore() = default;

Result<std::unique_ptr<UserStore>> UserStore::open(const std::string& path,
                                                   UserStoreOptions options) {
  CL_ASSIGN_OR_RETURN(auto db, SqliteDb::open(path));
  CL_RETURN_IF_ERROR(db->exec(kSchema));
  return std::unique_ptr<UserStore>(new UserStore(std::move(db), options));
}

Status UserStore::add_user(const std::string& name, const std::string& password,
                           const std::string& group, bool create_graphs, bool create_users) {
  CL_RETURN_IF_ERROR(check_name(name, "user"));
  if (password.empty() || password.size() > 1024) {
    return make_error(ErrorCode::kInvalidArgument, "a password has 1 to 1024 bytes");
  }
  CL_ASSIGN_OR_RETURN(auto g, db_->query("SELECT name FROM groups WHERE name = ?", {group}));
  if (g.empty()) {
    return make_error(ErrorCode::kNotFound, "no group '{}'", group);
  }
  std::string salt = random_hex(16);
  auto added = db_->query(
      "INSERT INTO users(name, grp, salt, hash, iterations, create_graphs, create_users) "
      "VALUES(?, ?, ?, ?, ?, ?, ?)",
      {name, group, salt, derive(password, salt, options_.pbkdf2_iterations),
       int64_t{options_.pbkdf2_iterations}, int64_t{create_graphs}, int64_t{create_users}});
  if (!added.ok() && added.error().code == ErrorCode::kAlreadyExists) {
    return make_error(ErrorCode::kAlreadyExists, "a user '{}' exists", name);
  }
  return added.ok() ? ok_status() : Status(added.error());
}

Result<std::optional<std::string>> UserStore::ensure_admin(const std::string& password) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(auto rows, db_->query("SELECT name FROM users WHERE name = 'admin'"));
  if (!rows.empty()) {
    return std::optional<std::string>();
  }
  std::string chosen = password.empty() ? random_hex(12) : password;
  CL_RETURN_IF_ERROR(db_->query("INSERT OR IGNORE INTO groups(name) VALUES('admin')"));
  CL_RETURN_IF_ERROR(add_user("admin", chosen, "admin", true, true));
  return password.empty() ? std::optional<std::string>(chosen) : std::optional<std::string>();
}

Result<bool> UserStore::password_matches(const std::string& name, const std::string& password) {
  CL_ASSIGN_OR_RETURN(
      auto rows, db_->query("SELECT salt, hash, iterations FROM users WHERE name = ?", {name}));
  if (rows.empty()) {
    return false;
  }
  std::string hash = derive(password, rows[0][0], std::stoi(rows[0][2]));
  return hash.size() == rows[0][1].size() &&
         CRYPTO_memcmp(hash.data(), rows[0][1].data(), hash.size()) == 0;
}

Result<std::string> UserStore::login(const std::string& name, const std::string& password) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(bool ok, password_matches(name, password));
  if (!ok) {
    return make_error(ErrorCode::kUnauthenticated, "wrong user name or password");
  }
  int64_t now = ms_of(*options_.clock);
  int64_t expires =
      now + std::chrono::duration_cast<std::chrono::milliseconds>(options_.token_lifetime).count();
  CL_RETURN_IF_ERROR(db_->query("DELETE FROM tokens WHERE expires_ms <= ?", {now}));
  CL_ASSIGN_OR_RETURN(auto rows, db_->query("SELECT token FROM tokens WHERE user = ?", {name}));
  std::string token = rows.empty() ? random_hex(32) : rows[0][0];
  CL_RETURN_IF_ERROR(
      db_->query("INSERT INTO tokens(token, user, expires_ms) VALUES(?, ?, ?) "
                 "ON CONFLICT(token) DO UPDATE SET expires_ms = excluded.expires_ms",
                 {token, name, expires}));
  return token;
}

Result<UserInfo> UserStore::authenticate(const std::string& token) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(
      auto rows,
      db_->query("SELECT u.name, u.grp, u.create_graphs, u.create_users FROM tokens t "
                 "JOIN users u ON u.name = t.user WHERE t.token = ? AND t.expires_ms > ?",
                 {token, ms_of(*options_.clock)}));
  if (rows.empty()) {
    return make_error(ErrorCode::kUnauthenticated, "unknown or expired token (POST /login)");
  }
  return info_of(rows[0]);
}

Status UserStore::create_user(const UserInfo& by, const std::string& name,
                              const std::string& password, const std::string& group) {
  if (!by.admin && !by.may_create_users) {
    return make_error(ErrorCode::kPermissionDenied, "user '{}' may not create users", by.name);
  }
  std::lock_guard lock(mu_);
  return add_user(name, password, group, /*create_graphs=*/true, /*create_users=*/false);
}

Result<UserInfo> UserStore::user(const std::string& name) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(
      auto rows,
      db_->query("SELECT name, grp, create_graphs, create_users FROM users WHERE name = ?",
                 {name}));
  if (rows.empty()) {
    return make_error(ErrorCode::kNotFound, "no user '{}'", name);
  }
  return info_of(rows[0]);
}

Status UserStore::create_group(const UserInfo& by, const std::string& name) {
  if (!by.admin) {
    return make_error(ErrorCode::kPermissionDenied, "only the admin creates groups");
  }
  CL_RETURN_IF_ERROR(check_name(name, "group"));
  std::lock_guard lock(mu_);
  auto added = db_->query("INSERT INTO groups(name) VALUES(?)", {name});
  if (!added.ok() && added.error().code == ErrorCode::kAlreadyExists) {
    return make_error(ErrorCode::kAlreadyExists, "a group '{}' exists", name);
  }
  return added.ok() ? ok_status() : Status(added.error());
}

Status UserStore::delete_group(const UserInfo& by, const std::string& name) {
  if (!by.admin) {
    return make_error(ErrorCode::kPermissionDenied, "only the admin deletes groups");
  }
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(auto members, db_->query("SELECT name FROM users WHERE grp = ?", {name}));
  if (!members.empty()) {
    return make_error(ErrorCode::kFailedPrecondition, "group '{}' has {} member(s)", name,
                      members.size());
  }
  CL_RETURN_IF_ERROR(db_->query("DELETE FROM groups WHERE name = ?", {name}));
  if (db_->changes() == 0) {
    return make_error(ErrorCode::kNotFound, "no group '{}'", name);
  }
  return ok_status();
}

Result<std::vector<std::string>> UserStore::groups() {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(auto rows, db_->query("SELECT name FROM groups ORDER BY name"));
  std::vector<std::string> out;
  for (auto& r : rows) {
    out.push_back(std::move(r[0]));
  }
  return out;
}

Status UserStore::check_create_graph(const UserInfo& by) {
  if (!by.admin && !by.may_create_graphs) {
    return make_error(ErrorCode::kPermissionDenied, "user '{}' may not create graphs", by.name);
  }
  return ok_status();
}

Status UserStore::own_graph(const UserInfo& by, const std::string& graph) {
  std::lock_guard lock(mu_);
  return db_->query(
                "INSERT OR REPLACE INTO graphs(id, owner, grp, owner_flags, group_flags, "
                "all_flags, "
                "admin_flags) VALUES(?, ?, ?, ?, ?, ?, ?)",
                {graph, by.name, by.group, kOwnerFlags, kGroupFlags, kAllFlags, kAdminFlags})
                 .ok()
             ? ok_status()
             : make_error(ErrorCode::kInternal, "recording the owner of graph {}", graph);
}

Status UserStore::check(const UserInfo& user, const std::string& graph, GraphOp op) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(auto rows,
                      db_->query("SELECT owner, grp, owner_flags, group_flags, all_flags, "
                                 "admin_flags FROM graphs WHERE id = ?",
                                 {graph}));
  if (rows.empty()) {
    return make_error(ErrorCode::kNotFound, "no graph '{}'", graph);
  }
  const SqlRow& g = rows[0];
  const std::string& flags = user.admin           ? g[5]
                             : user.name == g[0]  ? g[2]
                             : user.group == g[1] ? g[3]
                                                  : g[4];
  if (flags.size() != 3 || flags[flag_index(op)] == '-') {
    static constexpr const char* kOps[] = {"read", "update", "delete"};
    return make_error(ErrorCode::kPermissionDenied, "user '{}' may not {} graph '{}'", user.name,
                      kOps[flag_index(op)], graph);
  }
  return ok_status();
}

Status UserStore::forget_graph(const std::string& graph) {
  std::lock_guard lock(mu_);
  return db_->query("DELETE FROM graphs WHERE id = ?", {graph}).ok()
             ? ok_status()
             : make_error(ErrorCode::kInternal, "forgetting graph {}", graph);
}

Result<std::vector<std::string>> UserStore::readable_graphs(const UserInfo& user) {
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mu_);
    CL_ASSIGN_OR_RETURN(auto rows, db_->query("SELECT id FROM graphs ORDER BY id"));
    for (auto& r : rows) {
      ids.push_back(std::move(r[0]));
    }
  }
  std::vector<std::string> out;
  for (auto& id : ids) {
    if (check(user, id, GraphOp::kRead).ok()) {
      out.push_back(std::move(id));
    }
  }
  return out;
}

}  // namespace chainlab::unode
