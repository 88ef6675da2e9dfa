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

// `fn` applied to every item, as a JSON array.
template <typename T, typename F>
nlohmann::json to_json_list(const std::vector<T>& items, F&& fn) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& i : items) {
    out.push_back(fn(i));
  }
  return out;
}

// "/v2.0/<collection>" and ".../<id>", each with an optional ".json".
std::string collection(const std::string& name);
std::string item(const std::string& name);

}  // namespace chainlab::endpoints::neutron
