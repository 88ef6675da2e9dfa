// The data plane's public API: one `Engine` holding logical switch instances (LSIs) with ports,
// priority flow tables and per-egress link emulation, forwarding real frames between veth host ends
// (AF_PACKET + PACKET_VNET_HDR, batched) and between LSIs over in-process virtual links.
//
// Management (COMPOSER Table 2): create_lsi, destroy_lsi, add_port, remove_port, connect (N virtual
// links between two LSIs), destroy_vlink. Control (Table 3): add_rule, delete_rule,
// delete_rules_by_cookie, dump_rules; plus port_stats and set_link (delay, jitter, loss, rate,
// queue on a port's egress), all at runtime.
//
// Threading: one worker thread forwards; every change is built on the caller's thread and handed to
// the worker between two batches, so rule updates never stall forwarding and the packet path takes
// no lock. The thread starts with the first port that has a socket (before that nothing can
// forward, and changes apply in place: a 100,000-LSI topology builds without a hand-off each). An
// idle engine sleeps in epoll_wait (no CPU). Memory: one pool of `pool_packets` buffers
// of 66 KiB each (virtual; pages become resident as frames touch them), a per-port transmit batch,
// and per egress at most `queue_limit_packets` waiting for the wire plus what the delay holds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "dataplane/flow.h"
#include "dataplane/link_emulation.h"
#include "dataplane/select.h"

namespace chainlab::dataplane {

using LsiId = uint32_t;

// Where frames are forwarded. kKernel: the eBPF fast path (kernel/fastpath.h) takes every frame
// whose path it can express and the userspace engine the rest; kUserspace: the engine takes all.
// kAuto: the CHAINLAB_DATAPLANE environment variable ("kernel" or "userspace") if set, else the
// kernel path when it loads (root, BPF), else userspace.
enum class DataplanePath { kAuto, kKernel, kUserspace };

struct EngineOptions {
  DataplanePath path = DataplanePath::kAuto;
  size_t pool_packets = 8192;  // packet buffers shared by all ports
  uint32_t batch = 64;         // frames per recvmmsg/sendmmsg
  uint64_t mac_aging_ns = 300'000'000'000ull;
  uint64_t seed = 0x5eed;              // link-emulation randomness (loss, jitter)
  int socket_buffer_bytes = 16 << 20;  // per port and direction (kernel memory, used on demand)
  // Keep polling this long after the last frame before sleeping: a frame arriving within it is
  // picked up without a thread wake-up (~25 us each way on a VM). Idle longer: no CPU at all.
  uint32_t poll_us = 2000;
  // > 0: the forwarding thread runs SCHED_FIFO at this priority (1..99), so a frame wakes it
  // ahead of ordinary threads (lower latency on a busy machine). 0: normal scheduling.
  int realtime_priority = 0;
  // Forwarding threads of the userspace path (1..kMaxWorkers). 0: $CHAINLAB_DATAPLANE_WORKERS if
  // set, else one per online CPU but one (at least one). Each worker has its own socket on every
  // instance port and the kernel spreads the port's flows over them (a flow and its replies stay
  // with one worker).
  uint32_t workers = 0;
};

inline constexpr uint32_t kMaxWorkers = 64;
// Parses "auto" (0) or 1..kMaxWorkers (the CLI's --dataplane-workers).
Result<uint32_t> parse_worker_count(std::string_view text);

enum class PortKind { kInstance, kVirtualLink };

struct PortCountersSnapshot {
  uint64_t rx_packets = 0;
  uint64_t rx_bytes = 0;
  uint64_t rx_dropped = 0;  // runts, bad vnet headers, truncated reads, pool exhausted
  uint64_t tx_packets = 0;
  uint64_t tx_bytes = 0;
  uint64_t tx_dropped = 0;  // kernel refused, loss, tail drop

