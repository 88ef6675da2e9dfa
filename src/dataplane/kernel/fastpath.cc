#include "dataplane/kernel/fastpath.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "common/fd.h"
#include "common/files.h"
#include "dataplane/kernel/fastpath.skel.h"

namespace chainlab::dataplane::kernel {
namespace {

constexpr uint32_t kTcHandle = 0xc1;  // our filter on the clsact ingress hook
constexpr uint32_t kTcPriority = 1;

// libbpf's own messages go nowhere: every failure comes back as a Status naming the step.
int quiet_libbpf(enum libbpf_print_level, const char*, va_list) {
  return 0;
}

bpf_tc_hook ingress_hook(int ifindex) {
  bpf_tc_hook hook{};
  hook.sz = sizeof hook;
  hook.ifindex = ifindex;
  hook.attach_point = BPF_TC_INGRESS;
  return hook;
}

bpf_tc_opts filter_opts(int prog_fd) {
  bpf_tc_opts opts{};
  opts.sz = sizeof opts;
  opts.handle = kTcHandle;
  opts.priority = kTcPriority;
  opts.prog_fd = prog_fd;
  return opts;
}

std::string driver_of(const std::string& ifname) {
  UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  ethtool_drvinfo info{};
  info.cmd = ETHTOOL_GDRVINFO;
  ifreq req{};
  std::snprintf(req.ifr_name, sizeof req.ifr_name, "%s", ifname.c_str());
  req.ifr_data = reinterpret_cast<char*>(&info);
  if (!sock.valid() || ::ioctl(sock.get(), SIOCETHTOOL, &req) != 0) {
    return "";
  }
  return info.driver;
}

int iflink_of(const std::string& ifname) {
  auto text = read_file("/sys/class/net/" + ifname + "/iflink", 64);
  return text.ok() ? std::atoi(text->c_str()) : 0;
}

// bpf_redirect_peer only reaches a veth's peer in another namespace: a local pair's peer (its
// iflink names a device here whose iflink names this one) takes the plain redirect.
bool peer_elsewhere(const std::string& ifname, int ifindex) {
  if (driver_of(ifname) != "veth") {
    return false;
  }
  char peer[IF_NAMESIZE] = {};
  int link = iflink_of(ifname);
  return ::if_indextoname(static_cast<unsigned>(link), peer) == nullptr ||
         iflink_of(peer) != ifindex;
}

}  // namespace

uint32_t Slots::take() {
  if (!free_.empty()) {
    uint32_t slot = free_.back();
    free_.pop_back();
    return slot;
  }
  return next_ < capacity_ ? next_++ : 0;
}

void Slots::give_back(uint32_t slot) {
  if (slot != 0) {
    free_.push_back(slot);
  }
}

struct FastPath::State {
  // The engine calls under its own lock, but a capture's token lets go of a port's tap flag
  // whenever the capture ends; recursive: remove_lsi uses the other calls.
  std::recursive_mutex mu;
  fastpath* skel = nullptr;
  size_t cpus = 1;
  Slots port_slots{CL_MAX_PORT_SLOTS};
  Slots rule_slots{CL_MAX_RULE_SLOTS};
  struct Port {
    cl_port entry{};
    int ifindex = 0;            // instance ports
    bool created_hook = false;  // we made its clsact qdisc
  };
  std::map<std::pair<uint32_t, uint32_t>, Port> ports;
  struct Lsi {
    std::map<TableKey, cl_table> tables;
    std::map<RuleId, uint32_t> rules;  // rule -> counter slot
    std::set<uint32_t> groups;
  };
  std::map<uint32_t, Lsi> lsis;

  ~State() {
    if (skel != nullptr) {
      fastpath::destroy(skel);
    }
  }
  int fd(bpf_map* map) const { return bpf_map__fd(map); }

