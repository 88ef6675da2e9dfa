// One reading of every counter the monitor watches, as its Source (monitor/source.h) takes it:
// per instance (cgroup CPU time, memory, processes, limits), per instance interface (seen from the
// VNF: what the switch port received is the VNF's tx), per flow cookie and node, per E-LAN, per
// emulated link direction, per PoP. Counters are cumulative since the thing was made; a counter
// that goes backwards means it was made again (Prometheus's counter reset).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace chainlab::monitor {

struct Counters {
  uint64_t packets = 0;
  uint64_t bytes = 0;
  uint64_t dropped = 0;
  friend bool operator==(const Counters&, const Counters&) = default;
};

struct InstanceSample {
  std::string pop;
  std::string instance;
  std::string state;     // "running", "exited", "paused", ...
  uint64_t cpu_ns = 0;   // CPU time used by its cgroup
  double cpu_limit = 0;  // cores its quota allows (quota / period); 0: unlimited
  uint64_t memory_bytes = 0;
  int64_t memory_limit = 0;  // bytes; 0: unlimited
  uint32_t processes = 0;
  int exit_code = -1;  // once exited (128 + signal when killed); -1 before
};

struct InterfaceSample {
  std::string pop;
  std::string instance;
  std::string interface;
  Counters rx;  // what the VNF received (the switch port sent)
  Counters tx;  // what the VNF sent (the switch port received)
};

// The rules of one cookie on one node (a PoP or switch): a chain's hops, a son-emu flow.
struct FlowSample {
  std::string node;
  uint64_t cookie = 0;
  uint32_t rules = 0;
  uint64_t packets = 0;
  uint64_t bytes = 0;
};

struct ElanSample {
  std::string elan;
  uint64_t packets = 0;  // frames its rules steered
  uint64_t bytes = 0;
};

// One direction of an emulated link: from `from` toward `to`.
struct LinkSample {
  std::string from;
  std::string to;
  uint64_t packets = 0;  // sent on
  uint64_t bytes = 0;
  uint64_t dropped_loss = 0;   // random loss
  uint64_t dropped_queue = 0;  // queue overflow
  uint32_t queued = 0;         // packets held now
  uint64_t delay_ns = 0;       // configured
  double rate_mbps = 0;        // configured; 0: unlimited
  double loss_percent = 0;     // configured
};

struct PopSample {
  std::string pop;
  std::string model;  // the resource model
  uint32_t instances = 0;
  double cu_total = 0;  // compute units (0 with `none`: unlimited)
  double cu_allocated = 0;
  double memory_total_mb = 0;
  double memory_allocated_mb = 0;
};

struct Snapshot {
  int64_t time_ms = 0;   // wall clock (ms since the epoch): what the history shows
  uint64_t mono_ns = 0;  // steady clock: what rates divide by
  std::vector<InstanceSample> instances;
  std::vector<InterfaceSample> interfaces;
  std::vector<FlowSample> flows;
  std::vector<ElanSample> elans;
  std::vector<LinkSample> links;
  std::vector<PopSample> pops;
};

}  // namespace chainlab::monitor
