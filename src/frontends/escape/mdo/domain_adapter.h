// DomainAdapter: how the multi-domain orchestrator (orchestrator.h) sees one infrastructure
// domain, whatever API the domain speaks (docs/mdo.md). One small interface, one registry entry
// per kind:
//   view()    the domain's resource view as an NFFG: its infras (BiSBiS or EE, with resources
//             and ports), its SAPs and the links between them. SAPs that another domain also
//             exposes (same id) are where the two domains meet (merge_views).
//   deploy()  realises the domain's part of a service (split.h: the domain's infras that the
//             service uses, with the service's NFs attached and its flow rules on their ports,
//             the SAPs at those infras and the service's hops among them), replacing the
//             service's earlier part in this domain if there is one. On error the domain is as
//             it was before the call.
//   remove()  takes the service's part away; OK when the domain has none.
//   set_change_listener()  how a domain that reports changes (a node's description bus) tells
//             the orchestrator, which then reads its view again.
// Adapters are called from one thread at a time (the orchestrator's job), but view() may be
// called meanwhile by readers.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "common/registry.h"
#include "common/result.h"
#include "frontends/escape/nffg.h"

namespace chainlab::escape {

class DomainAdapter {
 public:
  virtual ~DomainAdapter() = default;
  virtual std::string name() const = 0;
  virtual std::string kind() const = 0;
  virtual Result<Nffg> view() = 0;
  virtual Status deploy(const std::string& service_id, const Nffg& part) = 0;
  virtual Status remove(const std::string& service_id) = 0;
  // `changed` is called (on any thread) when the domain's view changed; null stops the calls,
  // and once this returns no call is running. Domains whose view never changes ignore it.
  virtual void set_change_listener(std::function<void()> changed) { (void)changed; }
};

// One domain of the orchestrator's config (mdo_config.h): a name, a kind and the kind's own
// settings (checked by the kind's factory, which names the field it refuses).
struct AdapterSpec {
  std::string name;
  std::string kind;
  nlohmann::json settings = nlohmann::json::object();  // the config entry's other keys
  std::string base_dir;  // relative file names in `settings` are read from here
};

using AdapterRegistry = Registry<DomainAdapter, const AdapterSpec&>;

// "static": an NFFG file (settings.file; tests and ESCAPE's cases): its view is the file,
// deploying records the part.
Status register_static_adapter(AdapterRegistry& registry);

}  // namespace chainlab::escape
