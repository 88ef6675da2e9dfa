// The Universal Node's NF-FG (COMPOSER's SF-FG): VNFs with ports, end-points of the node, and a big
// switch of OpenFlow-like flow rules between them (../shared/reference/node-orchestrator.md).
// parse_nffg reads both spellings (the reference's `forwarding-graph{VNFs, end-points,
// big-switch}` and the seed's `sffg{SFs, saps, flowrules}`) strictly: unknown keys, missing
// mandatory fields, malformed values and dangling port references are errors naming the field;
// every action of the schema is kept (the reference accepted several and ignored them: here the
// steering either implements an action or the deployment refuses it). to_json writes the
// reference's spelling, what GET /NF-FG/<id> answers.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace chainlab::unode {

// A port of the big switch a rule names: "endpoint:<id>" or "vnf:<id>:<port id>" (the port id is
// "inout:N" in the reference); the seed's "service-access-point:<id>" and "sf:<id>:<port>" read
// as the same.
struct PortRef {
  enum class Kind { kEndpoint, kVnf };
  Kind kind = Kind::kEndpoint;
  std::string id;    // the end-point's or the VNF's id
  std::string port;  // the VNF's port id; "" for an end-point

  static Result<PortRef> parse(std::string_view text);
  std::string text() const;  // "endpoint:ID" / "vnf:ID:PORT"
  bool is_vnf() const { return kind == Kind::kVnf; }
  friend auto operator<=>(const PortRef&, const PortRef&) = default;
};

struct VnfPort {
  std::string id;  // "inout:0"
  std::string name;
  std::string mac;  // "" = chosen by the node
  std::string ip;   // unify-ip, "" = none
  bool trusted = false;
  friend bool operator==(const VnfPort&, const VnfPort&) = default;
};

struct ControlPort {  // unify-control: a host TCP port forwarded to the VNF's
  int64_t host_tcp_port = 0;
  int64_t vnf_tcp_port = 0;
  friend bool operator==(const ControlPort&, const ControlPort&) = default;
};

struct Vnf {
  std::string id;
  std::string name;
  std::string capability;   // functional-capability
  std::string template_id;  // vnf_template
  std::string domain;
  std::vector<VnfPort> ports;
  std::vector<ControlPort> control;
  std::vector<std::string> env;  // unify-env-variables, "NAME=value"
  std::vector<std::string> groups;
  friend bool operator==(const Vnf&, const Vnf&) = default;
};

enum class EndpointType { kInterface, kInterfaceOut, kVlan, kGreTunnel, kInternal, kHostStack };
std::string_view endpoint_type_name(EndpointType type);

struct Endpoint {
  std::string id;
  std::string name;
  std::string domain;
  EndpointType type = EndpointType::kInterface;
  std::string if_name;  // interface, interface-out, vlan
  std::string node_id;
  uint16_t vlan_id = 0;  // vlan: 1..4094
  // gre-tunnel
  std::string local_ip;
  std::string remote_ip;
  uint32_t gre_key = 0;  // a number or a string, decimal or 0x hex
  std::optional<uint8_t> ttl;
  bool secure = false;
  std::string internal_group;  // internal: shared by the graphs naming the same group
  std::string configuration;   // host-stack: DHCP, static or pppoe
  std::string ipv4;            // host-stack (static): "10.0.0.1/24"
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// The fields a rule matches besides its input port, as given (each validated by the parser).
struct Match {
  PortRef port_in;
  std::optional<uint16_t> ether_type;
  std::optional<uint16_t> vlan_id;
  std::optional<uint8_t> vlan_priority;
  std::string source_mac, dest_mac;  // "" = any
  std::string source_ip, dest_ip;    // address or CIDR; "" = any
  std::string arp_spa, arp_tpa;
  std::optional<uint8_t> tos_bits;
  std::optional<uint16_t> source_port, dest_port;
  std::optional<uint8_t> protocol;
  std::optional<uint32_t> hard_timeout;  // seconds
  friend bool operator==(const Match&, const Match&) = default;
};

struct Action {
  enum class Kind {
    kOutput,  // output_to_port
    kPushVlan,
    kPopVlan,
    kSetVlanId,
    kSetVlanPriority,
    kSetEthSrc,
    kSetEthDst,
    kSetIpSrc,
    kSetIpDst,
    kSetIpTos,
    kSetL4Src,
    kSetL4Dst,
    kOutputToQueue,
    kDrop,
    kOutputToController,
  };
  Kind kind = Kind::kOutput;
  PortRef port;       // kOutput
  std::string value;  // the argument as given ("25", "aa:bb:..", "10.0.0.1"), "" for flags
  friend bool operator==(const Action&, const Action&) = default;
};
std::string_view action_key(Action::Kind kind);  // "output_to_port", "push_vlan", ...

struct FlowRule {
  std::string id;
  std::string description;
  int64_t priority = 0;  // 0..65535
  Match match;
  std::vector<Action> actions;
  // The output ports of the rule's output_to_port actions, in order.
  std::vector<PortRef> outputs() const;
  friend bool operator==(const FlowRule&, const FlowRule&) = default;
};

struct Nffg {
  std::string id;  // "" until the node gives it one
  std::string name;
  std::string description;
  std::string domain;
  std::string monitoring;  // unify-monitoring
  std::vector<Vnf> vnfs;
  std::vector<Endpoint> endpoints;
  std::vector<FlowRule> rules;

  const Vnf* vnf(std::string_view id) const;
  const Endpoint* endpoint(std::string_view id) const;
  friend bool operator==(const Nffg&, const Nffg&) = default;
};

// Bounds on one graph (untrusted input).
struct NffgLimits {
  size_t vnfs = 1000;
  size_t ports_per_vnf = 64;
  size_t endpoints = 1000;
  size_t rules = 10000;
  size_t actions_per_rule = 32;
  size_t text = 256;  // bytes of any id, name or value
};

// InvalidArgument naming the field ("forwarding-graph.big-switch.flow-rules[2].match.port_in:
// no VNF '7' in the graph") for anything the reference refuses or we cannot honour.
Result<Nffg> parse_nffg(const nlohmann::json& document, const NffgLimits& limits = {});
nlohmann::json to_json(const Nffg& graph);

}  // namespace chainlab::unode
