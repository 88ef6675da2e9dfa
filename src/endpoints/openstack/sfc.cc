#include "endpoints/openstack/sfc.h"

#include <httplib.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <set>

#include "common/json_bounded.h"
#include "endpoints/http/router.h"

namespace chainlab::endpoints {
namespace {

using json = nlohmann::json;
using openstack::Sfc;

// ---- parsing (lenient where the CLI sends strings: "weight=2", "symmetric=true")
// ------------------------------------------------------

Error bad(std::string message) {
  return Error{ErrorCode::kInvalidArgument, std::move(message)};
}

// The object under `key` of the request body; unknown attributes are refused as Neutron does.
Result<json> resource_body(const httplib::Request& req, const std::string& key,
                           const std::set<std::string>& allowed) {
  json body = parse_json(req.body, "Request body").value_or(json());
  if (!body.is_object()) {
    return bad("Request body is not a JSON object.");
  }
  auto it = body.find(key);
  if (it == body.end() || !it->is_object()) {
    return bad(fmt::format("Resource body required: expected an object under '{}'.", key));
  }
  std::vector<std::string> unknown;
  for (const auto& [k, v] : it->items()) {
    if (allowed.count(k) == 0 && k != "project_id" && k != "tenant_id") {
      unknown.push_back(k);
    }
  }
  if (!unknown.empty()) {
    return bad(fmt::format("Unrecognized attribute(s) '{}'", fmt::join(unknown, ", ")));
  }
  return *it;
}

// Readers: absent or null -> nullopt; a wrong type -> InvalidArgument naming the attribute.
Result<std::optional<std::string>> opt_string(const json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) {
    return std::optional<std::string>();
  }
  if (!it->is_string()) {
    return bad(fmt::format("Invalid input for {}: '{}' is not a string.", key, it->dump()));
  }
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::optional<int>> opt_int(const json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) {
    return std::optional<int>();
  }
  // The CLI sends "weight=2" as a string; json_int takes both (common/units.h).
  auto v = json_int(*it, "", INT32_MIN, INT32_MAX);
  if (!v.ok()) {
    return bad(fmt::format("Invalid input for {}: {}.", key, v.error().message));
  }
  return std::optional<int>(static_cast<int>(*v));
}

Result<std::optional<bool>> opt_bool(const json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) {
    return std::optional<bool>();
  }
  if (it->is_boolean()) {
    return std::optional<bool>(it->get<bool>());
  }
  if (it->is_string()) {  // "symmetric=true" from the CLI
    std::string s = it->get<std::string>();
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    if (s == "true" || s == "1") {
      return std::optional<bool>(true);
    }
    if (s == "false" || s == "0") {
      return std::optional<bool>(false);
    }
  }
  return bad(fmt::format("Invalid input for {}: '{}' is not a boolean.", key, it->dump()));
}

Result<std::optional<std::vector<std::string>>> opt_ids(const json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) {
    return std::optional<std::vector<std::string>>();
  }
  if (!it->is_array()) {
    return bad(fmt::format("Invalid input for {}: '{}' is not a list.", key, it->dump()));
  }
  std::vector<std::string> out;
  for (const auto& v : *it) {
    if (!v.is_string()) {
      return bad(fmt::format("Invalid input for {}: '{}' is not an id.", key, v.dump()));
    }
    out.push_back(v.get<std::string>());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Result<json> opt_object(const json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) {
    return json::object();
  }
  if (!it->is_object()) {
    return bad(fmt::format("Invalid input for {}: '{}' is not a dictionary.", key, it->dump()));
  }
  return *it;
}

// ---- JSON of each resource ----------------------------------------------------------------------

json opt_json(const std::string& s) {
  return s.empty() ? json(nullptr) : json(s);
}

json opt_json(const std::optional<int>& v) {
  return v ? json(*v) : json(nullptr);
}

json to_json(const openstack::PortPair& pp) {
  const auto& sfp = pp.service_function_parameters;
  return {{"id", pp.id},
          {"name", pp.name},
          {"description", pp.description},
          {"project_id", pp.project_id},
          {"tenant_id", pp.project_id},
          {"ingress", pp.ingress},
          {"egress", pp.egress},
          {"service_function_parameters",
           {{"correlation", sfp.correlation ? json(*sfp.correlation) : json(nullptr)},
            {"weight", sfp.weight}}}};
}

