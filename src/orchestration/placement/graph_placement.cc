#include "orchestration/placement/graph_placement.h"

#include <algorithm>

namespace chainlab::orchestration {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

Status refuse(const graph::Function& f, std::string_view why) {
  return make_error(ErrorCode::kInvalidArgument, "function '{}' placed in PoP '{}': {}", f.id,
                    f.host, why);
}

Status check_function(const graph::ServiceGraph& g, const graph::Function& f) {
  const graph::Constraints& c = f.constraints;
  if (!c.allowed_hosts.empty() && !contains(c.allowed_hosts, f.host)) {
    return refuse(f, "not one of its allowed hosts");
  }
  if (contains(c.banned_hosts, f.host)) {
    return refuse(f, "a banned host");
  }
  for (const auto& other : c.affinity) {
    const graph::Function* o = g.function(other);
    if (o != nullptr && o->host != f.host) {
      return refuse(f, fmt::format("affinity with '{}', which is in '{}'", other, o->host));
    }
  }
  for (const auto& other : c.anti_affinity) {
    const graph::Function* o = g.function(other);
    if (o != nullptr && o->host == f.host) {
      return refuse(f, fmt::format("anti-affinity with '{}', which is there too", other));
    }
  }
  return ok_status();
}

}  // namespace

Status check_constraints(const graph::ServiceGraph& g) {
  for (const auto& f : g.functions) {
    if (f.host.empty()) {
      return make_error(ErrorCode::kInvalidArgument, "function '{}' is not placed", f.id);
    }
    CL_RETURN_IF_ERROR(check_function(g, f));
  }
  return ok_status();
}

Result<graph::ServiceGraph> place_graph(PlacementStrategy& strategy, graph::ServiceGraph g,
                                        const std::vector<PopCapacity>& pops) {
  std::vector<PlacementUnit> units;
  for (const auto& f : g.functions) {
    if (f.host.empty()) {
      units.push_back({f.id, f.name, f.resources.cpu, static_cast<double>(f.resources.memory_mb)});
    }
  }
  if (!units.empty()) {
    CL_ASSIGN_OR_RETURN(Placement placed, strategy.place(units, pops));
    for (auto& f : g.functions) {
      if (auto it = placed.find(f.id); f.host.empty() && it != placed.end()) {
        f.host = it->second;
      }
    }
  }
  CL_RETURN_IF_ERROR(check_constraints(g));
  return g;
}

}  // namespace chainlab::orchestration
