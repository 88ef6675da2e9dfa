// ESCAPE's NFFG to and from the embedding problem (orchestration/placement/embedding/problem.h,
// whose header comment defines delays, bandwidths and SAP bindings).
//
// - to_substrate: a resource view (or a mapped NFFG) -> what is free for a new request. Infras
//   and SAPs become nodes; an infra's capacity is its resources minus the NFs already attached to
//   it by edge_links, its switching bandwidth minus the flow rules on its ports. Every edge_link
//   between infras and SAPs is one directed link; an unlisted reverse direction is added as
//   "<id>-back" with the same attributes (as hsnlab's duplicate_static_links does). A link's
//   bandwidth is reduced by the flow rules that send onto it (their output port), and a link
//   from a SAP by the rules that take traffic from it (their in_port).
// - to_request: a service graph -> NFs, SAPs, hops and requirements. Constraints come from the
//   NF's and hop's `constraints`: affinity/antiaffinity maps and constraint.allowed_nodes /
//   banned_nodes (ESCAPE's Python literals).
// - mapped_nffg: the result ESCAPE writes (fixtures/nffg-escape/escape-mn-mapped-topo.nffg):
//   the topology with the NFs, a dynamic link pair per NF port to a new infra port
//   "<infra>|<nf>|<port>", flow rules on the infra ports for every hop, and the request's hops
//   and requirements.
// - remove_service: the inverse, for DELETE and the first half of REMAP.
// - prepare: the three modes on a mapped NFFG (nffg_modes.cc).
#pragma once

#include "common/result.h"
#include "frontends/escape/nffg.h"
#include "orchestration/placement/embedding/problem.h"

namespace chainlab::escape {

namespace embedding = orchestration::embedding;

// InvalidArgument when a link cost is not > 0.
Result<embedding::Substrate> to_substrate(const Nffg& topo);
// InvalidArgument when a hop does not join NFs and SAPs, a requirement names an unknown hop or an
// (anti-)affinity names an unknown element.
Result<embedding::Request> to_request(const Nffg& req);

// `substrate` must be to_substrate(topo), `request` to_request(req) and `mapping` a complete
// mapping of them. Flow rules follow ESCAPE's conventions: on the in-port of every infra a hop
// crosses, match "in_port=<port>[;flowclass=<fc>];TAG=<src>|<dst>|<hop>" and action
// "output=<port>"; the infra hosting the hop's source NF matches untagged and adds ";TAG=..." to
// its action, the one hosting the destination NF ends its action with ";UNTAG" (both on one
// infra: neither). Traffic to and from SAPs stays tagged. The result's mode is ADD.
Nffg mapped_nffg(const Nffg& topo, const Nffg& req, const embedding::Substrate& substrate,
                 const embedding::Request& request, const embedding::Mapping& mapping);

// `mapped` without the request's NFs, their links and infra ports, the flow rules of its hops
// (by hop id) and its hops and requirements. NotFound when an NF of `req` is not in `mapped`.
Result<Nffg> remove_service(const Nffg& mapped, const Nffg& req);

// What to embed for `req` on `topo` by the request's mode (parameters.mode):
// - ADD: NFs of `req` that `topo` already holds are reservations: they stay on their infras
//   (taken off `topo` with the flow rules of the request's hops, then pinned there by
//   allowed_nodes), so an incremental request maps only what is new and re-routes its hops;
// - REMAP: every NF of `req` is taken off `topo` first (NotFound if one is not there), then
//   mapped afresh;
// - DELETE: every NF of `req` is taken off `topo`; `embed` is false.
// InvalidArgument when a hop id of `req` is another service's hop in `topo` (other ends, or
// rules without a recorded hop): taking it off would take that service's routing along.
// A request SAP binds to the substrate SAP of its own id, else to the one its `binding` names.
struct Prepared {
  Nffg topo;  // what to map onto (and write the mapped NFFG from)
  embedding::Substrate substrate;
  embedding::Request request;
  bool embed = true;
};
Result<Prepared> prepare(const Nffg& topo, const Nffg& req);

}  // namespace chainlab::escape
