// A mapped service cut into its domains' parts: what the orchestrator hands each DomainAdapter
// (domain_adapter.h). A part holds, for one domain:
//   - the domain's infras that the service uses (an NF of the service on it, or a flow rule of
//     one of the service's hops on one of its ports), with every port kept and only the
//     service's flow rules on them;
//   - the service's NFs on those infras and the link pairs that attach them;
//   - from the domain's own view: the SAPs linked to those infras that the service uses (a hop
//     names it, or one of the service's flow rules takes traffic in or out at its port: a SAP
//     shared with another domain is where the service leaves this one) and the links among the
//     part's nodes;
//   - the service's hops whose two ends are both in the part;
//   - parameters: the service's id and name, mode ADD.
#pragma once

#include <map>
#include <set>
#include <string>

#include "frontends/escape/nffg.h"

namespace chainlab::escape {

// The elements a service owns in the global view (by id text).
struct ServiceElements {
  std::string id;
  std::optional<std::string> name;
  std::set<std::string> nfs;
  std::set<std::string> hops;
};

ServiceElements elements_of(const std::string& service_id, const Nffg& request);

// `owner` maps each infra id of `mapped` to its domain; `views` holds each domain's own view.
// Domains the service does not touch get no part.
std::map<std::string, Nffg> split_service(const Nffg& mapped, const ServiceElements& service,
                                          const std::map<std::string, std::string>& owner,
                                          const std::map<std::string, Nffg>& views);

}  // namespace chainlab::escape
