#include "orchestration/graph/service_graph.h"

#include <algorithm>
#include <set>

#include "emulator/match_parse.h"

namespace chainlab::orchestration::graph {
namespace {

Error invalid(std::string message) {
  return Error{ErrorCode::kInvalidArgument, std::move(message)};
}

template <typename T>
const T* find_by_id(const std::vector<T>& items, std::string_view id) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& t) { return t.id == id; });
  return it == items.end() ? nullptr : &*it;
}

// Adds `id` to `seen`; an error naming `what` when it is empty or already there.
Status claim(std::set<std::string>& seen, const std::string& id, std::string_view what) {
  if (id.empty()) {
    return invalid(fmt::format("{} with an empty id", what));
  }
  if (!seen.insert(id).second) {
    return invalid(fmt::format("{} '{}': id used twice", what, id));
  }
  return ok_status();
}

Status check_ports(const std::vector<Port>& ports, std::string_view owner) {
  std::set<std::string> seen;
  for (const Port& p : ports) {
    CL_RETURN_IF_ERROR(claim(seen, p.id, fmt::format("{}: port", owner)));
  }
  return ok_status();
}

Status check_nodes(const ServiceGraph& g) {
  std::set<std::string> ids;
  for (const Function& f : g.functions) {
    CL_RETURN_IF_ERROR(claim(ids, f.id, "function"));
    std::string owner = fmt::format("function '{}'", f.id);
    CL_RETURN_IF_ERROR(check_ports(f.ports, owner));
    if (f.resources.cpu < 0) {
      return invalid(fmt::format("{}: cpu {} is negative", owner, f.resources.cpu));
    }
  }
  for (const Sap& s : g.saps) {
    CL_RETURN_IF_ERROR(claim(ids, s.id, "SAP"));
    CL_RETURN_IF_ERROR(check_ports(s.ports, fmt::format("SAP '{}'", s.id)));
  }
  return ok_status();
}

Status check_constraints(const ServiceGraph& g) {
  for (const Function& f : g.functions) {
    for (const auto* list : {&f.constraints.affinity, &f.constraints.anti_affinity}) {
      for (const std::string& other : *list) {
        if (g.function(other) == nullptr) {
          return invalid(fmt::format("function '{}': {} names unknown function '{}'", f.id,
                                     list == &f.constraints.affinity ? "affinity" : "anti-affinity",
                                     other));
        }
      }
    }
  }
  return ok_status();
}

Status check_ref(const ServiceGraph& g, const PortRef& ref, std::string_view owner) {
  if (g.port(ref) != nullptr) {
    return ok_status();
  }
  if (g.function(ref.node) == nullptr && g.sap(ref.node) == nullptr) {
    return invalid(
        fmt::format("{}: port '{}' names unknown node '{}'", owner, ref.to_string(), ref.node));
  }
  return invalid(fmt::format("{}: node '{}' has no port '{}'", owner, ref.node, ref.port));
}

Status check_links(const ServiceGraph& g) {
  std::set<std::string> ids;
  for (const Eline& l : g.elines) {
    CL_RETURN_IF_ERROR(claim(ids, l.id, "E-Line"));
    std::string owner = fmt::format("E-Line '{}'", l.id);
    CL_RETURN_IF_ERROR(check_ref(g, l.src, owner));
    CL_RETURN_IF_ERROR(check_ref(g, l.dst, owner));
    if (l.src == l.dst) {
      return invalid(fmt::format("{}: goes from port '{}' to itself", owner, l.src.to_string()));
    }
    if (l.match.in_port.has_value()) {
      return invalid(
          fmt::format("{}: match sets in_port (the source port is the hop's input)", owner));
    }
    if (Status s = l.match.validate(); !s.ok()) {
      return std::move(s).error().context(owner + ": match");
    }
  }
  for (const Elan& l : g.elans) {
    CL_RETURN_IF_ERROR(claim(ids, l.id, "E-LAN"));
    std::string owner = fmt::format("E-LAN '{}'", l.id);
    if (l.members.size() < 2) {
      return invalid(fmt::format("{}: {} member(s), at least 2 needed", owner, l.members.size()));
    }
    std::set<PortRef> seen;
    for (const PortRef& m : l.members) {
      CL_RETURN_IF_ERROR(check_ref(g, m, owner));
      if (!seen.insert(m).second) {
        return invalid(fmt::format("{}: port '{}' is a member twice", owner, m.to_string()));
      }
    }
  }
  return ok_status();
}

Status check_requirements(const ServiceGraph& g) {
  std::set<std::string> ids;
  for (const Requirement& r : g.requirements) {
    CL_RETURN_IF_ERROR(claim(ids, r.id, "requirement"));
    std::string owner = fmt::format("requirement '{}'", r.id);
    if (r.path.empty()) {
      return invalid(fmt::format("{}: empty path", owner));
    }
    for (const std::string& hop : r.path) {
      if (g.eline(hop) == nullptr) {
        return invalid(fmt::format("{}: path names unknown E-Line '{}'", owner, hop));
      }
    }
    if (r.max_delay_ms && !(*r.max_delay_ms >= 0)) {
      return invalid(fmt::format("{}: max delay {} ms is negative", owner, *r.max_delay_ms));
    }
    if (r.min_bandwidth_mbps && !(*r.min_bandwidth_mbps >= 0)) {
      return invalid(
          fmt::format("{}: min bandwidth {} Mbit/s is negative", owner, *r.min_bandwidth_mbps));
    }
  }
  return ok_status();
}

}  // namespace

Result<Match> parse_match(std::string_view text) {
  return emulator::parse_match(text);
}

std::string format_match(const Match& match) {
  return match.to_string();
}

const Function* ServiceGraph::function(std::string_view function_id) const {
  return find_by_id(functions, function_id);
}

const Sap* ServiceGraph::sap(std::string_view sap_id) const {
  return find_by_id(saps, sap_id);
}

const Eline* ServiceGraph::eline(std::string_view eline_id) const {
  return find_by_id(elines, eline_id);
}

const Port* ServiceGraph::port(const PortRef& ref) const {
  if (const Function* f = function(ref.node)) {
    return find_by_id(f->ports, ref.port);
  }
  if (const Sap* s = sap(ref.node)) {
    return find_by_id(s->ports, ref.port);
  }
  return nullptr;
}

Status ServiceGraph::validate() const {
  CL_RETURN_IF_ERROR(check_nodes(*this));
  CL_RETURN_IF_ERROR(check_constraints(*this));
  CL_RETURN_IF_ERROR(check_links(*this));
  return check_requirements(*this);
}

}  // namespace chainlab::orchestration::graph
