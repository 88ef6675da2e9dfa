// The seam under the orchestration core: the abstract API the upper layers (front ends,
// orchestration, endpoints) use to drive an emulation — compute, interfaces, chains, E-LANs,
// links, PoP queries. `Emulation` implements it over the kernel and the data plane; unit tests use
// an in-memory fake (tests/unit/fakes/fake_control.h), so Cloud, Sfc and the gatekeeper are tested
// without root. Semantics of every call: emulator/emulation.h.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "dataplane/dataplane.h"
#include "emulator/resource_model.h"
#include "emulator/topology.h"
#include "runtime/compute.h"

namespace chainlab::emulator {

// A Linux bridge in the emulation's own network namespace (the host side), like Neutron's br-ex:
// made with `address` when its first interface is plugged, removed with its last one (or with the
// emulation). `name` is the caller's key; the kernel name is the emulation's.
struct HostBridgeRequest {
  std::string name;
  std::string address;  // CIDR the host holds on it, "172.24.4.1/24"
};

// Members default-initialised ({}): brace-initialising the first few leaves the rest empty.
struct InterfaceRequest {
  std::string id{};   // sanitised: ':', ' ', '.', '_' -> '-'; default "emu0"
  std::string ip{};   // CIDR; "" = next address of the emulation's pool
  std::string mac{};  // "" = random
  // Bare address: the instance's default route goes via it (on this interface) when it has none
  // yet ("" = none), like a Neutron subnet's gateway handed out by DHCP.
  std::string gateway{};
  // Plugged into this host bridge instead of the PoP's switch: how a router reaches the host.
  // Such an interface has no switch port: no chain, E-LAN, learning segment or counters.
  std::optional<HostBridgeRequest> host_bridge{};
};

struct ComputeRequest {
  std::string pop;
  std::string name;
  std::string image;  // informational for the native driver
  // Native: run with /bin/sh -c; oci: split into words (split_shell_words) replacing the image's
  // CMD. "" = sleep forever / the image's CMD. A program that does not exist (its first word when
  // the shell would exec it, shell_program) is an InvalidArgument and nothing is created.
  std::string command;
  std::vector<InterfaceRequest> interfaces;  // empty = one "emu0" from the pool
  std::string flavor = "tiny";
  std::map<std::string, std::string> env;
  // Run inside the instance (sh -c, at most 10 s) before it is stopped; also taken from the env
  // variables SON_EMU_CMD_STOP / VIM_EMU_CMD_STOP as son-emu images set them.
  std::string stop_command;
  // Explicit limits (a descriptor's cpu_bw / memory, an OpenStack flavour) set over what the
  // flavour and the PoP's resource model give.
  std::optional<substrate::ResourceLimits> limits;
  // A taken name becomes "<name>-2", "<name>-3"... (the answer carries the name used) instead
  // of an AlreadyExists error.
  bool rename_if_taken = false;
  // "" = plug the interfaces into the PoP's switch; else into this graph-LSI of the PoP
  // (create_graph_lsi). Such an instance takes no part in chains, E-LANs or learning.
  std::string graph_lsi = "";
};

struct InterfaceInfo {
  std::string name;
  std::string ip;  // CIDR or ""
  std::string mac;
  std::string host_ifname;
  std::string pop_port;        // son-emu's dc_portname
  dataplane::PortId port = 0;  // 0: not on the switch (on host_bridge)
  std::string host_bridge;     // the HostBridgeRequest's name, "" = on the PoP's switch
};

// Where a capture of an instance's interface reads (dataplane/capture.h): the host end of its veth,
// and a token that, while held, makes the switch's frames to it visible there.
struct CaptureTarget {
  std::string host_ifname;
  std::shared_ptr<const void> tap;
};

struct ComputeInfo {
  std::string name;
  std::string pop;
  std::string image;
  std::string command;
  std::string flavor;
  runtime::InstanceStatus status;  // state, pid, limits, stats, netns
  std::vector<InterfaceInfo> interfaces;
  Allocation allocation;
};

struct PopInfo {
  std::string name;
  std::string internal_name;  // the LSI name
  dataplane::LsiId lsi = 0;
  std::map<std::string, std::string> metadata;
  std::vector<std::string> instances;
  std::string resource_model;
  nlohmann::json resource_state;  // son-emu's keys ({} for `none`), as the REST API shows it
  ResourceCapacity capacity;      // the same, typed (placement reads this)
};

struct ChainRequest {
  std::string src;
  std::string src_intf;  // "" = the instance's first interface
  std::string dst;
  std::string dst_intf;
  std::string weight = "hops";    // "hops" or "delay"
  std::vector<std::string> path;  // explicit node list (PoPs/switches), overrides weight
  bool bidirectional = false;
  uint64_t cookie = 10;
  uint16_t priority = 1000;
  std::string match;           // extra match, "dl_type=0x0800,nw_proto=6,tp_dst=80"
  bool skip_vlan_tag = false;  // same-PoP chains never tag; multi-hop chains need a tag
  // A load-balancing group (networking-sfc's port pair group): (instance, interface) ends in
  // dst's PoP, dst among them. The last hop sends each flow to one of them, by its symmetric
  // 5-tuple hash; a group of the same size elsewhere picks the member of the same position for
  // the same flow (a symmetric chain's way back). Bidirectional: each member's replies go back.
  std::vector<std::pair<std::string, std::string>> dst_group;
};

struct ChainInfo {
  std::string id;  // "src:intf->dst:intf"
  ChainRequest request;
  std::vector<std::string> path;  // nodes traversed
  uint16_t vlan = 0;              // 0: untagged
  size_t rules = 0;
};

struct ElanInfo {
  std::string name;
  uint16_t vlan = 0;
  std::vector<std::pair<std::string, std::string>> members;  // (instance, interface)
  std::vector<std::string> tree;  // nodes the segment spans (a tree: loop-free)

