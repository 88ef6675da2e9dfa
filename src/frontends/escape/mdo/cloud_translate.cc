#include "frontends/escape/mdo/cloud_translate.h"

#include <fmt/format.h>

#include "frontends/escape/mdo/settings_fields.h"

namespace chainlab::escape {
namespace {

using json = nlohmann::json;

// The SAP a hop of the part joins to NF port (`nf`, `port`), if any.
const NodeSap* sap_at(const Nffg& part, const Id& nf, const Id& port) {
  for (const SgHop& h : part.edge_sg_nexthops) {
    if (h.src_node == nf && h.src_port == port && part.sap(h.dst_node) != nullptr) {
      return part.sap(h.dst_node);
    }
    if (h.dst_node == nf && h.dst_port == port && part.sap(h.src_node) != nullptr) {
      return part.sap(h.src_node);
    }
  }
  return nullptr;
}

// A /24 of 10.128.0.0/9 for the service's own network, from its stack name.
std::string subnet_of(const std::string& stack) {
  uint32_t h = name_hash(stack);
  return fmt::format("10.{}.{}.0/24", 128 + (h >> 8) % 128, h % 256);
}

Result<json> port_network(const Nffg& part, const NodeNf& nf, const Port& port,
                          const CloudSettings& s) {
  const NodeSap* sap = sap_at(part, nf.id, port.id);
  if (sap == nullptr) {
    return json{{"get_resource", "net"}};
  }
  auto it = s.saps.find(sap->id.str());
  if (it == s.saps.end()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "SAP {}: this cloud's settings do not name its network (saps.{})",
                      sap->id.str(), sap->id.str());
  }
  return json(it->second.network);
}

std::string image_of(const NodeNf& nf, const CloudSettings& s) {
  std::string type = nf.functional_type.value_or(nf.id.str());
  auto it = s.images.find(type);
  return it == s.images.end() ? type : it->second;
}

}  // namespace

Result<json> part_to_hot(const Nffg& part, const std::string& stack, const CloudSettings& s) {
  if (part.node_infras.size() != 1) {
    return make_error(ErrorCode::kInvalidArgument,
                      "a cloud's part has one infra (the cloud), not {}", part.node_infras.size());
  }
  json resources = {
      {"net", {{"type", "OS::Neutron::Net"}, {"properties", {{"name", stack + "-net"}}}}},
      {"subnet",
       {{"type", "OS::Neutron::Subnet"},
        {"properties", {{"network", {{"get_resource", "net"}}}, {"cidr", subnet_of(stack)}}}}}};
  for (size_t i = 0; i < part.node_nfs.size(); ++i) {
    const NodeNf& nf = part.node_nfs[i];
    json networks = json::array();
    for (size_t k = 0; k < nf.ports.size(); ++k) {
      CL_ASSIGN_OR_RETURN(json network, port_network(part, nf, nf.ports[k], s));
      std::string port = fmt::format("nf{}-port{}", i, k);
      resources[port] = {
          {"type", "OS::Neutron::Port"},
          {"properties",
           {{"name", fmt::format("{}-{}-{}", stack, nf.id.str(), k)}, {"network", network}}}};
      networks.push_back({{"port", {{"get_resource", port}}}});
    }
    resources[fmt::format("nf{}", i)] = {{"type", "OS::Nova::Server"},
                                         {"properties",
                                          {{"name", fmt::format("{}-{}", stack, nf.id.str())},
                                           {"image", image_of(nf, s)},
                                           {"flavor", s.flavor},
                                           {"networks", networks}}}};
  }
  return json{{"heat_template_version", "2018-08-31"},
              {"description", "chainlab mdo: " + stack},
              {"resources", resources}};
}

}  // namespace chainlab::escape