json to_json(const openstack::PortPairGroup& g) {
  return {{"id", g.id},
          {"name", g.name},
          {"description", g.description},
          {"project_id", g.project_id},
          {"tenant_id", g.project_id},
          {"port_pairs", g.port_pairs},
          {"port_pair_group_parameters",
           {{"lb_fields", g.port_pair_group_parameters.lb_fields},
            {"ppg_n_tuple_mapping",
             {{"ingress_n_tuple", json::object()}, {"egress_n_tuple", json::object()}}}}},
          {"group_id", g.group_id},
          {"tap_enabled", g.tap_enabled}};
}

json to_json(const openstack::FlowClassifier& fc) {
  return {{"id", fc.id},
          {"name", fc.name},
          {"description", fc.description},
          {"project_id", fc.project_id},
          {"tenant_id", fc.project_id},
          {"ethertype", fc.ethertype},
          {"protocol", opt_json(fc.protocol)},
          {"source_port_range_min", opt_json(fc.source_port_range_min)},
          {"source_port_range_max", opt_json(fc.source_port_range_max)},
          {"destination_port_range_min", opt_json(fc.destination_port_range_min)},
          {"destination_port_range_max", opt_json(fc.destination_port_range_max)},
          {"source_ip_prefix", opt_json(fc.source_ip_prefix)},
          {"destination_ip_prefix", opt_json(fc.destination_ip_prefix)},
          {"logical_source_port", opt_json(fc.logical_source_port)},
          {"logical_destination_port", opt_json(fc.logical_destination_port)},
          {"l7_parameters", fc.l7_parameters}};
}

json to_json(const openstack::PortChain& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"description", c.description},
          {"project_id", c.project_id},
          {"tenant_id", c.project_id},
          {"port_pair_groups", c.port_pair_groups},
          {"flow_classifiers", c.flow_classifiers},
          {"chain_parameters",
           {{"correlation", c.chain_parameters.correlation},
            {"symmetric", c.chain_parameters.symmetric}}},
          {"chain_id", c.chain_id}};
}

// ---- request bodies -> typed requests -----------------------------------------------------------

#define SFC_READ(target, reader, obj, key) \
  do {                                     \
    auto value_ = reader(obj, key);        \
    if (!value_.ok()) {                    \
      return std::move(value_).error();    \
    }                                      \
    if (value_->has_value()) {             \
      target = **value_;                   \
    }                                      \
  } while (0)

Result<openstack::PortPairCreate> port_pair_create(const json& o) {
  openstack::PortPairCreate r;
  SFC_READ(r.name, opt_string, o, "name");
  SFC_READ(r.description, opt_string, o, "description");
  SFC_READ(r.ingress, opt_string, o, "ingress");
  SFC_READ(r.egress, opt_string, o, "egress");
  if (r.ingress.empty() || r.egress.empty()) {
    return bad("Port pair requires ingress and egress.");
  }
  CL_ASSIGN_OR_RETURN(json sfp, opt_object(o, "service_function_parameters"));
  for (const auto& [k, v] : sfp.items()) {
    if (k != "correlation" && k != "weight") {
      return bad(fmt::format("Invalid service_function_parameters key '{}'", k));
    }
  }
  CL_ASSIGN_OR_RETURN(r.service_function_parameters.correlation, opt_string(sfp, "correlation"));
  if (r.service_function_parameters.correlation == "None") {
    r.service_function_parameters.correlation.reset();
  }
  SFC_READ(r.service_function_parameters.weight, opt_int, sfp, "weight");
  return r;
}

Result<openstack::PortPairGroupCreate> group_create(const json& o) {
  openstack::PortPairGroupCreate r;
  SFC_READ(r.name, opt_string, o, "name");
  SFC_READ(r.description, opt_string, o, "description");
  SFC_READ(r.port_pairs, opt_ids, o, "port_pairs");
  SFC_READ(r.tap_enabled, opt_bool, o, "tap_enabled");
  CL_ASSIGN_OR_RETURN(json params, opt_object(o, "port_pair_group_parameters"));
  for (const auto& [k, v] : params.items()) {
    if (k != "lb_fields" && k != "ppg_n_tuple_mapping") {
      return bad(fmt::format("Invalid port_pair_group_parameters key '{}'", k));
    }
  }
  SFC_READ(r.port_pair_group_parameters.lb_fields, opt_ids, params, "lb_fields");
  return r;
}