  // Zeroes a per-CPU counter slot before it is used again.
  void zero(bpf_map* map, uint32_t slot) const {
    std::vector<cl_counter> zeros(cpus);
    (void)bpf_map_update_elem(fd(map), &slot, zeros.data(), BPF_ANY);
  }
  Counters sum(bpf_map* map, uint32_t slot) const {
    std::vector<cl_counter> values(cpus);
    Counters total;
    if (slot != 0 && bpf_map_lookup_elem(fd(map), &slot, values.data()) == 0) {
      for (const auto& v : values) {
        total.packets += v.packets;
        total.bytes += v.bytes;
      }
    }
    return total;
  }
  Status write_port(uint32_t lsi, uint32_t port, const cl_port& entry) {
    cl_port_key key{lsi, port};
    if (bpf_map_update_elem(fd(skel->maps.ports), &key, &entry, BPF_ANY) != 0) {
      return errno_error(errno, "fast path: writing port map");
    }
    return ok_status();
  }
  Result<Port*> new_port(uint32_t lsi, uint32_t port, cl_port entry) {
    entry.slot = port_slots.take();
    if (entry.slot == 0) {
      return make_error(ErrorCode::kResourceExhausted, "fast path: all {} port slots in use",
                        CL_MAX_PORT_SLOTS - 1);
    }
    zero(skel->maps.port_stats, 2 * entry.slot);
    zero(skel->maps.port_stats, 2 * entry.slot + 1);
    if (Status written = write_port(lsi, port, entry); !written.ok()) {
      port_slots.give_back(entry.slot);
      return written.error();
    }
    Port& p = ports[{lsi, port}];
    p.entry = entry;
    return &p;
  }
  Status attach(Port& port, std::span<const int> socket_fds) {
    bpf_tc_hook hook = ingress_hook(port.ifindex);
    int err = bpf_tc_hook_create(&hook);
    if (err != 0 && err != -EEXIST) {
      return errno_error(-err, "fast path: creating the clsact qdisc");
    }
    port.created_hook = err == 0;
    bpf_tc_opts opts = filter_opts(bpf_program__fd(skel->progs.fastpath_tc));
    opts.flags = BPF_TC_F_REPLACE;
    if (err = bpf_tc_attach(&hook, &opts); err != 0) {
      return errno_error(-err, "fast path: attaching the tc program");
    }
    int prog = bpf_program__fd(skel->progs.fastpath_sock);
    for (int fd : socket_fds) {
      if (::setsockopt(fd, SOL_SOCKET, SO_ATTACH_BPF, &prog, sizeof prog) != 0) {
        return errno_error(errno, "fast path: attaching the socket filter");
      }
    }
    return ok_status();
  }
  void detach(const Port& port) {
    bpf_tc_hook hook = ingress_hook(port.ifindex);
    bpf_tc_opts opts = filter_opts(0);
    (void)bpf_tc_detach(&hook, &opts);  // fails when the interface went first: nothing to undo
    if (port.created_hook) {
      hook.attach_point = static_cast<bpf_tc_attach_point>(BPF_TC_INGRESS | BPF_TC_EGRESS);
      (void)bpf_tc_hook_destroy(&hook);
    }
    (void)bpf_map_delete_elem(fd(skel->maps.ifports), &port.ifindex);
  }
};

FastPath::FastPath(std::unique_ptr<State> state) : s_(std::move(state)) {}

FastPath::~FastPath() {
  detach_all();
}

void FastPath::detach_all() {
  std::lock_guard lock(s_->mu);
  for (const auto& [key, port] : s_->ports) {
    if (port.ifindex != 0) {
      s_->detach(port);
    }
  }
  s_->ports.clear();
}

Result<std::unique_ptr<FastPath>> FastPath::load() {
  libbpf_set_print(quiet_libbpf);
  auto state = std::make_unique<State>();
  state->skel = fastpath::open_and_load();
  if (state->skel == nullptr) {
    return errno_error(errno, "loading the eBPF fast path");
  }
  int cpus = libbpf_num_possible_cpus();
  if (cpus <= 0) {
    return errno_error(-cpus, "fast path: counting CPUs");
  }
  state->cpus = static_cast<size_t>(cpus);
  return std::unique_ptr<FastPath>(new FastPath(std::move(state)));
}

Status FastPath::add_instance(uint32_t lsi, uint32_t port, const std::string& ifname,
                              std::span<const int> socket_fds) {
  std::lock_guard lock(s_->mu);
  int ifindex = static_cast<int>(::if_nametoindex(ifname.c_str()));
  if (ifindex == 0) {
    return make_error(ErrorCode::kNotFound, "no interface named '{}'", ifname);
  }
  cl_port entry{};
  entry.flags = CL_PORT_INSTANCE | (peer_elsewhere(ifname, ifindex) ? CL_PORT_PEER : 0);
  entry.ifindex = static_cast<uint32_t>(ifindex);
  CL_ASSIGN_OR_RETURN(State::Port * p, s_->new_port(lsi, port, entry));
  p->ifindex = ifindex;
  cl_ifport in{lsi, port};
  Status done = bpf_map_update_elem(s_->fd(s_->skel->maps.ifports), &ifindex, &in, BPF_ANY) == 0
                    ? s_->attach(*p, socket_fds)
                    : errno_error(errno, "fast path: writing interface map");
  if (!done.ok()) {
    remove_port(lsi, port);
  }
  return done;
}

Status FastPath::add_vlink(uint32_t lsi, uint32_t port, uint32_t peer_lsi, uint32_t peer_port) {
  std::lock_guard lock(s_->mu);
  cl_port entry{};
  entry.flags = CL_PORT_VLINK;
  entry.peer_lsi = peer_lsi;
  entry.peer_port = peer_port;
  auto added = s_->new_port(lsi, port, entry);
  return added.ok() ? ok_status() : Status(std::move(added).error());
}

void FastPath::remove_port(uint32_t lsi, uint32_t port) {
  std::lock_guard lock(s_->mu);
  auto it = s_->ports.find({lsi, port});
  if (it == s_->ports.end()) {
    return;
  }
  if (it->second.ifindex != 0) {
    s_->detach(it->second);
  }
  cl_port_key key{lsi, port};
  (void)bpf_map_delete_elem(s_->fd(s_->skel->maps.ports), &key);
  s_->port_slots.give_back(it->second.entry.slot);
  s_->ports.erase(it);
}

void FastPath::set_port_flag(uint32_t lsi, uint32_t port, uint32_t flag, bool on) {
  std::lock_guard lock(s_->mu);
  auto it = s_->ports.find({lsi, port});
  if (it == s_->ports.end()) {
    return;
  }
  cl_port& entry = it->second.entry;
  uint32_t flags = on ? (entry.flags | flag) : (entry.flags & ~flag);
  if (flags != entry.flags) {
    entry.flags = flags;
    (void)s_->write_port(lsi, port, entry);
  }
}

Status FastPath::set_rules(uint32_t lsi, const std::vector<std::shared_ptr<const Rule>>& rules) {
  std::lock_guard lock(s_->mu);
  State::Lsi& l = s_->lsis[lsi];
  std::map<RuleId, uint32_t> slots;
  for (const auto& rule : rules) {
    auto known = l.rules.find(rule->id);
    uint32_t slot = known != l.rules.end() ? known->second : s_->rule_slots.take();
    if (known == l.rules.end() && slot != 0) {
      s_->zero(s_->skel->maps.rule_stats, slot);
    }
    slots[rule->id] = slot;  // 0 (all slots taken): compiled as the engine's (compile.h)
  }
  for (const auto& [id, slot] : l.rules) {
    if (!slots.contains(id)) {
      s_->rule_slots.give_back(slot);
    }
  }
  l.rules = std::move(slots);
  auto tables = compile_tables(rules, [&l](const Rule& r) { return l.rules.at(r.id); });
  int fd = s_->fd(s_->skel->maps.tables);
  int slow = s_->fd(s_->skel->maps.slow_lsis);
  // l.tables mirrors what the kernel holds, written table by table.
  for (const auto& [key, table] : tables) {
    auto old = l.tables.find(key);
    if (old != l.tables.end() && std::memcmp(&old->second, &table, sizeof table) == 0) {
      continue;
    }
    cl_table_key k{lsi, key.in_port, key.vlan};
    if (bpf_map_update_elem(fd, &k, &table, BPF_ANY) != 0) {
      // Part old, part new: the engine takes all the LSI's frames until a change is written whole.
      int err = errno;
      uint32_t one = 1;
      (void)bpf_map_update_elem(slow, &lsi, &one, BPF_ANY);
      return errno_error(err, "fast path: writing a flow table");
    }
    l.tables[key] = table;
  }
  for (auto it = l.tables.begin(); it != l.tables.end();) {
    if (tables.contains(it->first)) {
      ++it;
      continue;
    }
    cl_table_key k{lsi, it->first.in_port, it->first.vlan};
    (void)bpf_map_delete_elem(fd, &k);
    it = l.tables.erase(it);
  }
  (void)bpf_map_delete_elem(slow, &lsi);
  return ok_status();
}

Status FastPath::set_group(uint32_t lsi, uint32_t group, const GroupSpec& spec) {
  std::lock_guard lock(s_->mu);
  cl_group g{};
  g.count = static_cast<uint32_t>(spec.members.size());
  bool keyed = spec.keys.size() == spec.members.size();
  for (size_t i = 0; i < spec.members.size() && i < CL_MAX_GROUP; ++i) {
    g.members[i] = spec.members[i];
    g.keys[i] = keyed ? spec.keys[i] : spec.members[i];
  }
  cl_group_key key{lsi, group};
  if (bpf_map_update_elem(s_->fd(s_->skel->maps.groups), &key, &g, BPF_ANY) != 0) {
    return errno_error(errno, "fast path: writing a group");
  }
  s_->lsis[lsi].groups.insert(group);
  return ok_status();
}

void FastPath::remove_group(uint32_t lsi, uint32_t group) {
  std::lock_guard lock(s_->mu);
  cl_group_key key{lsi, group};
  (void)bpf_map_delete_elem(s_->fd(s_->skel->maps.groups), &key);
  s_->lsis[lsi].groups.erase(group);
}

void FastPath::remove_lsi(uint32_t lsi) {
  std::lock_guard lock(s_->mu);
  (void)set_rules(lsi, {});
  auto it = s_->lsis.find(lsi);
  if (it == s_->lsis.end()) {
    return;
  }
  for (uint32_t group : std::set<uint32_t>(it->second.groups)) {
    remove_group(lsi, group);
  }
  s_->lsis.erase(lsi);
  std::vector<uint32_t> ports;
  for (const auto& [key, port] : s_->ports) {
    if (key.first == lsi) {
      ports.push_back(key.second);
    }
  }
  for (uint32_t port : ports) {
    remove_port(lsi, port);
  }
}

std::array<Counters, 2> FastPath::port_counters(uint32_t lsi, uint32_t port) const {
  std::lock_guard lock(s_->mu);
  auto it = s_->ports.find({lsi, port});
  if (it == s_->ports.end()) {
    return {};
  }
  uint32_t slot = it->second.entry.slot;
  return {s_->sum(s_->skel->maps.port_stats, 2 * slot),
          s_->sum(s_->skel->maps.port_stats, 2 * slot + 1)};
}

Counters FastPath::rule_counters(uint32_t lsi, RuleId rule) const {
  std::lock_guard lock(s_->mu);
  auto l = s_->lsis.find(lsi);
  if (l == s_->lsis.end() || !l->second.rules.contains(rule)) {
    return {};
  }
  return s_->sum(s_->skel->maps.rule_stats, l->second.rules.at(rule));
}

}  // namespace chainlab::dataplane::kernel
