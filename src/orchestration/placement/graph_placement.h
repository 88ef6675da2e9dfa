// Placement of a ServiceGraph with a PlacementStrategy (placement.h): the functions that have no
// host yet become placement units (id, name, cpu cores as compute units, memory MB), in graph
// order; functions placed already keep their host. The result is the graph with every function's
// host set. The strategies do not search under constraints (embedding algorithms will, issue 14);
// the placed graph is checked against each function's constraints instead, and a violation is an
// InvalidArgument naming the function, the PoP and the constraint: a host outside allowed_hosts,
// a banned host, an affinity partner on another PoP, an anti-affinity partner on the same PoP.
// Pure: unit-tested without an emulation (tests/unit/orchestration/placement/).
#pragma once

#include <vector>

#include "common/result.h"
#include "orchestration/graph/service_graph.h"
#include "orchestration/placement/placement.h"

namespace chainlab::orchestration {

Result<graph::ServiceGraph> place_graph(PlacementStrategy& strategy, graph::ServiceGraph g,
                                        const std::vector<PopCapacity>& pops);

// The constraint check alone (every function must have a host).
Status check_constraints(const graph::ServiceGraph& g);

}  // namespace chainlab::orchestration
