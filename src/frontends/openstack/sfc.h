// Sfc: networking-sfc (port pairs, port pair groups, flow classifiers, port chains) for one PoP,
// realised with the emulator's chaining (docs/api/openstack-sfc.md). The openstack_sfc endpoint
// parses JSON at the edge and calls it; it reads ports (and where they are plugged) from the
// PoP's Cloud.
//
// A port chain is realised, per flow classifier, as a sequence of one-directional emulator chains
//   logical_source_port -> pp1.ingress, pp1.egress -> pp2.ingress, ..., ppN.egress ->
//   logical_destination_port
// (without a destination port the sequence ends at ppN.ingress: what leaves ppN.egress follows
// the network's normal L2 forwarding). Each hop matches the classifier (ethertype, protocol, IPv4
// prefixes, single L4 ports) and has priority kSfcPriority, above the E-LAN rules realising the
// networks (1000), so the classified traffic leaves the network's forwarding and follows the
// chain. With chain_parameters.symmetric, the reverse sequence (destination port back to the
// source port through the egress/ingress ports in reverse) is installed too, matching the
// classifier with source and destination swapped.
//
// Limitations (documented in docs/api/openstack-sfc.md):
//   - a group with several port pairs balances flows over its pairs (ChainRequest::dst_group, a
//     select group on the PoP's switch; lb_fields and weights are stored, not used);
//   - L4 port ranges must be a single port or the whole range (the match has no ranges);
//     IPv6 classifiers match the ethertype only; l7_parameters must be empty;
//   - every port of a chain must be bound to a server when the chain is created or updated
//     (kFailedPrecondition naming the unbound port); deleting a server or port later does not
//     update the chain (its hops stop carrying traffic);
//   - correlation (mpls/nsh) is accepted and reported: the emulator steers by port, packets are
//     not encapsulated.
// A failed call undoes what it installed and leaves the previous state. Thread-safe (one mutex;
// calls into the Cloud and the Emulation are made with it held, neither calls back).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "emulator/control.h"
#include "frontends/openstack/cloud.h"
#include "frontends/openstack/resource_table.h"

namespace chainlab::openstack {

// Above the E-LAN rules (1000) and the default chain priority (1000).
inline constexpr uint16_t kSfcPriority = 3000;

struct ServiceFunctionParameters {
  std::optional<std::string> correlation;  // unset (null), "mpls" or "nsh"
  int weight = 1;
};

struct PortPair {
  std::string id;
  std::string name;
  std::string description;
  std::string project_id;
  std::string ingress;  // Neutron port ids
  std::string egress;
  ServiceFunctionParameters service_function_parameters;
};

struct PortPairCreate {
  std::string name;
  std::string description;
  std::string ingress;
  std::string egress;
  ServiceFunctionParameters service_function_parameters;
};

struct PortPairUpdate {
  std::optional<std::string> name;
  std::optional<std::string> description;
};

struct PortPairGroupParameters {
  std::vector<std::string> lb_fields;  // stored, not used (no load balancing)
};

struct PortPairGroup {
  std::string id;
  std::string name;
  std::string description;
  std::string project_id;
  std::vector<std::string> port_pairs;  // port pair ids; the first one carries the traffic
  PortPairGroupParameters port_pair_group_parameters;
  int group_id = 0;  // networking-sfc's small integer id
  bool tap_enabled = false;
};

struct PortPairGroupCreate {
  std::string name;
  std::string description;
  std::vector<std::string> port_pairs;
  PortPairGroupParameters port_pair_group_parameters;
  bool tap_enabled = false;  // true is refused (taps are not emulated)
};

struct PortPairGroupUpdate {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::vector<std::string>> port_pairs;  // re-realises the chain using the group
};

struct FlowClassifier {
  std::string id;
  std::string name;
  std::string description;
  std::string project_id;
  std::string ethertype = "IPv4";  // "IPv4" or "IPv6"
  std::string protocol;            // "" = any; "tcp", "udp", "icmp", "icmpv6" or a number
  std::optional<int> source_port_range_min;
  std::optional<int> source_port_range_max;
  std::optional<int> destination_port_range_min;
  std::optional<int> destination_port_range_max;
  std::string source_ip_prefix;  // "" = any; stored in network form
  std::string destination_ip_prefix;
  std::string logical_source_port;  // Neutron port ids, "" = none
  std::string logical_destination_port;
  std::map<std::string, std::string> l7_parameters;  // must be empty
};

// The same fields as FlowClassifier without id and project.
using FlowClassifierCreate = FlowClassifier;

struct FlowClassifierUpdate {
  std::optional<std::string> name;
  std::optional<std::string> description;
};

struct ChainParameters {
  std::string correlation = "mpls";  // "mpls" or "nsh": reported, not used
  bool symmetric = false;
};

struct PortChain {
  std::string id;
  std::string name;
  std::string description;
  std::string project_id;
  std::vector<std::string> port_pair_groups;  // in chain order
  std::vector<std::string> flow_classifiers;
  ChainParameters chain_parameters;
  int chain_id = 0;  // 1..65535, unique in this PoP
};

struct PortChainCreate {
  std::string name;
  std::string description;
  std::vector<std::string> port_pair_groups;
  std::vector<std::string> flow_classifiers;
  ChainParameters chain_parameters;
  int chain_id = 0;  // 0 = the next free one
};

struct PortChainUpdate {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::vector<std::string>> port_pair_groups;  // re-realises the chain
  std::optional<std::vector<std::string>> flow_classifiers;  // re-realises the chain
};

// One realised hop: an emulator chain between two bound ports (for tests and diagnostics).
struct SfcHop {
  emulator::ChainRequest request;
};

class Sfc {
 public:
  // Both must outlive the Sfc. The emulation is the Cloud's (Cloud::emulation()).
  Sfc(Cloud& cloud, emulator::Control& emulation);
  // Removes the emulator chains of every port chain.
  ~Sfc();
  Sfc(const Sfc&) = delete;
  Sfc& operator=(const Sfc&) = delete;

