// The graph-wide rules of parse_nffg: unique ids, every referenced port exists, every rule sends
// its traffic somewhere (or drops it, which here is implemented, not ignored).
#include <fmt/format.h>

#include <set>

#include "common/field_path.h"
#include "frontends/unode/nffg_internal.h"

namespace chainlab::unode {
namespace {

template <typename T>
Status unique_ids(const std::vector<T>& items, std::string_view what) {
  std::set<std::string> seen;
  for (const T& item : items) {
    if (!seen.insert(item.id).second) {
      return make_error(ErrorCode::kInvalidArgument, "two {} have the id '{}'", what, item.id);
    }
  }
  return ok_status();
}

Status port_exists(const Nffg& g, const PortRef& ref, std::string_view path) {
  if (!ref.is_vnf()) {
    if (g.endpoint(ref.id) == nullptr) {
      return field_error("", path, fmt::format("no end-point '{}' in the graph", ref.id));
    }
    return ok_status();
  }
  const Vnf* vnf = g.vnf(ref.id);
  if (vnf == nullptr) {
    return field_error("", path, fmt::format("no VNF '{}' in the graph", ref.id));
  }
  for (const VnfPort& p : vnf->ports) {
    if (p.id == ref.port) {
      return ok_status();
    }
  }
  return field_error("", path, fmt::format("VNF '{}' has no port '{}'", ref.id, ref.port));
}

Status check_rule(const Nffg& g, const FlowRule& r, const std::string& at) {
  CL_RETURN_IF_ERROR(port_exists(g, r.match.port_in, field_join(at, "match.port_in")));
  bool drops = false;
  size_t outputs = 0;
  for (const Action& a : r.actions) {
    if (a.kind == Action::Kind::kOutput) {
      CL_RETURN_IF_ERROR(port_exists(g, a.port, field_join(at, "actions")));
      ++outputs;
    }
    drops = drops || a.kind == Action::Kind::kDrop;
  }
  if (drops && outputs > 0) {
    return field_error("", field_join(at, "actions"), "drop together with output_to_port");
  }
  if (!drops && outputs == 0) {
    return field_error("", field_join(at, "actions"), "needs an output_to_port (or drop)");
  }
  return ok_status();
}

}  // namespace

Result<Nffg> check_references(Nffg g, std::string_view rules_path, std::string_view rules_key) {
  CL_RETURN_IF_ERROR(unique_ids(g.vnfs, "VNFs"));
  CL_RETURN_IF_ERROR(unique_ids(g.endpoints, "end-points"));
  CL_RETURN_IF_ERROR(unique_ids(g.rules, "flow rules"));
  for (const Vnf& v : g.vnfs) {
    CL_RETURN_IF_ERROR(unique_ids(v.ports, fmt::format("ports of VNF '{}'", v.id)));
  }
  std::string at = field_join(rules_path, rules_key);
  for (size_t i = 0; i < g.rules.size(); ++i) {
    CL_RETURN_IF_ERROR(check_rule(g, g.rules[i], field_item(at, i)));
  }
  return g;
}

}  // namespace chainlab::unode
