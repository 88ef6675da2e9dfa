// Reading the NFFG's nodes: the field reader, constraints, resources, ports with their flow
// rules, and the three node kinds.
#include "common/field_path.h"
#include "frontends/escape/nffg_reader.h"

namespace chainlab::escape::detail {
namespace {

using nlohmann::json;

Error node_error(const std::string& path, std::string_view what) {
  return field_error("", path, what);
}

// A non-empty object (an empty one stays in `extra`, as the writers leave empty maps out).
bool is_object_at(const json& object, std::string_view key) {
  auto it = object.find(key);
  return it != object.end() && it->is_object() && !it->empty();
}

Result<std::optional<NodeList>> read_node_list(ObjectReader& r, std::string_view key) {
  const json* v = r.take(key);
  if (v == nullptr) {
    return std::optional<NodeList>();
  }
  if (v->is_string()) {
    CL_ASSIGN_OR_RETURN(NodeList list, parse_node_list(v->get<std::string>(), r.path(key)));
    return std::optional<NodeList>(std::move(list));
  }
  if (!v->is_array()) {
    return node_error(r.path(key), "expected a list of node ids");
  }
  NodeList list;
  list.form = NodeList::Form::kJsonArray;
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string()) {
      return node_error(field_item(r.path(key), i), "not a string");
    }
    list.nodes.push_back((*v)[i].get<std::string>());
  }
  return std::optional<NodeList>(std::move(list));
}

// {"<n>": "<element id>"}; ESCAPE also writes flags (`"antiaffinity": true` in
// mapping_features), which stay in `extra` as they are not lists.
Status read_id_map(ObjectReader& r, std::string_view key, std::map<std::string, Id>& out) {
  const json* v = r.take(key);
  if (v == nullptr) {
    return ok_status();
  }
  if (!v->is_object()) {
    return node_error(r.path(key), "expected an object of element ids");
  }
  for (const auto& [k, item] : v->items()) {
    CL_ASSIGN_OR_RETURN(out[k], read_id(item, field_join(r.path(key), k)));
  }
  return ok_status();
}

Result<std::optional<SapData>> read_sap_data(ObjectReader& port) {
  const json* v = port.take("sap_data");
  if (v == nullptr) {
    return std::optional<SapData>();
  }
  CL_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(*v, port.path("sap_data")));
  SapData d;
  CL_ASSIGN_OR_RETURN(d.technology, r.opt_string("technology"));
  CL_ASSIGN_OR_RETURN(d.role, r.opt_string("role"));
  CL_ASSIGN_OR_RETURN(d.resources, read_resources(r, "resources"));
  d.extra = r.rest();
  return std::optional<SapData>(std::move(d));
}

Result<std::optional<Addresses>> read_addresses(ObjectReader& port) {
  const json* v = port.take("addresses");
  if (v == nullptr) {
    return std::optional<Addresses>();
  }
  CL_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(*v, port.path("addresses")));
  Addresses a;
  CL_ASSIGN_OR_RETURN(a.l2, r.opt_string("l2"));
  CL_ASSIGN_OR_RETURN(a.l4, r.opt_string("l4"));
  a.extra = r.rest();
  return std::optional<Addresses>(std::move(a));
}

Result<std::optional<std::map<std::string, std::string>>> read_property(ObjectReader& port) {
  const json* v = port.take("property");
  if (v == nullptr) {
    return std::optional<std::map<std::string, std::string>>();
  }
  if (!v->is_object()) {
    return node_error(port.path("property"), "not an object");
  }
  std::map<std::string, std::string> out;
  for (const auto& [k, item] : v->items()) {
    if (!item.is_string()) {
      return node_error(field_join(port.path("property"), k), "not a string");
    }
    out[k] = item.get<std::string>();
  }
  return std::optional<std::map<std::string, std::string>>(std::move(out));
}

Result<Flowrule> read_flowrule(const json& v, std::string path) {
  CL_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(v, std::move(path)));
  Flowrule f;
  CL_ASSIGN_OR_RETURN(f.id, r.id("id"));
  CL_ASSIGN_OR_RETURN(f.match, r.opt_string("match"));
  CL_ASSIGN_OR_RETURN(f.action, r.opt_string("action"));
  CL_ASSIGN_OR_RETURN(f.bandwidth, r.opt_amount("bandwidth"));
  CL_ASSIGN_OR_RETURN(f.delay, r.opt_amount("delay"));
  CL_ASSIGN_OR_RETURN(f.hop_id, r.opt_id("hop_id"));
  CL_ASSIGN_OR_RETURN(f.operation, r.opt_operation());
  CL_ASSIGN_OR_RETURN(f.status, r.opt_status());
  CL_ASSIGN_OR_RETURN(f.constraints, read_constraints(r));
  f.extra = r.rest();
  return f;
}

