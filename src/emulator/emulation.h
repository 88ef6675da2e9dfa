// The live emulation built from a Topology: one LSI ("big switch") per PoP and per extra switch
// in the data plane, one virtual link per topology link with its delay/jitter/loss/rate, compute
// instances started and stopped at runtime in any PoP, chains and E-LANs steering traffic between
// them, resource models applied through cgroups. One object owns all of it; every public call is
// serialised by one mutex; on destruction everything is removed.
//
// Semantics (son-emu's, see ../shared/reference/emulator-api.md): with connectivity `none` (the
// default) instances reach nothing until a chain or an E-LAN connects them; in learning PoPs
// (connectivity `learning`, son-emu's enable_learning=True) every instance and SAP interface not in
// an E-LAN is in one L2 learning segment spanning the learning PoPs, at priority 0 below chains and
// E-LANs, joined and left within start_compute/stop_compute. set_chain(src[:intf], dst[:intf])
// takes the shortest path (by hops or by delay), one VLAN id from the pool per chain: the first
// switch pushes it, the middle ones match it, the last one pops it. Removal frees the VLAN.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/cancel.h"
#include "common/result.h"
#include "dataplane/dataplane.h"
#include "emulator/control.h"
#include "emulator/resource_model.h"
#include "emulator/topology.h"
#include "monitor/events.h"
#include "monitor/source.h"
#include "runtime/compute.h"
#include "runtime/image_store.h"
#include "substrate/run.h"

namespace chainlab::emulator {

struct EmulationOptions {
  dataplane::EngineOptions engine;
  std::string state_dir = substrate::kDefaultStateDir;
  // The run's image store (borrowed; must outlive the emulation), opened by the composition root
  // (app/run.h). Null: no containers, every instance runs natively (as without runc).
  runtime::ImageStore* images = nullptr;
  // Where instance started/stopped, chain added/removed and link changed go (borrowed; null:
  // nowhere).
  monitor::EventSink* events = nullptr;
};

struct GraphLsiState;  // emulation_impl.h

class Emulation final : public Control, public monitor::Source {
 public:
  // Builds the whole topology in O(n log n); on failure nothing is left. `cancel` is polled while
  // building: once it is set, what was built is removed and the answer is kUnavailable
  // "building '<name>': interrupted".
  static Result<std::unique_ptr<Emulation>> start(const Topology& topology,
                                                  EmulationOptions options = {},
                                                  const Cancel& cancel = Cancel());
  ~Emulation();

  const Topology& topology() const override { return topology_; }
  const std::string& prefix() const { return run_->prefix(); }
  // <state dir>/runs/<prefix>: the run's files (journal, logs, api.json).
  const std::string& run_dir() const { return run_->dir(); }
  // Which data plane forwards (dataplane::Engine::path_description).
  std::string dataplane_path() const;

  // Compute (son-emu /restapi/compute).
  Result<ComputeInfo> start_compute(const ComputeRequest& request) override;
  Status stop_compute(const std::string& pop, const std::string& name) override;
  Result<ComputeInfo> compute_status(const std::string& name) override;
  // `pop` empty: all PoPs.
  Result<std::vector<ComputeInfo>> list_compute(const std::string& pop = "") override;
  Status update_resources(const std::string& name,
                          const substrate::ResourceLimits& limits) override;
  // Interfaces at runtime (COMPOSER's updateSF): plugged into the instance's PoP switch. Chains and
  // E-LANs using a removed interface stop carrying traffic; remove them too.
  Result<InterfaceInfo> add_interface(const std::string& name,
                                      const InterfaceRequest& intf) override;
  Status remove_interface(const std::string& name, const std::string& intf) override;
  Result<runtime::ExecResult> exec(const std::string& name, const std::vector<std::string>& argv,
                                   std::chrono::milliseconds timeout) override;
  // The stdout/stderr of instance `name` in `pop` (GET .../logs): a cursor at its last
  // `tail_lines` lines (nullopt: all that is kept); with `follow` it reads on until the
  // instance's output ends (its processes exited) or it is stopped. NotFound for an unknown
  // instance or one in another PoP.
  Result<runtime::LogCursor> compute_log(const std::string& pop, const std::string& name,
                                         std::optional<size_t> tail_lines, bool follow) override;
  Result<CaptureTarget> capture_target(const std::string& pop, const std::string& name,
                                       const std::string& intf) override;

