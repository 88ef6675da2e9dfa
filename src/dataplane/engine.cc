// The control side of the data plane: validates requests against its own model of LSIs, ports and
// rules, builds what the worker needs off the packet path, and hands it over with Worker::run.
#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include <charconv>
#include <cstdlib>

#include <sched.h>
#include <unistd.h>

#include "dataplane/dataplane.h"
#include "dataplane/kernel/fastpath.h"
#include "dataplane/socket_closer.h"
#include "dataplane/worker.h"

namespace chainlab::dataplane {
namespace {

struct PortModel {
  std::string name;
  PortKind kind = PortKind::kInstance;
  std::string ifname;
  LsiId peer_lsi = 0;
  PortId peer_port = 0;
  LinkParams link;
  std::vector<std::shared_ptr<PortCounters>> counters;  // one per worker
  std::shared_ptr<std::atomic<int>> taps;  // instance ports: shared with the workers' ports
};

// A port's copies, one per worker (index = worker).
using PortCopies = std::vector<std::unique_ptr<PortRuntime>>;

std::vector<std::shared_ptr<PortCounters>> counters_of(const PortCopies& copies) {
  std::vector<std::shared_ptr<PortCounters>> out;
  for (const auto& port : copies) {
    out.push_back(port->counters);
  }
  return out;
}

void add_to(EgressStats& sum, const EgressStats& s) {
  sum.sent_packets += s.sent_packets;
  sum.sent_bytes += s.sent_bytes;
  sum.dropped_loss += s.dropped_loss;
  sum.dropped_queue += s.dropped_queue;
  sum.queued += s.queued;
}

// Held by a capture (Engine::tap_port): counts itself on the port while it lives.
// On the kernel path the port's flag makes the program send through the host end, not past it.
struct PortTap {
  PortTap(std::shared_ptr<std::atomic<int>> port_taps, std::shared_ptr<kernel::FastPath> kernel,
          LsiId lsi_id, PortId port_id)
      : taps(std::move(port_taps)), fast(std::move(kernel)), lsi(lsi_id), port(port_id) {
    if (taps->fetch_add(1, std::memory_order_relaxed) == 0 && fast) {
      fast->set_port_flag(lsi, port, CL_PORT_TAPPED, true);
    }
  }
  ~PortTap() {
    if (taps->fetch_sub(1, std::memory_order_relaxed) == 1 && fast) {
      fast->set_port_flag(lsi, port, CL_PORT_TAPPED, false);
    }
  }
  PortTap(const PortTap&) = delete;
  PortTap& operator=(const PortTap&) = delete;
  std::shared_ptr<std::atomic<int>> taps;
  std::shared_ptr<kernel::FastPath> fast;
  LsiId lsi;
  PortId port;
};

struct LsiModel {
  std::string name;
  PortId next_port = 1;
  uint32_t next_segment = 1;
  std::map<uint32_t, SegmentSpec> segments;
  uint32_t next_group = 1;
  std::map<uint32_t, GroupSpec> groups;
  std::map<PortId, PortModel> ports;
  std::vector<std::shared_ptr<const Rule>> rules;
  // The learning table the workers' copies share; made with the first `normal` rule or segment.
  std::shared_ptr<MacTable> macs;
};

class EngineImpl final : public Engine {
 public:
  EngineImpl(EngineOptions options, std::vector<std::unique_ptr<Worker>> workers,
             std::shared_ptr<kernel::FastPath> fast, std::string path)
      : options_(options),
        workers_(std::move(workers)),
        fast_(std::move(fast)),
        path_(std::move(path)) {}
  ~EngineImpl() override {
    if (fast_) {
      fast_->detach_all();  // first: no frame is forwarded past a closed socket
    }
    for (auto& w : workers_) {
      w->stop();  // all of them before any closes its sockets
    }
    workers_.clear();
  }

  std::string path_description() const override { return path_; }
  bool kernel_path() const override { return fast_ != nullptr; }
  size_t workers() const override { return workers_.size(); }

  Result<LsiId> create_lsi(const std::string& name) override {
    std::lock_guard lock(mu_);
    if (name.empty() || name.size() > 64) {
      return make_error(ErrorCode::kInvalidArgument, "LSI name must be 1..64 bytes");
    }
    if (by_name_.contains(name)) {
      return make_error(ErrorCode::kAlreadyExists, "LSI '{}' already exists", name);
    }
    LsiId id = next_lsi_++;
    std::vector<std::unique_ptr<LsiRuntime>> copies;
    for (size_t i = 0; i < workers_.size(); ++i) {
      copies.push_back(std::make_unique<LsiRuntime>(id));
    }
    on_workers([&](Worker& w, size_t i) { w.add_lsi(std::move(copies[i])); });
    lsis_[id].name = name;
    by_name_.emplace(name, id);
    return id;
  }

