// diff(old, new): what to remove from and add to a deployed ServiceGraph so that it becomes
// another one — a graph update by diff, as NF-FG PUT and NFFG edit-config need.
//
// Elements are matched by id. An element whose id is in both graphs but whose spec differs is
// replaced: it appears in the remove list and, with its new spec, in the add list (the emulator
// cannot change an instance's image, ports or PoP in place). A replaced function or SAP takes
// its links with it: every E-Line and E-LAN touching it is replaced too, since restarting the
// instance tears its chains and E-LAN memberships down. A renamed id is a remove plus an add.
// Identical graphs give an empty diff. Apply order: remove requirements, links, nodes; then add
// nodes, links, requirements (Domain::update).
#pragma once

#include <string>
#include <vector>

#include "orchestration/graph/service_graph.h"

namespace chainlab::orchestration::graph {

struct GraphDiff {
  std::vector<Function> add_functions;
  std::vector<std::string> remove_functions;
  std::vector<Sap> add_saps;
  std::vector<std::string> remove_saps;
  std::vector<Eline> add_elines;
  std::vector<std::string> remove_elines;
  std::vector<Elan> add_elans;
  std::vector<std::string> remove_elans;
  std::vector<Requirement> add_requirements;
  std::vector<std::string> remove_requirements;
  // Ids present in both graphs whose element is replaced (in both the remove and add lists).
  std::vector<std::string> replaced;

  bool empty() const;
};

// Lists keep the order of the graphs' vectors (removals in old order, additions in new order).
GraphDiff diff(const ServiceGraph& old_graph, const ServiceGraph& new_graph);

}  // namespace chainlab::orchestration::graph
