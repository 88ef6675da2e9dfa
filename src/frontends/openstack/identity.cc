#include "frontends/openstack/identity.h"

#include "common/random.h"
#include "frontends/openstack/cloud.h"

namespace chainlab::openstack {
namespace {

Error unauthenticated() {
  return make_error(ErrorCode::kInvalidArgument,
                    "The request you have made requires authentication.");
}

}  // namespace

Identity::Identity(IdentityConfig config, const Clock& clock, const IdSource& ids)
    : config_(std::move(config)), clock_(clock), ids_(ids), project_id_(ids.hex(16)) {
  for (const auto& u : config_.users) {
    users_.push_back({ids_.hex(16), u.name});
  }
}

std::optional<UserRecord> Identity::find_user(const std::string& name_or_id) const {
  for (const auto& u : users_) {
    if (u.name == name_or_id || u.id == name_or_id) {
      return u;
    }
  }
  return std::nullopt;
}

Result<Token> Identity::authenticate(const std::string& user, const std::string& password,
                                     const std::string& project) {
  bool match = false;
  UserRecord found;
  for (size_t i = 0; i < users_.size(); ++i) {
    bool password_ok = constant_time_equal(config_.users[i].password, password);
    if ((users_[i].name == user || users_[i].id == user) && password_ok && !match) {
      match = true;
      found = users_[i];
    }
  }
  if (!match) {
    return unauthenticated();
  }
  std::lock_guard lock(mu_);
  return issue_locked(found, project);
}

Result<Token> Identity::reissue(const std::string& id, const std::string& project) {
  CL_ASSIGN_OR_RETURN(Token old, validate(id));
  std::lock_guard lock(mu_);
  return issue_locked({old.user_id, old.user_name}, project);
}

Result<Token> Identity::issue_locked(const UserRecord& user, const std::string& project) {
  if (!project.empty() && project != config_.project && project != project_id_) {
    return unauthenticated();
  }
  auto now = clock_.now();
  expire_locked(now);
  while (tokens_.size() >= config_.max_tokens && !by_expiry_.empty()) {
    tokens_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
  Token t;
  t.id = ids_.hex(16);
  t.user_id = user.id;
  t.user_name = user.name;
  t.project_id = project_id_;
  t.project_name = config_.project;
  t.expires = now + config_.token_lifetime;
  t.issued_at = iso8601(now);
  t.expires_at = iso8601(t.expires);
  tokens_[t.id] = t;
  by_expiry_.emplace(t.expires, t.id);
  return t;
}

void Identity::expire_locked(std::chrono::system_clock::time_point now) {
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now) {
    tokens_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
}

Result<Token> Identity::validate(const std::string& id) {
  std::lock_guard lock(mu_);
  expire_locked(clock_.now());
  auto it = tokens_.find(id);
  if (it == tokens_.end()) {
    return make_error(ErrorCode::kNotFound, "The token is unknown or has expired");
  }
  return it->second;
}

void Identity::revoke(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = tokens_.find(id);
  if (it == tokens_.end()) {
    return;
  }
  auto [lo, hi] = by_expiry_.equal_range(it->second.expires);
  for (auto e = lo; e != hi; ++e) {
    if (e->second == id) {
      by_expiry_.erase(e);
      break;
    }
  }
  tokens_.erase(it);
}

}  // namespace chainlab::openstack
