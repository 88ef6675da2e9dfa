// The kernel fast path's user side: loads fastpath.bpf.c (embedded by bpftool's skeleton),
// attaches it to instance ports, keeps its maps equal to the engine's model (ports, virtual
// links, compiled flow tables, groups) and reads its per-CPU counters. The engine (engine.cc)
// calls it under its lock after every change of its model; nothing here forwards.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "dataplane/flow.h"
#include "dataplane/kernel/compile.h"
#include "dataplane/select.h"

namespace chainlab::dataplane::kernel {

struct Counters {
  uint64_t packets = 0;
  uint64_t bytes = 0;
};

// A slot allocator for the counter arrays: slot 0 means "none" to the program.
class Slots {
 public:
  explicit Slots(uint32_t capacity) : capacity_(capacity) {}
  // 0 when all are taken.
  uint32_t take();
  void give_back(uint32_t slot);

 private:
  uint32_t capacity_;
  uint32_t next_ = 1;
  std::vector<uint32_t> free_;
};

class FastPath {
 public:
  // Loads and verifies the programs and creates the maps. An error says why (no CAP_BPF, no BPF
  // in the kernel, the verifier's refusal): the engine then forwards everything in userspace.
  static Result<std::unique_ptr<FastPath>> load();
  ~FastPath();  // detach_all()
  FastPath(const FastPath&) = delete;
  FastPath& operator=(const FastPath&) = delete;

  // An instance port: the program at tc ingress of `ifname`, the filter on the engine's sockets
  // (one per worker; the kernel hands a frame to one of them, whose filter classifies it).
  Status add_instance(uint32_t lsi, uint32_t port, const std::string& ifname,
                      std::span<const int> socket_fds);
  // A virtual link's end; `peer` is the other end's (lsi, port).
  Status add_vlink(uint32_t lsi, uint32_t port, uint32_t peer_lsi, uint32_t peer_port);
  // Detaches (instance ports) and forgets the port and its counters.
  void remove_port(uint32_t lsi, uint32_t port);
  // CL_PORT_SHAPED or CL_PORT_TAPPED on or off.
  void set_port_flag(uint32_t lsi, uint32_t port, uint32_t flag, bool on);

  // Compiles the LSI's rules and writes only the tables that changed.
  Status set_rules(uint32_t lsi, const std::vector<std::shared_ptr<const Rule>>& rules);
  Status set_group(uint32_t lsi, uint32_t group, const GroupSpec& spec);
  void remove_group(uint32_t lsi, uint32_t group);
  // Everything of the LSI that remove_port has not taken yet: tables, groups, rule slots.
  void remove_lsi(uint32_t lsi);

  // Takes the programs off every interface (the engine stops; a capture's token may keep this
  // object a little longer, attached to nothing).
  void detach_all();

  // What the kernel forwarded: [0] received, [1] sent.
  std::array<Counters, 2> port_counters(uint32_t lsi, uint32_t port) const;
  Counters rule_counters(uint32_t lsi, RuleId rule) const;

 private:
  struct State;
  explicit FastPath(std::unique_ptr<State> state);
  std::unique_ptr<State> s_;
};

}  // namespace chainlab::dataplane::kernel
