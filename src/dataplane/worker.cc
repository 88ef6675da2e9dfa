#include "dataplane/worker.h"

#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

namespace chainlab::dataplane {
namespace {

constexpr size_t kHandoffCapacity = 4096;
constexpr int kBatchesPerWakeup = 8;  // then give other ports a turn
// The egress timer goes off this much before a release: about what waking the thread costs here.
constexpr uint64_t kEarlyWakeNs = 50'000;

uint64_t monotonic_ns() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

bool timer_later(const std::pair<uint64_t, PortRuntime*>& a,
                 const std::pair<uint64_t, PortRuntime*>& b) {
  return a.first > b.first;
}

}  // namespace

PortCountersSnapshot PortCounters::snapshot() const {
  auto r = [](const std::atomic<uint64_t>& c) { return c.load(std::memory_order_relaxed); };
  return {r(rx_packets), r(rx_bytes), r(rx_dropped), r(tx_packets), r(tx_bytes), r(tx_dropped)};
}

PortRuntime::PortRuntime(PortId port_id, PortKind port_kind, uint32_t batch, uint64_t seed,
                         std::shared_ptr<Wire> wire)
    : id(port_id),
      kind(port_kind),
      egress(LinkParams{}, seed, std::move(wire)),
      tx(batch, nullptr) {}

LsiRuntime::LsiRuntime(LsiId lsi_id)
    : id(lsi_id),
      table(std::make_shared<FlowTable>(std::vector<std::shared_ptr<const Rule>>{}, 1)) {}

void LsiRuntime::index(PortId pid, PortRuntime* port) {
  if (by_id.size() <= pid) {
    by_id.resize(pid + 1, nullptr);
  }
  by_id[pid] = port;
}

Worker::Worker(const EngineOptions& options, size_t index)
    : options_(options), index_(index), io_(options.batch) {}

Result<std::unique_ptr<Worker>> Worker::start(const EngineOptions& options, size_t index) {
  if (options.batch == 0 || options.batch > 1024 || options.pool_packets < 2 * options.batch) {
    return make_error(ErrorCode::kInvalidArgument,
                      "engine: batch must be 1..1024 and the pool at least two batches");
  }
  auto w = std::unique_ptr<Worker>(new Worker(options, index));
  w->pool_ = PacketPool::create(options.pool_packets);
  if (!w->pool_) {
    return make_error(ErrorCode::kResourceExhausted, "engine: cannot map {} packet buffers",
                      options.pool_packets);
  }
  w->epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
  w->wake_.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  w->timer_.reset(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
  if (!w->epoll_.valid() || !w->wake_.valid() || !w->timer_.valid()) {
    return errno_error(errno, "engine: epoll/eventfd/timerfd");
  }
  for (auto [fd, tag] : {std::pair{w->wake_.get(), static_cast<void*>(&w->wake_)},
                         std::pair{w->timer_.get(), static_cast<void*>(&w->timer_)}}) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = tag;
    if (::epoll_ctl(w->epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) {
      return errno_error(errno, "engine: epoll_ctl");
    }
  }
  w->handoff_.reserve(kHandoffCapacity);
  w->dirty_.reserve(1024);
  w->rx_.resize(options.batch, nullptr);
  w->timers_.reserve(4096);
  return w;  // the thread starts with the first port that has a socket (ensure_running)
}

void Worker::ensure_running() {
  std::lock_guard lock(mu_);
  if (!thread_.joinable()) {
    thread_ = std::thread([this] { loop(); });
  }
}

void Worker::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  uint64_t one = 1;
  (void)!::write(wake_.get(), &one, sizeof one);
  if (thread_.joinable()) {
    thread_.join();
  }
}

Worker::~Worker() {
  stop();
  std::vector<UniqueFd> fds;
  for (auto& [id, lsi] : lsis_) {
    for (auto& [pid, port] : lsi->ports) {
      fds.push_back(std::move(port->fd));
      port->egress.drain([this](Packet* p) { drop(p); });
      for (uint32_t i = 0; i < port->tx_count; ++i) {
        drop(port->tx[i]);
      }
    }
  }
  close_sockets(std::move(fds));
}

uint64_t Worker::post(const std::function<void(Worker&)>& fn) {
  std::unique_lock lock(mu_);
  if (!thread_.joinable()) {
    // No thread yet, so nothing forwards: apply in place. Building a 100,000-node topology is
    // then 500,000 calls instead of as many thread hand-offs.
    fn(*this);
    return 0;
  }
  commands_.push_back(&fn);
  uint64_t ticket = ++posted_;
  uint64_t one = 1;
  (void)!::write(wake_.get(), &one, sizeof one);
  return ticket;
}

void Worker::wait(uint64_t ticket) {
  std::unique_lock lock(mu_);
  done_cv_.wait(lock, [&] { return completed_ >= ticket; });
}

void Worker::run_commands() {
  uint64_t count;
  (void)!::read(wake_.get(), &count, sizeof count);
  std::vector<const std::function<void(Worker&)>*> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(commands_);
  }
  for (const auto* fn : batch) {
    (*fn)(*this);
  }
  {
    std::lock_guard lock(mu_);
    completed_ += batch.size();
  }
  done_cv_.notify_all();
}

