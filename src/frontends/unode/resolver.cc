// resolve(): the template for a VNF (templates.h).
#include <fmt/format.h>

#include <algorithm>

#include "frontends/unode/templates.h"

namespace chainlab::unode {
namespace {

// Why `t` cannot implement `vnf` here, or none.
std::optional<std::string> misfit(const NfTemplate& t, const Vnf& vnf, const NodeOffer& offer) {
  auto capacity = t.port_capacity();
  if (capacity && static_cast<int64_t>(vnf.ports.size()) > *capacity) {
    return fmt::format("{} ports, the VNF has {}", *capacity, vnf.ports.size());
  }
  if (offer.unsupported) {
    if (auto why = offer.unsupported(t)) {
      return why;
    }
  }
  if (offer.free_memory_mb && t.memory_mb > *offer.free_memory_mb) {
    return fmt::format("needs {} MB, {} MB free", t.memory_mb, *offer.free_memory_mb);
  }
  if (offer.free_cores && t.cores > *offer.free_cores) {
    return fmt::format("needs {} cores, {} free", t.cores, *offer.free_cores);
  }
  return std::nullopt;
}

}  // namespace

Result<const NfTemplate*> resolve(const TemplateRepository& repo, const Vnf& vnf,
                                  const NodeOffer& offer) {
  std::vector<const NfTemplate*> candidates;
  std::string wanted;
  if (!vnf.template_id.empty()) {
    wanted = fmt::format("template '{}'", vnf.template_id);
    if (const NfTemplate* t = repo.find(vnf.template_id)) {
      candidates.push_back(t);
    }
  } else {
    const std::string& capability = vnf.capability.empty() ? vnf.name : vnf.capability;
    wanted = fmt::format("capability '{}'", capability);
    candidates = repo.implementing(capability);
  }
  if (candidates.empty()) {
    return make_error(ErrorCode::kNotFound, "VNF '{}': no {} in the template repository", vnf.id,
                      wanted);
  }
  // Native before container before VM; then by id, for a stable choice.
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const NfTemplate* a, const NfTemplate* b) { return a->type < b->type; });
  std::vector<std::string> reasons;
  for (const NfTemplate* t : candidates) {
    auto why = misfit(*t, vnf, offer);
    if (!why) {
      return t;
    }
    reasons.push_back(fmt::format("{} ({}): {}", t->id, vnf_type_name(t->type), *why));
  }
  return make_error(ErrorCode::kFailedPrecondition, "VNF '{}': no {} fits here: {}", vnf.id, wanted,
                    fmt::join(reasons, "; "));
}

}  // namespace chainlab::unode
