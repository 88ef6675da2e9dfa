// COMPOSER's traffic steering model (seed §5.2, §5.4; Table 4, Algorithms 1 and 2): the node's
// LSI-0 owns its interface, vlan and internal end-points (the only switch that sees traffic of
// more than one graph); each graph's own graph-LSI owns the graph's VNF ports, GRE tunnels and
// host-stack end-points. A flow rule whose input and outputs are all on one LSI stays there; a
// rule that crosses is split in two, joined by a virtual link between the two LSIs:
//   - one virtual link per distinct crossing output port (not per VNF: the reference's issue
//     112), and each link carries one port's traffic each way (Algorithm 1 reuses a link for a
//     graph-side port and an LSI-0 port);
//   - the ingress LSI keeps the rule's match and other actions and outputs to the link; the
//     egress LSI forwards what arrives on the link to the original port, one rule per link and
//     direction (Algorithm 2, without the duplicates it would install per rule).
// Pure: the deployment realises the result on the data plane.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "frontends/unode/nffg.h"

namespace chainlab::unode {

enum class Lsi { kZero, kGraph };
// Which LSI owns the port a rule names (Table 4).
Lsi owner_of(const Nffg& graph, const PortRef& port);

// A virtual link between LSI-0 and the graph-LSI. `to_graph` is the graph-side port whose
// traffic it brings from LSI-0, `to_lsi0` the LSI-0 port whose traffic it brings from the graph.
struct VirtualLink {
  int index = 0;  // 0, 1, ... in order of first use
  std::optional<PortRef> to_graph;
  std::optional<PortRef> to_lsi0;
};

// A port of one LSI: a port of the graph, or one end of a virtual link.
struct LsiPort {
  std::optional<PortRef> port;
  int vlink = -1;            // >= 0: the virtual link's end on this LSI
  std::string text() const;  // "endpoint:2", "vnf:1:inout:0", "vlink:0"
  friend bool operator==(const LsiPort&, const LsiPort&) = default;
};

// A traffic steering rule of one LSI: the original rule's match (its port_in replaced by `in`)
// and actions (each output replaced by the port it takes on this LSI).
struct SteeringRule {
  std::string id;  // the NF-FG rule's id; "vlink:N" for a link's forwarding rule
  int64_t priority = 0;
  LsiPort in;
  Match match;  // match.port_in is the original's; `in` is what this LSI matches
  std::vector<Action> actions;
  std::vector<LsiPort> outputs;  // in the order of the output actions
};

struct Steering {
  std::vector<VirtualLink> vlinks;
  std::vector<SteeringRule> lsi0;
  std::vector<SteeringRule> graph;
};

Steering split_rules(const Nffg& graph);

}  // namespace chainlab::unode
