// Internal state of an Emulation (emulation*.cc only). Guarded by Emulation::mu_.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "emulator/emulation.h"
#include "emulator/graph.h"
#include "runtime/drivers.h"
#include "runtime/image_store.h"

namespace chainlab::emulator {

struct NodeState {
  std::string name;
  bool is_pop = false;
  dataplane::LsiId lsi = 0;
  std::unique_ptr<ResourceModel> model;  // every PoP's, from the registry (null: a switch)
  // A model that sets limits (not `none`): its state is shown and its allocations are logged.
  bool limits() const { return model && model->capacity().limited; }
};

struct LinkState {
  LinkSpec spec;
  int a = -1;  // node indexes
  int b = -1;
  dataplane::PortId a_port = 0;  // on a's LSI, toward b
  dataplane::PortId b_port = 0;  // on b's LSI, toward a
};

struct InstanceState {
  // Shared so that exec can run on it without the emulation lock while it is being stopped.
  std::shared_ptr<runtime::ComputeInstance> compute;
  ComputeRequest request;
  int node = -1;
  dataplane::LsiId lsi = 0;  // the switch its interfaces are plugged into
  bool is_sap = false;
  std::vector<InterfaceInfo> interfaces;
  Allocation allocation;
};

// A graph-LSI of a PoP (emulation_graph_lsi.cc).
struct GraphLsiState {
  int node = -1;
  dataplane::LsiId lsi = 0;
  std::vector<LsiLink> links;
  std::map<std::string, dataplane::PortId> host_devices;  // host-stack veths, tunnels -> port
};

// A bridge of the host side with instance interfaces in it (emulation_host_bridge.cc).
struct HostBridge {
  std::string ifname;   // kernel name
  std::string address;  // CIDR
  int members = 0;
};

// A host interface attached to a PoP's switch (attach_host_interface).
struct HostInterface {
  int node = -1;
  dataplane::PortId port = 0;
};

struct InstalledRule {
  dataplane::LsiId lsi;
  dataplane::RuleId id;
};

struct ChainState {
  ChainInfo info;
  std::vector<InstalledRule> rules;
  std::optional<std::pair<dataplane::LsiId, uint32_t>> group;  // ChainRequest::dst_group's
};

struct InstalledSegment {
  dataplane::LsiId lsi;
  uint32_t id;
};

struct ElanState {
  ElanInfo info;
  std::vector<InstalledRule> rules;
  std::vector<InstalledSegment> segments;
};

// Learning mode (emulation_learning.cc): one learning segment per node of a forest spanning the
// learning PoPs. Its members: the tree links (trunks, tagged with `vlan`) and, in learning PoPs,
// every instance interface that is not in an E-LAN.
struct LearningNode {
  dataplane::LsiId lsi = 0;
  uint32_t segment = 0;
  bool local = false;  // a learning PoP (its instances join), else a transit node of the tree
  std::vector<dataplane::PortId> trunks;
  dataplane::SegmentSpec installed;
};

struct LearningState {
  uint16_t vlan = 0;  // 0: no tree link
  std::map<int, LearningNode> nodes;
  std::vector<InstalledRule> rules;
};

struct Emulation::Impl {
  EmulationOptions options;
  std::unique_ptr<dataplane::Engine> engine;
  // Compute drivers from the registry: `oci` for instances whose image is in the local store
  // (null without runc or a store), `native` for everything else. The instances they make live
  // in `instances`, the one instance map.
  std::unique_ptr<runtime::ComputeDriver> native;
  runtime::ImageStore* images = nullptr;  // EmulationOptions::images when runc is there
  std::unique_ptr<runtime::ComputeDriver> oci;
  std::unique_ptr<TopologyGraph> graph;
  std::vector<NodeState> nodes;  // index = TopologyGraph index
  std::vector<LinkState> links;  // index = topology link index
  std::map<std::string, InstanceState> instances;
  std::vector<ChainState> chains;
  std::map<std::string, ElanState> elans;
  LearningState learning;
  std::map<std::string, GraphLsiState> graph_lsis;
  std::map<std::string, HostInterface> host_interfaces;  // by interface name
  std::map<std::string, HostBridge> host_bridges;        // by the request's name
  substrate::Run* run_handle = nullptr;  // the Emulation's Run: kernel names and journal
  VlanPool vlans;
  uint32_t next_ip = 1;  // host part in the default pool 10.0.0.0/16
  std::set<std::string> used_ips;
  std::string hosts_path;
  std::unique_ptr<AllocationLog> alloc_log;

