// Recursive functional decomposition (COMPOSER §5.6, Figure 2): a VNF whose template is
// `expandable` is itself a service graph. Its template's `uri` names an NF-FG file (relative to
// the template directory) whose `interface` end-points with an `if-name` that is a port id of the
// function ("inout:0") stand for the function's ports. decompose() replaces every such VNF by its
// sub-graph, recursively (the sub-graph's own expandable functions first), until no expandable
// function is left.
//
// A port of a function is a wire between the outer graph and the sub-graph: a rule that takes
// traffic from a port of an expanded function (outer graph) or from one of its port end-points
// (sub-graph) may match only its input port and may only output, and there is at most one such
// rule per port. Each output to such a port is replaced by where the wire leads, so the deployed
// graph has the same rules as the one a user would have written by hand: the sub-graph's VNFs as
// "<function id>.<VNF id>", its rules as "<function id>.<rule id>", no extra hop.
#pragma once

#include <string>

#include "common/result.h"
#include "frontends/unode/nffg.h"
#include "frontends/unode/templates.h"

namespace chainlab::unode {

struct DecomposeContext {
  const TemplateRepository& templates;
  NodeOffer offer;           // what the resolver may pick (templates.h)
  std::string template_dir;  // where relative sub-graph files are
  NffgLimits limits;         // the decomposed graph must fit them too
  int max_depth = 4;         // functions within functions
};

// The graph without expandable functions (the graph itself when it has none). InvalidArgument for
// a sub-graph that cannot be composed (naming the function and why), FailedPrecondition for a
// sub-graph file that is missing or does not parse.
Result<Nffg> decompose(const Nffg& graph, const DecomposeContext& context);

}  // namespace chainlab::unode
