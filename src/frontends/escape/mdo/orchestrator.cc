#include "frontends/escape/mdo/orchestrator.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "common/rollback.h"
#include "frontends/escape/mdo/split.h"
#include "frontends/escape/nffg_embedding.h"
#include "frontends/escape/nffg_embedding_internal.h"
#include "frontends/escape/nffg_merge.h"

namespace chainlab::escape {
namespace {

namespace emb = orchestration::embedding;

// A service id names stacks and graphs in other domains' APIs (URL paths): letters, digits,
// '-', '_' and '.', at most 128.
Result<std::string> service_id_of(const Nffg& request) {
  std::string id = request.parameters.id ? request.parameters.id->str() : "";
  bool clean = std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
  });
  if (id.empty() || id.size() > 128 || !clean) {
    return make_error(ErrorCode::kInvalidArgument,
                      "parameters.id: the service id is required: letters, digits, '-', '_' and "
                      "'.', at most 128");
  }
  return id;
}

// `items` with those of `more` added; an element of `more` replaces the one of its id.
template <typename T>
void merge_by_id(std::vector<T>& items, const std::vector<T>& more) {
  for (const T& m : more) {
    auto it = std::find_if(items.begin(), items.end(), [&](const T& i) { return i.id == m.id; });
    if (it != items.end()) {
      *it = m;
    } else {
      items.push_back(m);
    }
  }
}

// A later ADD of a deployed service: the service as it will be, every element of both.
Nffg merged_request(const Nffg& deployed, const Nffg& request) {
  Nffg out = deployed;
  out.parameters = request.parameters;
  merge_by_id(out.node_nfs, request.node_nfs);
  merge_by_id(out.node_saps, request.node_saps);
  merge_by_id(out.edge_links, request.edge_links);
  merge_by_id(out.edge_sg_nexthops, request.edge_sg_nexthops);
  merge_by_id(out.edge_reqs, request.edge_reqs);
  return out;
}

// Only the hops and requirements of `service`: what remove_service takes off to route them again.
Nffg hops_of(const Nffg& service) {
  Nffg out;
  out.edge_sg_nexthops = service.edge_sg_nexthops;
  out.edge_reqs = service.edge_reqs;
  return out;
}

Error domain_error(const std::string& domain, const Error& e) {
  return Error{e.code, fmt::format("domain {}: {}", domain, e.message)};
}

Error refused(const emb::Refusal& r) {
  return make_error(ErrorCode::kFailedPrecondition, "mapping failed: {} of {}: {}", r.constraint,
                    r.element, r.message);
}

}  // namespace

Result<std::unique_ptr<Orchestrator>> Orchestrator::create(
    std::vector<std::unique_ptr<DomainAdapter>> domains, OrchestratorOptions options) {
  std::set<std::string> names;
  for (const auto& d : domains) {
    if (d->name().empty() || !names.insert(d->name()).second) {
      return make_error(ErrorCode::kInvalidArgument, "domain name '{}' is empty or used twice",
                        d->name());
    }
  }
  CL_ASSIGN_OR_RETURN(auto algorithm, emb::EmbeddingRegistry::with_builtins().create(
                                          options.algorithm, options.embedding));
  std::unique_ptr<Orchestrator> o(
      new Orchestrator(std::move(domains), std::move(options), std::move(algorithm)));
  std::vector<DomainNffg> views;
  for (const auto& d : o->domains_) {
    auto view = d->view();
    if (!view.ok()) {
      return domain_error(d->name(), view.error());
    }
    for (const NodeInfra& infra : view->node_infras) {
      o->owner_[infra.id.str()] = d->name();
    }
    o->domain_views_[d->name()] = *view;
    views.push_back({d->name(), std::move(*view)});
  }
  CL_ASSIGN_OR_RETURN(o->view_, merge_views(views));
  for (const auto& d : o->domains_) {
    d->set_change_listener([o = o.get(), name = d->name()] { o->refresh(name); });
  }
  return o;
}

Orchestrator::Orchestrator(std::vector<std::unique_ptr<DomainAdapter>> domains,
                           OrchestratorOptions options,
                           std::unique_ptr<emb::EmbeddingAlgorithm> algorithm)
    : domains_(std::move(domains)),
      options_(std::move(options)),
      algorithm_(std::move(algorithm)) {}