  Status destroy_lsi(LsiId id) override {
    std::lock_guard lock(mu_);
    CL_ASSIGN_OR_RETURN(LsiModel * lsi, find(id));
    // Virtual links take their other end with them.
    std::vector<std::pair<LsiId, PortId>> peers;
    for (const auto& [pid, port] : lsi->ports) {
      if (port.kind == PortKind::kVirtualLink) {
        peers.emplace_back(port.peer_lsi, port.peer_port);
      }
    }
    // Closed off this path, as remove_port's (the closer takes them from any thread).
    on_workers([&](Worker& w, size_t) {
      for (auto [peer_lsi, peer_port] : peers) {
        closer_.close_later(w.remove_port(peer_lsi, peer_port));
      }
      for (auto& fd : w.remove_lsi(id)) {
        closer_.close_later(std::move(fd));
      }
    });
    for (auto [peer_lsi, peer_port] : peers) {
      lsis_[peer_lsi].ports.erase(peer_port);
      if (fast_) {
        fast_->remove_port(peer_lsi, peer_port);
      }
    }
    if (fast_) {
      fast_->remove_lsi(id);
    }
    for (const auto& [pid, port] : lsi->ports) {
      if (port.kind == PortKind::kInstance) {
        by_ifname_.erase(port.ifname);
      }
    }
    by_name_.erase(lsi->name);
    lsis_.erase(id);
    return ok_status();
  }

  std::vector<LsiInfo> list_lsis() const override {
    std::lock_guard lock(mu_);
    std::vector<LsiInfo> out;
    for (const auto& [id, lsi] : lsis_) {
      LsiInfo info{id, lsi.name, {}, lsi.rules.size()};
      for (const auto& [pid, port] : lsi.ports) {
        info.ports.push_back(pid);
      }
      out.push_back(std::move(info));
    }
    return out;
  }

  Result<PortId> add_port(LsiId id, const std::string& name, const std::string& ifname) override {
    std::lock_guard lock(mu_);
    CL_ASSIGN_OR_RETURN(LsiModel * lsi, find(id));
    if (auto taken = by_ifname_.find(ifname); taken != by_ifname_.end()) {
      return make_error(ErrorCode::kAlreadyExists, "interface '{}' is already port {} of '{}'",
                        ifname, taken->second.second, lsis_[taken->second.first].name);
    }
    CL_ASSIGN_OR_RETURN(std::vector<UniqueFd> fds,
                        open_packet_sockets(ifname, options_.socket_buffer_bytes, workers_.size()));
    PortId pid = lsi->next_port;
    if (fast_) {
      // A port the kernel could not take (its slots or maps full) is the engine's alone: the
      // program hands the engine every frame bound for a port it does not know.
      std::vector<int> raw;
      for (const auto& fd : fds) {
        raw.push_back(fd.get());
      }
      (void)fast_->add_instance(id, pid, ifname, raw);
    }
    lsi->next_port++;
    PortCopies copies = make_ports(id, pid, PortKind::kInstance);
    for (size_t i = 0; i < copies.size(); ++i) {
      copies[i]->fd = std::move(fds[i]);
    }
    PortModel model;  // kind: kInstance
    model.name = name;
    model.ifname = ifname;
    model.counters = counters_of(copies);
    model.taps = copies[0]->taps;
    std::vector<Status> statuses(workers_.size());
    for (auto& w : workers_) {
      w->ensure_running();
    }
    on_workers([&](Worker& w, size_t i) { statuses[i] = w.add_port(id, std::move(copies[i])); });
    Status added;
    for (const Status& s : statuses) {
      if (!s.ok() && added.ok()) {
        added = s;
      }
    }
    if (!added.ok()) {
      on_workers([&](Worker& w, size_t) { closer_.close_later(w.remove_port(id, pid)); });
      if (fast_) {
        fast_->remove_port(id, pid);
      }
      return added.error();
    }
    lsi->ports[pid] = std::move(model);
    by_ifname_.emplace(ifname, std::make_pair(id, pid));
    return pid;
  }

