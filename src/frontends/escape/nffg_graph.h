// ESCAPE's NFFG service request -> the orchestration core's ServiceGraph
// (orchestration/graph/service_graph.h), read the way to_request (nffg_embedding.h) reads it.
//
// - parameters.id / name -> the graph's id and name ("" when absent).
// - node_nfs -> functions: image = functional_type, resources from specification.resources
//   (cpu -> cores, mem -> memory_mb, storage -> storage_gb; ESCAPE's units are abstract numbers,
//   taken as they are, non-integer mem and storage rounded up), ports by id text (ip from the
//   first IPv4 CIDR in addresses.l3, mac from addresses.l2 when it parses), constraints:
//   affinity / anti_affinity = the NF ids the maps name, allowed_hosts / banned_hosts =
//   constraint.allowed_nodes / banned_nodes. Functions are unplaced (host "").
// - node_saps -> SAPs bound to the PoP their `binding` names ("" when there is none), ports as
//   for NFs.
// - edge_sg_nexthops -> one-way E-Lines (bidirectional = false) from (src_node, src_port) to
//   (dst_node, dst_port), the match parsed from the hop's flowclass (ovs-ofctl syntax,
//   "dl_type=0x0800,nw_dst=10.0.0.1"; none: match everything).
// - edge_reqs -> requirements over the sg_path hop ids, max delay = delay, min bandwidth =
//   bandwidth.
//
// Not carried: infras and edge_links (a request's substrate view), a hop's own delay and
// bandwidth (the graph has end-to-end requirements only), element operations and the request
// mode (the caller decides what a DELETE or REMAP does with the graph).
#pragma once

#include "common/result.h"
#include "frontends/escape/nffg.h"
#include "orchestration/graph/service_graph.h"

namespace chainlab::escape {

// InvalidArgument naming the element for a flowclass parse_match rejects, a negative or
// out-of-range mem or storage, and whatever ServiceGraph::validate() rejects (a hop naming an
// infra or an unknown port, an (anti-)affinity naming no NF, a requirement path naming no hop...).
Result<orchestration::graph::ServiceGraph> to_service_graph(const Nffg& req);

}  // namespace chainlab::escape