  // The members as PUT /restapi/elan takes them: "vnf:intf" ("vnf" where the interface is empty).
  std::vector<std::string> member_names() const {
    std::vector<std::string> out;
    for (const auto& [vnf, intf] : members) {
      out.push_back(intf.empty() ? vnf : vnf + ":" + intf);
    }
    return out;
  }
};

// E-LAN: a VLAN-isolated learning L2 segment (per switch: learn source MACs, forward to the known
// member, else flood) spanning a tree of the topology, so broadcasts cannot loop even when the
// topology has cycles (son-emu issue 175).

// A graph-LSI (the node orchestrator's switch of one NF-FG, COMPOSER §5.2): a switch beside its
// PoP's switch (LSI-0), joined to it by virtual links; instances started with
// ComputeRequest::graph_lsi plug into it. Rules on either switch come from add_rule.
struct GraphLsiInfo {
  std::string name;
  std::string pop;
  dataplane::LsiId lsi0 = 0;  // the PoP's switch
  dataplane::LsiId lsi = 0;
};

struct LsiLink {
  dataplane::PortId lsi0_port = 0;  // on the PoP's switch
  dataplane::PortId graph_port = 0;
  friend bool operator==(const LsiLink&, const LsiLink&) = default;
};

// A graph's tunnel to another node: VXLAN over UDP 4789 (this kernel has no GRE demux), the
// NF-FG's gre-key as its network id.
struct TunnelSpec {
  std::string local_ip;   // an address of this host (IPv4 or IPv6)
  std::string remote_ip;  // the other node's, same family
  uint32_t key = 0;       // 0..16777215
  uint8_t ttl = 0;        // 0: inherit
};

// A partial link change: unset fields keep their value.
struct LinkChange {
  std::optional<uint64_t> delay_ns;
  std::optional<uint64_t> jitter_ns;
  std::optional<double> loss_percent;
  std::optional<double> bw_mbps;
  std::optional<uint32_t> queue_packets;
};

class Control {
 public:
  virtual ~Control() = default;

  virtual const Topology& topology() const = 0;

