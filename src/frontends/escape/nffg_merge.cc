#include "frontends/escape/nffg_merge.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

namespace chainlab::escape {
namespace {

// Where a shared SAP meets its domain: the infra port its access link attaches to, and that
// link's delay and bandwidth.
struct Access {
  Id infra;
  Id port;
  double delay = 0;
  std::optional<double> bandwidth;
};

// The infra end of the first edge_link between `sap` and an infra of `g`, either direction.
std::optional<Access> access_of(const Nffg& g, const Id& sap) {
  for (const EdgeLink& l : g.edge_links) {
    bool from_sap = l.src_node == sap && g.infra(l.dst_node) != nullptr;
    bool to_sap = l.dst_node == sap && g.infra(l.src_node) != nullptr;
    if (from_sap || to_sap) {
      return Access{from_sap ? l.dst_node : l.src_node, from_sap ? l.dst_port : l.src_port,
                    l.delay.value_or(0), l.bandwidth};
    }
  }
  return std::nullopt;
}

// SAP id -> the indices of the domains that expose it.
Result<std::map<std::string, std::vector<size_t>>> shared_saps(
    const std::vector<DomainNffg>& domains) {
  std::map<std::string, std::vector<size_t>> by_id;
  for (size_t d = 0; d < domains.size(); ++d) {
    for (const NodeSap& sap : domains[d].view.node_saps) {
      by_id[sap.id.str()].push_back(d);
    }
  }
  std::erase_if(by_id, [](const auto& entry) { return entry.second.size() < 2; });
  for (const auto& [id, ds] : by_id) {
    if (ds.size() > 2) {
      return make_error(ErrorCode::kInvalidArgument, "SAP {} is shared by {} domains; at most 2",
                        id, ds.size());
    }
  }
  return by_id;
}

// Copies `items` into `out`, refusing an id another domain already brought.
template <typename T>
Status copy_unique(const std::vector<T>& items, std::vector<T>& out, std::set<std::string>& seen,
                   std::string_view kind, const std::string& domain) {
  for (const T& item : items) {
    if (!seen.insert(item.id.str()).second) {
      return make_error(ErrorCode::kInvalidArgument, "{} {} of domain {} is also in another domain",
                        kind, item.id.str(), domain);
    }
    out.push_back(item);
  }
  return ok_status();
}

bool touches(const EdgeLink& l, const std::set<std::string>& saps) {
  return saps.contains(l.src_node.str()) || saps.contains(l.dst_node.str());
}

Status copy_domain(const DomainNffg& d, const std::set<std::string>& shared, Nffg& out,
                   std::set<std::string>& nodes, std::set<std::string>& links) {
  std::vector<NodeInfra> infras = d.view.node_infras;
  for (NodeInfra& infra : infras) {
    if (!infra.domain || infra.domain->empty()) {
      infra.domain = d.domain;
    }
  }
  std::vector<NodeSap> saps = d.view.node_saps;
  std::erase_if(saps, [&](const NodeSap& s) { return shared.contains(s.id.str()); });
  std::vector<EdgeLink> edges = d.view.edge_links;
  std::erase_if(edges, [&](const EdgeLink& l) { return touches(l, shared); });
  CL_RETURN_IF_ERROR(copy_unique(infras, out.node_infras, nodes, "infra", d.domain));
  CL_RETURN_IF_ERROR(copy_unique(saps, out.node_saps, nodes, "SAP", d.domain));
  CL_RETURN_IF_ERROR(copy_unique(d.view.node_nfs, out.node_nfs, nodes, "NF", d.domain));
  CL_RETURN_IF_ERROR(copy_unique(edges, out.edge_links, links, "link", d.domain));
  for (const SgHop& h : d.view.edge_sg_nexthops) {
    out.edge_sg_nexthops.push_back(h);
  }
  for (const EdgeReq& q : d.view.edge_reqs) {
    out.edge_reqs.push_back(q);
  }
  return ok_status();
}

EdgeLink inter_link(std::string id, const Access& from, const Access& to, bool backward) {
  EdgeLink l;
  l.id = Id(std::move(id));
  l.src_node = from.infra;
  l.src_port = from.port;
  l.dst_node = to.infra;
  l.dst_port = to.port;
  l.delay = from.delay + to.delay;
  l.bandwidth = from.bandwidth && to.bandwidth ? std::min(*from.bandwidth, *to.bandwidth)
                                               : (from.bandwidth ? from.bandwidth : to.bandwidth);
  if (backward) {
    l.backward = true;
  }
  return l;
}

}  // namespace

Result<Nffg> merge_views(const std::vector<DomainNffg>& domains) {
  if (domains.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "no domain to merge");
  }
  CL_ASSIGN_OR_RETURN(auto shared, shared_saps(domains));
  std::set<std::string> shared_ids;
  for (const auto& [id, ds] : shared) {
    shared_ids.insert(id);
  }
  Nffg out;
  out.parameters.id = Id("global-view");
  out.parameters.version = "1.0";
  std::set<std::string> nodes;
  std::set<std::string> links;
  for (const DomainNffg& d : domains) {
    if (d.domain.empty()) {
      return make_error(ErrorCode::kInvalidArgument, "a domain without a name");
    }
    CL_RETURN_IF_ERROR(copy_domain(d, shared_ids, out, nodes, links));
  }
  for (const auto& [id, ds] : shared) {
    auto a = access_of(domains[ds[0]].view, Id(id));
    auto b = access_of(domains[ds[1]].view, Id(id));
    if (!a || !b) {
      return make_error(ErrorCode::kInvalidArgument,
                        "SAP {} (shared by {} and {}) is not linked to an infra in each", id,
                        domains[ds[0]].domain, domains[ds[1]].domain);
    }
    CL_RETURN_IF_ERROR(
        copy_unique(std::vector<EdgeLink>{inter_link(id + "-inter", *a, *b, false),
                                          inter_link(id + "-inter-back", *b, *a, true)},
                    out.edge_links, links, "link", "the merge"));
  }
  return out;
}

}  // namespace chainlab::escape
