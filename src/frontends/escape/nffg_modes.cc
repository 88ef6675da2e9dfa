// ESCAPE's request modes on a mapped NFFG (nffg_embedding.h: prepare).
#include <map>
#include <set>

#include "frontends/escape/nffg_embedding.h"
#include "frontends/escape/nffg_embedding_internal.h"

namespace chainlab::escape {
namespace {

// The infra each NF of `topo` is attached to, by NF id.
std::map<std::string, std::string> nf_hosts(const Nffg& topo) {
  std::map<std::string, std::string> hosts;
  for (const auto& [infra, nf] : detail::placements(topo)) {
    hosts[nf.str()] = infra.str();
  }
  return hosts;
}

// `req` with only the NFs `topo` holds: what remove_service takes off for an ADD.
Nffg existing_part(const Nffg& topo, const Nffg& req) {
  Nffg part = req;
  std::erase_if(part.node_nfs, [&](const NodeNf& nf) { return topo.nf(nf.id) == nullptr; });
  return part;
}

// A hop id of the request that the topology already uses for another service's hop: taking the
// request's hops off would take that service's routing with them (ESCAPE's hop ids are small
// integers, so collisions happen). Another service's: a recorded hop with other ends, or, for a
// request none of whose NFs the topology holds (`fresh`), flow rules of that hop id at all.
Status check_hop_ids(const Nffg& topo, const Nffg& req, bool fresh) {
  std::map<std::string, const SgHop*> recorded;
  for (const SgHop& h : topo.edge_sg_nexthops) {
    recorded[h.id.str()] = &h;
  }
  std::set<std::string> ruled;
  for (const NodeInfra& infra : topo.node_infras) {
    for (const Port& p : infra.ports) {
      for (const Flowrule& f : p.flowrules) {
        ruled.insert(f.hop().str());
      }
    }
  }
  for (const SgHop& h : req.edge_sg_nexthops) {
    auto it = recorded.find(h.id.str());
    bool other = it != recorded.end()
                     ? it->second->src_node != h.src_node || it->second->dst_node != h.dst_node
                     : fresh && ruled.contains(h.id.str());
    if (other) {
      return make_error(ErrorCode::kInvalidArgument,
                        "hop {}: the substrate already maps a hop {} of another service; give "
                        "this service's hops other ids",
                        h.id.str(), h.id.str());
    }
  }
  return ok_status();
}

// A request SAP binds to the substrate SAP of its own id when there is one; ESCAPE's `binding`
// (often an interface name such as "eth0") only names a substrate SAP otherwise.
void bind_saps(const embedding::Substrate& s, embedding::Request& r) {
  for (auto& sap : r.saps) {
    if (auto n = s.node_index(sap.id); n && s.nodes[*n].kind == embedding::NodeKind::kSap) {
      sap.binding = sap.id;
    }
  }
}

}  // namespace

Result<Prepared> prepare(const Nffg& topo, const Nffg& req) {
  Prepared out;
  Mode mode = req.parameters.mode.value_or(Mode::kAdd);
  std::map<std::string, std::string> pinned;
  Nffg existing = existing_part(topo, req);
  CL_RETURN_IF_ERROR(check_hop_ids(topo, req, existing.node_nfs.empty()));
  if (mode == Mode::kAdd) {
    pinned = nf_hosts(topo);
    CL_ASSIGN_OR_RETURN(out.topo, remove_service(topo, existing));
  } else {
    CL_ASSIGN_OR_RETURN(out.topo, remove_service(topo, req));
  }
  out.embed = mode != Mode::kDelete;
  CL_ASSIGN_OR_RETURN(out.substrate, to_substrate(out.topo));
  if (!out.embed) {
    return out;
  }
  CL_ASSIGN_OR_RETURN(out.request, to_request(req));
  bind_saps(out.substrate, out.request);
  for (auto& nf : out.request.nfs) {
    if (auto it = pinned.find(nf.id); it != pinned.end()) {
      nf.allowed_nodes = {it->second};
    }
  }
  return out;
}

}  // namespace chainlab::escape
