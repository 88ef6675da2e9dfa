// A forwarding thread (internal to the data plane). It owns its runtime structures — its copy of
// the LSIs, its socket on every port, MAC tables, exact-match caches, egress queues, its packet
// pool — and is the only thread that touches them. The control plane changes them by posting
// commands (`Worker::run`), executed between two batches; so the packet path needs no locks and
// rules swap atomically as a whole. With several workers, each has a copy of every LSI and port and
// the kernel spreads a port's flows over the workers' sockets (PACKET_FANOUT); what must stay one
// per port is shared: its counters' sum, its captures, its rate-limited wire (link_emulation.h).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/fd.h"
#include "common/result.h"
#include "dataplane/dataplane.h"
#include "dataplane/flow_table.h"
#include "dataplane/mac_table.h"
#include "dataplane/port_io.h"

namespace chainlab::dataplane {

// Port counters of one worker's copy of a port: written by that worker only, read by anyone
// (relaxed atomics); on a cache line of their own.
struct alignas(64) PortCounters {
  std::atomic<uint64_t> rx_packets{0};
  std::atomic<uint64_t> rx_bytes{0};
  std::atomic<uint64_t> rx_dropped{0};
  std::atomic<uint64_t> tx_packets{0};
  std::atomic<uint64_t> tx_bytes{0};
  std::atomic<uint64_t> tx_dropped{0};

  static void bump(std::atomic<uint64_t>& c, uint64_t by = 1) {
    c.store(c.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
  }
  PortCountersSnapshot snapshot() const;
};

struct LsiRuntime;

struct PortRuntime {
  // `wire`: the port's rate-limited wire, shared by every worker's copy of the port.
  PortRuntime(PortId port_id, PortKind port_kind, uint32_t batch, uint64_t seed,
              std::shared_ptr<Wire> wire = nullptr);

  PortId id;
  PortKind kind;
  LsiRuntime* lsi = nullptr;
  UniqueFd fd;                  // instance ports
  PortRuntime* peer = nullptr;  // virtual links: the other end
  std::shared_ptr<PortCounters> counters = std::make_shared<PortCounters>();
  EgressQueue egress;
  std::vector<Packet*> tx;  // frames waiting for the next sendmmsg
  uint32_t tx_count = 0;
  // Captures on the host end (Engine::tap_port); while > 0, frames skip no kernel path so they
  // see them. `tapped` is the socket's state, changed by the worker before it sends.
  std::shared_ptr<std::atomic<int>> taps = std::make_shared<std::atomic<int>>(0);
  bool tapped = false;
};

struct LsiRuntime {
  explicit LsiRuntime(LsiId lsi_id);

  LsiId id;
  std::shared_ptr<const FlowTable> table;
  std::map<PortId, std::unique_ptr<PortRuntime>> ports;
  std::vector<PortRuntime*> by_id;  // index: PortId
  std::map<uint32_t, SegmentSpec> segments;
  std::map<uint32_t, GroupSpec> groups;
  // Made when the first rule arrives (the cache) and the first `normal` rule (the MAC table): a
  // transit LSI of a 1000-PoP topology without chains costs a few hundred bytes, not 300 KiB.
  std::shared_ptr<MacTable> macs;  // one per LSI, shared by the workers' copies (Engine)
  std::unique_ptr<ExactMatchCache> emc;

  // Keeps by_id in step with `ports` (O(1) per change: a hub with 100,000 links stays linear).
  void index(PortId pid, PortRuntime* port);
};

class Worker {
 public:
  // `index`: this worker's number (0..workers-1), its slot in rule counters.
  static Result<std::unique_ptr<Worker>> start(const EngineOptions& options, size_t index = 0);
  ~Worker();