Result<Port> read_port(const json& v, std::string path) {
  CL_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(v, std::move(path)));
  Port p;
  CL_ASSIGN_OR_RETURN(p.id, r.id("id"));
  CL_ASSIGN_OR_RETURN(p.name, r.opt_string("name"));
  CL_ASSIGN_OR_RETURN(p.sap, r.opt_string("sap"));
  CL_ASSIGN_OR_RETURN(p.property, read_property(r));
  CL_ASSIGN_OR_RETURN(p.sap_data, read_sap_data(r));
  CL_ASSIGN_OR_RETURN(p.addresses, read_addresses(r));
  CL_ASSIGN_OR_RETURN(p.metadata, r.opt_object("metadata"));
  CL_ASSIGN_OR_RETURN(p.operation, r.opt_operation());
  CL_ASSIGN_OR_RETURN(p.status, r.opt_status());
  if (const json* rules = r.take_list("flowrules")) {
    if (!rules->is_array()) {
      return node_error(r.path("flowrules"), "not a list");
    }
    for (size_t i = 0; i < rules->size(); ++i) {
      CL_ASSIGN_OR_RETURN(Flowrule f,
                          read_flowrule((*rules)[i], field_item(r.path("flowrules"), i)));
      p.flowrules.push_back(std::move(f));
    }
  }
  p.extra = r.rest();
  return p;
}

Status read_node_base(ObjectReader& r, NodeBase& n) {
  CL_ASSIGN_OR_RETURN(n.id, r.id("id"));
  if (n.id.str().empty()) {
    return node_error(r.path("id"), "is empty");
  }
  CL_ASSIGN_OR_RETURN(n.name, r.opt_string("name"));
  CL_ASSIGN_OR_RETURN(n.ports, read_ports(r));
  CL_ASSIGN_OR_RETURN(n.metadata, r.opt_object("metadata"));
  CL_ASSIGN_OR_RETURN(n.constraints, read_constraints(r));
  CL_ASSIGN_OR_RETURN(n.operation, r.opt_operation());
  CL_ASSIGN_OR_RETURN(n.status, r.opt_status());
  return ok_status();
}

Result<std::optional<Specification>> read_specification(ObjectReader& nf) {
  const json* v = nf.take("specification");
  if (v == nullptr) {
    return std::optional<Specification>();
  }
  CL_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(*v, nf.path("specification")));
  Specification s;
  CL_ASSIGN_OR_RETURN(s.deployment_type, r.opt_string("deployment_type"));
  CL_ASSIGN_OR_RETURN(s.resources, read_resources(r, "resources"));
  s.extra = r.rest();
  return std::optional<Specification>(std::move(s));
}

Result<std::optional<DelayMatrix>> read_delay_matrix(ObjectReader& infra) {
  const json* v = infra.take("delay_matrix");
  if (v == nullptr) {
    return std::optional<DelayMatrix>();
  }
  std::string path = infra.path("delay_matrix");
  if (!v->is_object()) {
    return node_error(path, "not an object");
  }
  DelayMatrix m;
  for (const auto& [src, row] : v->items()) {
    CL_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(row, field_join(path, src)));
    for (const auto& [dst, delay] : row.items()) {
      CL_ASSIGN_OR_RETURN(std::optional<double> d, r.opt_amount(dst));
      if (!d) {
        return node_error(r.path(dst), "not a number");
      }
      m[src][dst] = *d;
    }
  }
  return std::optional<DelayMatrix>(std::move(m));
}

Result<std::optional<std::vector<std::string>>> read_supported(ObjectReader& infra) {
  const json* v = infra.take("supported");
  if (v == nullptr) {
    return std::optional<std::vector<std::string>>();
  }
  if (!v->is_array()) {
    return node_error(infra.path("supported"), "not a list");
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string()) {
      return node_error(field_item(infra.path("supported"), i), "not a string");
    }
    out.push_back((*v)[i].get<std::string>());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

}  // namespace