  // Port pairs: unknown ports kNotFound; a port pair in a group cannot be deleted
  // (kFailedPrecondition, Neutron's 409 PortPairInUse).
  std::vector<PortPair> list_port_pairs() const { return locked_list(mu_, port_pairs_); }
  Result<PortPair> get_port_pair(const std::string& id) const {
    return locked_copy(mu_, port_pairs_, id);
  }
  Result<PortPair> create_port_pair(const PortPairCreate& request);
  Result<PortPair> update_port_pair(const std::string& id, const PortPairUpdate& update);
  Status delete_port_pair(const std::string& id);

  // Port pair groups: unknown port pairs kNotFound; a port pair belongs to one group at most and a
  // group in a chain cannot be deleted (kFailedPrecondition).
  std::vector<PortPairGroup> list_port_pair_groups() const { return locked_list(mu_, groups_); }
  Result<PortPairGroup> get_port_pair_group(const std::string& id) const {
    return locked_copy(mu_, groups_, id);
  }
  Result<PortPairGroup> create_port_pair_group(const PortPairGroupCreate& request);
  Result<PortPairGroup> update_port_pair_group(const std::string& id,
                                               const PortPairGroupUpdate& update);
  Status delete_port_pair_group(const std::string& id);

  // Flow classifiers: bad prefixes, protocols and ranges kInvalidArgument; unknown logical ports
  // kNotFound; a classifier in a chain cannot be deleted (kFailedPrecondition).
  std::vector<FlowClassifier> list_flow_classifiers() const {
    return locked_list(mu_, classifiers_);
  }
  Result<FlowClassifier> get_flow_classifier(const std::string& id) const {
    return locked_copy(mu_, classifiers_, id);
  }
  Result<FlowClassifier> create_flow_classifier(const FlowClassifierCreate& request);
  Result<FlowClassifier> update_flow_classifier(const std::string& id,
                                                const FlowClassifierUpdate& update);
  Status delete_flow_classifier(const std::string& id);

  // Port chains: realised on create and on a change of groups or classifiers. A group or a
  // classifier belongs to one chain at most (kFailedPrecondition); an unbound port, an empty
  // group or a classifier without logical source port refuse the chain.
  std::vector<PortChain> list_port_chains() const { return locked_list(mu_, chains_); }
  Result<PortChain> get_port_chain(const std::string& id) const {
    return locked_copy(mu_, chains_, id);
  }
  Result<PortChain> create_port_chain(const PortChainCreate& request);
  Result<PortChain> update_port_chain(const std::string& id, const PortChainUpdate& update);
  Status delete_port_chain(const std::string& id);

  // The emulator chains realising a port chain (kNotFound for an unknown chain).
  Result<std::vector<SfcHop>> port_chain_hops(const std::string& id) const;

 private:
  // With mu_ held.
  std::string new_uuid();
  Result<std::vector<SfcHop>> plan_locked(const PortChain& chain) const;
  Status install_locked(const std::vector<SfcHop>& hops);
  void remove_locked(const std::vector<SfcHop>& hops);
  Status check_chain_members_locked(const PortChain& chain) const;
  uint64_t cookie_for(int chain_id) const;

  Cloud& cloud_;
  emulator::Control& emulation_;
  mutable std::mutex mu_;
  ResourceTable<PortPair> port_pairs_{"port pair ", " not found"};
  ResourceTable<PortPairGroup> groups_{"port pair group ", " not found"};
  ResourceTable<FlowClassifier> classifiers_{"flow classifier ", " not found"};
  ResourceTable<PortChain> chains_{"port chain ", " not found"};
  std::map<std::string, std::vector<SfcHop>> installed_;  // chain id -> realised hops
  int next_group_id_ = 1;
};

// ---- pure helpers (unit-tested, sfc_classifier.cc)
// -------------------------------------------------

// Validates and normalises a classifier request: ethertype, protocol (names lower-cased, numbers
// 0..255), port ranges (0..65535, min <= max, only with tcp/udp, a single port or the whole
// range), prefixes (IPv4 CIDR, stored in network form; IPv6 classifiers take none), empty
// l7_parameters. Does not look at the logical ports.
Result<FlowClassifier> normalise_classifier(const FlowClassifierCreate& request);
// The emulator match of a (normalised) classifier, "dl_type=0x0800,nw_proto=1,nw_dst=10.0.0.0/24".
// `reverse` swaps sources and destinations (the return direction of a symmetric chain).
std::string classifier_match(const FlowClassifier& classifier, bool reverse = false);

}  // namespace chainlab::openstack