void Worker::loop() {
  // "cl-fwd0", "cl-fwd1", ...: what top -H and /proc/PID/task/*/comm show.
  std::string name = "cl-fwd" + std::to_string(index_);
  (void)pthread_setname_np(pthread_self(), name.c_str());
  if (options_.realtime_priority > 0) {
    sched_param param{};
    param.sched_priority = std::min(options_.realtime_priority, 99);
    if (int rc = pthread_setschedparam(pthread_self(), SCHED_FIFO, &param); rc != 0) {
      std::fprintf(stderr, "dataplane: SCHED_FIFO %d refused (%s); normal scheduling\n",
                   param.sched_priority, std::strerror(rc));
    }
  }
  epoll_event events[64];
  uint64_t last_busy_ns = 0;
  const uint64_t poll_ns = uint64_t{options_.poll_us} * 1000;
  for (;;) {
    // Right after traffic, poll without sleeping for a short while: a frame arriving then is
    // picked up without a wakeup (latency). Idle longer than that: sleep in the kernel (no CPU).
    bool polling = poll_ns > 0 && monotonic_ns() - last_busy_ns < poll_ns;
    int n = ::epoll_wait(epoll_.get(), events, 64, polling ? 0 : -1);
    if (n < 0) {
      continue;  // EINTR
    }
    now_ns_ = monotonic_ns();
    if (n > 0) {
      last_busy_ns = now_ns_;
    }
    for (int i = 0; i < n; ++i) {
      void* tag = events[i].data.ptr;
      if (tag == &wake_) {
        run_commands();
        std::lock_guard lock(mu_);
        if (stopping_) {
          return;
        }
      } else if (tag == &timer_) {
        on_timer();
      } else {
        on_readable(*static_cast<PortRuntime*>(tag));
      }
    }
  }
}

LsiRuntime* Worker::lsi(LsiId id) {
  auto it = lsis_.find(id);
  return it == lsis_.end() ? nullptr : it->second.get();
}

void Worker::add_lsi(std::unique_ptr<LsiRuntime> lsi) {
  LsiId id = lsi->id;
  lsis_[id] = std::move(lsi);
}

std::vector<UniqueFd> Worker::remove_lsi(LsiId id) {
  std::vector<UniqueFd> fds;
  LsiRuntime* l = lsi(id);
  if (l == nullptr) {
    return fds;
  }
  std::vector<PortId> ids;
  for (auto& [pid, port] : l->ports) {
    ids.push_back(pid);
  }
  for (PortId pid : ids) {
    fds.push_back(remove_port(id, pid));
  }
  lsis_.erase(id);
  return fds;
}

Status Worker::add_port(LsiId lsi_id, std::unique_ptr<PortRuntime> port) {
  LsiRuntime* l = lsi(lsi_id);
  if (l == nullptr) {
    return make_error(ErrorCode::kNotFound, "no LSI {}", lsi_id);
  }
  port->lsi = l;
  if (port->fd.valid()) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = port.get();
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, port->fd.get(), &ev) != 0) {
      return errno_error(errno, "epoll_ctl add port");
    }
  }
  PortId id = port->id;
  l->index(id, port.get());
  l->ports[id] = std::move(port);
  return ok_status();
}