Result<openstack::FlowClassifierCreate> classifier_create(const json& o) {
  openstack::FlowClassifierCreate r;
  SFC_READ(r.name, opt_string, o, "name");
  SFC_READ(r.description, opt_string, o, "description");
  SFC_READ(r.ethertype, opt_string, o, "ethertype");
  if (auto it = o.find("protocol"); it != o.end() && it->is_number_integer()) {
    r.protocol = std::to_string(it->get<int64_t>());
  } else {
    SFC_READ(r.protocol, opt_string, o, "protocol");
  }
  CL_ASSIGN_OR_RETURN(r.source_port_range_min, opt_int(o, "source_port_range_min"));
  CL_ASSIGN_OR_RETURN(r.source_port_range_max, opt_int(o, "source_port_range_max"));
  CL_ASSIGN_OR_RETURN(r.destination_port_range_min, opt_int(o, "destination_port_range_min"));
  CL_ASSIGN_OR_RETURN(r.destination_port_range_max, opt_int(o, "destination_port_range_max"));
  SFC_READ(r.source_ip_prefix, opt_string, o, "source_ip_prefix");
  SFC_READ(r.destination_ip_prefix, opt_string, o, "destination_ip_prefix");
  SFC_READ(r.logical_source_port, opt_string, o, "logical_source_port");
  SFC_READ(r.logical_destination_port, opt_string, o, "logical_destination_port");
  if (auto it = o.find("l7_parameters"); it != o.end() && !it->is_null()) {
    // The CLI passes --l7-parameters through as a string.
    json l7 = it->is_string() ? parse_json(it->get<std::string>(), "l7_parameters").value_or(json())
                              : *it;
    if (it->is_string() && it->get<std::string>().empty()) {
      l7 = json::object();
    }
    if (!l7.is_object()) {
      return bad(fmt::format("Invalid input for l7_parameters: '{}'", it->dump()));
    }
    for (const auto& [k, v] : l7.items()) {
      r.l7_parameters[k] = v.is_string() ? v.get<std::string>() : v.dump();
    }
  }
  return r;
}

Result<openstack::PortChainCreate> chain_create(const json& o) {
  openstack::PortChainCreate r;
  SFC_READ(r.name, opt_string, o, "name");
  SFC_READ(r.description, opt_string, o, "description");
  SFC_READ(r.port_pair_groups, opt_ids, o, "port_pair_groups");
  SFC_READ(r.flow_classifiers, opt_ids, o, "flow_classifiers");
  SFC_READ(r.chain_id, opt_int, o, "chain_id");
  CL_ASSIGN_OR_RETURN(json params, opt_object(o, "chain_parameters"));
  for (const auto& [k, v] : params.items()) {
    if (k != "correlation" && k != "symmetric") {
      return bad(fmt::format("Invalid chain_parameters key '{}'", k));
    }
  }
  SFC_READ(r.chain_parameters.correlation, opt_string, params, "correlation");
  SFC_READ(r.chain_parameters.symmetric, opt_bool, params, "symmetric");
  return r;
}

#undef SFC_READ

// ---- routes -------------------------------------------------------------------------------------

// What one resource kind needs to be served.
struct Resource {
  std::string singular;  // "port_pair"
  std::string plural;    // "port_pairs"
  std::string not_found_type;
  std::set<std::string> create_keys;
  std::set<std::string> update_keys;
  std::function<json()> list;
  std::function<Result<json>(const std::string&)> get;
  std::function<Result<json>(const json&)> create;
  std::function<Result<json>(const std::string&, const json&)> update;
  std::function<Status(const std::string&)> remove;
};

template <typename T>
json list_json(const std::vector<T>& items) {
  json out = json::array();
  for (const auto& i : items) {
    out.push_back(to_json(i));
  }
  return out;
}

template <typename T>
Result<json> as_json(Result<T> r) {
  if (!r.ok()) {
    return std::move(r).error();
  }
  return to_json(*r);
}

