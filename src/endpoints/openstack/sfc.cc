#include "endpoints/openstack/sfc.h"

#include <httplib.h>

#include <set>

#include "common/field_reader.h"
#include "common/json_bounded.h"
#include "endpoints/http/router.h"
#include "endpoints/openstack/resource.h"

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

// Readers: absent or null -> nullopt; a wrong type -> InvalidArgument naming the attribute, in
// networking-sfc's words (endpoints/http/body.h).
FieldReader reader(const json& o) {
  return FieldReader(o, "", FieldStyle::kNetworkingSfc);
}

Result<std::optional<std::string>> opt_string(const json& o, const char* key) {
  return reader(o).opt_string(key);
}

// The CLI sends "weight=2" and "symmetric=true" as strings; both are read.
Result<std::optional<int>> opt_int(const json& o, const char* key) {
  CL_ASSIGN_OR_RETURN(std::optional<int64_t> v, reader(o).opt_int(key, INT32_MIN, INT32_MAX));
  return v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
}

Result<std::optional<bool>> opt_bool(const json& o, const char* key) {
  return reader(o).opt_bool(key);
}

Result<std::optional<std::vector<std::string>>> opt_ids(const json& o, const char* key) {
  return reader(o).opt_string_list(key, "an id");
}

// The object under `key` ({} when absent) whose keys are all `allowed`.
Result<json> parameters(const json& o, const char* key, const std::set<std::string>& allowed) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) {
    return json::object();
  }
  if (!it->is_object()) {
    return bad(fmt::format("Invalid input for {}: '{}' is not a dictionary.", key, it->dump()));
  }
  for (const auto& [k, v] : it->items()) {
    if (allowed.count(k) == 0) {
      return bad(fmt::format("Invalid {} key '{}'", key, k));
    }
  }
  return *it;
}

// The name and description every resource has (a create request's or an update's).
template <typename R>
Status read_name_and_description(R& r, const json& o) {
  CL_RETURN_IF_ERROR(set_if(r.name, opt_string(o, "name")));
  return set_if(r.description, opt_string(o, "description"));
}

// ---- JSON of each resource ----------------------------------------------------------------------

// `fields` with what every networking-sfc resource has: id, name, description and project (as
// tenant_id too).
template <typename Record>
json with_common_attributes(json fields, const Record& r) {
  fields.update({{"id", r.id},
                 {"name", r.name},
                 {"description", r.description},
                 {"project_id", r.project_id},
                 {"tenant_id", r.project_id}});
  return fields;
}

json to_json(const openstack::PortPair& pp) {
  const auto& sfp = pp.service_function_parameters;
  json parameters = {{"correlation", sfp.correlation ? json(*sfp.correlation) : json(nullptr)},
                     {"weight", sfp.weight}};
  return with_common_attributes(
      {{"ingress", pp.ingress}, {"egress", pp.egress}, {"service_function_parameters", parameters}},
      pp);
}

json to_json(const openstack::PortPairGroup& g) {
  json parameters = {{"lb_fields", g.port_pair_group_parameters.lb_fields},
                     {"ppg_n_tuple_mapping",
                      {{"ingress_n_tuple", json::object()}, {"egress_n_tuple", json::object()}}}};
  return with_common_attributes({{"port_pairs", g.port_pairs},
                                 {"port_pair_group_parameters", parameters},
                                 {"group_id", g.group_id},
                                 {"tap_enabled", g.tap_enabled}},
                                g);
}

json to_json(const openstack::FlowClassifier& fc) {
  return with_common_attributes(
      {{"ethertype", fc.ethertype},
       {"protocol", null_if_empty(fc.protocol)},
       {"source_port_range_min", null_if_empty(fc.source_port_range_min)},
       {"source_port_range_max", null_if_empty(fc.source_port_range_max)},
       {"destination_port_range_min", null_if_empty(fc.destination_port_range_min)},
       {"destination_port_range_max", null_if_empty(fc.destination_port_range_max)},
       {"source_ip_prefix", null_if_empty(fc.source_ip_prefix)},
       {"destination_ip_prefix", null_if_empty(fc.destination_ip_prefix)},
       {"logical_source_port", null_if_empty(fc.logical_source_port)},
       {"logical_destination_port", null_if_empty(fc.logical_destination_port)},
       {"l7_parameters", fc.l7_parameters}},
      fc);
}

json to_json(const openstack::PortChain& c) {
  json parameters = {{"correlation", c.chain_parameters.correlation},
                     {"symmetric", c.chain_parameters.symmetric}};
  return with_common_attributes({{"port_pair_groups", c.port_pair_groups},
                                 {"flow_classifiers", c.flow_classifiers},
                                 {"chain_parameters", parameters},
                                 {"chain_id", c.chain_id}},
                                c);
}

