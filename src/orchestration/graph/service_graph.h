// ServiceGraph: the one description of a network service that the orchestration core speaks.
// Front ends translate into it (SONATA NSD/VNFD, later NF-FG and NFFG), placement annotates it,
// the Deployer realises it on a Domain, and diff() (graph_diff.h) turns an edit into what to add
// and remove.
//
// A graph has
// - functions: id, name, image (or template), command, resources (cpu, memory, storage), ports
//   (id, optional IPv4 CIDR and MAC), placement constraints and, once placed, the PoP/host;
// - SAPs: service access points, bound to a PoP and optionally a host interface, with ports;
// - links: E-Lines (one hop from a port to a port, with a typed match) and E-LANs (a set of
//   ports);
// - end-to-end requirements over a path of E-Line ids (max delay, min bandwidth).
// Ports are referenced as (node id, port id), a node being a function or a SAP.
//
// Namespace chainlab::orchestration::graph, not chainlab::orchestration: the element names
// (Function, Port, Link...) are generic and would collide with the front ends' and placement's
// types (issue 18 lists `Flavor`/`VirtualLink` collisions); `graph::Function` says what it is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "dataplane/flow.h"
#include "substrate/addr.h"

namespace chainlab::orchestration::graph {

// The typed traffic match of a hop: the data plane's own Match (in_port, eth src/dst, eth_type,
// vlan, ip_proto, ipv4 src/dst with prefix, tp src/dst), so nothing is translated twice.
using Match = dataplane::Match;

// "dl_type=0x0800,nw_proto=6,tp_dst=80" (son-emu's chain match, ovs-ofctl fields and shorthands)
// -> Match, through the emulator's one parser (emulator/match_parse.h). "" is the empty match.
Result<Match> parse_match(std::string_view text);
// Match -> the same syntax; parse_match(format_match(m)) == m.
std::string format_match(const Match& match);

struct Resources {
  double cpu = 0;           // cores (fractions allowed); 0 = unspecified
  uint64_t memory_mb = 0;   // 0 = unspecified
  uint64_t storage_gb = 0;  // 0 = unspecified
  friend bool operator==(const Resources&, const Resources&) = default;
};

struct Port {
  std::string id;
  std::optional<substrate::Cidr> ip;
  std::optional<substrate::MacAddress> mac;
  friend bool operator==(const Port&, const Port&) = default;
};

// Placement constraints of one function; ids name other functions, hosts name PoPs.
struct Constraints {
  std::vector<std::string> affinity;       // place with these functions
  std::vector<std::string> anti_affinity;  // never with these
  std::vector<std::string> allowed_hosts;  // empty: any
  std::vector<std::string> banned_hosts;
  friend bool operator==(const Constraints&, const Constraints&) = default;
};

struct Function {
  std::string id;
  std::string name;
  std::string image;  // image or template name
  std::string command;
  std::string stop_command;
  Resources resources;
  std::vector<Port> ports;
  Constraints constraints;
  std::string host;  // the PoP it is placed in; "" until placed
  friend bool operator==(const Function&, const Function&) = default;
};

struct SapBinding {
  std::string pop;             // the PoP the SAP attaches to
  std::string host_interface;  // a host interface, "" = none (an emulated endpoint)
  friend bool operator==(const SapBinding&, const SapBinding&) = default;
};

struct Sap {
  std::string id;
  std::string name;
  SapBinding binding;
  std::vector<Port> ports;
  friend bool operator==(const Sap&, const Sap&) = default;
};

struct PortRef {
  std::string node;  // function or SAP id
  std::string port;
  std::string to_string() const { return node + ":" + port; }
  friend bool operator==(const PortRef&, const PortRef&) = default;
  friend auto operator<=>(const PortRef&, const PortRef&) = default;
};

// An E-Line: one hop from src to dst carrying what `match` selects (the empty match: all).
struct Eline {
  std::string id;
  PortRef src;
  PortRef dst;
  Match match;
  bool bidirectional = true;
  friend bool operator==(const Eline&, const Eline&) = default;
};

struct Elan {
  std::string id;
  std::vector<PortRef> members;
  friend bool operator==(const Elan&, const Elan&) = default;
};

// End-to-end requirement over a path of E-Line (hop) ids.
struct Requirement {
  std::string id;
  std::vector<std::string> path;
  std::optional<double> max_delay_ms;
  std::optional<double> min_bandwidth_mbps;
  friend bool operator==(const Requirement&, const Requirement&) = default;
};

struct ServiceGraph {
  std::string id;
  std::string name;
  std::vector<Function> functions;
  std::vector<Sap> saps;
  std::vector<Eline> elines;
  std::vector<Elan> elans;
  std::vector<Requirement> requirements;

  const Function* function(std::string_view function_id) const;
  const Sap* sap(std::string_view sap_id) const;
  const Eline* eline(std::string_view eline_id) const;
  // The port a reference names (a function's or a SAP's); null when dangling.
  const Port* port(const PortRef& ref) const;

  // InvalidArgument naming the element for: an empty or duplicate id (nodes: functions and SAPs
  // share one id space; links: E-Lines and E-LANs share one; ports are unique per node;
  // requirements), a dangling port reference, an E-Line from a port to itself, an E-LAN with
  // fewer than two or repeated members, an invalid match, a requirement path naming no E-Line,
  // a constraint naming no function, negative resources or requirement bounds.
  Status validate() const;
  friend bool operator==(const ServiceGraph&, const ServiceGraph&) = default;
};

}  // namespace chainlab::orchestration::graph