  Status remove_port(LsiId id, PortId pid) override {
    std::lock_guard lock(mu_);
    CL_ASSIGN_OR_RETURN(LsiModel * lsi, find(id));
    CL_ASSIGN_OR_RETURN(PortModel * found, port_in(*lsi, pid));
    PortModel port = *found;
    on_workers([&](Worker& w, size_t) {
      // Closed after the worker let go of it, off this path (the close blocks ~20 ms).
      closer_.close_later(w.remove_port(id, pid));
      if (port.kind == PortKind::kVirtualLink) {
        (void)w.remove_port(port.peer_lsi, port.peer_port);
      }
    });
    forget_port(id, *lsi, pid);
    if (port.kind == PortKind::kVirtualLink) {
      forget_port(port.peer_lsi, lsis_[port.peer_lsi], port.peer_port);
    }
    return ok_status();
  }

  Result<std::vector<VirtualLink>> connect(LsiId a, LsiId b, int count) override {
    std::lock_guard lock(mu_);
    CL_ASSIGN_OR_RETURN(LsiModel * la, find(a));
    CL_ASSIGN_OR_RETURN(LsiModel * lb, find(b));
    if (a == b) {
      return make_error(ErrorCode::kInvalidArgument, "cannot link LSI '{}' to itself", la->name);
    }
    if (count < 1 || count > 1024) {
      return make_error(ErrorCode::kInvalidArgument, "virtual link count must be 1..1024, not {}",
                        count);
    }
    std::vector<VirtualLink> links;
    std::vector<std::pair<PortCopies, PortCopies>> ends;
    for (int i = 0; i < count; ++i) {
      VirtualLink link{a, la->next_port++, b, lb->next_port++};
      PortCopies ea = make_ports(a, link.a_port, PortKind::kVirtualLink);
      PortCopies eb = make_ports(b, link.b_port, PortKind::kVirtualLink);
      for (size_t w = 0; w < ea.size(); ++w) {  // each worker links its own copies
        ea[w]->peer = eb[w].get();
        eb[w]->peer = ea[w].get();
      }
      std::string name = fmt::format("{}-{}", la->name, lb->name);
      la->ports[link.a_port] =
          PortModel{name, PortKind::kVirtualLink, "", b, link.b_port, {}, counters_of(ea), nullptr};
      lb->ports[link.b_port] = PortModel{fmt::format("{}-{}", lb->name, la->name),
                                         PortKind::kVirtualLink,
                                         "",
                                         a,
                                         link.a_port,
                                         {},
                                         counters_of(eb),
                                         nullptr};
      ends.emplace_back(std::move(ea), std::move(eb));
      links.push_back(link);
    }
    on_workers([&](Worker& w, size_t i) {
      for (auto& [ea, eb] : ends) {
        (void)w.add_port(a, std::move(ea[i]));
        (void)w.add_port(b, std::move(eb[i]));
      }
    });
    for (const auto& link : links) {
      mirror_vlink(link);
    }
    return links;
  }

  Result<RuleId> add_rule(LsiId id, const RuleSpec& spec) override {
    std::lock_guard lock(mu_);
    CL_ASSIGN_OR_RETURN(LsiModel * lsi, find(id));
    CL_RETURN_IF_ERROR(spec.match.validate());
    CL_RETURN_IF_ERROR(validate_actions(spec.actions));
    if (spec.match.in_port && lsi->ports.count(*spec.match.in_port) == 0) {
      return make_error(ErrorCode::kNotFound, "match in_port {}: LSI '{}' has no such port",
                        *spec.match.in_port, lsi->name);
    }
    for (const auto& a : spec.actions) {
      if (a.kind == Action::Kind::kOutput && lsi->ports.count(a.port) == 0) {
        return make_error(ErrorCode::kNotFound, "action output:{}: LSI '{}' has no such port",
                          a.port, lsi->name);
      }
      if (a.kind == Action::Kind::kSegment && lsi->segments.count(a.port) == 0) {
        return make_error(ErrorCode::kNotFound, "action segment:{}: LSI '{}' has no such segment",
                          a.port, lsi->name);
      }
      if (a.kind == Action::Kind::kSelect && lsi->groups.count(a.port) == 0) {
        return make_error(ErrorCode::kNotFound, "action select:{}: LSI '{}' has no such group",
                          a.port, lsi->name);
      }
    }
    auto rule = std::make_shared<Rule>();
    rule->id = next_rule_++;
    rule->cookie = spec.cookie;
    rule->priority = spec.priority;
    rule->match = spec.match;
    rule->actions = spec.actions;
    rule->counters = std::make_shared<RuleCounters>(workers_.size());
    auto rules = lsi->rules;
    rules.push_back(rule);
    install(id, *lsi, std::move(rules));
    return rule->id;
  }