// ---- request bodies -> typed requests -----------------------------------------------------------

Result<openstack::PortPairCreate> port_pair_create(const json& o) {
  openstack::PortPairCreate r;
  CL_RETURN_IF_ERROR(read_name_and_description(r, o));
  CL_RETURN_IF_ERROR(set_if(r.ingress, opt_string(o, "ingress")));
  CL_RETURN_IF_ERROR(set_if(r.egress, opt_string(o, "egress")));
  if (r.ingress.empty() || r.egress.empty()) {
    return bad("Port pair requires ingress and egress.");
  }
  CL_ASSIGN_OR_RETURN(json sfp,
                      parameters(o, "service_function_parameters", {"correlation", "weight"}));
  CL_ASSIGN_OR_RETURN(r.service_function_parameters.correlation, opt_string(sfp, "correlation"));
  if (r.service_function_parameters.correlation == "None") {
    r.service_function_parameters.correlation.reset();
  }
  CL_RETURN_IF_ERROR(set_if(r.service_function_parameters.weight, opt_int(sfp, "weight")));
  return r;
}

Result<openstack::PortPairGroupCreate> group_create(const json& o) {
  openstack::PortPairGroupCreate r;
  CL_RETURN_IF_ERROR(read_name_and_description(r, o));
  CL_RETURN_IF_ERROR(set_if(r.port_pairs, opt_ids(o, "port_pairs")));
  CL_RETURN_IF_ERROR(set_if(r.tap_enabled, opt_bool(o, "tap_enabled")));
  CL_ASSIGN_OR_RETURN(json params, parameters(o, "port_pair_group_parameters",
                                              {"lb_fields", "ppg_n_tuple_mapping"}));
  CL_RETURN_IF_ERROR(set_if(r.port_pair_group_parameters.lb_fields, opt_ids(params, "lb_fields")));
  return r;
}

Result<openstack::FlowClassifierCreate> classifier_create(const json& o) {
  openstack::FlowClassifierCreate r;
  CL_RETURN_IF_ERROR(read_name_and_description(r, o));
  CL_RETURN_IF_ERROR(set_if(r.ethertype, opt_string(o, "ethertype")));
  if (auto it = o.find("protocol"); it != o.end() && it->is_number_integer()) {
    r.protocol = std::to_string(it->get<int64_t>());
  } else {
    CL_RETURN_IF_ERROR(set_if(r.protocol, opt_string(o, "protocol")));
  }
  CL_ASSIGN_OR_RETURN(r.source_port_range_min, opt_int(o, "source_port_range_min"));
  CL_ASSIGN_OR_RETURN(r.source_port_range_max, opt_int(o, "source_port_range_max"));
  CL_ASSIGN_OR_RETURN(r.destination_port_range_min, opt_int(o, "destination_port_range_min"));
  CL_ASSIGN_OR_RETURN(r.destination_port_range_max, opt_int(o, "destination_port_range_max"));
  CL_RETURN_IF_ERROR(set_if(r.source_ip_prefix, opt_string(o, "source_ip_prefix")));
  CL_RETURN_IF_ERROR(set_if(r.destination_ip_prefix, opt_string(o, "destination_ip_prefix")));
  CL_RETURN_IF_ERROR(set_if(r.logical_source_port, opt_string(o, "logical_source_port")));
  CL_RETURN_IF_ERROR(set_if(r.logical_destination_port, opt_string(o, "logical_destination_port")));
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
  CL_RETURN_IF_ERROR(read_name_and_description(r, o));
  CL_RETURN_IF_ERROR(set_if(r.port_pair_groups, opt_ids(o, "port_pair_groups")));
  CL_RETURN_IF_ERROR(set_if(r.flow_classifiers, opt_ids(o, "flow_classifiers")));
  CL_RETURN_IF_ERROR(set_if(r.chain_id, opt_int(o, "chain_id")));
  CL_ASSIGN_OR_RETURN(json params, parameters(o, "chain_parameters", {"correlation", "symmetric"}));
  CL_RETURN_IF_ERROR(set_if(r.chain_parameters.correlation, opt_string(params, "correlation")));
  CL_RETURN_IF_ERROR(set_if(r.chain_parameters.symmetric, opt_bool(params, "symmetric")));
  return r;
}

// ---- update bodies (name and description; groups and chains: their lists too) -----------------

// The name and description of an update (all a port pair or classifier update has).
template <typename U>
Result<U> name_update(const json& o) {
  U u;
  CL_RETURN_IF_ERROR(read_name_and_description(u, o));
  return u;
}

Result<openstack::PortPairGroupUpdate> group_update(const json& o) {
  CL_ASSIGN_OR_RETURN(auto u, name_update<openstack::PortPairGroupUpdate>(o));
  CL_RETURN_IF_ERROR(set_if(u.port_pairs, opt_ids(o, "port_pairs")));
  return u;
}

