// "milp": the exact baseline of the service-graph embedding (problem.h). The whole problem as
// one mixed-integer linear program solved by GLPK's branch-and-cut (glp_intopt, presolver on),
// so that bench/embedding can tell how far the heuristics are from the optimum. For small
// instances: the program grows with NFs x nodes and hops x links.
//
// Formulation (binary variables only):
//   y[f][v]  NF f is on node v; created only where f may go (type, allowed/banned, its demand
//            fits the node alone). A SAP is fixed on its binding: a constant, not a variable.
//   x[h][e]  hop h uses directed link e; created only for links with enough bandwidth for h whose
//            ends the hop may visit (its allowed/banned nodes).
//   every NF on exactly one node; per hop and node, out(x) - in(x) = y[src][v] - y[dst][v];
//   node capacity (cpu, mem, storage); link bandwidth; node switching bandwidth (a hop crosses
//   the nodes its links enter and its source's node); hop delay = sum x (link delay + delay of
//   the node entered) + delay of the source's node, bounded per hop and per requirement;
//   affinity y[f][v] = y[g][v]; anti-affinity y[f][v] + y[g][v] <= 1; hop anti-affinity
//   x[h][e] + x[g][e] <= 1; minimise the cost of problem.h.
// A hop's path is read back as the fewest-links path through the links it uses (leftover
// cycles, which only a zero-bandwidth hop could keep at the optimum, are dropped: every
// constraint stays satisfied by a subset of the links).
//
// Results: accepted with an optimal mapping (or the best one found when the time limit struck);
// refused with constraint "infeasible" (proved), or "timeout" (no mapping found within
// EmbeddingOptions::time_limit_s; <= 0 or infinite means no limit); element = the request id.
// Stats::steps = branch-and-bound nodes; the cost is mapping_cost() of the mapping.
// An error for a request validate_request() refuses, or a GLPK internal error (kInternal; GLPK is
// kept from aborting the process).
//
// Threads: GLPK keeps its environment (memory, terminal and error hooks) in global or thread-local
// state. embed() installs its own hooks for the duration of a solve and removes them after, and
// after a GLPK internal error it frees the whole environment of the calling thread. Run at most
// one GLPK user per thread at a time, and serialise embed() calls across threads.
//
// See also: algorithm.h (the registry), problem.h (the semantics), tests/unit/.../milp_test.cc.
#pragma once

#include <memory>

#include "orchestration/placement/embedding/algorithm.h"

namespace chainlab::orchestration::embedding {

std::unique_ptr<EmbeddingAlgorithm> make_milp(const EmbeddingOptions& options);

}  // namespace chainlab::orchestration::embedding
