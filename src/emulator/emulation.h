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
#include "emulator/resource_model.h"
#include "emulator/topology.h"
#include "runtime/compute.h"
#include "substrate/run.h"

namespace chainlab::emulator {

struct InterfaceRequest {
  std::string id;   // sanitised: ':', ' ', '.', '_' -> '-'; default "emu0"
  std::string ip;   // CIDR; "" = next address of the emulation's pool
  std::string mac;  // "" = random
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
};

struct InterfaceInfo {
  std::string name;
  std::string ip;  // CIDR or ""
  std::string mac;
  std::string host_ifname;
  std::string pop_port;  // son-emu's dc_portname
  dataplane::PortId port = 0;
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
};

// E-LAN: a VLAN-isolated learning L2 segment (per switch: learn source MACs, forward to the known
// member, else flood) spanning a tree of the topology, so broadcasts cannot loop even when the
// topology has cycles (son-emu issue 175).

// A partial link change: unset fields keep their value.
struct LinkChange {
  std::optional<uint64_t> delay_ns;
  std::optional<uint64_t> jitter_ns;
  std::optional<double> loss_percent;
  std::optional<double> bw_mbps;
  std::optional<uint32_t> queue_packets;
};

struct EmulationOptions {
  dataplane::EngineOptions engine;
  std::string state_dir = substrate::default_state_dir();
};

class Emulation {
 public:
  // Builds the whole topology in O(n log n); on failure nothing is left. `cancel` is polled while
  // building: once it is set, what was built is removed and the answer is kUnavailable
  // "building '<name>': interrupted".
  static Result<std::unique_ptr<Emulation>> start(const Topology& topology,
                                                  EmulationOptions options = {},
                                                  const Cancel& cancel = Cancel());
  ~Emulation();

  const Topology& topology() const { return topology_; }
  const std::string& prefix() const { return run_->prefix(); }
  // <state dir>/runs/<prefix>: the run's files (journal, logs, api.json).
  const std::string& run_dir() const { return run_->dir(); }

  // Compute (son-emu /restapi/compute).
  Result<ComputeInfo> start_compute(const ComputeRequest& request);
  Status stop_compute(const std::string& pop, const std::string& name);
  Result<ComputeInfo> compute_status(const std::string& name);
  // `pop` empty: all PoPs.
  Result<std::vector<ComputeInfo>> list_compute(const std::string& pop = "");
  Status update_resources(const std::string& name, const substrate::ResourceLimits& limits);
  // Interfaces at runtime (COMPOSER's updateSF): plugged into the instance's PoP switch. Chains and
  // E-LANs using a removed interface stop carrying traffic; remove them too.
  Result<InterfaceInfo> add_interface(const std::string& name, const InterfaceRequest& intf);
  Status remove_interface(const std::string& name, const std::string& intf);
  Result<runtime::ExecResult> exec(const std::string& name, const std::vector<std::string>& argv,
                                   std::chrono::milliseconds timeout);
  // The stdout/stderr of instance `name` in `pop` (GET .../logs): a cursor at its last
  // `tail_lines` lines (nullopt: all that is kept); with `follow` it reads on until the
  // instance's output ends (its processes exited) or it is stopped. NotFound for an unknown
  // instance or one in another PoP.
  Result<runtime::LogCursor> compute_log(const std::string& pop, const std::string& name,
                                         std::optional<size_t> tail_lines, bool follow);

  // PoPs (son-emu /restapi/datacenter).
  std::vector<PopInfo> list_pops();
  Result<PopInfo> pop_status(const std::string& name);

  // Chaining (son-emu /restapi/network).
  Result<ChainInfo> set_chain(const ChainRequest& request);
  // Removes the chain(s) between src and dst (and back if bidirectional) with this cookie.
  Result<size_t> delete_chain(const ChainRequest& request);
  // The same, answering the chains it removed (NotFound when none).
  Result<std::vector<ChainInfo>> remove_chains(const ChainRequest& request);
  std::vector<ChainInfo> list_chains();

  Result<ElanInfo> create_elan(const std::string& name,
                               const std::vector<std::pair<std::string, std::string>>& members);
  // Replaces the members of an E-LAN (creates it when absent); on failure the old membership
  // stays. Neutron networks use it as ports come and go.
  Result<ElanInfo> update_elan(const std::string& name,
                               const std::vector<std::pair<std::string, std::string>>& members);
  Status delete_elan(const std::string& name);

  // Runtime link change between two adjacent nodes (both directions).
  Status set_link(const std::string& a, const std::string& b, const LinkChange& change);

  // {nodes: [{name, group}], links: [{source, target, value}]} (son-emu d3jsgraph).
  nlohmann::json d3_graph();

 private:
  struct Impl;
  explicit Emulation(std::unique_ptr<Impl> impl, Topology topology,
                     std::unique_ptr<substrate::Run> run);

  std::mutex mu_;
  Topology topology_;
  std::unique_ptr<substrate::Run> run_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chainlab::emulator
