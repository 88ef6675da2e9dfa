// The multi-domain orchestrator's core (ESCAPE's resource orchestration layer; docs/mdo.md):
// one global view merged from every domain's view (merge_views: domains meet at the SAPs they
// share), each service request mapped onto it with an embedding algorithm, the mapping cut into
// the domains' parts (split.h) and every part deployed through its domain's adapter, all or
// nothing: when one domain fails, the parts already deployed are taken back (or given their
// earlier version back) and the view is as before.
//
// A request is an NFFG whose parameters.id names the service and whose mode says what to do
// (prepare, nffg_embedding.h): ADD maps what is new (a later ADD of the same service adds to it,
// its deployed NFs stay where they are, its hops are routed again and may join other ends),
// REMAP maps all of it afresh, DELETE removes it. As in ESCAPE, a request is for the service of
// its id, else for the deployed service that holds one of its NFs (ESCAPE renames every request
// to its message id and knows services by their elements); that service keeps its first id, and
// the later id names it too. The
// global view (view()) carries every deployed service: NFs on infras, flow rules per hop.
//
// Thread-safe: requests run one at a time (execute() waits for the one before); view(),
// mapping_info() and mappings() answer meanwhile from the last committed state.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "frontends/escape/mdo/domain_adapter.h"
#include "frontends/escape/nffg.h"
#include "orchestration/placement/embedding/algorithm.h"

namespace chainlab::escape {

struct OrchestratorOptions {
  std::string algorithm = orchestration::embedding::kDefaultEmbedding;
  orchestration::embedding::EmbeddingOptions embedding;
};

// Where a service went: each NF's infra and domain, each hop's infras in order.
struct ServiceMapping {
  std::string service_id;
  std::map<std::string, std::string> nf_infra;      // NF id -> infra id
  std::map<std::string, std::string> nf_domain;     // NF id -> domain name
  std::map<std::string, std::vector<Id>> nf_ports;  // NF id -> its port ids
  std::vector<std::string> domains;                 // domains holding a part, sorted
};

class Orchestrator {
 public:
  // Reads every domain's view and merges them. InvalidArgument for no domains, two domains of
  // one name, or views that do not merge (merge_views); an adapter's view() error as it is.
  static Result<std::unique_ptr<Orchestrator>> create(
      std::vector<std::unique_ptr<DomainAdapter>> domains, OrchestratorOptions options);
  ~Orchestrator();

  // InvalidArgument for a request without a usable parameters.id (letters, digits, -_., at most
  // 128) or one prepare/the embedding refuses as malformed; FailedPrecondition for an NF of
  // another deployed service; FailedPrecondition "mapping failed: ..." when it does not fit;
  // NotFound for a DELETE or REMAP of an unknown service; a domain's own error (with its name) when
  // deploying fails. Nothing changes on error. A DELETE removes the whole service its id names, or,
  // when no service has that id, the one holding its first NF (ESCAPE names what to delete by NF
  // ids).
  Status execute(const Nffg& request);

  Nffg view() const;
  std::optional<ServiceMapping> mapping(const std::string& service_id) const;
  std::vector<ServiceMapping> mappings() const;
  std::vector<std::string> domain_names() const;
  // Reads domain `name`'s view again and takes its infras' resources and supported types into
  // the global view (a node's description changed); waits for the running request. Structural
  // changes (new infras, SAPs or links) need a restart. How many refreshes happened so far.
  void refresh(const std::string& name);
  uint64_t refreshes() const;
  DomainAdapter* domain(const std::string& name) const;

 private:
  struct Service {
    Nffg request;                       // the service as deployed (every ADD merged in)
    std::map<std::string, Nffg> parts;  // by domain
    ServiceMapping mapping;
  };
  Orchestrator(std::vector<std::unique_ptr<DomainAdapter>> domains, OrchestratorOptions options,
               std::unique_ptr<orchestration::embedding::EmbeddingAlgorithm> algorithm);
  Status add_or_remap(const std::string& id, const Nffg& request);
  Status remove(const std::string& id, const Nffg& request);
  std::map<std::string, Service>::iterator find_service_locked(const std::string& id,
                                                               const Nffg& request);
  Status check_owners_locked(const std::string& sid, const Nffg& request) const;
  static constexpr size_t kMaxAliases = 10000;
  Status deploy_parts(const std::string& id, const std::map<std::string, Nffg>& parts,
                      const std::map<std::string, Nffg>& previous);
  ServiceMapping mapping_of(const std::string& id, const Nffg& mapped, const Nffg& request,
                            const std::map<std::string, Nffg>& parts) const;

  std::vector<std::unique_ptr<DomainAdapter>> domains_;
  OrchestratorOptions options_;
  std::unique_ptr<orchestration::embedding::EmbeddingAlgorithm> algorithm_;
  std::map<std::string, Nffg> domain_views_;  // as each domain reported it
  std::map<std::string, std::string> owner_;  // infra id -> domain
  std::mutex execute_mu_;                     // one request at a time
  mutable std::mutex mu_;                     // view_, services_
  Nffg view_;
  std::map<std::string, Service> services_;
  uint64_t refreshes_ = 0;
  std::map<std::string, std::string> aliases_;  // a later request's id -> the service it updated
};

}  // namespace chainlab::escape