Resource port_pair_resource(Sfc& sfc) {
  return Resource{"port_pair",
                  "port_pairs",
                  "PortPairNotFound",
                  {"name", "description", "ingress", "egress", "service_function_parameters"},
                  {"name", "description"},
                  [&sfc] { return list_json(sfc.list_port_pairs()); },
                  [&sfc](const std::string& id) { return as_json(sfc.get_port_pair(id)); },
                  [&sfc](const json& o) -> Result<json> {
                    CL_ASSIGN_OR_RETURN(auto r, port_pair_create(o));
                    return as_json(sfc.create_port_pair(r));
                  },
                  [&sfc](const std::string& id, const json& o) -> Result<json> {
                    openstack::PortPairUpdate u;
                    CL_ASSIGN_OR_RETURN(u.name, opt_string(o, "name"));
                    CL_ASSIGN_OR_RETURN(u.description, opt_string(o, "description"));
                    return as_json(sfc.update_port_pair(id, u));
                  },
                  [&sfc](const std::string& id) { return sfc.delete_port_pair(id); }};
}

Resource group_resource(Sfc& sfc) {
  return Resource{
      "port_pair_group",
      "port_pair_groups",
      "PortPairGroupNotFound",
      {"name", "description", "port_pairs", "port_pair_group_parameters", "tap_enabled"},
      {"name", "description", "port_pairs"},
      [&sfc] { return list_json(sfc.list_port_pair_groups()); },
      [&sfc](const std::string& id) { return as_json(sfc.get_port_pair_group(id)); },
      [&sfc](const json& o) -> Result<json> {
        CL_ASSIGN_OR_RETURN(auto r, group_create(o));
        return as_json(sfc.create_port_pair_group(r));
      },
      [&sfc](const std::string& id, const json& o) -> Result<json> {
        openstack::PortPairGroupUpdate u;
        CL_ASSIGN_OR_RETURN(u.name, opt_string(o, "name"));
        CL_ASSIGN_OR_RETURN(u.description, opt_string(o, "description"));
        CL_ASSIGN_OR_RETURN(u.port_pairs, opt_ids(o, "port_pairs"));
        return as_json(sfc.update_port_pair_group(id, u));
      },
      [&sfc](const std::string& id) { return sfc.delete_port_pair_group(id); }};
}

Resource classifier_resource(Sfc& sfc) {
  return Resource{"flow_classifier",
                  "flow_classifiers",
                  "FlowClassifierNotFound",
                  {"name", "description", "ethertype", "protocol", "source_port_range_min",
                   "source_port_range_max", "destination_port_range_min",
                   "destination_port_range_max", "source_ip_prefix", "destination_ip_prefix",
                   "logical_source_port", "logical_destination_port", "l7_parameters"},
                  {"name", "description"},
                  [&sfc] { return list_json(sfc.list_flow_classifiers()); },
                  [&sfc](const std::string& id) { return as_json(sfc.get_flow_classifier(id)); },
                  [&sfc](const json& o) -> Result<json> {
                    CL_ASSIGN_OR_RETURN(auto r, classifier_create(o));
                    return as_json(sfc.create_flow_classifier(r));
                  },
                  [&sfc](const std::string& id, const json& o) -> Result<json> {
                    openstack::FlowClassifierUpdate u;
                    CL_ASSIGN_OR_RETURN(u.name, opt_string(o, "name"));
                    CL_ASSIGN_OR_RETURN(u.description, opt_string(o, "description"));
                    return as_json(sfc.update_flow_classifier(id, u));
                  },
                  [&sfc](const std::string& id) { return sfc.delete_flow_classifier(id); }};
}

Resource chain_resource(Sfc& sfc) {
  return Resource{"port_chain",
                  "port_chains",
                  "PortChainNotFound",
                  {"name", "description", "port_pair_groups", "flow_classifiers",
                   "chain_parameters", "chain_id"},
                  {"name", "description", "port_pair_groups", "flow_classifiers"},
                  [&sfc] { return list_json(sfc.list_port_chains()); },
                  [&sfc](const std::string& id) { return as_json(sfc.get_port_chain(id)); },
                  [&sfc](const json& o) -> Result<json> {
                    CL_ASSIGN_OR_RETURN(auto r, chain_create(o));
                    return as_json(sfc.create_port_chain(r));
                  },
                  [&sfc](const std::string& id, const json& o) -> Result<json> {
                    openstack::PortChainUpdate u;
                    CL_ASSIGN_OR_RETURN(u.name, opt_string(o, "name"));
                    CL_ASSIGN_OR_RETURN(u.description, opt_string(o, "description"));
                    CL_ASSIGN_OR_RETURN(u.port_pair_groups, opt_ids(o, "port_pair_groups"));
                    CL_ASSIGN_OR_RETURN(u.flow_classifiers, opt_ids(o, "flow_classifiers"));
                    return as_json(sfc.update_port_chain(id, u));
                  },
                  [&sfc](const std::string& id) { return sfc.delete_port_chain(id); }};
}

