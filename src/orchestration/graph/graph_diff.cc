#include "orchestration/graph/graph_diff.h"

#include <algorithm>
#include <set>

namespace chainlab::orchestration::graph {
namespace {

template <typename T>
const T* find_by_id(const std::vector<T>& items, const std::string& id) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& t) { return t.id == id; });
  return it == items.end() ? nullptr : &*it;
}

// Diffs one element kind. `touches_replaced` forces a replacement of an unchanged element (a
// link whose node is replaced).
template <typename T, typename Forced>
void diff_kind(const std::vector<T>& old_items, const std::vector<T>& new_items,
               std::vector<T>& add, std::vector<std::string>& remove,
               std::vector<std::string>& replaced, Forced touches_replaced) {
  for (const T& o : old_items) {
    const T* n = find_by_id(new_items, o.id);
    if (n == nullptr) {
      remove.push_back(o.id);
    } else if (!(*n == o) || touches_replaced(o) || touches_replaced(*n)) {
      remove.push_back(o.id);
      replaced.push_back(o.id);
    }
  }
  for (const T& n : new_items) {
    const T* o = find_by_id(old_items, n.id);
    if (o == nullptr || !(*o == n) || touches_replaced(*o) || touches_replaced(n)) {
      add.push_back(n);
    }
  }
}

}  // namespace

bool GraphDiff::empty() const {
  return add_functions.empty() && remove_functions.empty() && add_saps.empty() &&
         remove_saps.empty() && add_elines.empty() && remove_elines.empty() && add_elans.empty() &&
         remove_elans.empty() && add_requirements.empty() && remove_requirements.empty();
}

GraphDiff diff(const ServiceGraph& old_graph, const ServiceGraph& new_graph) {
  GraphDiff d;
  auto never = [](const auto&) { return false; };
  diff_kind(old_graph.functions, new_graph.functions, d.add_functions, d.remove_functions,
            d.replaced, never);
  diff_kind(old_graph.saps, new_graph.saps, d.add_saps, d.remove_saps, d.replaced, never);
  // Nodes that go away or are replaced: their links go with them (a node only removed leaves
  // links that are removed anyway, or a new graph that fails validation).
  std::set<std::string> gone(d.replaced.begin(), d.replaced.end());
  auto eline_touches = [&](const Eline& l) {
    return gone.count(l.src.node) > 0 || gone.count(l.dst.node) > 0;
  };
  auto elan_touches = [&](const Elan& l) {
    return std::any_of(l.members.begin(), l.members.end(),
                       [&](const PortRef& m) { return gone.count(m.node) > 0; });
  };
  diff_kind(old_graph.elines, new_graph.elines, d.add_elines, d.remove_elines, d.replaced,
            eline_touches);
  diff_kind(old_graph.elans, new_graph.elans, d.add_elans, d.remove_elans, d.replaced,
            elan_touches);
  diff_kind(old_graph.requirements, new_graph.requirements, d.add_requirements,
            d.remove_requirements, d.replaced, never);
  return d;
}

}  // namespace chainlab::orchestration::graph