UniqueFd Worker::remove_port(LsiId lsi_id, PortId port_id) {
  LsiRuntime* l = lsi(lsi_id);
  if (l == nullptr || l->ports.count(port_id) == 0) {
    return UniqueFd();
  }
  PortRuntime* port = l->ports[port_id].get();
  if (port->fd.valid()) {
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, port->fd.get(), nullptr);
  }
  if (port->peer != nullptr) {
    port->peer->peer = nullptr;  // the other end stays until removed; it forwards nothing
  }
  // Nothing may point at the port once it is gone: timers, hand-offs, pending transmits.
  port->egress.drain([this](Packet* p) { drop(p); });
  std::erase_if(timers_, [port](const auto& t) { return t.second == port; });
  std::make_heap(timers_.begin(), timers_.end(), timer_later);
  for (size_t i = handoff_head_; i < handoff_.size(); ++i) {
    if (handoff_[i].first == port) {
      handoff_[i].first = nullptr;
    }
  }
  for (uint32_t i = 0; i < port->tx_count; ++i) {
    drop(port->tx[i]);
  }
  std::erase(dirty_, port);
  if (l->macs) {
    l->macs->forget_port(port_id);
  }
  if (l->emc) {
    l->emc->clear();
  }
  for (auto& [sid, seg] : l->segments) {
    std::erase_if(seg.members, [port_id](const auto& m) { return m.first == port_id; });
  }
  for (auto& [gid, group] : l->groups) {
    std::erase(group.members, port_id);
  }
  UniqueFd fd = std::move(port->fd);
  l->ports.erase(port_id);
  l->index(port_id, nullptr);
  return fd;
}

std::shared_ptr<const FlowTable> Worker::swap_table(LsiId lsi_id,
                                                    std::shared_ptr<const FlowTable> table) {
  LsiRuntime* l = lsi(lsi_id);
  if (l == nullptr) {
    return table;
  }
  if (!table->rules().empty() && !l->emc) {
    l->emc = std::make_unique<ExactMatchCache>(4096);
  }
  std::swap(l->table, table);  // a `normal` rule's learning table came first (use_macs)
  return table;
}

void Worker::set_segment(LsiId lsi_id, uint32_t id, SegmentSpec& segment) {
  LsiRuntime* l = lsi(lsi_id);
  if (l == nullptr) {
    return;
  }
  std::swap(l->segments[id], segment);  // its learning table came first (use_macs)
}

void Worker::remove_segment(LsiId lsi_id, uint32_t id) {
  if (LsiRuntime* l = lsi(lsi_id); l != nullptr) {
    l->segments.erase(id);
  }
}

void Worker::set_group(LsiId lsi_id, uint32_t id, GroupSpec& group) {
  if (LsiRuntime* l = lsi(lsi_id); l != nullptr) {
    std::swap(l->groups[id], group);
  }
}

void Worker::use_macs(LsiId lsi_id, std::shared_ptr<MacTable> macs) {
  if (LsiRuntime* l = lsi(lsi_id); l != nullptr && !l->macs) {
    l->macs = std::move(macs);
  }
}

void Worker::remove_group(LsiId lsi_id, uint32_t id) {
  if (LsiRuntime* l = lsi(lsi_id); l != nullptr) {
    l->groups.erase(id);
  }
}

