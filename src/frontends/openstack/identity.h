// Identity of one OpenStack PoP (Keystone): its users, its one project and the tokens it issued.
//
// Users and passwords come from configuration (topology `emulator: {keystone: ...}`, see
// docs/api/openstack.md); admin/admin is only the default. Token ids are 32 hex characters from the
// kernel's CSPRNG; every token expires after `token_lifetime` by the injected clock, and at most
// `max_tokens` live at once (the ones closest to expiry are dropped first). Password checks take
// the same time whatever the password. Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "common/result.h"

namespace chainlab::openstack {

struct KeystoneUser {
  std::string name;
  std::string password;
  friend bool operator==(const KeystoneUser&, const KeystoneUser&) = default;
};

struct IdentityConfig {
  std::vector<KeystoneUser> users = {{"admin", "admin"}};
  std::string project = "admin";   // the one project
  std::string domain = "Default";  // domain name; its id is "default"
  std::chrono::seconds token_lifetime{24 * 3600};
  size_t max_tokens = 10000;
  friend bool operator==(const IdentityConfig&, const IdentityConfig&) = default;
};

struct Token {
  std::string id;  // 32 hex
  std::string user_id;
  std::string user_name;
  std::string project_id;
  std::string project_name;
  std::string issued_at;   // ISO 8601 UTC, "2024-01-01T00:00:00.000000Z"
  std::string expires_at;  // ISO 8601 UTC
  std::chrono::system_clock::time_point expires;
};

struct UserRecord {
  std::string id;  // 32 hex, random per run
  std::string name;
};

class Identity {
 public:
  explicit Identity(IdentityConfig config, const Clock& clock = SystemClock::instance(),
                    const IdSource& ids = RandomIds::instance());

  // A token for `user` (name or id) with `password`, scoped to `project` (name or id; empty: the
  // one project). InvalidArgument "requires authentication" for any mismatch.
  Result<Token> authenticate(const std::string& user, const std::string& password,
                             const std::string& project);
  // A new token for the holder of the valid token `id` (Keystone's "token" method).
  Result<Token> reissue(const std::string& id, const std::string& project);
  // The live token `id`; NotFound when unknown or expired.
  Result<Token> validate(const std::string& id);
  void revoke(const std::string& id);
  std::optional<UserRecord> find_user(const std::string& name_or_id) const;
  const std::vector<UserRecord>& users() const { return users_; }

  const IdentityConfig& config() const { return config_; }
  const std::string& project_id() const { return project_id_; }

 private:
  Result<Token> issue_locked(const UserRecord& user, const std::string& project);
  void expire_locked(std::chrono::system_clock::time_point now);

  IdentityConfig config_;
  const Clock& clock_;
  const IdSource& ids_;
  std::string project_id_;
  std::vector<UserRecord> users_;  // same order as config_.users

  mutable std::mutex mu_;
  std::map<std::string, Token> tokens_;
  std::multimap<std::chrono::system_clock::time_point, std::string> by_expiry_;
};

}  // namespace chainlab::openstack