Orchestrator::~Orchestrator() {
  for (const auto& d : domains_) {
    d->set_change_listener(nullptr);  // no refresh may run on a half-destroyed orchestrator
  }
}

void Orchestrator::refresh(const std::string& name) {
  std::lock_guard one_at_a_time(execute_mu_);
  DomainAdapter* d = domain(name);
  auto v = d == nullptr ? Result<Nffg>(make_error(ErrorCode::kNotFound, "no domain")) : d->view();
  if (!v.ok()) {
    return;
  }
  std::lock_guard lock(mu_);
  for (const NodeInfra& infra : v->node_infras) {
    if (NodeInfra* mine = view_.infra(infra.id)) {
      mine->resources = infra.resources;
      mine->supported = infra.supported;
    }
  }
  domain_views_[name] = std::move(*v);
  ++refreshes_;
}

uint64_t Orchestrator::refreshes() const {
  std::lock_guard lock(mu_);
  return refreshes_;
}

Status Orchestrator::execute(const Nffg& request) {
  std::lock_guard one_at_a_time(execute_mu_);
  CL_ASSIGN_OR_RETURN(std::string id, service_id_of(request));
  if (request.mode() == Mode::kDelete) {
    return remove(id, request);
  }
  return add_or_remap(id, request);
}

Status Orchestrator::add_or_remap(const std::string& id, const Nffg& request) {
  Nffg current;
  std::optional<Service> old;
  {
    std::lock_guard lock(mu_);
    current = view_;
    if (auto it = find_service_locked(id, request); it != services_.end()) {
      old = it->second;
    }
    CL_RETURN_IF_ERROR(check_owners_locked(old ? old->mapping.service_id : id, request));
  }
  if (request.mode() == Mode::kRemap && !old) {
    return make_error(ErrorCode::kNotFound, "service {} is not deployed: nothing to remap", id);
  }
  std::string sid = old ? old->mapping.service_id : id;
  if (old) {  // its hops are routed afresh, and may join other ends now
    CL_ASSIGN_OR_RETURN(current, remove_service(current, hops_of(old->request)));
  }
  Nffg whole = old ? merged_request(old->request, request) : request;
  CL_ASSIGN_OR_RETURN(Prepared p, prepare(current, whole));
  CL_ASSIGN_OR_RETURN(emb::Embedding e, algorithm_->embed(p.substrate, p.request));
  if (!e.accepted()) {
    return refused(e.refusal);
  }
  Nffg mapped = mapped_nffg(p.topo, whole, p.substrate, p.request, *e.mapping);
  auto parts = split_service(mapped, elements_of(sid, whole), owner_, domain_views_);
  CL_RETURN_IF_ERROR(deploy_parts(sid, parts, old ? old->parts : std::map<std::string, Nffg>{}));
  whole.parameters.mode = Mode::kAdd;
  ServiceMapping m = mapping_of(sid, mapped, whole, parts);
  std::lock_guard lock(mu_);
  view_ = std::move(mapped);
  services_[sid] = Service{std::move(whole), std::move(parts), std::move(m)};
  if (sid != id && aliases_.size() < kMaxAliases) {
    aliases_[id] = sid;
  }
  return ok_status();
}

Status Orchestrator::remove(const std::string& id, const Nffg& request) {
  std::optional<Service> old;
  Nffg current;
  {
    std::lock_guard lock(mu_);
    auto it = find_service_locked(id, request);
    if (it == services_.end()) {
      return make_error(ErrorCode::kNotFound, "service {} is not deployed", id);
    }
    old = it->second;
    current = view_;
  }
  std::string sid = old->mapping.service_id;
  Nffg whole = old->request;
  whole.parameters.mode = Mode::kDelete;
  CL_ASSIGN_OR_RETURN(Prepared p, prepare(current, whole));
  CL_RETURN_IF_ERROR(deploy_parts(sid, {}, old->parts));
  std::lock_guard lock(mu_);
  view_ = std::move(p.topo);
  services_.erase(sid);
  std::erase_if(aliases_, [&](const auto& entry) { return entry.second == sid; });
  return ok_status();
}

