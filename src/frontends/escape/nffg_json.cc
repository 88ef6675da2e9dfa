// Reading an NFFG document: bounds, parameters, the element lists, the three kinds of edge and
// the references between them (nodes in nffg_read_nodes.cc, writing in nffg_write.cc).
#include <set>

#include "common/field_path.h"
#include "common/json_bounded.h"
#include "frontends/escape/nffg_reader.h"

namespace chainlab::escape {
namespace {

using detail::ObjectReader;
using nlohmann::json;

Status read_ends(ObjectReader& r, LinkEnds& ends) {
  CL_ASSIGN_OR_RETURN(ends.id, r.id("id"));
  CL_ASSIGN_OR_RETURN(ends.src_node, r.id("src_node"));
  CL_ASSIGN_OR_RETURN(ends.src_port, r.id("src_port"));
  CL_ASSIGN_OR_RETURN(ends.dst_node, r.id("dst_node"));
  CL_ASSIGN_OR_RETURN(ends.dst_port, r.id("dst_port"));
  return ok_status();
}

Result<EdgeLink> read_link(const json& v, std::string path) {
  CL_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(v, std::move(path)));
  EdgeLink l;
  CL_RETURN_IF_ERROR(read_ends(r, l));
  CL_ASSIGN_OR_RETURN(l.delay, r.opt_amount("delay"));
  CL_ASSIGN_OR_RETURN(l.bandwidth, r.opt_amount("bandwidth"));
  CL_ASSIGN_OR_RETURN(l.cost, r.opt_amount("cost"));
  CL_ASSIGN_OR_RETURN(l.backward, r.opt_bool("backward"));
  CL_ASSIGN_OR_RETURN(l.constraints, detail::read_constraints(r));
  CL_ASSIGN_OR_RETURN(l.operation, r.opt_operation());
  CL_ASSIGN_OR_RETURN(l.status, r.opt_status());
  l.extra = r.rest();
  return l;
}

Result<SgHop> read_hop(const json& v, std::string path) {
  CL_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(v, std::move(path)));
  SgHop h;
  CL_RETURN_IF_ERROR(read_ends(r, h));
  CL_ASSIGN_OR_RETURN(h.flowclass, r.opt_string("flowclass"));
  CL_ASSIGN_OR_RETURN(h.delay, r.opt_amount("delay"));
  CL_ASSIGN_OR_RETURN(h.bandwidth, r.opt_amount("bandwidth"));
  CL_ASSIGN_OR_RETURN(h.constraints, detail::read_constraints(r));
  CL_ASSIGN_OR_RETURN(h.operation, r.opt_operation());
  CL_ASSIGN_OR_RETURN(h.status, r.opt_status());
  h.extra = r.rest();
  return h;
}

Result<EdgeReq> read_req(const json& v, std::string path) {
  CL_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(v, std::move(path)));
  EdgeReq q;
  CL_RETURN_IF_ERROR(read_ends(r, q));
  CL_ASSIGN_OR_RETURN(q.delay, r.opt_amount("delay"));
  CL_ASSIGN_OR_RETURN(q.bandwidth, r.opt_amount("bandwidth"));
  if (const json* p = r.take("sg_path")) {
    if (!p->is_array()) {
      return field_error("", r.path("sg_path"), "not a list");
    }
    for (size_t i = 0; i < p->size(); ++i) {
      CL_ASSIGN_OR_RETURN(Id hop, detail::read_id((*p)[i], field_item(r.path("sg_path"), i)));
      q.sg_path.push_back(std::move(hop));
    }
  }
  CL_ASSIGN_OR_RETURN(q.constraints, detail::read_constraints(r));
  CL_ASSIGN_OR_RETURN(q.operation, r.opt_operation());
  CL_ASSIGN_OR_RETURN(q.status, r.opt_status());
  q.extra = r.rest();
  return q;
}

Result<Parameters> read_parameters(ObjectReader& top) {
  Parameters p;
  const json* v = top.take("parameters");
  if (v == nullptr) {
    return p;
  }
  CL_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(*v, "parameters"));
  CL_ASSIGN_OR_RETURN(p.id, r.opt_id("id"));
  CL_ASSIGN_OR_RETURN(p.name, r.opt_string("name"));
  CL_ASSIGN_OR_RETURN(p.service_id, r.opt_string("service_id"));
  CL_ASSIGN_OR_RETURN(p.version, r.opt_string("version"));
  CL_ASSIGN_OR_RETURN(std::optional<std::string> mode, r.opt_string("mode"));
  if (mode) {
    p.mode = mode_from_name(*mode);
    if (!p.mode) {
      return field_error("", r.path("mode"), "expected ADD, DELETE or REMAP");
    }
  }
  CL_ASSIGN_OR_RETURN(p.metadata, r.opt_object("metadata"));
  p.extra = r.rest();
  return p;
}

