#include "endpoints/emulator/openstack_view.h"

#include <map>

namespace chainlab::endpoints {
namespace {

using nlohmann::json;

json servers(const openstack::Cloud& cloud) {
  json out = json::array();
  for (const auto& s : cloud.list_servers()) {
    out.push_back({{"id", s.id}, {"name", s.name}, {"instance", s.instance}, {"status", s.status}});
  }
  return out;
}

json networks(const openstack::Cloud& cloud) {
  std::map<std::string, std::vector<std::string>> cidrs;  // network id -> its subnets' CIDRs
  for (const auto& s : cloud.list_subnets()) {
    cidrs[s.network_id].push_back(s.cidr);
  }
  json out = json::array();
  for (const auto& n : cloud.list_networks()) {
    out.push_back({{"id", n.id}, {"name", n.name}, {"status", n.status}, {"cidrs", cidrs[n.id]}});
  }
  return out;
}

json stacks(const openstack::StackEngine* engine) {
  json out = json::array();
  for (const auto& s : engine ? engine->list() : std::vector<openstack::StackInfo>{}) {
    out.push_back({{"id", s.id}, {"name", s.name}, {"status", s.status}});
  }
  return out;
}

}  // namespace

json openstack_view(const CloudDirectory& clouds) {
  json out = json::array();
  for (const CloudEntry& e : clouds.snapshot()) {
    out.push_back({{"pop", e.pop},
                   {"servers", servers(*e.cloud)},
                   {"networks", networks(*e.cloud)},
                   {"stacks", stacks(e.stacks)}});
  }
  return out;
}

}  // namespace chainlab::endpoints