std::vector<Resource> resources(Sfc& sfc) {
  return {port_pair_resource(sfc), group_resource(sfc), classifier_resource(sfc),
          chain_resource(sfc)};
}

// An unknown id answers with the resource's own NotFound type.
Reply fail(const Resource& r, const Error& e) {
  return openstack_error_reply(ErrorStyle::kNeutron, e,
                               e.code == ErrorCode::kNotFound ? r.not_found_type : "");
}

Result<Reply> list(const Resource& r, const httplib::Request& req) {
  return Reply(json{{r.plural, filter_items(r.list(), req)}});
}

Result<Reply> create(const Resource& r, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json body, resource_body(req, r.singular, r.create_keys));
  auto created = r.create(body);
  return created.ok() ? Reply(json{{r.singular, *created}}, 201) : fail(r, created.error());
}

Result<Reply> show(const Resource& r, const httplib::Request& req) {
  auto got = r.get(req.matches[1]);
  return got.ok() ? Reply(json{{r.singular, *got}}) : fail(r, got.error());
}

Result<Reply> update(const Resource& r, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json body, resource_body(req, r.singular, r.update_keys));
  auto updated = r.update(req.matches[1], body);
  return updated.ok() ? Reply(json{{r.singular, *updated}}) : fail(r, updated.error());
}

Result<Reply> remove(const Resource& r, const httplib::Request& req) {
  Status s = r.remove(req.matches[1]);
  return s.ok() ? Reply::empty(204) : fail(r, s.error());
}

// The five routes of one resource, behind the router's token guard.
void add_routes(Router& router, std::shared_ptr<const Resource> r) {
  const std::string collection = R"(/v2\.0/sfc/)" + r->plural + R"((?:\.json)?)";
  const std::string item = R"(/v2\.0/sfc/)" + r->plural + R"(/([^/]+?)(?:\.json)?)";
  using Fn = Result<Reply> (*)(const Resource&, const httplib::Request&);
  const std::pair<Method, Fn> kCollection[] = {{Method::kGet, &list}, {Method::kPost, &create}};
  const std::pair<Method, Fn> kItem[] = {
      {Method::kGet, &show}, {Method::kPut, &update}, {Method::kDelete, &remove}};
  // Plain pairs, not structured bindings: clang 14 cannot capture those in a lambda.
  for (const auto& route : kCollection) {
    Fn fn = route.second;
    router.add(route.first, collection,
               [r, fn](const httplib::Request& req) { return fn(*r, req); });
  }
  for (const auto& route : kItem) {
    Fn fn = route.second;
    router.add(route.first, item, [r, fn](const httplib::Request& req) { return fn(*r, req); });
  }
}

}  // namespace

Result<json> sfc_resource_body(const httplib::Request& req, const std::string& key,
                               const std::set<std::string>& allowed) {
  return resource_body(req, key, allowed);
}
Result<openstack::PortPairCreate> parse_port_pair_create(const json& o) {
  return port_pair_create(o);
}
Result<openstack::PortPairGroupCreate> parse_port_pair_group_create(const json& o) {
  return group_create(o);
}
Result<openstack::FlowClassifierCreate> parse_flow_classifier_create(const json& o) {
  return classifier_create(o);
}
Result<openstack::PortChainCreate> parse_port_chain_create(const json& o) {
  return chain_create(o);
}

OpenStackSfcEndpoint::OpenStackSfcEndpoint(std::shared_ptr<openstack::Cloud> cloud)
    : cloud_(std::move(cloud)),
      sfc_(std::make_unique<openstack::Sfc>(*cloud_, cloud_->emulation())) {}

OpenStackSfcEndpoint::~OpenStackSfcEndpoint() = default;

void OpenStackSfcEndpoint::register_routes(httplib::Server& server) {
  Router router(server, *this, token_guard(cloud_));
  for (Resource& r : resources(*sfc_)) {
    add_routes(router, std::make_shared<const Resource>(std::move(r)));
  }
}

void OpenStackSfcEndpoint::write_error(httplib::Response& res, const Error& error) const {
  send_openstack_error(res, ErrorStyle::kNeutron, error);
}

}  // namespace chainlab::endpoints