// By id (or a later request's id for it), else the service holding one of the request's NFs
// (ESCAPE names services by their elements).
std::map<std::string, Orchestrator::Service>::iterator Orchestrator::find_service_locked(
    const std::string& id, const Nffg& request) {
  auto it = services_.find(id);
  if (it != services_.end()) {
    return it;
  }
  if (auto alias = aliases_.find(id); alias != aliases_.end()) {
    return services_.find(alias->second);
  }
  return std::find_if(services_.begin(), services_.end(), [&](const auto& entry) {
    return std::any_of(request.node_nfs.begin(), request.node_nfs.end(),
                       [&](const NodeNf& nf) { return entry.second.request.nf(nf.id) != nullptr; });
  });
}

// An NF is one service's: a request naming another deployed service's NF is refused.
Status Orchestrator::check_owners_locked(const std::string& sid, const Nffg& request) const {
  for (const auto& [other, service] : services_) {
    for (const NodeNf& nf : request.node_nfs) {
      if (other != sid && service.request.nf(nf.id) != nullptr) {
        return make_error(ErrorCode::kFailedPrecondition,
                          "NF {} belongs to service {}: give this service's NFs other ids",
                          nf.id.str(), other);
      }
    }
  }
  return ok_status();
}

// Each domain of `parts` gets its part, then each domain of `previous` without one loses the
// service; on a failure the domains already done get their previous state back.
Status Orchestrator::deploy_parts(const std::string& id, const std::map<std::string, Nffg>& parts,
                                  const std::map<std::string, Nffg>& previous) {
  Rollback guard;
  auto undo = [&](DomainAdapter* a, const std::string& domain) {
    auto prev = previous.find(domain);
    if (prev == previous.end()) {
      guard.add("remove service " + id + " from domain " + domain,
                [a, id] { return a->remove(id); });
    } else {
      guard.add("redeploy service " + id + " in domain " + domain,
                [a, id, part = prev->second] { return a->deploy(id, part); });
    }
  };
  for (const auto& [name, part] : parts) {
    DomainAdapter* a = domain(name);
    if (Status s = a->deploy(id, part); !s.ok()) {
      return domain_error(name, s.error());
    }
    undo(a, name);
  }
  for (const auto& [name, part] : previous) {
    if (parts.count(name) == 0) {
      DomainAdapter* a = domain(name);
      if (Status s = a->remove(id); !s.ok()) {
        return domain_error(name, s.error());
      }
      undo(a, name);
    }
  }
  guard.commit();
  return ok_status();
}

ServiceMapping Orchestrator::mapping_of(const std::string& id, const Nffg& mapped,
                                        const Nffg& request,
                                        const std::map<std::string, Nffg>& parts) const {
  ServiceMapping m{id, {}, {}, {}, {}};
  for (const auto& [infra, nf] : detail::placements(mapped)) {
    if (const NodeNf* node = request.nf(nf)) {
      m.nf_infra[nf.str()] = infra.str();
      for (const Port& p : node->ports) {
        m.nf_ports[nf.str()].push_back(p.id);
      }
      auto owner = owner_.find(infra.str());
      m.nf_domain[nf.str()] = owner == owner_.end() ? "" : owner->second;
    }
  }
  for (const auto& entry : parts) {
    m.domains.push_back(entry.first);
  }
  return m;
}

Nffg Orchestrator::view() const {
  std::lock_guard lock(mu_);
  return view_;
}

std::optional<ServiceMapping> Orchestrator::mapping(const std::string& service_id) const {
  std::lock_guard lock(mu_);
  auto it = services_.find(service_id);
  if (auto alias = aliases_.find(service_id); it == services_.end() && alias != aliases_.end()) {
    it = services_.find(alias->second);
  }
  return it == services_.end() ? std::nullopt : std::optional(it->second.mapping);
}

std::vector<ServiceMapping> Orchestrator::mappings() const {
  std::lock_guard lock(mu_);
  std::vector<ServiceMapping> out;
  for (const auto& entry : services_) {
    out.push_back(entry.second.mapping);
  }
  return out;
}

std::vector<std::string> Orchestrator::domain_names() const {
  std::vector<std::string> out;
  for (const auto& d : domains_) {
    out.push_back(d->name());
  }
  return out;
}

DomainAdapter* Orchestrator::domain(const std::string& name) const {
  for (const auto& d : domains_) {
    if (d->name() == name) {
      return d.get();
    }
  }
  return nullptr;
}

}  // namespace chainlab::escape
