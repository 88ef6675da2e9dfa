// From a steering rule of one LSI (steering.h) to the data plane's rule: the NF-FG's match fields
// and actions in the data plane's terms. What the data plane cannot do is refused here, naming
// the rule and the field (the reference accepted set_ip_*, set_l4_*, output_to_queue, tos_bits,
// hard_timeout ... and silently ignored them): set_vlan_priority, set_ip_src_address,
// set_ip_dst_address, set_ip_tos, set_l4_src_port, set_l4_dst_port, output_to_queue,
// output_to_controller; match vlan_priority, tos_bits, arp_spa, arp_tpa, hard_timeout. IPv4
// fields imply ether_type 0x0800; L4 ports need a protocol.
#pragma once

#include <functional>
#include <optional>

#include "common/result.h"
#include "dataplane/dataplane.h"
#include "frontends/unode/steering.h"

namespace chainlab::unode {

// The data plane's port of an LSI port (a port of the graph, or a virtual link's end).
using PortLookup = std::function<Result<dataplane::PortId>(const LsiPort& port)>;
// The VLAN id of an LSI port that is a vlan end-point (its frames are tagged), else none.
using TagLookup = std::function<std::optional<uint16_t>(const LsiPort& port)>;

// InvalidArgument "flow rule <id>: <field> ..." for what the data plane cannot do. With `tags`,
// a rule from a vlan end-point matches its VLAN id and pops the tag first, and an output to one
// pushes the tag for that output only (the reference's tagging on LSI-0).
Result<dataplane::RuleSpec> lower_rule(const SteeringRule& rule, const PortLookup& ports,
                                       uint64_t cookie, const TagLookup& tags = {});

// Every steering rule of a graph, checked without deploying (the API answers 400 before it
// changes anything).
Status check_lowerable(const Nffg& graph);

}  // namespace chainlab::unode
