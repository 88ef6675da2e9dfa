// Neutron's security groups and rules: request bodies and views (the routes: neutron_routes.cc).
#include "endpoints/openstack/neutron_internal.h"

#include <limits>

#include "endpoints/openstack/common.h"

namespace chainlab::endpoints::neutron {

using nlohmann::json;

namespace {

// A string member that may also be null (Neutron's "none"): "" then.
Result<std::string> nullable_string(const json& obj, const char* key) {
  CL_ASSIGN_OR_RETURN(auto value, opt_string(obj, key));
  return value.value_or("");
}

// The protocol: a name, a number as a string or an integer, or null.
Result<std::string> protocol_of(const json& r) {
  auto it = r.find("protocol");
  if (it != r.end() && it->is_number_integer()) {
    return std::to_string(it->get<int64_t>());
  }
  return nullable_string(r, "protocol");
}

Result<std::optional<int>> port_of(const json& r, const char* key) {
  CL_ASSIGN_OR_RETURN(auto value, opt_int(r, key, std::numeric_limits<int>::min(),
                                          std::numeric_limits<int>::max()));
  return value ? std::optional<int>(static_cast<int>(*value)) : std::nullopt;
}

}  // namespace

Result<openstack::SecurityGroupCreate> parse_security_group_create(const json& g) {
  openstack::SecurityGroupCreate c;
  CL_ASSIGN_OR_RETURN(c.name, nullable_string(g, "name"));
  CL_ASSIGN_OR_RETURN(c.description, nullable_string(g, "description"));
  return c;
}

Result<openstack::SecurityGroupUpdate> parse_security_group_update(const json& g) {
  openstack::SecurityGroupUpdate u;
  CL_ASSIGN_OR_RETURN(u.name, opt_string(g, "name"));
  CL_ASSIGN_OR_RETURN(u.description, opt_string(g, "description"));
  return u;
}

Result<openstack::SecurityGroupRuleCreate> parse_security_group_rule_create(const json& r) {
  openstack::SecurityGroupRuleCreate c;
  CL_ASSIGN_OR_RETURN(c.security_group_id, nullable_string(r, "security_group_id"));
  if (c.security_group_id.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Invalid input for operation: security_group_id is required.");
  }
  CL_ASSIGN_OR_RETURN(c.direction, nullable_string(r, "direction"));
  CL_RETURN_IF_ERROR(set_if(c.ethertype, opt_string(r, "ethertype")));
  CL_ASSIGN_OR_RETURN(c.protocol, protocol_of(r));
  CL_ASSIGN_OR_RETURN(c.port_range_min, port_of(r, "port_range_min"));
  CL_ASSIGN_OR_RETURN(c.port_range_max, port_of(r, "port_range_max"));
  CL_ASSIGN_OR_RETURN(c.remote_ip_prefix, nullable_string(r, "remote_ip_prefix"));
  CL_ASSIGN_OR_RETURN(c.remote_group_id, nullable_string(r, "remote_group_id"));
  CL_ASSIGN_OR_RETURN(c.description, nullable_string(r, "description"));
  if (c.description.size() > 255) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Invalid input for description: longer than 255 characters");
  }
  return c;
}

Result<RuleUpdate> parse_security_group_rule_update(const json&) {
  return make_error(ErrorCode::kInvalidArgument,
                    "Security group rules cannot be updated: delete it and create another");
}

json security_group_rule_json(const openstack::SecurityGroupRule& r) {
  json out = with_standard_attributes({{"security_group_id", r.security_group_id},
                                       {"direction", r.direction},
                                       {"ethertype", r.ethertype},
                                       {"protocol", null_if_empty(r.protocol)},
                                       {"port_range_min", null_if_empty(r.port_range_min)},
                                       {"port_range_max", null_if_empty(r.port_range_max)},
                                       {"remote_ip_prefix", null_if_empty(r.remote_ip_prefix)},
                                       {"normalized_cidr", null_if_empty(r.remote_ip_prefix)},
                                       {"remote_group_id", null_if_empty(r.remote_group_id)},
                                       {"remote_address_group_id", nullptr}},
                                      r);
  out["description"] = r.description;
  return out;
}

json security_group_json(const openstack::SecurityGroup& g) {
  json rules = json::array();
  for (const auto& r : g.rules) {
    rules.push_back(security_group_rule_json(r));
  }
  json out = with_standard_attributes(
      {{"name", g.name}, {"security_group_rules", rules}, {"stateful", true}, {"shared", false}},
      g);
  out["description"] = g.description;
  return out;
}

}  // namespace chainlab::endpoints::neutron