  // Publishes an event when the emulation has a sink (EmulationOptions::events).
  void emit(std::string type, nlohmann::json data) const {
    if (options.events != nullptr) {
      options.events->publish(std::move(type), std::move(data));
    }
  }
  // `native` always, `oci` when runc and the image store are there (emulation.cc).
  Status create_drivers(substrate::Run& run, uint64_t log_bytes, runtime::ImageStore* store);
  // Port of an instance interface ("" = first): (node, port).
  Result<std::pair<int, dataplane::PortId>> endpoint(const std::string& instance,
                                                     const std::string& intf) const;
  // The port of `link` on node `node`'s LSI.
  dataplane::PortId link_port(size_t link, int node) const;
  Status rewrite_hosts();
  void remove_rules(const std::vector<InstalledRule>& rules);
  // A chain's rules, then its group.
  void remove_chain_state(const ChainState& chain);
  void remove_segments(const std::vector<InstalledSegment>& segments);
  // Re-applies the PoP's current allocations to its running instances (model B rescaling).
  Status apply_allocations(int node);
  Result<ComputeInfo> info(const std::string& name);
  // The instance named `name` (NotFound "no instance named 'x'").
  Result<InstanceState*> find(const std::string& name);
  // Next free address of the default pool 10.0.0.0/16.
  Result<substrate::Cidr> next_pool_address();
  // The switch of an instance's interfaces: `graph_lsi` of PoP `node`, or the PoP's own.
  Result<dataplane::LsiId> instance_lsi(int node, const std::string& graph_lsi) const;
  // Whether `lsi` is a PoP's switch or a graph-LSI.
  bool known_lsi(dataplane::LsiId lsi) const;
  // Plugs an interface into instance `name` (`compute`, already created) and switch `lsi`.
  Result<InterfaceInfo> plug(runtime::ComputeInstance& compute, const std::string& name,
                             dataplane::LsiId lsi, const runtime::InterfaceSpec& intf,
                             const std::optional<HostBridgeRequest>& bridge);
  // Takes a plugged interface off its switch or host bridge (not out of the instance).
  void unplug(dataplane::LsiId lsi, const InterfaceInfo& intf);
  // A member more / fewer in a host bridge (made with the first, deleted with the last); the
  // join answers the kernel name.
  Result<std::string> join_host_bridge(const HostBridgeRequest& bridge);
  void leave_host_bridge(const std::string& name);
  // Puts the host end of an instance's veth into the bridge (joined): port 0, no switch port.
  Result<dataplane::PortId> bridge_port(const std::string& host_ifname,
                                        const HostBridgeRequest& bridge);

  // E-LAN plumbing without the lock or the name checks (emulation_chain.cc).
  Result<ElanInfo> create_elan(const std::string& name,
                               const std::vector<std::pair<std::string, std::string>>& members);
  void erase_elan(std::map<std::string, ElanState>::iterator it);

  // Learning mode (emulation_learning.cc). Builds the segments and their rules for the topology's
  // learning PoPs (none: nothing).
  Status setup_learning(const Topology& topology);
  // Brings node's learning segment up to date with its instances and E-LANs; `pending` are
  // interfaces of an instance being started (not yet in `instances`). No-op for other nodes.
  Status sync_learning(int node, const std::vector<InterfaceInfo>& pending = {});
  // sync_learning for the nodes of these E-LAN members (unknown instances are skipped).
  Status sync_learning_for(const std::vector<std::pair<std::string, std::string>>& members);
};

dataplane::LinkParams to_link_params(const LinkSpec& spec);
// son-emu's interface id sanitising: ':', ' ', '.', '_' -> '-'.
std::string sanitize_interface_id(std::string_view id);

}  // namespace chainlab::emulator