void Worker::segment_forward(PortRuntime& in, const FlowKey& key, const SegmentSpec& seg,
                             Packet* p) {
  LsiRuntime& lsi = *in.lsi;
  const std::pair<PortId, bool>* self = nullptr;
  for (const auto& m : seg.members) {
    if (m.first == in.id) {
      self = &m;
      break;
    }
  }
  if (self == nullptr || (self->second && !pop_vlan(*p))) {
    drop(p);  // not a member, or a trunk frame without its tag
    return;
  }
  lsi.macs->learn(key.eth_src, seg.vlan, in.id, now_ns_);
  // Targets: the member owning the destination, else (unknown, or learned on a port that is no
  // longer a member) every other member.
  auto known = lsi.macs->lookup(key.eth_dst, seg.vlan, now_ns_);
  bool unicast = false;
  if (known && *known != in.id) {
    for (const auto& m : seg.members) {
      unicast = unicast || m.first == *known;
    }
  }
  // Every target but the last gets a copy, made before `p` is tagged; the last gets `p` itself.
  auto send = [&](const std::pair<PortId, bool>& m, bool last) {
    PortRuntime* out = m.first < lsi.by_id.size() ? lsi.by_id[m.first] : nullptr;
    if (out == nullptr) {
      return;
    }
    Packet* c = last ? p : clone(*p);
    if (last) {
      p = nullptr;
    }
    if (c == nullptr || (m.second && !push_vlan(*c, seg.vlan))) {
      PortCounters::bump(out->counters->tx_dropped);
      if (c != nullptr) {
        drop(c);
      }
      return;
    }
    emit(*out, c);
  };
  const std::pair<PortId, bool>* pending = nullptr;
  for (const auto& m : seg.members) {
    if (m.first == in.id || (unicast && m.first != *known)) {
      continue;
    }
    if (pending != nullptr) {
      send(*pending, false);
    }
    pending = &m;
  }
  if (pending != nullptr) {
    send(*pending, true);
  }
  if (p != nullptr) {
    drop(p);
  }
}

void Worker::on_readable(PortRuntime& port) {
  for (int round = 0; round < kBatchesPerWakeup; ++round) {
    uint32_t n = 0;
    while (n < options_.batch) {
      Packet* p = pool_->alloc();
      if (p == nullptr) {
        break;
      }
      rx_[n++] = p;
    }
    if (n == 0) {
      // Pool exhausted (everything sits in delay lines): drain the socket and count the drops,
      // so a level-triggered wakeup does not spin.
      char sink[64];
      while (::recv(port.fd.get(), sink, sizeof sink, MSG_DONTWAIT | MSG_TRUNC) > 0) {
        PortCounters::bump(port.counters->rx_dropped);
      }
      break;
    }
    int got = io_.receive(port.fd.get(), rx_.data(), n);
    if (got < 0) {
      got = 0;
    }
    for (int i = 0; i < got; ++i) {
      process(port, rx_[i]);
    }
    for (uint32_t i = static_cast<uint32_t>(got); i < n; ++i) {
      drop(rx_[i]);
    }
    finish_batch();
    if (static_cast<uint32_t>(got) < n) {
      break;  // socket drained
    }
  }
}

void Worker::process(PortRuntime& in, Packet* p) {
  LsiRuntime& lsi = *in.lsi;
  FlowKey key;
  if (p->len == 0 || !parse_frame(p->data, p->len, key) || !vnet_header_valid(*p)) {
    PortCounters::bump(in.counters->rx_dropped);
    drop(p);
    return;
  }
  PortCounters::bump(in.counters->rx_packets);
  PortCounters::bump(in.counters->rx_bytes, p->len);
  key.in_port = in.id;
  p->in_port = in.id;
  const Rule* rule = nullptr;
  if (lsi.emc) {  // no cache: no rules yet
    uint64_t h = ExactMatchCache::hash(key);
    uint64_t gen = lsi.table->generation();
    bool hit = false;
    rule = lsi.emc->lookup(key, h, gen, hit);
    if (!hit) {
      rule = lsi.table->lookup(key);
      lsi.emc->insert(key, h, gen, rule);
    }
  }
  if (rule == nullptr) {
    drop(p);  // table miss: no rule, no connectivity (chains and E-LANs install rules)
    return;
  }
  rule->counters->add(index_, p->len);
  execute(in, key, *rule, p);
}

