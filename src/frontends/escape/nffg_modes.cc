// ESCAPE's request modes on a mapped NFFG (nffg_embedding.h: prepare).
#include <map>

#include "frontends/escape/nffg_embedding.h"

namespace chainlab::escape {
namespace {

// The infra each NF of `topo` is attached to (its dynamic links), by NF id.
std::map<std::string, std::string> nf_hosts(const Nffg& topo) {
  std::map<std::string, std::string> hosts;
  for (const EdgeLink& l : topo.edge_links) {
    if (topo.nf(l.src_node) != nullptr && topo.infra(l.dst_node) != nullptr) {
      hosts[l.src_node.str()] = l.dst_node.str();
    } else if (topo.nf(l.dst_node) != nullptr && topo.infra(l.src_node) != nullptr) {
      hosts[l.dst_node.str()] = l.src_node.str();
    }
  }
  return hosts;
}

// `req` with only the NFs `topo` holds: what remove_service takes off for an ADD.
Nffg existing_part(const Nffg& topo, const Nffg& req) {
  Nffg part = req;
  std::erase_if(part.node_nfs, [&](const NodeNf& nf) { return topo.nf(nf.id) == nullptr; });
  return part;
}

}  // namespace

Result<Prepared> prepare(const Nffg& topo, const Nffg& req) {
  Prepared out;
  Mode mode = req.parameters.mode.value_or(Mode::kAdd);
  std::map<std::string, std::string> pinned;
  if (mode == Mode::kAdd) {
    pinned = nf_hosts(topo);
    CL_ASSIGN_OR_RETURN(out.topo, remove_service(topo, existing_part(topo, req)));
  } else {
    CL_ASSIGN_OR_RETURN(out.topo, remove_service(topo, req));
  }
  out.embed = mode != Mode::kDelete;
  CL_ASSIGN_OR_RETURN(out.substrate, to_substrate(out.topo));
  if (!out.embed) {
    return out;
  }
  CL_ASSIGN_OR_RETURN(out.request, to_request(req));
  for (auto& nf : out.request.nfs) {
    if (auto it = pinned.find(nf.id); it != pinned.end()) {
      nf.allowed_nodes = {it->second};
    }
  }
  return out;
}

}  // namespace chainlab::escape