Result<openstack::PortChainUpdate> chain_update(const json& o) {
  CL_ASSIGN_OR_RETURN(auto u, name_update<openstack::PortChainUpdate>(o));
  CL_RETURN_IF_ERROR(set_if(u.port_pair_groups, opt_ids(o, "port_pair_groups")));
  CL_RETURN_IF_ERROR(set_if(u.flow_classifiers, opt_ids(o, "flow_classifiers")));
  return u;
}

// ---- routes -------------------------------------------------------------------------------------

// A resource under /v2.0/sfc/ whose bodies may hold `create_keys` (POST) or `update_keys` (PUT)
// and whose unknown ids are answered with `not_found_type`.
Resource sfc_resource(const std::string& singular, const std::string& not_found_type,
                      std::set<std::string> create_keys, std::set<std::string> update_keys) {
  Resource r;
  r.singular = singular;
  r.plural = singular + "s";
  r.collection = R"(/v2\.0/sfc/)" + r.plural + R"((?:\.json)?)";
  r.item = R"(/v2\.0/sfc/)" + r.plural + R"(/([^/]+?)(?:\.json)?)";
  r.body = [singular, create_keys, update_keys](const httplib::Request& req, bool create) {
    return resource_body(req, singular, create ? create_keys : update_keys);
  };
  r.error_type = [not_found_type](const Error& e, bool) {
    return e.code == ErrorCode::kNotFound ? not_found_type : "";
  };
  return r;
}

std::vector<Resource> resources(Sfc& sfc) {
  std::vector<Resource> out;
  out.push_back(
      sfc_resource("port_pair", "PortPairNotFound",
                   {"name", "description", "ingress", "egress", "service_function_parameters"},
                   {"name", "description"}));
  bind_ops(out.back(), sfc, &Sfc::list_port_pairs, &Sfc::get_port_pair, &Sfc::create_port_pair,
           &Sfc::update_port_pair, &Sfc::delete_port_pair, &port_pair_create,
           &name_update<openstack::PortPairUpdate>,
           [](const openstack::PortPair& p) { return to_json(p); });
  out.push_back(sfc_resource(
      "port_pair_group", "PortPairGroupNotFound",
      {"name", "description", "port_pairs", "port_pair_group_parameters", "tap_enabled"},
      {"name", "description", "port_pairs"}));
  bind_ops(out.back(), sfc, &Sfc::list_port_pair_groups, &Sfc::get_port_pair_group,
           &Sfc::create_port_pair_group, &Sfc::update_port_pair_group, &Sfc::delete_port_pair_group,
           &group_create, &group_update,
           [](const openstack::PortPairGroup& g) { return to_json(g); });
  out.push_back(
      sfc_resource("flow_classifier", "FlowClassifierNotFound",
                   {"name", "description", "ethertype", "protocol", "source_port_range_min",
                    "source_port_range_max", "destination_port_range_min",
                    "destination_port_range_max", "source_ip_prefix", "destination_ip_prefix",
                    "logical_source_port", "logical_destination_port", "l7_parameters"},
                   {"name", "description"}));
  bind_ops(out.back(), sfc, &Sfc::list_flow_classifiers, &Sfc::get_flow_classifier,
           &Sfc::create_flow_classifier, &Sfc::update_flow_classifier, &Sfc::delete_flow_classifier,
           &classifier_create, &name_update<openstack::FlowClassifierUpdate>,
           [](const openstack::FlowClassifier& c) { return to_json(c); });
  out.push_back(sfc_resource("port_chain", "PortChainNotFound",
                             {"name", "description", "port_pair_groups", "flow_classifiers",
                              "chain_parameters", "chain_id"},
                             {"name", "description", "port_pair_groups", "flow_classifiers"}));
  bind_ops(out.back(), sfc, &Sfc::list_port_chains, &Sfc::get_port_chain, &Sfc::create_port_chain,
           &Sfc::update_port_chain, &Sfc::delete_port_chain, &chain_create, &chain_update,
           [](const openstack::PortChain& c) { return to_json(c); });
  return out;
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

OpenStackSfcEndpoint::OpenStackSfcEndpoint(openstack::Cloud& cloud, openstack::Sfc& sfc)
    : OpenStackServiceEndpoint("networking-sfc", ErrorStyle::kNeutron, cloud), sfc_(sfc) {}

void OpenStackSfcEndpoint::register_routes(httplib::Server& server) {
  Router router(server, *this, token_guard(ctx_.cloud));
  for (Resource& r : resources(sfc_)) {
    add_resource_routes(router, std::make_shared<const Resource>(std::move(r)));
  }
}

}  // namespace chainlab::endpoints