  PortCountersSnapshot& operator+=(const PortCountersSnapshot& o) {
    rx_packets += o.rx_packets;
    rx_bytes += o.rx_bytes;
    rx_dropped += o.rx_dropped;
    tx_packets += o.tx_packets;
    tx_bytes += o.tx_bytes;
    tx_dropped += o.tx_dropped;
    return *this;
  }
};

struct PortStats {
  PortId id = 0;
  std::string name;
  PortKind kind = PortKind::kInstance;
  std::string ifname;  // instance ports: the host interface
  LsiId peer_lsi = 0;  // virtual links: the other end
  PortId peer_port = 0;
  PortCountersSnapshot counters;
  LinkParams link;
  EgressStats egress;
  PortCountersSnapshot kernel;         // the part of `counters` the kernel fast path forwarded
  std::vector<uint64_t> rx_by_worker;  // frames each userspace worker received on the port
};

struct RuleSpec {
  uint16_t priority = 1000;
  uint64_t cookie = 0;
  Match match;
  std::vector<Action> actions;
};

struct RuleStats {
  RuleId id = 0;
  uint64_t cookie = 0;
  uint16_t priority = 0;
  Match match;
  std::vector<Action> actions;
  uint64_t packets = 0;
  uint64_t bytes = 0;
};

struct VirtualLink {
  LsiId a = 0;
  PortId a_port = 0;
  LsiId b = 0;
  PortId b_port = 0;
};

// An L2 segment inside one LSI: its member ports, each either local (untagged frames) or a trunk
// (frames carry `vlan`). Action::segment(id) learns source MACs per segment and sends a frame to
// the member that owns its destination, or floods it to every other member, popping or pushing the
// tag per port. Loop-free as long as the trunks of all LSIs form a tree (the emulator's E-LANs
// and its learning mode). A flood costs one frame copy per member.
inline constexpr size_t kMaxSegmentMembers = 4096;
struct SegmentSpec {
  uint16_t vlan = 0;                             // 1..4094 when any member is a trunk
  std::vector<std::pair<PortId, bool>> members;  // (port, is trunk); at most kMaxSegmentMembers
  friend bool operator==(const SegmentSpec&, const SegmentSpec&) = default;
};

struct LsiInfo {
  LsiId id = 0;
  std::string name;
  std::vector<PortId> ports;
  size_t rules = 0;
};

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> start(const EngineOptions& options = {});
  virtual ~Engine() = default;

  virtual Result<LsiId> create_lsi(const std::string& name) = 0;
  // Removes the LSI, its ports (virtual links with their other end) and its rules.
  virtual Status destroy_lsi(LsiId lsi) = 0;
  virtual std::vector<LsiInfo> list_lsis() const = 0;

  // Attaches the host interface `ifname` (e.g. the host end of an instance's veth) as a port.
  virtual Result<PortId> add_port(LsiId lsi, const std::string& name,
                                  const std::string& ifname) = 0;
  // Removes a port of either kind (a virtual link goes with both ends); rules that name it stay
  // and match nothing (the emulator removes them by cookie).
  virtual Status remove_port(LsiId lsi, PortId port) = 0;
  virtual Result<std::vector<VirtualLink>> connect(LsiId a, LsiId b, int count) = 0;

  virtual Result<RuleId> add_rule(LsiId lsi, const RuleSpec& rule) = 0;
  virtual Status delete_rule(LsiId lsi, RuleId rule) = 0;
  // Deletes every rule of the LSI with this cookie; returns how many.
  virtual Result<size_t> delete_rules_by_cookie(LsiId lsi, uint64_t cookie) = 0;
  virtual Result<std::vector<RuleStats>> dump_rules(LsiId lsi) const = 0;

  virtual Result<uint32_t> add_segment(LsiId lsi, const SegmentSpec& segment) = 0;
  // Replaces the members (and VLAN) of a segment at once: no frame sees a half-updated segment.
  // Its MAC table entries stay; those of ports no longer members are ignored (flooded instead).
  virtual Status update_segment(LsiId lsi, uint32_t segment, const SegmentSpec& spec) = 0;
  // Rules that still name the segment then match nothing useful (they drop); remove them first.
  virtual Status remove_segment(LsiId lsi, uint32_t segment) = 0;

  // Load-balancing groups (select.h) for Action::select: a flow goes to one member, chosen by its
  // hash, and stays there while the members change unless its member goes. An empty group drops.
  virtual Result<uint32_t> add_group(LsiId lsi, const GroupSpec& group) = 0;
  virtual Status update_group(LsiId lsi, uint32_t group, const GroupSpec& spec) = 0;
  // Rules that still name the group then drop; remove them first.
  virtual Status remove_group(LsiId lsi, uint32_t group) = 0;

  // While the returned token lives, the frames the engine sends out of instance port `port` take
  // the kernel's whole transmit path, so a capture on its host end (capture.h) sees them too; by
  // default they skip it (faster). InvalidArgument for a virtual link.
  virtual Result<std::shared_ptr<const void>> tap_port(LsiId lsi, PortId port) = 0;

  virtual Result<PortStats> port_stats(LsiId lsi, PortId port) const = 0;
  // Only the port's counters: no round trip to the forwarding thread (the monitor's per-port
  // reading; port_stats also asks the worker for the egress queue's).
  virtual Result<PortCountersSnapshot> port_counters(LsiId lsi, PortId port) const = 0;
  // Emulation on the port's egress (for a virtual link: the direction leaving this end).
  virtual Status set_link(LsiId lsi, PortId port, const LinkParams& params) = 0;

  // The path in use and why: "kernel (eBPF fast path, userspace for shaped links, learning and
  // floods)" or "userspace (kernel path unavailable: ...)".
  virtual std::string path_description() const = 0;
  virtual bool kernel_path() const = 0;
  // How many forwarding workers the userspace path runs.
  virtual size_t workers() const = 0;
};

// Parses "auto", "kernel" or "userspace" (the CLI's --dataplane).
Result<DataplanePath> parse_dataplane_path(std::string_view text);

}  // namespace chainlab::dataplane
