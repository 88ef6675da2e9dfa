// The node's domain description (COMPOSER §5.1.2; the reference's netgroup-domain:informations,
// ../shared/fixtures/nffg-un/un-resource-description.json), generated from live state instead of
// the reference's static file: the node as a big switch with its interfaces (neighbours, GRE
// support, the VLAN ids still free), its functional capabilities (the template repository's) and
// its free resources. The node publishes it on its bus (topic frog:domain-description) at start
// and whenever it changes, and serves it at GET /domain-description.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "frontends/unode/templates.h"

namespace chainlab::unode {

struct Neighbor {
  std::string remote_interface;
  std::string domain_name;
  std::string type = "access-network";  // or "domain"
};

struct NodeInterface {
  std::string name;
  std::vector<Neighbor> neighbors;
  bool gre = false;               // GRE tunnels can start here
  std::set<uint16_t> used_vlans;  // by deployed vlan end-points
  bool enabled = true;
};

struct NodeDescription {
  std::string id = "00000001";
  std::string name = "universal-node";
  std::string management_address;  // "host:port" of the NF-FG API
  std::vector<NodeInterface> interfaces;
  std::string cpu_architecture = "x86-64";
  std::optional<int64_t> free_cores, total_cores;
  std::optional<uint64_t> free_memory_mb, total_memory_mb;
};

// "1-24,26-4094": the VLAN ids 1..4094 not in `used`.
std::string free_vlan_ranges(const std::set<uint16_t>& used);

nlohmann::json domain_description(const NodeDescription& node, const TemplateRepository& repo);

}  // namespace chainlab::unode
