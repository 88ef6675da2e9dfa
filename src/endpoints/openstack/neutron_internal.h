// Neutron's JSON views and path patterns, shared by its parsers' file (neutron.cc), its views
// (neutron_views.cc) and its routes (neutron_routes.cc). Private to the Neutron endpoint.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "frontends/openstack/cloud.h"

namespace chainlab::endpoints::neutron {

nlohmann::json network_json(const openstack::Network& n);
nlohmann::json subnet_json(const openstack::Subnet& s);
nlohmann::json floating_ip_json(const openstack::FloatingIp& f);
nlohmann::json router_json(const openstack::Router& r);
nlohmann::json security_group_json(const openstack::SecurityGroup& g);
nlohmann::json security_group_rule_json(const openstack::SecurityGroupRule& r);

// Security groups (neutron_security_group.cc). A rule cannot be updated: its parser refuses.
struct RuleUpdate {};
Result<openstack::SecurityGroupCreate> parse_security_group_create(const nlohmann::json& g);
Result<openstack::SecurityGroupUpdate> parse_security_group_update(const nlohmann::json& g);
Result<openstack::SecurityGroupRuleCreate> parse_security_group_rule_create(
    const nlohmann::json& r);
Result<RuleUpdate> parse_security_group_rule_update(const nlohmann::json& r);

// `fields` with the attributes Neutron's networks, subnets, ports and routers have alike: the id,
// the project (as tenant_id too), an empty description, no tags, the times and revision 1.
template <typename Record>
nlohmann::json with_standard_attributes(nlohmann::json fields, const Record& r) {
  fields.update({{"id", r.id},
                 {"tenant_id", r.project_id},
                 {"project_id", r.project_id},
                 {"description", ""},
                 {"tags", nlohmann::json::array()},
                 {"created_at", r.created_at},
                 {"updated_at", r.updated_at},
                 {"revision_number", 1}});
  return fields;
}

// "/v2.0/<collection>" and ".../<id>", each with an optional ".json".
std::string collection(const std::string& name);
std::string item(const std::string& name);

}  // namespace chainlab::endpoints::neutron