  // Compute (son-emu /restapi/compute).
  virtual Result<ComputeInfo> start_compute(const ComputeRequest& request) = 0;
  virtual Status stop_compute(const std::string& pop, const std::string& name) = 0;
  virtual Result<ComputeInfo> compute_status(const std::string& name) = 0;
  // `pop` empty: all PoPs.
  virtual Result<std::vector<ComputeInfo>> list_compute(const std::string& pop = "") = 0;
  virtual Status update_resources(const std::string& name,
                                  const substrate::ResourceLimits& limits) = 0;
  virtual Result<InterfaceInfo> add_interface(const std::string& name,
                                              const InterfaceRequest& intf) = 0;
  virtual Status remove_interface(const std::string& name, const std::string& intf) = 0;
  virtual Result<runtime::ExecResult> exec(const std::string& name,
                                           const std::vector<std::string>& argv,
                                           std::chrono::milliseconds timeout) = 0;
  virtual Result<runtime::LogCursor> compute_log(const std::string& pop, const std::string& name,
                                                 std::optional<size_t> tail_lines, bool follow) = 0;
  // NotFound for an unknown instance, one in another PoP, or an unknown interface.
  virtual Result<CaptureTarget> capture_target(const std::string& pop, const std::string& name,
                                               const std::string& intf) = 0;

  // PoPs (son-emu /restapi/datacenter).
  virtual std::vector<PopInfo> list_pops() = 0;
  virtual Result<PopInfo> pop_status(const std::string& name) = 0;

  // Chaining (son-emu /restapi/network) and E-LANs.
  virtual Result<ChainInfo> set_chain(const ChainRequest& request) = 0;
  virtual Result<size_t> delete_chain(const ChainRequest& request) = 0;
  virtual Result<std::vector<ChainInfo>> remove_chains(const ChainRequest& request) = 0;
  virtual std::vector<ChainInfo> list_chains() = 0;
  virtual Result<ElanInfo> create_elan(
      const std::string& name, const std::vector<std::pair<std::string, std::string>>& members) = 0;
  virtual Result<ElanInfo> update_elan(
      const std::string& name, const std::vector<std::pair<std::string, std::string>>& members) = 0;
  virtual Status delete_elan(const std::string& name) = 0;
  virtual std::vector<ElanInfo> list_elans() = 0;

  // Runtime link change between two adjacent nodes (both directions).
  virtual Status set_link(const std::string& a, const std::string& b, const LinkChange& change) = 0;

  // Graph-LSIs. `name` is unique among them (AlreadyExists); destroying one refuses while
  // instances are plugged into it (FailedPrecondition) and takes its links and rules with it.
  virtual Result<GraphLsiInfo> create_graph_lsi(const std::string& pop,
                                                const std::string& name) = 0;
  virtual Status destroy_graph_lsi(const std::string& name) = 0;
  virtual Result<LsiLink> add_graph_link(const std::string& name) = 0;
  virtual Status remove_graph_link(const std::string& name, const LsiLink& link) = 0;
  // The ports of the PoP's switch that graphs name as interfaces: each SAP (by its name), each
  // topology link (by the neighbour's name) and each host interface attached to it.
  virtual Result<std::map<std::string, dataplane::PortId>> pop_interfaces(
      const std::string& pop) = 0;
  // Attaches an existing host interface (a NIC or a veth, by name) to the PoP's switch.
  virtual Result<dataplane::PortId> attach_host_interface(const std::string& pop,
                                                          const std::string& ifname) = 0;
  // A host-stack port of a graph-LSI: a veth whose host end (in the emulation's network
  // namespace, named as the answer says) has `address` (CIDR), the other end a port of the
  // graph-LSI. It goes with remove_host_device or with the graph-LSI.
  virtual Result<std::pair<std::string, dataplane::PortId>> add_host_stack(
      const std::string& graph_lsi, const std::string& address) = 0;
  // A tunnel port of a graph-LSI (an NF-FG gre-tunnel end-point): a VXLAN device in the
  // emulation's network namespace (named as the answer says) to the remote end, a port of the
  // graph-LSI. It goes with remove_host_device or with the graph-LSI.
  virtual Result<std::pair<std::string, dataplane::PortId>> add_tunnel(const std::string& graph_lsi,
                                                                       const TunnelSpec& spec) = 0;
  // Removes a host-stack veth or a tunnel device from its graph-LSI and the host.
  virtual Status remove_host_device(const std::string& graph_lsi, const std::string& ifname) = 0;
  // A rule on a PoP's switch or a graph-LSI (the ids of GraphLsiInfo); the caller removes it.
  virtual Result<dataplane::RuleId> add_rule(dataplane::LsiId lsi,
                                             const dataplane::RuleSpec& rule) = 0;
  virtual Status delete_rule(dataplane::LsiId lsi, dataplane::RuleId rule) = 0;
};

}  // namespace chainlab::emulator
