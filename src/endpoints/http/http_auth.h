// Who may call an API that can run code (son-emu REST, gatekeeper, later NF-FG/NFFG): a holder of
// the run's token (`Authorization: Bearer T` or `X-Auth-Token: T`), or — so that son-emu's own CLI
// and scripts keep working unchanged — a client on loopback whose socket belongs to root (looked
// up in the kernel's socket diagnostics). `open` lets everyone in (`chainlab run --no-auth`, only
// allowed on loopback). docs/security.md.
#pragma once

#include <string>

#include "endpoints/http/httplib_fwd.h"

namespace chainlab::endpoints {

struct AccessPolicy {
  std::string token;             // the run's token (empty: no token is accepted)
  bool root_on_loopback = true;  // token-less requests from uid 0 over loopback pass
  bool open = false;             // everything passes
};

class Authenticator {
 public:
  explicit Authenticator(AccessPolicy policy) : policy_(std::move(policy)) {}
  bool allows(const httplib::Request& req) const;
  const AccessPolicy& policy() const { return policy_; }

 private:
  bool has_token(const httplib::Request& req) const;
  AccessPolicy policy_;
};

}  // namespace chainlab::endpoints