  Status delete_rule(LsiId id, RuleId rule) override {
    std::lock_guard lock(mu_);
    CL_ASSIGN_OR_RETURN(LsiModel * lsi, find(id));
    auto rules = lsi->rules;
    auto gone = std::erase_if(rules, [rule](const auto& r) { return r->id == rule; });
    if (gone == 0) {
      return make_error(ErrorCode::kNotFound, "LSI '{}' has no rule {}", lsi->name, rule);
    }
    install(id, *lsi, std::move(rules));
    return ok_status();
  }

  Result<size_t> delete_rules_by_cookie(LsiId id, uint64_t cookie) override {
    std::lock_guard lock(mu_);
    CL_ASSIGN_OR_RETURN(LsiModel * lsi, find(id));
    auto rules = lsi->rules;
    size_t gone = std::erase_if(rules, [cookie](const auto& r) { return r->cookie == cookie; });
    if (gone > 0) {
      install(id, *lsi, std::move(rules));
    }
    return gone;
  }

  Result<std::vector<RuleStats>> dump_rules(LsiId id) const override {
    std::lock_guard lock(mu_);
    CL_ASSIGN_OR_RETURN(const LsiModel* lsi, find(id));
    FlowTable ordered(lsi->rules, 0);
    std::vector<RuleStats> out;
    for (const auto& r : ordered.rules()) {
      kernel::Counters k = fast_ ? fast_->rule_counters(id, r->id) : kernel::Counters{};
      out.push_back({r->id, r->cookie, r->priority, r->match, r->actions,
                     r->counters->packets() + k.packets, r->counters->bytes() + k.bytes});
    }
    return out;
  }

  Result<uint32_t> add_segment(LsiId id, const SegmentSpec& segment) override {
    return add_spec(id, kSegments, segment);
  }
  Status update_segment(LsiId id, uint32_t sid, const SegmentSpec& segment) override {
    return update_spec(id, kSegments, sid, segment);
  }
  Status remove_segment(LsiId id, uint32_t sid) override { return remove_spec(id, kSegments, sid); }

  Result<uint32_t> add_group(LsiId id, const GroupSpec& group) override {
    return add_spec(id, kGroups, group);
  }
  Status update_group(LsiId id, uint32_t gid, const GroupSpec& group) override {
    return update_spec(id, kGroups, gid, group);
  }
  Status remove_group(LsiId id, uint32_t gid) override { return remove_spec(id, kGroups, gid); }

  Result<std::shared_ptr<const void>> tap_port(LsiId id, PortId pid) override {
    std::lock_guard lock(mu_);
    CL_ASSIGN_OR_RETURN(LsiModel * lsi, find(id));
    CL_ASSIGN_OR_RETURN(PortModel * port, port_in(*lsi, pid));
    if (port->kind != PortKind::kInstance) {
      return make_error(ErrorCode::kInvalidArgument,
                        "port {} of LSI '{}' is a virtual link: it has no host end to capture on",
                        pid, lsi->name);
    }
    return std::shared_ptr<const void>(std::make_shared<PortTap>(port->taps, fast_, id, pid));
  }

  Result<PortStats> port_stats(LsiId id, PortId pid) const override {
    std::lock_guard lock(mu_);
    CL_ASSIGN_OR_RETURN(const LsiModel* lsi, find(id));
    CL_ASSIGN_OR_RETURN(const PortModel* mp, port_in(*lsi, pid));
    const PortModel& m = *mp;
    PortStats st{pid,
                 m.name,
                 m.kind,
                 m.ifname,
                 m.peer_lsi,
                 m.peer_port,
                 counters(id, pid, m),
                 m.link,
                 {},
                 kernel_counters(id, pid),
                 {}};
    std::vector<EgressStats> egress(workers_.size());
    on_worker_port(id, pid, [&](auto& port, size_t i) { egress[i] = port.egress.stats(); });
    for (const EgressStats& e : egress) {
      add_to(st.egress, e);
    }
    for (const auto& per_worker : m.counters) {
      st.rx_by_worker.push_back(per_worker->rx_packets.load(std::memory_order_relaxed));
    }
    return st;
  }

