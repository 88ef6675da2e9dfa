// Keystone (identity) of one PoP's OpenStack control plane (docs/api/openstack.md). Port P.
// Routes: GET / (versions, shaped like Keystone's), GET /v2.0, POST /v2.0/tokens, GET /v3,
// POST /v3/auth/tokens (password or token method; the token in X-Subject-Token), GET/HEAD/DELETE
// /v3/auth/tokens (X-Subject-Token validation), /v3/projects, /v3/users, /v3/domains, /v3/roles,
// /v3/services, /v3/endpoints, /v3/regions, /v3/auth/projects, /v2.0/tenants. The catalogue lists
// this PoP's compute, identity, network, image and orchestration endpoints (public, internal and
// admin URLs, region from the Cloud's config).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "endpoints/http/http.h"
#include "endpoints/openstack/common.h"

namespace chainlab::endpoints {

class KeystoneEndpoint final : public OpenStackServiceEndpoint {
 public:
  KeystoneEndpoint(openstack::Cloud& cloud, OpenStackPorts ports);
};

// POST /v3/auth/tokens: credentials of the password method (user name or id, password) or the
// token of the token method, and the project scope (name or id) if any.
struct V3Auth {
  std::string user;
  std::string password;
  std::string project;
  std::string token;
  std::vector<std::string> methods;
};
Result<V3Auth> parse_v3_auth(const nlohmann::json& body);

// POST /v2.0/tokens: {"auth": {"tenantName" | "tenantId", "passwordCredentials": {"username" |
// "userId", "password"} or "token": {"id"}}}. kNone: neither credential (answered 401).
struct V2Auth {
  enum class Method { kNone, kPassword, kToken };
  Method method = Method::kNone;
  std::string user;
  std::string password;
  std::string token;
  std::string project;
};
Result<V2Auth> parse_v2_auth(const nlohmann::json& body);

}  // namespace chainlab::endpoints
