// "alg1": a re-implementation of hsnlab/mapping's Algorithm 1 (Németh, Sonkoly, Rost, Schmid,
// "Efficient Service Graph Embedding: A Practical Approach", IEEE NFV-SDN 2016), the reference
// the other embedding algorithms are benchmarked against (bench/embedding).
//
// What it reproduces (hsnlab/mapping, alg1/):
// - Pre-processing (GraphPreprocessor.processRequest): every SAP-to-SAP requirement of two hops
//   or more is an end-to-end chain with a latency subgraph (_findSubgraphForChain: nodes
//   explored from the first SAP in order of delay while delay-so-far + delay-to-the-last-SAP fits
//   the bound); hops are coloured by the chains holding them and cut into sub-chains of one
//   colour (_divideIntoDisjointSubchains/_findOneSubchain, strictest chain first), each mapped
//   inside the intersection of its chains' subgraphs; the remaining hops become best-effort
//   sub-chains (_extractBestEffortSubchains) mapped last on the whole substrate. Sub-chains
//   starting at a SAP go first, by their strictest latency, then the others.
// - Per-hop delay budget (MappingManager): a hop may use at most the least of its own bound and
//   what is left of each requirement holding it (getLocalAllowedLatency, 1e-3 ms when nothing
//   is left); best-effort hops share a 100,000 ms budget. A host is also refused when its
//   delay distance from the previous host exceeds that budget (isVNFMappingDistanceGood) or the
//   chains' last SAPs can no longer be reached in time (areChainEndsReachableInLatency).
// - Greedy step (CoreAlgorithm._mapOneVNF): hops are taken in sub-chain order; an unplaced NF
//   at a hop's end is placed by trying every infra reachable in the sub-chain's subgraph over
//   the shortest path by weight 1/free bandwidth (links and nodes: shortestPathsBasedOnEdgeWeight),
//   that supports its type; hosts are grouped in delay layers around the delay-shortest path to
//   the chain's end (MappingManager.calcDelayPrefValues; hosts beyond every layer are dropped)
//   and scored, lower is better:
//     bw_factor·10·pref_bw(avg utilisation of the path's links and nodes)
//     + res_factor·10·Σ(⅓·pref_res(cpu, mem, storage utilisation)) / max
//     + 10·latency preference (layer, rank in the layer, used/allowed delay)
//   with pref_res(x) = 0 below 0.2 else 1.25x − 0.25 and pref_bw(x) = 0 below 0.2 else
//   1 − 1.5625(x − 1)² (_objectiveFunction, _pref_noderes, _pref_bw); factors default to 1.
//   A hop whose end is already placed (or a SAP) takes the weight-shortest path and is checked
//   for bandwidth and delay (_mapOneRequestLink).
// - Backtracking (BacktrackHandler): each NF placement keeps its `branching` best candidates;
//   the best is taken, the others are remembered for the last `backtrack_depth` placements
//   (bt_limit). A failed step undoes placements, newest first, and resumes from the next
//   remembered candidate; the request is refused when none is left.
//
// Adaptations (problem.h differs from alg1's NFFG model; alg1's decisions are kept, but what
// it returns always satisfies problem.h, checked independently before accepting):
// - Utilisation is measured against what the substrate offers for this request (problem.h has
//   no separate total capacity): cpu/mem/storage/bandwidth utilisation after the step is
//   (offered − (free now − demand)) / offered.
// - Delays follow problem.h: SAPs' crossing delays count too (alg1 treats SAPs as 0 ms).
// - A hop's bandwidth is problem.h's (the largest of its own and its requirements'); alg1 adds
//   chain bandwidths to the hop's. SAP switching bandwidth is checked too.
// - Requirements that are not SAP-to-SAP chains (alg1 leaves their latency unchecked) and
//   one-hop requirements (alg1 turns them into hop bounds) are budgeted per hop like chains.
// - Constraints alg1 does not know or delegates are filters on the candidates: NF allowed/
//   banned nodes (alg1's placement criteria, disabled there), affinity, anti-affinity (alg1
//   drops the host; it never delegates it to a BiS-BiS here), hop allowed/banned nodes (the
//   path search stays inside them) and hop anti-affinity (the path search avoids their links).
// - Candidate bookkeeping keeps the `branching` best candidates in order; alg1's deque
//   bookkeeping can evict the best one when a worse candidate arrives at a full deque.
// - Sub-chain order respects dependencies (a sub-chain starts where an earlier one placed its
//   first element); alg1 sorts with a non-transitive comparison.
// - Ties are broken by a permutation of the substrate nodes drawn from the seed (alg1 iterates
//   Python dict order). The latency preference guards a zero layer count (alg1 would divide by
//   zero); a best-effort sub-chain ending at an NF measures its layers around the start node.
// - Refused where alg1 raises: a hop not reachable along hops from a SAP, an NF without hops.
// Refusals name the constraint that stopped the furthest step: "type" (no infra runs it),
// "capacity", "bandwidth", "delay", "allowed", "banned", "affinity", "anti-affinity", "path".
//
// Parameters: EmbeddingOptions.backtrack_depth (bt_limit), .branching (bt_branching_factor),
// .seed (ties). See also: greedy.h, milp.h, problem.h.
#pragma once

#include <memory>

#include "orchestration/placement/embedding/algorithm.h"

namespace chainlab::orchestration::embedding {

// alg1's objective weights (MappingAlgorithms.MAP: bw_factor, res_factor, lat_factor).
struct Alg1Factors {
  double bandwidth = 1;
  double resources = 1;
  double latency = 1;  // alg1 ignores it (adds 10·preference); 1 reproduces that
};

std::unique_ptr<EmbeddingAlgorithm> make_alg1(const EmbeddingOptions& options);
std::unique_ptr<EmbeddingAlgorithm> make_alg1(const EmbeddingOptions& options,
                                              const Alg1Factors& factors);

}  // namespace chainlab::orchestration::embedding