  Result<PortCountersSnapshot> port_counters(LsiId id, PortId pid) const override {
    std::lock_guard lock(mu_);
    CL_ASSIGN_OR_RETURN(const LsiModel* lsi, find(id));
    CL_ASSIGN_OR_RETURN(const PortModel* m, port_in(*lsi, pid));
    return counters(id, pid, *m);
  }

  Status set_link(LsiId id, PortId pid, const LinkParams& params) override {
    std::lock_guard lock(mu_);
    CL_ASSIGN_OR_RETURN(LsiModel * lsi, find(id));
    CL_ASSIGN_OR_RETURN(PortModel * port, port_in(*lsi, pid));
    CL_RETURN_IF_ERROR(params.validate());
    on_worker_port(id, pid, [&](auto& runtime, size_t) { runtime.egress.set_params(params); });
    port->link = params;
    if (fast_) {
      fast_->set_port_flag(id, pid, CL_PORT_SHAPED, !params.transparent());
    }
    return ok_status();
  }

 private:
  Result<LsiModel*> find(LsiId id) { return find_in(lsis_, id); }
  Result<const LsiModel*> find(LsiId id) const { return find_in(lsis_, id); }
  template <class Map>
  static auto find_in(Map& lsis, LsiId id) -> Result<decltype(&lsis.begin()->second)> {
    auto it = lsis.find(id);
    if (it == lsis.end()) {
      return make_error(ErrorCode::kNotFound, "no LSI with id {}", id);
    }
    return &it->second;
  }
  // lsi.ports[pid], or NotFound naming the LSI.
  template <class Model>
  static auto port_in(Model& lsi, PortId pid) -> Result<decltype(&lsi.ports.begin()->second)> {
    auto it = lsi.ports.find(pid);
    if (it == lsi.ports.end()) {
      return make_error(ErrorCode::kNotFound, "LSI '{}' has no port {}", lsi.name, pid);
    }
    return &it->second;
  }
  // Runs fn(worker, its index) on every worker, each between two of its batches: handed to all
  // before waiting for any, so a change costs one thread hand-off however many workers there are.
  // The workers run it at once: `fn` touches only what belongs to its worker (index i of a
  // per-worker vector) or is thread-safe (the socket closer, a port's shared wire).
  template <class Fn>
  void on_workers(Fn&& fn) const {
    std::vector<std::function<void(Worker&)>> commands;
    for (size_t i = 0; i < workers_.size(); ++i) {
      commands.emplace_back([&fn, i](Worker& w) { fn(w, i); });
    }
    std::vector<uint64_t> tickets;
    for (size_t i = 0; i < workers_.size(); ++i) {
      tickets.push_back(workers_[i]->post(commands[i]));
    }
    for (size_t i = 0; i < workers_.size(); ++i) {
      workers_[i]->wait(tickets[i]);
    }
  }
  // Runs fn(a worker's copy of the port, the worker's index) on each worker's thread, where the
  // port is there; `fn` runs on the workers at once, so it touches only what is its worker's.
  template <class Fn>
  void on_worker_port(LsiId id, PortId pid, Fn&& fn) const {
    on_workers([&](Worker& w, size_t i) {
      LsiRuntime* l = w.lsi(id);
      if (l != nullptr && l->ports.count(pid) != 0) {
        fn(*l->ports.at(pid), i);
      }
    });
  }
  // A new port's copies, one per worker: they share the port's rate-limited wire and captures;
  // worker 0's link-emulation seed is the single-worker engine's.
  PortCopies make_ports(LsiId lsi, PortId pid, PortKind kind) const {
    auto wire = std::make_shared<Wire>();
    auto taps = std::make_shared<std::atomic<int>>(0);
    PortCopies copies;
    for (size_t i = 0; i < workers_.size(); ++i) {
      uint64_t seed = options_.seed + (uint64_t{lsi} << 32) + pid + (uint64_t{i} << 56);
      copies.push_back(std::make_unique<PortRuntime>(pid, kind, options_.batch, seed, wire));
      copies.back()->taps = taps;
    }
    return copies;
  }

