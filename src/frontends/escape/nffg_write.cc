// Writing an NFFG: each element's `extra` first, then the modelled fields over it, in the
// shapes hsnlab's nffg library dumps (absent optional fields and empty lists are left out).
#include "frontends/escape/nffg_reader.h"

namespace chainlab::escape {
namespace {

using nlohmann::json;

template <typename T>
void put(json& j, const char* key, const std::optional<T>& v) {
  if (v) {
    j[key] = *v;
  }
}

void put_id(json& j, const char* key, const std::optional<Id>& v) {
  if (v) {
    j[key] = v->to_json();
  }
}

void put_state(json& j, const std::optional<Operation>& op,
               const std::optional<ElementStatus>& st) {
  if (op) {
    j["operation"] = operation_name(*op);
  }
  if (st) {
    j["status"] = status_name(*st);
  }
}

void put_constraints(json& j, const std::optional<Constraints>& c) {
  if (c) {
    j["constraints"] = detail::constraints_json(*c);
  }
}

void put_resources(json& j, const char* key, const std::optional<Resources>& r) {
  if (r) {
    j[key] = detail::resources_json(*r);
  }
}

json id_map_json(const std::map<std::string, Id>& m) {
  json out = json::object();
  for (const auto& [k, id] : m) {
    out[k] = id.to_json();
  }
  return out;
}

json node_list_json(const NodeList& list) {
  if (list.form == NodeList::Form::kJsonArray) {
    return list.nodes;
  }
  return node_list_text(list);
}

json flowrule_json(const Flowrule& f) {
  json j = f.extra;
  j["id"] = f.id.to_json();
  put(j, "match", f.match);
  put(j, "action", f.action);
  put(j, "bandwidth", f.bandwidth);
  put(j, "delay", f.delay);
  put_id(j, "hop_id", f.hop_id);
  put_state(j, f.operation, f.status);
  put_constraints(j, f.constraints);
  return j;
}

json port_json(const Port& p) {
  json j = p.extra;
  j["id"] = p.id.to_json();
  put(j, "name", p.name);
  put(j, "sap", p.sap);
  put(j, "property", p.property);
  if (p.sap_data) {
    json d = p.sap_data->extra;
    put(d, "technology", p.sap_data->technology);
    put(d, "role", p.sap_data->role);
    put_resources(d, "resources", p.sap_data->resources);
    j["sap_data"] = std::move(d);
  }
  if (p.addresses) {
    json a = p.addresses->extra;
    put(a, "l2", p.addresses->l2);
    put(a, "l4", p.addresses->l4);
    j["addresses"] = std::move(a);
  }
  put(j, "metadata", p.metadata);
  put_state(j, p.operation, p.status);
  if (!p.flowrules.empty()) {
    json rules = json::array();
    for (const Flowrule& f : p.flowrules) {
      rules.push_back(flowrule_json(f));
    }
    j["flowrules"] = std::move(rules);
  }
  return j;
}

json node_base_json(const NodeBase& n) {
  json j = n.extra;
  j["id"] = n.id.to_json();
  put(j, "name", n.name);
  if (!n.ports.empty()) {
    json ports = json::array();
    for (const Port& p : n.ports) {
      ports.push_back(port_json(p));
    }
    j["ports"] = std::move(ports);
  }
  put(j, "metadata", n.metadata);
  put_constraints(j, n.constraints);
  put_state(j, n.operation, n.status);
  return j;
}

json nf_json(const NodeNf& nf) {
  json j = node_base_json(nf);
  put(j, "functional_type", nf.functional_type);
  if (nf.specification) {
    json s = nf.specification->extra;
    put(s, "deployment_type", nf.specification->deployment_type);
    put_resources(s, "resources", nf.specification->resources);
    j["specification"] = std::move(s);
  }
  return j;
}

json sap_json(const NodeSap& sap) {
  json j = node_base_json(sap);
  put(j, "binding", sap.binding);
  return j;
}

json infra_json(const NodeInfra& infra) {
  json j = node_base_json(infra);
  j["type"] = infra.type;
  put(j, "domain", infra.domain);
  put(j, "supported", infra.supported);
  put_resources(j, "resources", infra.resources);
  put(j, "delay_matrix", infra.delay_matrix);
  return j;
}

void put_ends(json& j, const LinkEnds& e) {
  j["id"] = e.id.to_json();
  j["src_node"] = e.src_node.to_json();
  j["src_port"] = e.src_port.to_json();
  j["dst_node"] = e.dst_node.to_json();
  j["dst_port"] = e.dst_port.to_json();
}

json link_json(const EdgeLink& l) {
  json j = l.extra;
  put_ends(j, l);
  put(j, "delay", l.delay);
  put(j, "bandwidth", l.bandwidth);
  put(j, "cost", l.cost);
  put(j, "backward", l.backward);
  put_constraints(j, l.constraints);
  put_state(j, l.operation, l.status);
  return j;
}

json hop_json(const SgHop& h) {
  json j = h.extra;
  put_ends(j, h);
  put(j, "flowclass", h.flowclass);
  put(j, "delay", h.delay);
  put(j, "bandwidth", h.bandwidth);
  put_constraints(j, h.constraints);
  put_state(j, h.operation, h.status);
  return j;
}

json req_json(const EdgeReq& q) {
  json j = q.extra;
  put_ends(j, q);
  put(j, "delay", q.delay);
  put(j, "bandwidth", q.bandwidth);
  json path = json::array();
  for (const Id& hop : q.sg_path) {
    path.push_back(hop.to_json());
  }
  j["sg_path"] = std::move(path);
  put_constraints(j, q.constraints);
  put_state(j, q.operation, q.status);
  return j;
}

json parameters_json(const Parameters& p) {
  json j = p.extra;
  put_id(j, "id", p.id);
  put(j, "name", p.name);
  put(j, "service_id", p.service_id);
  put(j, "version", p.version);
  if (p.mode) {
    j["mode"] = mode_name(*p.mode);
  }
  put(j, "metadata", p.metadata);
  return j;
}

template <typename T, typename F>
void put_list(json& j, const char* key, const std::vector<T>& items, F to_json_one) {
  if (items.empty()) {
    return;
  }
  json list = json::array();
  for (const T& item : items) {
    list.push_back(to_json_one(item));
  }
  j[key] = std::move(list);
}

}  // namespace

namespace detail {

json constraints_json(const Constraints& c) {
  json j = c.extra;
  if (!c.affinity.empty()) {
    j["affinity"] = id_map_json(c.affinity);
  }
  if (!c.antiaffinity.empty()) {
    j["antiaffinity"] = id_map_json(c.antiaffinity);
  }
  if (c.has_constraint || c.allowed_nodes || c.banned_nodes) {
    json inner = c.constraint_extra;
    if (c.allowed_nodes) {
      inner["allowed_nodes"] = node_list_json(*c.allowed_nodes);
    }
    if (c.banned_nodes) {
      inner["banned_nodes"] = node_list_json(*c.banned_nodes);
    }
    j["constraint"] = std::move(inner);
  }
  return j;
}

json resources_json(const Resources& r) {
  json j = r.extra;
  put(j, "cpu", r.cpu);
  put(j, "mem", r.mem);
  put(j, "storage", r.storage);
  put(j, "delay", r.delay);
  put(j, "bandwidth", r.bandwidth);
  put(j, "cost", r.cost);
  return j;
}

}  // namespace detail

json to_json(const Nffg& g) {
  json j = g.extra;
  j["parameters"] = parameters_json(g.parameters);
  put_list(j, "node_nfs", g.node_nfs, nf_json);
  put_list(j, "node_saps", g.node_saps, sap_json);
  put_list(j, "node_infras", g.node_infras, infra_json);
  put_list(j, "edge_links", g.edge_links, link_json);
  put_list(j, "edge_sg_nexthops", g.edge_sg_nexthops, hop_json);
  put_list(j, "edge_reqs", g.edge_reqs, req_json);
  return j;
}

}  // namespace chainlab::escape