  // PoPs (son-emu /restapi/datacenter).
  std::vector<PopInfo> list_pops() override;
  Result<PopInfo> pop_status(const std::string& name) override;

  // Chaining (son-emu /restapi/network).
  Result<ChainInfo> set_chain(const ChainRequest& request) override;
  // Removes the chain(s) between src and dst (and back if bidirectional) with this cookie.
  Result<size_t> delete_chain(const ChainRequest& request) override;
  // The same, answering the chains it removed (NotFound when none).
  Result<std::vector<ChainInfo>> remove_chains(const ChainRequest& request) override;
  std::vector<ChainInfo> list_chains() override;

  Result<ElanInfo> create_elan(
      const std::string& name,
      const std::vector<std::pair<std::string, std::string>>& members) override;
  // Replaces the members of an E-LAN (creates it when absent); on failure the old membership
  // stays. Neutron networks use it as ports come and go.
  Result<ElanInfo> update_elan(
      const std::string& name,
      const std::vector<std::pair<std::string, std::string>>& members) override;
  Status delete_elan(const std::string& name) override;
  std::vector<ElanInfo> list_elans() override;

  // Runtime link change between two adjacent nodes (both directions).
  Status set_link(const std::string& a, const std::string& b, const LinkChange& change) override;

  // Graph-LSIs and rules of the node orchestrator (emulation_graph_lsi.cc).
  Result<GraphLsiInfo> create_graph_lsi(const std::string& pop, const std::string& name) override;
  Status destroy_graph_lsi(const std::string& name) override;
  Result<LsiLink> add_graph_link(const std::string& name) override;
  Status remove_graph_link(const std::string& name, const LsiLink& link) override;
  Result<std::map<std::string, dataplane::PortId>> pop_interfaces(const std::string& pop) override;
  Result<dataplane::PortId> attach_host_interface(const std::string& pop,
                                                  const std::string& ifname) override;
  Result<std::pair<std::string, dataplane::PortId>> add_host_stack(
      const std::string& graph_lsi, const std::string& address) override;
  Result<std::pair<std::string, dataplane::PortId>> add_tunnel(const std::string& graph_lsi,
                                                               const TunnelSpec& spec) override;
  Status remove_host_device(const std::string& graph_lsi, const std::string& ifname) override;
  Result<dataplane::RuleId> add_rule(dataplane::LsiId lsi,
                                     const dataplane::RuleSpec& rule) override;
  Status delete_rule(dataplane::LsiId lsi, dataplane::RuleId rule) override;

  // {nodes: [{name, group}], links: [{source, target, value}]} (son-emu d3jsgraph).
  nlohmann::json d3_graph();

  // One reading of every counter for the monitor (emulation_monitor.cc): data plane counters
  // under the lock, the instances' cgroups after it.
  Result<monitor::Snapshot> collect() override;

 private:
  struct Impl;
  explicit Emulation(std::unique_ptr<Impl> impl, Topology topology,
                     std::unique_ptr<substrate::Run> run);

  // Deletes a host-stack veth (both ends) or a tunnel and forgets it in the run's journal.
  Status delete_host_device(const std::string& ifname);
  // A device on the host that a graph-LSI uses: `name` is made and journaled, `port_ifname` (the
  // device itself or a veth's peer) becomes the port "<kind>:<name>".
  struct HostDevice {
    std::string kind;
    std::string name;
    std::string port_ifname;
  };
  // Makes the graph-LSI's port of a device just `made` (deleted when that or the port fails).
  Result<std::pair<std::string, dataplane::PortId>> attach_host_device(GraphLsiState& lsi,
                                                                       const HostDevice& device,
                                                                       const Status& made);

  std::mutex mu_;
  Topology topology_;
  std::unique_ptr<substrate::Run> run_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chainlab::emulator