  // One of an LSI's numbered tables of specs (segments, groups): kept in the model and, swapped
  // in, on the worker (which hands the replaced spec back to be freed here, off its thread).
  template <typename Spec>
  struct SpecTable {
    const char* what;
    std::map<uint32_t, Spec> LsiModel::*entries;
    uint32_t LsiModel::*next;
    Status (*validate)(const LsiModel&, const Spec&);
    void (Worker::*set)(LsiId, uint32_t, Spec&);
    void (Worker::*remove)(LsiId, uint32_t);
  };
  static const SpecTable<SegmentSpec> kSegments;
  static const SpecTable<GroupSpec> kGroups;

  template <typename Spec>
  Result<uint32_t> add_spec(LsiId id, const SpecTable<Spec>& table, const Spec& spec) {
    std::lock_guard lock(mu_);
    CL_ASSIGN_OR_RETURN(LsiModel * lsi, find(id));
    CL_RETURN_IF_ERROR(table.validate(*lsi, spec));
    uint32_t key = (lsi->*table.next)++;
    share_macs(id, *lsi, &spec);
    std::vector<Spec> swapped(workers_.size(), spec);
    on_workers([&](Worker& w, size_t i) { (w.*table.set)(id, key, swapped[i]); });
    (lsi->*table.entries)[key] = spec;
    mirror(id, key, &spec);
    return key;
  }

  template <typename Spec>
  Status update_spec(LsiId id, const SpecTable<Spec>& table, uint32_t key, const Spec& spec) {
    std::lock_guard lock(mu_);
    CL_ASSIGN_OR_RETURN(LsiModel * lsi, find(id));
    auto it = (lsi->*table.entries).find(key);
    if (it == (lsi->*table.entries).end()) {
      return make_error(ErrorCode::kNotFound, "LSI '{}' has no {} {}", lsi->name, table.what, key);
    }
    CL_RETURN_IF_ERROR(table.validate(*lsi, spec));
    std::vector<Spec> swapped(workers_.size(), spec);
    on_workers([&](Worker& w, size_t i) { (w.*table.set)(id, key, swapped[i]); });
    it->second = spec;
    mirror(id, key, &spec);
    return ok_status();
  }

  template <typename Spec>
  Status remove_spec(LsiId id, const SpecTable<Spec>& table, uint32_t key) {
    std::lock_guard lock(mu_);
    CL_ASSIGN_OR_RETURN(LsiModel * lsi, find(id));
    if ((lsi->*table.entries).erase(key) == 0) {
      return make_error(ErrorCode::kNotFound, "LSI '{}' has no {} {}", lsi->name, table.what, key);
    }
    on_workers([&](Worker& w, size_t) { (w.*table.remove)(id, key); });
    mirror(id, key, static_cast<const Spec*>(nullptr));
    return ok_status();
  }

  static Status validate_segment(const LsiModel& lsi, const SegmentSpec& segment) {
    if (segment.members.size() > kMaxSegmentMembers) {
      return make_error(ErrorCode::kInvalidArgument, "segment: {} members, at most {}",
                        segment.members.size(), kMaxSegmentMembers);
    }
    bool trunks = false;
    std::set<PortId> seen;
    for (auto [pid, trunk] : segment.members) {
      if (lsi.ports.count(pid) == 0) {
        return make_error(ErrorCode::kNotFound, "segment: LSI '{}' has no port {}", lsi.name, pid);
      }
      if (!seen.insert(pid).second) {
        return make_error(ErrorCode::kInvalidArgument, "segment: port {} listed twice", pid);
      }
      trunks = trunks || trunk;
    }
    if (trunks && (segment.vlan < 1 || segment.vlan > 4094)) {
      return make_error(ErrorCode::kInvalidArgument, "segment: VLAN {} not in 1..4094",
                        segment.vlan);
    }
    return ok_status();
  }

  static Status validate_group(const LsiModel& lsi, const GroupSpec& group) {
    if (group.members.size() > kMaxGroupMembers) {
      return make_error(ErrorCode::kInvalidArgument, "group: {} members, at most {}",
                        group.members.size(), kMaxGroupMembers);
    }
    if (!group.keys.empty() && group.keys.size() != group.members.size()) {
      return make_error(ErrorCode::kInvalidArgument, "group: {} keys for {} members",
                        group.keys.size(), group.members.size());
    }
    std::set<PortId> seen;
    for (PortId pid : group.members) {
      if (lsi.ports.count(pid) == 0) {
        return make_error(ErrorCode::kNotFound, "group: LSI '{}' has no port {}", lsi.name, pid);
      }
      if (!seen.insert(pid).second) {
        return make_error(ErrorCode::kInvalidArgument, "group: port {} listed twice", pid);
      }
    }
    return ok_status();
  }