  // Runs `fn` on the worker thread between two batches and waits for it (in place while the
  // thread has not started).
  void run(const std::function<void(Worker&)>& fn) { wait(post(fn)); }
  // The two halves of run(), so that the engine can hand a command to every worker before waiting
  // for any: `fn` must live until wait(ticket) returns. In place (ticket 0) without a thread.
  uint64_t post(const std::function<void(Worker&)>& fn);
  void wait(uint64_t ticket);
  // Stops the forwarding thread (idempotent; the destructor calls it): the engine stops every
  // worker before any closes its sockets, so no flow is left on a stopped worker meanwhile.
  void stop();
  // Starts the forwarding thread if it is not running. Frames only enter through ports with a
  // socket, so the engine calls this before adding the first one; until then the worker has
  // nothing to forward and commands run on the caller's thread.
  void ensure_running();

  // Only inside run():
  LsiRuntime* lsi(LsiId id);
  void add_lsi(std::unique_ptr<LsiRuntime> lsi);
  // Returns the sockets of the removed ports: closing one blocks ~20 ms in the kernel, so the
  // caller closes them off this thread (close_sockets).
  std::vector<UniqueFd> remove_lsi(LsiId id);
  Status add_port(LsiId lsi, std::unique_ptr<PortRuntime> port);
  // Unlinks and frees a port (and forgets it in MAC tables and timers).
  UniqueFd remove_port(LsiId lsi, PortId port);
  // Installs `table`, handing back the one it replaces (freed by the caller, off this thread).
  std::shared_ptr<const FlowTable> swap_table(LsiId lsi, std::shared_ptr<const FlowTable> table);
  // Adds or replaces a segment by swapping `segment` in: it gets the replaced members back (freed
  // by the caller, off this thread).
  void set_segment(LsiId lsi, uint32_t id, SegmentSpec& segment);
  void remove_segment(LsiId lsi, uint32_t id);
  // Adds or replaces a group, swapping like set_segment.
  void set_group(LsiId lsi, uint32_t id, GroupSpec& group);
  void remove_group(LsiId lsi, uint32_t id);
  // Gives the LSI the learning table its copies on the other workers share (before the first
  // `normal` rule or segment arrives).
  void use_macs(LsiId lsi, std::shared_ptr<MacTable> macs);
  const EngineOptions& options() const { return options_; }

 private:
  Worker(const EngineOptions& options, size_t index);
  void loop();
  void run_commands();
  void on_readable(PortRuntime& port);
  void on_timer();
  void process(PortRuntime& in, Packet* p);
  void execute(PortRuntime& in, const FlowKey& key, const Rule& rule, Packet* p);
  void emit(PortRuntime& out, Packet* p);
  // Forwards inside a segment; consumes `p`.
  void segment_forward(PortRuntime& in, const FlowKey& key, const SegmentSpec& seg, Packet* p);
  void deliver(PortRuntime& out, Packet* p);
  void flush(PortRuntime& port);
  void finish_batch();
  void schedule(PortRuntime& port);
  void arm_timer();
  Packet* clone(const Packet& p);
  void drop(Packet* p) { pool_->free(p); }

  EngineOptions options_;
  size_t index_;
  std::unique_ptr<PacketPool> pool_;
  BatchIo io_;
  UniqueFd epoll_;
  UniqueFd wake_;   // eventfd: commands posted
  UniqueFd timer_;  // timerfd: the earliest egress release
  std::map<LsiId, std::unique_ptr<LsiRuntime>> lsis_;
  uint64_t now_ns_ = 0;

  // Frames handed over a virtual link, processed after the current one (no recursion).
  std::vector<std::pair<PortRuntime*, Packet*>> handoff_;
  size_t handoff_head_ = 0;
  std::vector<PortRuntime*> dirty_;  // ports with frames in `tx`
  std::vector<Packet*> rx_;          // one receive batch
  // Min-heap of (release time, port) for egress queues holding packets.
  std::vector<std::pair<uint64_t, PortRuntime*>> timers_;
  uint64_t armed_ns_ = 0;

  std::mutex mu_;
  std::condition_variable done_cv_;
  std::vector<const std::function<void(Worker&)>*> commands_;
  uint64_t posted_ = 0;
  uint64_t completed_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace chainlab::dataplane
