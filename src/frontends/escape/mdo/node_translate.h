// A service's part for one chainlab node (a Universal Node) as the NF-FG the node's API takes
// (frontends/unode/nffg.h; docs/nffg.md): the part's one infra is the node's big switch.
//   - each NF becomes a VNF with its functional_type as functional-capability (the node picks
//     the template) and its ports, in order, as "inout:0", "inout:1", ...;
//   - each SAP becomes an end-point from the adapter's settings: an interface of the node, or a
//     gre-tunnel (VXLAN between hosts); a SAP the settings do not name cannot be deployed here;
//   - each flow rule on the infra's ports becomes a big-switch rule from what is attached to its
//     in_port (a VNF port or an end-point) to what is attached to its output port, its flowclass
//     as match fields (dl_type -> ether_type, nw_src/nw_dst -> source_ip/dest_ip, nw_proto ->
//     protocol, tp_src/tp_dst -> source_port/dest_port, dl_src/dl_dst -> source_mac/dest_mac).
// ESCAPE's abstract TAGs become VLAN ids only on border end-points (the SAPs a node shares with
// another domain): both domains derive the same id from the tag (tag_vlan), so a hop that crosses
// keeps its own VLAN on the link; traffic to and from the other end-points and VNFs is untagged.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "frontends/escape/nffg.h"

namespace chainlab::escape {

// How a SAP meets the node: an interface (`if_name`) or a tunnel (local/remote address, key).
struct NodeSapLink {
  std::string if_name;
  std::string local_ip;  // gre-tunnel when set
  std::string remote_ip;
  std::string key;
  bool border = false;  // shared with another domain: hops keep their VLAN on it
  double delay = 0;     // ms of the SAP's access link in the view (a border: half the wire's)
};

// The VLAN id of an ESCAPE tag "<src>|<dst>|<hop>": the hop id when it is a number in 1..4094,
// else a hash of the tag into that range.
uint16_t tag_vlan(std::string_view tag);

// InvalidArgument naming the element for a part that is not one infra, a SAP `saps` does not
// name, a rule whose ports attach to nothing or whose flowclass field is unknown, two tags that
// would share a VLAN id in one direction on one border end-point.
Result<nlohmann::json> part_to_nffg(const Nffg& part, const std::string& service_id,
                                    const std::map<std::string, NodeSapLink>& saps);

}  // namespace chainlab::escape