  // Gives the LSI's workers one learning table to share, once.
  void share_macs(LsiId id, LsiModel& lsi) {
    if (!lsi.macs) {
      lsi.macs = std::make_shared<MacTable>(4096, options_.mac_aging_ns);
      on_workers([&](Worker& w, size_t) { w.use_macs(id, lsi.macs); });
    }
  }
  void share_macs(LsiId id, LsiModel& lsi, const SegmentSpec*) { share_macs(id, lsi); }
  void share_macs(LsiId, LsiModel&, const GroupSpec*) {}

  // The kernel path's copy of a group (segments stay in userspace); null: removed.
  void mirror(LsiId, uint32_t, const SegmentSpec*) {}
  void mirror(LsiId id, uint32_t gid, const GroupSpec* group) {
    if (fast_ && group != nullptr) {
      (void)fast_->set_group(id, gid, *group);
    } else if (fast_) {
      fast_->remove_group(id, gid);
    }
  }
  void mirror_vlink(const VirtualLink& link) {
    if (fast_) {
      (void)fast_->add_vlink(link.a, link.a_port, link.b, link.b_port);
      (void)fast_->add_vlink(link.b, link.b_port, link.a, link.a_port);
    }
  }
  // What the kernel forwarded through the port (zero on the userspace path).
  PortCountersSnapshot kernel_counters(LsiId id, PortId pid) const {
    PortCountersSnapshot c;
    if (fast_) {
      auto [rx, tx] = fast_->port_counters(id, pid);
      c.rx_packets = rx.packets;
      c.rx_bytes = rx.bytes;
      c.tx_packets = tx.packets;
      c.tx_bytes = tx.bytes;
    }
    return c;
  }
  // The engine's counters plus the kernel's.
  PortCountersSnapshot counters(LsiId id, PortId pid, const PortModel& m) const {
    PortCountersSnapshot c = kernel_counters(id, pid);
    for (const auto& per_worker : m.counters) {
      c += per_worker->snapshot();
    }
    return c;
  }

  void forget_port(LsiId id, LsiModel& lsi, PortId pid) {
    if (fast_) {
      fast_->remove_port(id, pid);
    }
    if (auto it = lsi.ports.find(pid);
        it != lsi.ports.end() && it->second.kind == PortKind::kInstance) {
      by_ifname_.erase(it->second.ifname);
    }
    lsi.ports.erase(pid);
    for (auto& [sid, seg] : lsi.segments) {
      std::erase_if(seg.members, [pid](const auto& m) { return m.first == pid; });
    }
    for (auto& [gid, group] : lsi.groups) {
      auto at = std::find(group.members.begin(), group.members.end(), pid);
      if (at == group.members.end()) {
        continue;
      }
      if (group.keys.size() == group.members.size()) {
        group.keys.erase(group.keys.begin() + (at - group.members.begin()));
      }
      group.members.erase(at);
      mirror(id, gid, &group);
    }
  }

  // Builds the new table here and swaps it in on the worker; the old one is freed here too.
  void install(LsiId id, LsiModel& lsi, std::vector<std::shared_ptr<const Rule>> rules) {
    for (const auto& rule : rules) {
      for (const auto& a : rule->actions) {
        if (a.kind == Action::Kind::kNormal) {
          share_macs(id, lsi);
        }
      }
    }
    auto table = std::make_shared<const FlowTable>(rules, ++generation_);
    std::vector<std::shared_ptr<const FlowTable>> old(workers_.size());
    on_workers([&](Worker& w, size_t i) { old[i] = w.swap_table(id, table); });
    lsi.rules = std::move(rules);
    if (fast_) {
      (void)fast_->set_rules(id, lsi.rules);
    }
  }

