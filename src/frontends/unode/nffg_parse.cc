// parse_nffg: both spellings, strictly (nffg.h). Structure first (keys, types, bounds), then the
// references between rules, VNFs and end-points (nffg_check.cc).
#include <fmt/format.h>

#include "common/field_path.h"
#include "common/field_reader.h"
#include "frontends/unode/nffg.h"
#include "frontends/unode/nffg_internal.h"

namespace chainlab::unode {
namespace {

using nlohmann::json;

// The keys of one spelling: the reference's and the seed's.
struct Spelling {
  const char* root;
  const char* vnfs;
  const char* endpoints;
  const char* rules_parent;  // "" when the rules sit in the root
  const char* rules;
};
constexpr Spelling kReference{"forwarding-graph", "VNFs", "end-points", "big-switch", "flow-rules"};
constexpr Spelling kSeed{"sffg", "SFs", "saps", "", "flowrules"};

class Reader {
 public:
  Reader(const NffgLimits& limits) : limits_(limits) {}

  Result<Nffg> graph(const json& root, std::string_view path, const Spelling& s);

 private:
  Result<std::string> text(const FieldReader& r, std::string_view key, bool required) const;
  Result<Vnf> vnf(const json& v, const std::string& path) const;
  Result<VnfPort> port(const json& p, const std::string& path) const;
  Result<Endpoint> endpoint(const json& e, const std::string& path) const;
  Status endpoint_body(const FieldReader& r, Endpoint& e) const;
  Result<FlowRule> rule(const json& r, const std::string& path) const;
  Result<Match> match(const json& m, const std::string& path) const;
  Result<std::vector<Action>> actions(const json& a, const std::string& path) const;

