// validate_request (algorithm.h): the checks every embedding algorithm runs first, so that the
// algorithms themselves may assume well-formed input (every name resolves, every number is a
// number they can add and compare).
#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <string_view>

#include "orchestration/placement/embedding/algorithm.h"

namespace chainlab::orchestration::embedding {
namespace {

// Bandwidths may be kUnlimited (their default); every other quantity must be a finite number.
enum class Bound { kFinite, kMayBeUnlimited };

Status check_number(std::string_view element, std::string_view field, double value,
                    Bound bound = Bound::kFinite) {
  bool unlimited_ok = bound == Bound::kMayBeUnlimited && value == kUnlimited;
  if (std::isnan(value) || value < 0 || (!std::isfinite(value) && !unlimited_ok)) {
    return make_error(ErrorCode::kInvalidArgument, "{}: {} must be a finite number >= 0 (got {})",
                      element, field, value);
  }
  return ok_status();
}

Status check_capacity(std::string_view element, std::string_view field, const Capacity& c) {
  CL_RETURN_IF_ERROR(check_number(element, fmt::format("{}.cpu", field), c.cpu));
  CL_RETURN_IF_ERROR(check_number(element, fmt::format("{}.mem", field), c.mem));
  return check_number(element, fmt::format("{}.storage", field), c.storage);
}

Status check_node(const SubstrateNode& node, std::set<std::string>& ids) {
  std::string element = fmt::format("substrate node {}", node.id);
  if (node.id.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "substrate node with an empty id");
  }
  if (!ids.insert(node.id).second) {
    return make_error(ErrorCode::kInvalidArgument, "{}: duplicate id", element);
  }
  CL_RETURN_IF_ERROR(check_capacity(element, "capacity", node.capacity));
  CL_RETURN_IF_ERROR(check_number(element, "delay_ms", node.delay_ms));
  CL_RETURN_IF_ERROR(check_number(element, "bandwidth", node.bandwidth, Bound::kMayBeUnlimited));
  return check_number(element, "cost", node.cost);
}

Status check_link(const Substrate& s, const SubstrateLink& link) {
  std::string element = fmt::format("substrate link {}", link.id);
  if (link.src >= s.nodes.size() || link.dst >= s.nodes.size()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "{}: node index {} -> {} out of range ({} nodes)", element, link.src,
                      link.dst, s.nodes.size());
  }
  CL_RETURN_IF_ERROR(check_number(element, "delay_ms", link.delay_ms));
  CL_RETURN_IF_ERROR(check_number(element, "bandwidth", link.bandwidth, Bound::kMayBeUnlimited));
  CL_RETURN_IF_ERROR(check_number(element, "cost", link.cost));
  // A zero cost would let an optimal mapping carry useless cycles or detours.
  if (link.cost <= 0) {
    return make_error(ErrorCode::kInvalidArgument, "{}: cost must be > 0 (got {})", element,
                      link.cost);
  }
  return ok_status();
}

Status validate_substrate(const Substrate& s) {
  std::set<std::string> ids;
  for (const auto& node : s.nodes) {
    CL_RETURN_IF_ERROR(check_node(node, ids));
  }
  for (const auto& link : s.links) {
    CL_RETURN_IF_ERROR(check_link(s, link));
  }
  return ok_status();
}

// Every id of one kind, checked unique and non-empty as it is collected.
Status collect_id(std::string_view kind, const std::string& id, std::set<std::string>& ids) {
  if (id.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "{} with an empty id", kind);
  }
  if (!ids.insert(id).second) {
    return make_error(ErrorCode::kInvalidArgument, "{} {}: duplicate id", kind, id);
  }
  return ok_status();
}

// The ids a request's cross-references may name.
struct RequestIds {
  std::set<std::string> nfs;
  std::set<std::string> endpoints;  // NFs and SAPs: one namespace
  std::set<std::string> hops;
  std::set<std::string> requirements;
};

Result<RequestIds> collect_ids(const Request& r) {
  RequestIds ids;
  for (const auto& nf : r.nfs) {
    CL_RETURN_IF_ERROR(collect_id("NF/SAP", nf.id, ids.endpoints));
    ids.nfs.insert(nf.id);
  }
  for (const auto& sap : r.saps) {
    CL_RETURN_IF_ERROR(collect_id("NF/SAP", sap.id, ids.endpoints));
  }
  for (const auto& hop : r.hops) {
    CL_RETURN_IF_ERROR(collect_id("hop", hop.id, ids.hops));
  }
  for (const auto& req : r.requirements) {
    CL_RETURN_IF_ERROR(collect_id("requirement", req.id, ids.requirements));
  }
  return ids;
}