  EngineOptions options_;
  SocketCloser closer_;  // outlives the worker: its sockets are queued here
  std::vector<std::unique_ptr<Worker>> workers_;
  std::shared_ptr<kernel::FastPath> fast_;  // null: everything in userspace
  std::string path_;
  mutable std::mutex mu_;
  std::map<LsiId, LsiModel> lsis_;
  // Indexes over lsis_ so that building a 100,000-node topology stays O(n log n).
  std::unordered_map<std::string, LsiId> by_name_;
  std::unordered_map<std::string, std::pair<LsiId, PortId>> by_ifname_;  // instance ports
  LsiId next_lsi_ = 1;
  RuleId next_rule_ = 1;
  uint64_t generation_ = 1;
};

const EngineImpl::SpecTable<SegmentSpec> EngineImpl::kSegments = {
    "segment",         &LsiModel::segments,  &LsiModel::next_segment,
    &validate_segment, &Worker::set_segment, &Worker::remove_segment};
const EngineImpl::SpecTable<GroupSpec> EngineImpl::kGroups = {
    "group",         &LsiModel::groups,  &LsiModel::next_group,
    &validate_group, &Worker::set_group, &Worker::remove_group};

}  // namespace

Result<DataplanePath> parse_dataplane_path(std::string_view text) {
  if (text == "auto") {
    return DataplanePath::kAuto;
  }
  if (text == "kernel") {
    return DataplanePath::kKernel;
  }
  if (text == "userspace") {
    return DataplanePath::kUserspace;
  }
  return make_error(ErrorCode::kInvalidArgument,
                    "data plane '{}': expected auto, kernel or userspace", text);
}

namespace {

// The fast path the options ask for: null (with the reason in `path`) for userspace.
Result<std::shared_ptr<kernel::FastPath>> choose_path(DataplanePath wanted, std::string& path) {
  if (const char* env = std::getenv("CHAINLAB_DATAPLANE");
      wanted == DataplanePath::kAuto && env != nullptr && *env != '\0') {
    CL_ASSIGN_OR_RETURN(wanted, parse_dataplane_path(env));
  }
  if (wanted == DataplanePath::kUserspace) {
    path = "userspace (asked for)";
    return std::shared_ptr<kernel::FastPath>();
  }
  auto fast = kernel::FastPath::load();
  if (!fast.ok() && wanted == DataplanePath::kKernel) {
    return fast.error();
  }
  if (!fast.ok()) {
    path = fmt::format("userspace (kernel path unavailable: {})", fast.error().message);
    return std::shared_ptr<kernel::FastPath>();
  }
  path = "kernel (eBPF fast path; shaped links, learning and floods in userspace)";
  return std::shared_ptr<kernel::FastPath>(std::move(fast).value());
}

// How many forwarding workers: `asked`, else $CHAINLAB_DATAPLANE_WORKERS, else one per CPU but
// one (the VNFs and the traffic's own processes need a CPU too; docs/design/dataplane.md).
Result<size_t> worker_count(uint32_t asked) {
  if (asked == 0) {
    if (const char* env = std::getenv("CHAINLAB_DATAPLANE_WORKERS"); env != nullptr && *env) {
      CL_ASSIGN_OR_RETURN(asked, parse_worker_count(env));
    }
  }
  if (asked > kMaxWorkers) {
    return make_error(ErrorCode::kInvalidArgument, "data plane workers: {} (at most {})", asked,
                      kMaxWorkers);
  }
  if (asked == 0) {
    // The CPUs this process may run on (a container's cpuset), not all the machine has.
    cpu_set_t set;
    long cpus = ::sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set)
                                                              : ::sysconf(_SC_NPROCESSORS_ONLN);
    asked = static_cast<uint32_t>(std::clamp<long>(cpus - 1, 1, kMaxWorkers));
  }
  return size_t{asked};
}

}  // namespace

Result<uint32_t> parse_worker_count(std::string_view text) {
  if (text == "auto") {
    return 0u;
  }
  uint32_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n == 0 || n > kMaxWorkers) {
    return make_error(ErrorCode::kInvalidArgument,
                      "data plane workers '{}': expected auto or 1..{}", text, kMaxWorkers);
  }
  return n;
}

Result<std::unique_ptr<Engine>> Engine::start(const EngineOptions& options) {
  std::string path;
  CL_ASSIGN_OR_RETURN(std::shared_ptr<kernel::FastPath> fast, choose_path(options.path, path));
  CL_ASSIGN_OR_RETURN(size_t count, worker_count(options.workers));
  std::vector<std::unique_ptr<Worker>> workers;
  for (size_t i = 0; i < count; ++i) {
    CL_ASSIGN_OR_RETURN(std::unique_ptr<Worker> worker, Worker::start(options, i));
    workers.push_back(std::move(worker));
  }
  path += count == 1 ? "; 1 userspace worker" : fmt::format("; {} userspace workers", count);
  return std::unique_ptr<Engine>(
      new EngineImpl(options, std::move(workers), std::move(fast), std::move(path)));
}

}  // namespace chainlab::dataplane
