#include "frontends/unode/domain_description.h"

#include <fmt/format.h>

namespace chainlab::unode {
namespace {

using nlohmann::json;

json interface_json(const NodeInterface& i, size_t index) {
  json neighbors = json::array();
  for (const Neighbor& n : i.neighbors) {
    neighbors.push_back({{"remote-interface", n.remote_interface},
                         {"domain-name", n.domain_name},
                         {"neighbor-type", n.type}});
  }
  json sub = {{"index", 1},
              {"netgroup-if-capabilities:capabilities", {{"netgroup-if-capabilities:gre", i.gre}}},
              {"netgroup-if-gre:gre", json::array()},
              {"config", {{"name", i.name}}}};
  return {{"index", index},
          {"name", i.name},
          {"netgroup-neighbor:neighbors", {{"netgroup-neighbor:neighbor", std::move(neighbors)}}},
          {"subinterfaces", {{"subinterface", {std::move(sub)}}}},
          {"config", {{"enabled", i.enabled}}},
          // chainlab's addition: the VLAN ids a vlan end-point may still take here.
          {"netgroup-vlan:free-vlans", free_vlan_ranges(i.used_vlans)}};
}

json capabilities_json(const NodeDescription& node, const TemplateRepository& repo) {
  json functional = json::array();
  for (const std::string& capability : repo.capabilities()) {
    const NfTemplate* t = repo.implementing(capability).front();
    functional.push_back(
        {{"type", capability},
         {"name", capability},
         {"ready", true},
         {"template", t->id + ".json"},
         {"family", "Network"},
         {"function-specifications", {{"function-specification", json::array()}}}});
  }
  return {{"infrastructural-capabilities",
           {{"infrastructural-capability",
             {{{"name", node.cpu_architecture}, {"type", "cpu_architecture"}}}}}},
          {"functional-capabilities", {{"functional-capability", std::move(functional)}}}};
}

// chainlab's addition: what the node can still give (the seed's resources of the big switch).
json resources_json(const NodeDescription& node) {
  json r = json::object();
  if (node.free_cores) {
    r["cpu"] = {{"free-cores", *node.free_cores}, {"total-cores", node.total_cores.value_or(0)}};
  }
  if (node.free_memory_mb) {
    r["memory"] = {{"free-mb", *node.free_memory_mb},
                   {"total-mb", node.total_memory_mb.value_or(0)}};
  }
  return r;
}

}  // namespace

std::string free_vlan_ranges(const std::set<uint16_t>& used) {
  std::string out;
  int start = -1;
  for (int v = 1; v <= 4095; ++v) {
    bool free = v <= 4094 && used.count(static_cast<uint16_t>(v)) == 0;
    if (free && start < 0) {
      start = v;
    } else if (!free && start >= 0) {
      out +=
          fmt::format("{}{}", out.empty() ? "" : ",",
                      start == v - 1 ? std::to_string(start) : fmt::format("{}-{}", start, v - 1));
      start = -1;
    }
  }
  return out;
}

json domain_description(const NodeDescription& node, const TemplateRepository& repo) {
  json interfaces = json::array();
  for (size_t i = 0; i < node.interfaces.size(); ++i) {
    interfaces.push_back(interface_json(node.interfaces[i], i + 1));
  }
  return {{"netgroup-domain:informations",
           {{"id", node.id},
            {"name", node.name},
            {"management-address", node.management_address},
            {"type", "universal_node"},
            {"hardware-informations", {{"interfaces", {{"interface", std::move(interfaces)}}}}},
            {"capabilities", capabilities_json(node, repo)},
            {"netgroup-domain:resources", resources_json(node)}}}};
}

}  // namespace chainlab::unode