Status check_names(std::string_view element, std::string_view field,
                   const std::vector<std::string>& names, const std::set<std::string>& known,
                   std::string_view kind) {
  for (const auto& name : names) {
    if (known.count(name) == 0) {
      return make_error(ErrorCode::kInvalidArgument, "{}: {} '{}' is not {} of the request",
                        element, field, name, kind);
    }
  }
  return ok_status();
}

// An element that names itself in its own (anti-)affinity: one node cannot be another.
Status check_not_self(std::string_view element, std::string_view field,
                      const std::vector<std::string>& names, const std::string& self) {
  if (std::find(names.begin(), names.end(), self) != names.end()) {
    return make_error(ErrorCode::kInvalidArgument, "{}: {} names itself", element, field);
  }
  return ok_status();
}

Status check_nf(const NfRequest& nf, const RequestIds& ids) {
  std::string element = fmt::format("NF {}", nf.id);
  CL_RETURN_IF_ERROR(check_capacity(element, "demand", nf.demand));
  CL_RETURN_IF_ERROR(check_names(element, "affinity", nf.affinity, ids.nfs, "an NF"));
  CL_RETURN_IF_ERROR(check_not_self(element, "anti_affinity", nf.anti_affinity, nf.id));
  return check_names(element, "anti_affinity", nf.anti_affinity, ids.nfs, "an NF");
}

Status check_sap(const Substrate& s, const SapRequest& sap) {
  const std::string& binding = sap.binding.empty() ? sap.id : sap.binding;
  auto node = s.node_index(binding);
  if (!node || s.nodes[*node].kind != NodeKind::kSap) {
    return make_error(ErrorCode::kInvalidArgument, "SAP {}: binding '{}' is not a substrate SAP",
                      sap.id, binding);
  }
  return ok_status();
}

Status check_optional_delay(std::string_view element, const std::optional<double>& delay) {
  return delay ? check_number(element, "max_delay_ms", *delay) : ok_status();
}

Status check_hop(const HopRequest& hop, const RequestIds& ids) {
  std::string element = fmt::format("hop {}", hop.id);
  for (auto [field, end] : {std::pair{"src", &hop.src}, std::pair{"dst", &hop.dst}}) {
    if (ids.endpoints.count(*end) == 0) {
      return make_error(ErrorCode::kInvalidArgument, "{}: {} '{}' is neither an NF nor a SAP",
                        element, field, *end);
    }
  }
  CL_RETURN_IF_ERROR(check_number(element, "bandwidth", hop.bandwidth));
  CL_RETURN_IF_ERROR(check_optional_delay(element, hop.max_delay_ms));
  CL_RETURN_IF_ERROR(check_not_self(element, "anti_affinity", hop.anti_affinity, hop.id));
  return check_names(element, "anti_affinity", hop.anti_affinity, ids.hops, "a hop");
}

Status check_requirement(const Requirement& req, const RequestIds& ids) {
  std::string element = fmt::format("requirement {}", req.id);
  CL_RETURN_IF_ERROR(check_names(element, "path", req.path, ids.hops, "a hop"));
  CL_RETURN_IF_ERROR(check_number(element, "bandwidth", req.bandwidth));
  return check_optional_delay(element, req.max_delay_ms);
}

}  // namespace

Status validate_request(const Substrate& substrate, const Request& request) {
  CL_RETURN_IF_ERROR(validate_substrate(substrate));
  CL_ASSIGN_OR_RETURN(RequestIds ids, collect_ids(request));
  for (const auto& nf : request.nfs) {
    CL_RETURN_IF_ERROR(check_nf(nf, ids));
  }
  for (const auto& sap : request.saps) {
    CL_RETURN_IF_ERROR(check_sap(substrate, sap));
  }
  for (const auto& hop : request.hops) {
    CL_RETURN_IF_ERROR(check_hop(hop, ids));
  }
  for (const auto& req : request.requirements) {
    CL_RETURN_IF_ERROR(check_requirement(req, ids));
  }
  return ok_status();
}

}  // namespace chainlab::orchestration::embedding