Result<std::optional<Constraints>> read_constraints(ObjectReader& owner) {
  const json* v = owner.take("constraints");
  if (v == nullptr) {
    return std::optional<Constraints>();
  }
  CL_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(*v, owner.path("constraints")));
  Constraints c;
  // Flags such as `"antiaffinity": true` are not id maps: they stay in `extra`.
  if (is_object_at(*v, "affinity")) {
    CL_RETURN_IF_ERROR(read_id_map(r, "affinity", c.affinity));
  }
  if (is_object_at(*v, "antiaffinity")) {
    CL_RETURN_IF_ERROR(read_id_map(r, "antiaffinity", c.antiaffinity));
  }
  if (const json* inner = r.take("constraint")) {
    CL_ASSIGN_OR_RETURN(ObjectReader cr, ObjectReader::open(*inner, r.path("constraint")));
    c.has_constraint = true;
    CL_ASSIGN_OR_RETURN(c.allowed_nodes, read_node_list(cr, "allowed_nodes"));
    CL_ASSIGN_OR_RETURN(c.banned_nodes, read_node_list(cr, "banned_nodes"));
    c.constraint_extra = cr.rest();
  }
  c.extra = r.rest();
  return std::optional<Constraints>(std::move(c));
}

Result<std::optional<Resources>> read_resources(ObjectReader& owner, std::string_view key) {
  const json* v = owner.take(key);
  if (v == nullptr) {
    return std::optional<Resources>();
  }
  CL_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(*v, owner.path(key)));
  Resources res;
  CL_ASSIGN_OR_RETURN(res.cpu, r.opt_amount("cpu"));
  CL_ASSIGN_OR_RETURN(res.mem, r.opt_amount("mem"));
  CL_ASSIGN_OR_RETURN(res.storage, r.opt_amount("storage"));
  CL_ASSIGN_OR_RETURN(res.delay, r.opt_amount("delay"));
  CL_ASSIGN_OR_RETURN(res.bandwidth, r.opt_amount("bandwidth"));
  CL_ASSIGN_OR_RETURN(res.cost, r.opt_amount("cost"));
  res.extra = r.rest();
  return std::optional<Resources>(std::move(res));
}

Result<std::vector<Port>> read_ports(ObjectReader& node) {
  std::vector<Port> ports;
  const json* v = node.take_list("ports");
  if (v == nullptr) {
    return ports;
  }
  if (!v->is_array()) {
    return node_error(node.path("ports"), "not a list");
  }
  for (size_t i = 0; i < v->size(); ++i) {
    std::string path = field_item(node.path("ports"), i);
    CL_ASSIGN_OR_RETURN(Port p, read_port((*v)[i], path));
    for (const Port& other : ports) {
      if (other.id == p.id) {
        return node_error(field_join(path, "id"), "duplicate port id " + p.id.str());
      }
    }
    ports.push_back(std::move(p));
  }
  return ports;
}

Result<NodeNf> read_nf(const json& v, std::string path) {
  CL_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(v, std::move(path)));
  NodeNf nf;
  CL_RETURN_IF_ERROR(read_node_base(r, nf));
  CL_ASSIGN_OR_RETURN(nf.functional_type, r.opt_string("functional_type"));
  CL_ASSIGN_OR_RETURN(nf.specification, read_specification(r));
  nf.extra = r.rest();
  return nf;
}

Result<NodeSap> read_sap(const json& v, std::string path) {
  CL_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(v, std::move(path)));
  NodeSap sap;
  CL_RETURN_IF_ERROR(read_node_base(r, sap));
  CL_ASSIGN_OR_RETURN(sap.binding, r.opt_string("binding"));
  sap.extra = r.rest();
  return sap;
}

Result<NodeInfra> read_infra(const json& v, std::string path) {
  CL_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::open(v, std::move(path)));
  NodeInfra infra;
  CL_RETURN_IF_ERROR(read_node_base(r, infra));
  CL_ASSIGN_OR_RETURN(std::optional<std::string> type, r.opt_string("type"));
  if (!type) {
    return node_error(r.path("type"), "is required");
  }
  infra.type = *type;
  CL_ASSIGN_OR_RETURN(infra.domain, r.opt_string("domain"));
  CL_ASSIGN_OR_RETURN(infra.supported, read_supported(r));
  CL_ASSIGN_OR_RETURN(infra.resources, read_resources(r, "resources"));
  CL_ASSIGN_OR_RETURN(infra.delay_matrix, read_delay_matrix(r));
  infra.extra = r.rest();
  return infra;
}

}  // namespace chainlab::escape::detail
