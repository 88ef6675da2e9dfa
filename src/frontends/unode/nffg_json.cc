// The NF-FG model's small helpers and to_json (the reference's spelling).
#include <fmt/format.h>

#include <algorithm>

#include "frontends/unode/nffg.h"
#include "frontends/unode/nffg_internal.h"

namespace chainlab::unode {
namespace {

using nlohmann::json;

constexpr std::string_view kEndpointTypes[] = {"interface",  "interface-out", "vlan",
                                               "gre-tunnel", "internal",      "host-stack"};
constexpr std::string_view kActionKeys[] = {"output_to_port",
                                            "push_vlan",
                                            "pop_vlan",
                                            "set_vlan_id",
                                            "set_vlan_priority",
                                            "set_ethernet_src_address",
                                            "set_ethernet_dst_address",
                                            "set_ip_src_address",
                                            "set_ip_dst_address",
                                            "set_ip_tos",
                                            "set_l4_src_port",
                                            "set_l4_dst_port",
                                            "output_to_queue",
                                            "drop",
                                            "output_to_controller"};

template <typename T>
void put(json& j, const char* key, const T& value) {
  if constexpr (std::is_same_v<T, std::string>) {
    if (!value.empty()) {
      j[key] = value;
    }
  } else if (value) {
    j[key] = std::to_string(*value);
  }
}

json endpoint_json(const Endpoint& e) {
  json j{{"id", e.id}, {"type", std::string(endpoint_type_name(e.type))}};
  put(j, "name", e.name);
  put(j, "domain", e.domain);
  json body = json::object();
  switch (e.type) {
    case EndpointType::kInterface:
    case EndpointType::kInterfaceOut:
      body["if-name"] = e.if_name;
      put(body, "node-id", e.node_id);
      break;
    case EndpointType::kVlan:
      body = {{"vlan-id", std::to_string(e.vlan_id)}, {"if-name", e.if_name}};
      put(body, "node-id", e.node_id);
      break;
    case EndpointType::kGreTunnel:
      body = {{"local-ip", e.local_ip},
              {"remote-ip", e.remote_ip},
              {"gre-key", std::to_string(e.gre_key)}};
      if (e.ttl) {
        body["ttl"] = std::to_string(*e.ttl);
      }
      if (e.secure) {
        body["secure"] = true;
      }
      break;
    case EndpointType::kInternal:
      body["internal-group"] = e.internal_group;
      put(body, "node-id", e.node_id);
      break;
    case EndpointType::kHostStack:
      body["configuration"] = e.configuration;
      put(body, "IPv4", e.ipv4);
      break;
  }
  j[std::string(endpoint_type_name(e.type))] = std::move(body);
  return j;
}

json vnf_json(const Vnf& v) {
  json j{{"id", v.id}, {"name", v.name}, {"ports", json::array()}};
  put(j, "functional-capability", v.capability);
  put(j, "vnf_template", v.template_id);
  put(j, "domain", v.domain);
  for (const VnfPort& p : v.ports) {
    json port{{"id", p.id}};
    put(port, "name", p.name);
    put(port, "mac", p.mac);
    put(port, "unify-ip", p.ip);
    if (p.trusted) {
      port["trusted"] = true;
    }
    j["ports"].push_back(std::move(port));
  }
  for (const ControlPort& c : v.control) {
    j["unify-control"].push_back(
        {{"host-tcp-port", c.host_tcp_port}, {"vnf-tcp-port", c.vnf_tcp_port}});
  }
  for (const std::string& e : v.env) {
    j["unify-env-variables"].push_back({{"variable", e}});
  }
  if (!v.groups.empty()) {
    j["groups"] = v.groups;
  }
  return j;
}

json match_json(const Match& m) {
  json j{{"port_in", m.port_in.text()}};
  put(j, "ether_type", m.ether_type);
  put(j, "vlan_id", m.vlan_id);
  put(j, "vlan_priority", m.vlan_priority);
  put(j, "source_mac", m.source_mac);
  put(j, "dest_mac", m.dest_mac);
  put(j, "source_ip", m.source_ip);
  put(j, "dest_ip", m.dest_ip);
  put(j, "arp_spa", m.arp_spa);
  put(j, "arp_tpa", m.arp_tpa);
  put(j, "tos_bits", m.tos_bits);
  put(j, "source_port", m.source_port);
  put(j, "dest_port", m.dest_port);
  put(j, "protocol", m.protocol);
  put(j, "hard_timeout", m.hard_timeout);
  return j;
}

json action_json(const Action& a) {
  std::string key(action_key(a.kind));
  switch (a.kind) {
    case Action::Kind::kOutput:
      return {{key, a.port.text()}};
    case Action::Kind::kPopVlan:
    case Action::Kind::kDrop:
    case Action::Kind::kOutputToController:
      return {{key, true}};
    default:
      return {{key, a.value}};
  }
}

}  // namespace

std::string_view endpoint_type_name(EndpointType type) {
  return kEndpointTypes[static_cast<size_t>(type)];
}

std::string_view action_key(Action::Kind kind) {
  return kActionKeys[static_cast<size_t>(kind)];
}

Result<PortRef> PortRef::parse(std::string_view text) {
  return port_ref(text, "port");
}

std::string PortRef::text() const {
  return is_vnf() ? fmt::format("vnf:{}:{}", id, port) : "endpoint:" + id;
}

std::vector<PortRef> FlowRule::outputs() const {
  std::vector<PortRef> out;
  for (const Action& a : actions) {
    if (a.kind == Action::Kind::kOutput) {
      out.push_back(a.port);
    }
  }
  return out;
}

const Vnf* Nffg::vnf(std::string_view vnf_id) const {
  auto it = std::find_if(vnfs.begin(), vnfs.end(), [&](const Vnf& v) { return v.id == vnf_id; });
  return it == vnfs.end() ? nullptr : &*it;
}

const Endpoint* Nffg::endpoint(std::string_view endpoint_id) const {
  auto it = std::find_if(endpoints.begin(), endpoints.end(),
                         [&](const Endpoint& e) { return e.id == endpoint_id; });
  return it == endpoints.end() ? nullptr : &*it;
}

json to_json(const Nffg& g) {
  json fg = json::object();
  put(fg, "id", g.id);
  fg["name"] = g.name;
  put(fg, "description", g.description);
  put(fg, "domain", g.domain);
  put(fg, "unify-monitoring", g.monitoring);
  fg["VNFs"] = json::array();
  for (const Vnf& v : g.vnfs) {
    fg["VNFs"].push_back(vnf_json(v));
  }
  fg["end-points"] = json::array();
  for (const Endpoint& e : g.endpoints) {
    fg["end-points"].push_back(endpoint_json(e));
  }
  json rules = json::array();
  for (const FlowRule& r : g.rules) {
    json rule{{"id", r.id},
              {"priority", r.priority},
              {"match", match_json(r.match)},
              {"actions", json::array()}};
    put(rule, "description", r.description);
    for (const Action& a : r.actions) {
      rule["actions"].push_back(action_json(a));
    }
    rules.push_back(std::move(rule));
  }
  fg["big-switch"] = {{"flow-rules", std::move(rules)}};
  return {{"forwarding-graph", std::move(fg)}};
}

}  // namespace chainlab::unode