void Worker::execute(PortRuntime& in, const FlowKey& key, const Rule& rule, Packet* p) {
  LsiRuntime& lsi = *in.lsi;
  const auto& actions = rule.actions;
  // The last action that sends the packet somewhere gets the packet itself; earlier ones copies.
  size_t last_out = actions.size();
  for (size_t i = actions.size(); i-- > 0;) {
    auto k = actions[i].kind;
    if (k == Action::Kind::kOutput || k == Action::Kind::kNormal || k == Action::Kind::kFlood ||
        k == Action::Kind::kSegment || k == Action::Kind::kSelect) {
      last_out = i;
      break;
    }
  }
  auto send_to = [&](PortRuntime* out, bool last) {
    if (out == nullptr || out == &in) {
      return;
    }
    Packet* copy = last ? p : clone(*p);
    if (copy == nullptr) {
      PortCounters::bump(out->counters->tx_dropped);
      return;
    }
    emit(*out, copy);
    if (last) {
      p = nullptr;
    }
  };
  auto flood = [&](bool last) {
    PortRuntime* final_port = nullptr;
    for (auto* port : lsi.by_id) {
      if (port == nullptr || port == &in) {
        continue;
      }
      if (final_port != nullptr) {
        send_to(final_port, false);
      }
      final_port = port;
    }
    if (final_port != nullptr) {
      send_to(final_port, last);
    }
  };
  for (size_t i = 0; i < actions.size() && p != nullptr; ++i) {
    const Action& a = actions[i];
    bool last = i == last_out;
    switch (a.kind) {
      case Action::Kind::kOutput:
        send_to(a.port < lsi.by_id.size() ? lsi.by_id[a.port] : nullptr, last);
        break;
      case Action::Kind::kPushVlan:
        push_vlan(*p, a.vlan_id);
        break;
      case Action::Kind::kPopVlan:
        pop_vlan(*p);
        break;
      case Action::Kind::kSetVlan:
        set_vlan(*p, a.vlan_id);
        break;
      case Action::Kind::kSetEthSrc:
        set_eth_src(*p, a.mac);
        break;
      case Action::Kind::kSetEthDst:
        set_eth_dst(*p, a.mac);
        break;
      case Action::Kind::kDrop:
        i = actions.size();
        break;
      case Action::Kind::kNormal: {
        lsi.macs->learn(key.eth_src, key.vlan_id, in.id, now_ns_);
        auto known = lsi.macs->lookup(key.eth_dst, key.vlan_id, now_ns_);
        if (known && *known < lsi.by_id.size() && lsi.by_id[*known] != nullptr) {
          send_to(lsi.by_id[*known], last);
        } else {
          flood(last);
        }
        break;
      }
      case Action::Kind::kFlood:
        flood(last);
        break;
      case Action::Kind::kSelect: {
        auto group = lsi.groups.find(a.port);
        PortId member =
            group == lsi.groups.end() ? kNoPort : select_in_group(flow_hash(key), group->second);
        send_to(member < lsi.by_id.size() ? lsi.by_id[member] : nullptr, last);
        break;
      }
      case Action::Kind::kSegment: {
        auto seg = lsi.segments.find(a.port);
        if (seg != lsi.segments.end()) {
          Packet* mine = last ? p : clone(*p);
          if (last) {
            p = nullptr;
          }
          if (mine != nullptr) {
            segment_forward(in, key, seg->second, mine);
          }
        }
        break;
      }
    }
  }
  if (p != nullptr) {
    drop(p);
  }
}

Packet* Worker::clone(const Packet& p) {
  Packet* c = pool_->alloc();
  if (c == nullptr) {
    return nullptr;
  }
  c->data = c->buf + p.headroom();
  std::memcpy(c->data, p.data, p.len);
  c->len = p.len;
  c->vnet = p.vnet;
  c->in_port = p.in_port;
  return c;
}

void Worker::emit(PortRuntime& out, Packet* p) {
  // A transparent link with nothing queued is bypassed; otherwise the queue keeps the order.
  if (!out.egress.params().transparent() || out.egress.stats().queued > 0) {
    switch (out.egress.offer(p, now_ns_)) {
      case EgressQueue::Verdict::kDropped:
        PortCounters::bump(out.counters->tx_dropped);
        drop(p);
        return;
      case EgressQueue::Verdict::kQueued:
        if (out.egress.stats().queued == 1) {
          schedule(out);
        }
        return;
      case EgressQueue::Verdict::kSendNow:
        break;
    }
  }
  deliver(out, p);
}