  const NffgLimits& limits_;
};

Result<std::string> Reader::text(const FieldReader& r, std::string_view key, bool required) const {
  CL_ASSIGN_OR_RETURN(std::optional<std::string> v, r.opt_string(key));
  if (!v) {
    if (required) {
      return field_error("", r.path(key), "is required");
    }
    return std::string();
  }
  if (v->size() > limits_.text) {
    return field_error("", r.path(key), fmt::format("longer than {} bytes", limits_.text));
  }
  return *v;
}

Result<VnfPort> Reader::port(const json& p, const std::string& path) const {
  CL_RETURN_IF_ERROR(
      only_keys(p, path, {"id", "name", "mac", "unify-ip", "trusted", "gui-position"}));
  FieldReader r(p, path);
  VnfPort out;
  CL_ASSIGN_OR_RETURN(out.id, text(r, "id", true));
  CL_ASSIGN_OR_RETURN(out.name, text(r, "name", false));
  CL_ASSIGN_OR_RETURN(out.mac, text(r, "mac", false));
  if (!out.mac.empty() && (!valid_mac(out.mac) || multicast_mac(out.mac))) {
    return field_error("", r.path("mac"),
                       "expected a unicast MAC address such as 02:00:00:00:00:01");
  }
  out.mac = normal_mac(out.mac);
  CL_ASSIGN_OR_RETURN(out.ip, text(r, "unify-ip", false));
  if (!out.ip.empty() && !valid_ipv4(out.ip)) {
    return field_error("", r.path("unify-ip"), "expected an IPv4 address or CIDR");
  }
  CL_ASSIGN_OR_RETURN(auto trusted, r.opt_bool("trusted"));
  out.trusted = trusted.value_or(false);
  if (out.trusted && out.mac.empty()) {
    return field_error("", r.path("trusted"), "a trusted port needs its mac");
  }
  return out;
}

Result<Vnf> Reader::vnf(const json& v, const std::string& path) const {
  CL_RETURN_IF_ERROR(
      only_keys(v, path,
                {"id", "name", "functional-capability", "vnf_template", "domain", "gui-position",
                 "ports", "unify-control", "unify-env-variables", "groups"}));
  FieldReader r(v, path);
  Vnf out;
  CL_ASSIGN_OR_RETURN(out.id, text(r, "id", true));
  CL_ASSIGN_OR_RETURN(out.name, text(r, "name", true));  // the reference's parser insists
  CL_ASSIGN_OR_RETURN(out.capability, text(r, "functional-capability", false));
  CL_ASSIGN_OR_RETURN(out.template_id, text(r, "vnf_template", false));
  CL_ASSIGN_OR_RETURN(out.domain, text(r, "domain", false));
  CL_RETURN_IF_ERROR(each_item(v, path, "ports", limits_.ports_per_vnf,
                               [&](const json& p, const std::string& at) -> Status {
                                 CL_ASSIGN_OR_RETURN(VnfPort port, this->port(p, at));
                                 out.ports.push_back(std::move(port));
                                 return ok_status();
                               }));
  CL_RETURN_IF_ERROR(read_control(v, path, out.control));
  CL_RETURN_IF_ERROR(read_env(v, path, limits_.text, out.env));
  CL_RETURN_IF_ERROR(read_groups(v, path, limits_.text, out.groups));
  return out;
}

Result<Endpoint> Reader::endpoint(const json& e, const std::string& path) const {
  CL_RETURN_IF_ERROR(
      only_keys(e, path,
                {"id", "name", "domain", "gui-position", "type", "interface", "interface-out",
                 "vlan", "gre-tunnel", "gre", "internal", "host-stack"}));
  FieldReader r(e, path);
  Endpoint out;
  CL_ASSIGN_OR_RETURN(out.id, text(r, "id", true));
  CL_ASSIGN_OR_RETURN(out.name, text(r, "name", false));
  CL_ASSIGN_OR_RETURN(out.domain, text(r, "domain", false));
  CL_ASSIGN_OR_RETURN(std::string type, text(r, "type", true));
  CL_ASSIGN_OR_RETURN(out.type, parse_endpoint_type(type, r.path("type")));
  CL_RETURN_IF_ERROR(endpoint_body(r, out));
  return out;
}

Status Reader::endpoint_body(const FieldReader& r, Endpoint& e) const {
  // The seed writes a GRE SAP as {"type": "gre", "gre": {...}}.
  std::string key = std::string(endpoint_type_name(e.type));
  if (e.type == EndpointType::kGreTunnel && !r.value().contains(key)) {
    key = "gre";
  }
  CL_ASSIGN_OR_RETURN(FieldReader body, r.object(key));
  return read_endpoint_body(body, limits_.text, e);
}

Result<Match> Reader::match(const json& m, const std::string& path) const {
  CL_RETURN_IF_ERROR(
      only_keys(m, path,
                {"port_in", "ether_type", "vlan_id", "vlan_priority", "source_mac", "dest_mac",
                 "source_ip", "dest_ip", "arp_spa", "arp_tpa", "tos_bits", "source_port",
                 "dest_port", "protocol", "hard_timeout"}));
  FieldReader r(m, path);
  Match out;
  CL_ASSIGN_OR_RETURN(std::string port_in, text(r, "port_in", true));
  CL_ASSIGN_OR_RETURN(out.port_in, port_ref(port_in, r.path("port_in")));
  CL_RETURN_IF_ERROR(read_match_fields(r, out));
  return out;
}

Result<std::vector<Action>> Reader::actions(const json& a, const std::string& path) const {
  std::vector<Action> out;
  // The seed writes one object of actions; the reference a list of one-key objects.
  if (a.is_object()) {
    CL_RETURN_IF_ERROR(read_action_object(a, path, limits_, out));
    return out;
  }
  if (!a.is_array()) {
    return field_error("", path, "expected a list of actions");
  }
  if (a.size() > limits_.actions_per_rule) {
    return field_error("", path, fmt::format("more than {} actions", limits_.actions_per_rule));
  }
  for (size_t i = 0; i < a.size(); ++i) {
    CL_RETURN_IF_ERROR(read_action_object(a[i], field_item(path, i), limits_, out));
  }
  return out;
}

Result<FlowRule> Reader::rule(const json& j, const std::string& path) const {
  CL_RETURN_IF_ERROR(only_keys(j, path, {"id", "description", "priority", "match", "actions"}));
  FieldReader r(j, path);
  FlowRule out;
  CL_ASSIGN_OR_RETURN(out.id, text(r, "id", true));
  CL_ASSIGN_OR_RETURN(out.description, text(r, "description", false));
  CL_ASSIGN_OR_RETURN(auto priority, r.opt_int("priority", 0, 65535));
  out.priority = priority.value_or(0);  // optional in the reference too
  if (!j.contains("match")) {
    return field_error("", r.path("match"), "is required");
  }
  CL_ASSIGN_OR_RETURN(out.match, match(j["match"], r.path("match")));
  if (!j.contains("actions")) {
    return field_error("", r.path("actions"), "is required");
  }
  CL_ASSIGN_OR_RETURN(out.actions, actions(j["actions"], r.path("actions")));
  return out;
}

Result<Nffg> Reader::graph(const json& root, std::string_view path, const Spelling& s) {
  std::string at(path);
  if (!root.is_object()) {
    return field_error("", at, "expected an object");
  }
  bool nested = s.rules_parent[0] != '\0';
  CL_RETURN_IF_ERROR(only_keys(root, at,
                               {"id", "name", "description", "domain", "unify-monitoring", s.vnfs,
                                s.endpoints, nested ? s.rules_parent : s.rules}));
  FieldReader r(root, at);
  Nffg g;
  CL_ASSIGN_OR_RETURN(g.id, text(r, "id", false));
  CL_ASSIGN_OR_RETURN(g.name, text(r, "name", false));
  CL_ASSIGN_OR_RETURN(g.description, text(r, "description", false));
  CL_ASSIGN_OR_RETURN(g.domain, text(r, "domain", false));
  CL_ASSIGN_OR_RETURN(g.monitoring, text(r, "unify-monitoring", false));
  CL_RETURN_IF_ERROR(
      each_item(root, at, s.vnfs, limits_.vnfs, [&](const json& v, const std::string& p) -> Status {
        CL_ASSIGN_OR_RETURN(Vnf x, vnf(v, p));
        g.vnfs.push_back(std::move(x));
        return ok_status();
      }));
  CL_RETURN_IF_ERROR(each_item(root, at, s.endpoints, limits_.endpoints,
                               [&](const json& e, const std::string& p) -> Status {
                                 CL_ASSIGN_OR_RETURN(Endpoint x, endpoint(e, p));
                                 g.endpoints.push_back(std::move(x));
                                 return ok_status();
                               }));
  const json* rules_parent = &root;
  std::string rules_path = at;
  if (nested) {
    rules_path = field_join(at, s.rules_parent);
    if (!root.contains(s.rules_parent)) {
      return check_references(std::move(g), at, s.rules);  // a graph without rules
    }
    rules_parent = &root[s.rules_parent];
    if (!rules_parent->is_object()) {
      return field_error("", rules_path, "expected an object");
    }
    CL_RETURN_IF_ERROR(only_keys(*rules_parent, rules_path, {s.rules}));
  }
  CL_RETURN_IF_ERROR(each_item(*rules_parent, rules_path, s.rules, limits_.rules,
                               [&](const json& j, const std::string& p) -> Status {
                                 CL_ASSIGN_OR_RETURN(FlowRule x, rule(j, p));
                                 g.rules.push_back(std::move(x));
                                 return ok_status();
                               }));
  return check_references(std::move(g), rules_path, s.rules);
}

}  // namespace

Result<Nffg> parse_nffg(const json& document, const NffgLimits& limits) {
  if (!document.is_object()) {
    return field_error("", "", "expected a JSON object with a forwarding-graph");
  }
  Reader reader(limits);
  for (const Spelling* s : {&kReference, &kSeed}) {
    if (document.contains(s->root)) {
      CL_RETURN_IF_ERROR(only_keys(document, "", {s->root}));
      return reader.graph(document[s->root], s->root, *s);
    }
  }
  return field_error("", "forwarding-graph", "is required (or the seed's sffg)");
}

}  // namespace chainlab::unode