// Every item of the list under `key` through `read_one`.
template <typename T, typename F>
Status read_list(ObjectReader& top, std::string_view key, F read_one, std::vector<T>& out) {
  const json* v = top.take_list(key);
  if (v == nullptr) {
    return ok_status();
  }
  if (!v->is_array()) {
    return field_error("", std::string(key), "not a list");
  }
  for (size_t i = 0; i < v->size(); ++i) {
    CL_ASSIGN_OR_RETURN(T item, read_one((*v)[i], field_item(key, i)));
    out.push_back(std::move(item));
  }
  return ok_status();
}

// Node ids are unique across the three kinds: links name nodes by id alone.
Status check_node_ids(const Nffg& g) {
  std::set<Id> seen;
  auto check = [&](const auto& nodes, std::string_view list) -> Status {
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (!seen.insert(nodes[i].id).second) {
        return field_error("", field_join(field_item(list, i), "id"),
                           "duplicate node id " + nodes[i].id.str());
      }
    }
    return ok_status();
  };
  CL_RETURN_IF_ERROR(check(g.node_nfs, "node_nfs"));
  CL_RETURN_IF_ERROR(check(g.node_saps, "node_saps"));
  return check(g.node_infras, "node_infras");
}

Status check_end(const Nffg& g, const std::string& path, const Id& node, const Id& port,
                 std::string_view side) {
  const NodeBase* n = g.node(node);
  if (n == nullptr) {
    return field_error("", fmt::format("{}.{}_node", path, side), "no node " + node.str());
  }
  if (n->port(port) == nullptr) {
    return field_error("", fmt::format("{}.{}_port", path, side),
                       fmt::format("node {} has no port {}", node.str(), port.str()));
  }
  return ok_status();
}

template <typename Edge>
Status check_edges(const Nffg& g, const std::vector<Edge>& edges, std::string_view list) {
  for (size_t i = 0; i < edges.size(); ++i) {
    std::string path = field_item(list, i);
    CL_RETURN_IF_ERROR(check_end(g, path, edges[i].src_node, edges[i].src_port, "src"));
    CL_RETURN_IF_ERROR(check_end(g, path, edges[i].dst_node, edges[i].dst_port, "dst"));
  }
  return ok_status();
}

}  // namespace

namespace {

// Lookups by id are linear (the files ESCAPE writes hold hundreds of elements): a cap keeps a
// hostile 16 MiB file from costing minutes (40,000 infras took 33 s).
Status check_element_count(const Nffg& g) {
  size_t nodes = g.node_nfs.size() + g.node_saps.size() + g.node_infras.size();
  size_t edges = g.edge_links.size() + g.edge_sg_nexthops.size() + g.edge_reqs.size();
  if (nodes > kMaxNffgNodes || edges > kMaxNffgEdges) {
    return make_error(ErrorCode::kTooLarge,
                      "NFFG has {} nodes and {} edges; at most {} and {} are accepted", nodes,
                      edges, kMaxNffgNodes, kMaxNffgEdges);
  }
  return ok_status();
}

}  // namespace

Result<Nffg> nffg_from_json(const json& doc) {
  CL_ASSIGN_OR_RETURN(ObjectReader top, ObjectReader::open(doc, ""));
  Nffg g;
  CL_ASSIGN_OR_RETURN(g.parameters, read_parameters(top));
  CL_RETURN_IF_ERROR(read_list(top, "node_nfs", detail::read_nf, g.node_nfs));
  CL_RETURN_IF_ERROR(read_list(top, "node_saps", detail::read_sap, g.node_saps));
  CL_RETURN_IF_ERROR(read_list(top, "node_infras", detail::read_infra, g.node_infras));
  CL_RETURN_IF_ERROR(read_list(top, "edge_links", read_link, g.edge_links));
  CL_RETURN_IF_ERROR(read_list(top, "edge_sg_nexthops", read_hop, g.edge_sg_nexthops));
  CL_RETURN_IF_ERROR(read_list(top, "edge_reqs", read_req, g.edge_reqs));
  g.extra = top.rest();
  CL_RETURN_IF_ERROR(check_element_count(g));
  CL_RETURN_IF_ERROR(check_node_ids(g));
  CL_RETURN_IF_ERROR(check_edges(g, g.edge_links, "edge_links"));
  CL_RETURN_IF_ERROR(check_edges(g, g.edge_sg_nexthops, "edge_sg_nexthops"));
  CL_RETURN_IF_ERROR(check_edges(g, g.edge_reqs, "edge_reqs"));
  return g;
}

Result<Nffg> read_nffg(std::string_view text) {
  if (text.size() > kMaxNffgBytes) {
    return make_error(ErrorCode::kTooLarge, "NFFG is larger than {} bytes", kMaxNffgBytes);
  }
  CL_ASSIGN_OR_RETURN(json doc, parse_json(text, "NFFG"));
  return nffg_from_json(doc);
}

}  // namespace chainlab::escape