void Worker::deliver(PortRuntime& out, Packet* p) {
  if (out.kind == PortKind::kVirtualLink) {
    if (out.peer == nullptr || handoff_.size() >= kHandoffCapacity) {
      PortCounters::bump(out.counters->tx_dropped);
      drop(p);
      return;
    }
    PortCounters::bump(out.counters->tx_packets);
    PortCounters::bump(out.counters->tx_bytes, p->len);
    handoff_.emplace_back(out.peer, p);
    return;
  }
  if (out.tx_count == 0) {
    dirty_.push_back(&out);
  }
  out.tx[out.tx_count++] = p;
  if (out.tx_count == options_.batch) {
    flush(out);
  }
}

void Worker::flush(PortRuntime& port) {
  if (bool want = port.taps->load(std::memory_order_relaxed) > 0; want != port.tapped) {
    set_qdisc_bypass(port.fd.get(), !want);
    port.tapped = want;
  }
  uint32_t done = 0;
  while (done < port.tx_count) {
    int sent = io_.send(port.fd.get(), port.tx.data() + done, port.tx_count - done);
    if (sent <= 0) {
      // The kernel refused the frame at `done` (socket buffer full, bad frame): drop it, go on.
      PortCounters::bump(port.counters->tx_dropped);
      drop(port.tx[done]);
      ++done;
      continue;
    }
    for (int i = 0; i < sent; ++i) {
      Packet* p = port.tx[done + static_cast<uint32_t>(i)];
      PortCounters::bump(port.counters->tx_packets);
      PortCounters::bump(port.counters->tx_bytes, p->len);
      drop(p);
    }
    done += static_cast<uint32_t>(sent);
  }
  port.tx_count = 0;
}

void Worker::finish_batch() {
  // Frames handed across virtual links may cross more links; process until none is left.
  while (handoff_head_ < handoff_.size()) {
    auto [port, p] = handoff_[handoff_head_++];
    if (port == nullptr) {
      drop(p);
      continue;
    }
    process(*port, p);  // classified like a frame received on that port
  }
  handoff_.clear();
  handoff_head_ = 0;
  for (PortRuntime* port : dirty_) {
    if (port->tx_count > 0) {
      flush(*port);
    }
  }
  dirty_.clear();
  arm_timer();
}

void Worker::schedule(PortRuntime& port) {
  timers_.emplace_back(port.egress.next_release_ns(), &port);
  std::push_heap(timers_.begin(), timers_.end(), timer_later);
}

void Worker::arm_timer() {
  uint64_t next = timers_.empty() ? 0 : timers_.front().first;
  if (next == armed_ns_) {
    return;
  }
  armed_ns_ = next;
  // Early by about what waking the thread takes; on_timer waits out the rest on the CPU.
  uint64_t at = next > kEarlyWakeNs ? next - kEarlyWakeNs : next;
  itimerspec spec{};
  if (at != 0) {
    spec.it_value.tv_sec = static_cast<time_t>(at / 1'000'000'000ull);
    spec.it_value.tv_nsec = static_cast<long>(at % 1'000'000'000ull);
  }
  ::timerfd_settime(timer_.get(), TFD_TIMER_ABSTIME, &spec, nullptr);
}

void Worker::on_timer() {
  uint64_t expirations;
  (void)!::read(timer_.get(), &expirations, sizeof expirations);
  armed_ns_ = 0;
  now_ns_ = monotonic_ns();
  // The timer went off up to kEarlyWakeNs before the first release: spin until it is due, so a
  // delayed frame leaves on time instead of a wake-up late.
  if (!timers_.empty() && timers_.front().first > now_ns_ &&
      timers_.front().first - now_ns_ <= kEarlyWakeNs) {
    while ((now_ns_ = monotonic_ns()) < timers_.front().first) {
    }
  }
  while (!timers_.empty() && timers_.front().first <= now_ns_) {
    std::pop_heap(timers_.begin(), timers_.end(), timer_later);
    PortRuntime* port = timers_.back().second;
    timers_.pop_back();
    while (Packet* p = port->egress.pop_ready(now_ns_)) {
      deliver(*port, p);
    }
    if (port->egress.next_release_ns() != 0) {
      schedule(*port);
    }
  }
  finish_batch();
}

}  // namespace chainlab::dataplane
