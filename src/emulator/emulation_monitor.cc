// Emulation as the monitor's Source (monitor/source.h): one reading of the data plane's port,
// rule and link counters under the emulation's lock, then the instances' cgroups outside it (a
// slow cgroup read does not hold up the API).
#include <map>

#include "emulator/emulation.h"
#include "emulator/emulation_impl.h"

namespace chainlab::emulator {
namespace {

monitor::Counters counters(uint64_t packets, uint64_t bytes, uint64_t dropped) {
  return {packets, bytes, dropped};
}

// What the instance's switch port counted, turned around: the port's rx is the VNF's tx.
void add_interfaces(const dataplane::Engine& engine, const NodeState& node, const std::string& name,
                    const InstanceState& inst, monitor::Snapshot& out) {
  for (const InterfaceInfo& intf : inst.interfaces) {
    auto counted = engine.port_counters(inst.lsi, intf.port);
    if (!counted.ok()) {
      continue;  // unplugged meanwhile
    }
    const auto& c = *counted;
    out.interfaces.push_back({node.name, name, intf.name,
                              counters(c.tx_packets, c.tx_bytes, c.tx_dropped),
                              counters(c.rx_packets, c.rx_bytes, c.rx_dropped)});
  }
}

// Every node's rules summed per cookie; E-LAN rules also per E-LAN.
void add_flows(const dataplane::Engine& engine, const std::vector<NodeState>& nodes,
               const std::map<std::string, ElanState>& elans, monitor::Snapshot& out) {
  // (packets, bytes) of every rule, for the E-LANs' sums.
  std::map<std::pair<dataplane::LsiId, dataplane::RuleId>, std::pair<uint64_t, uint64_t>> by_id;
  for (const NodeState& node : nodes) {
    auto rules = engine.dump_rules(node.lsi);
    if (!rules.ok()) {
      continue;  // removed meanwhile
    }
    std::map<uint64_t, monitor::FlowSample> cookies;
    for (const auto& r : *rules) {
      by_id[{node.lsi, r.id}] = {r.packets, r.bytes};
      monitor::FlowSample& f = cookies[r.cookie];
      f.node = node.name;
      f.cookie = r.cookie;
      f.rules += 1;
      f.packets += r.packets;
      f.bytes += r.bytes;
    }
    for (auto& [cookie, f] : cookies) {
      out.flows.push_back(std::move(f));
    }
  }
  for (const auto& [name, elan] : elans) {
    monitor::ElanSample e;
    e.elan = name;
    for (const InstalledRule& rule : elan.rules) {
      if (auto it = by_id.find({rule.lsi, rule.id}); it != by_id.end()) {
        e.packets += it->second.first;
        e.bytes += it->second.second;
      }
    }
    out.elans.push_back(std::move(e));
  }
}

monitor::LinkSample link_direction(const dataplane::Engine& engine, const NodeState& from,
                                   const NodeState& to, dataplane::PortId port) {
  monitor::LinkSample out;
  out.from = from.name;
  out.to = to.name;
  auto stats = engine.port_stats(from.lsi, port);
  if (stats.ok()) {
    out.packets = stats->egress.sent_packets;
    out.bytes = stats->egress.sent_bytes;
    out.dropped_loss = stats->egress.dropped_loss;
    out.dropped_queue = stats->egress.dropped_queue;
    out.queued = stats->egress.queued;
    out.delay_ns = stats->link.delay_ns;
    out.rate_mbps = static_cast<double>(stats->link.rate_bps) / 1e6;
    out.loss_percent = stats->link.loss_percent;
  }
  return out;
}

void add_pops(const std::vector<NodeState>& nodes,
              const std::map<std::string, InstanceState>& instances, monitor::Snapshot& out) {
  std::map<int, uint32_t> counts;
  for (const auto& [name, inst] : instances) {
    counts[inst.node] += inst.is_sap ? 0 : 1;
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    const NodeState& node = nodes[i];
    if (!node.model) {
      continue;  // a switch
    }
    ResourceCapacity c = node.model->capacity();
    out.pops.push_back({node.name, c.model, counts[static_cast<int>(i)],
                        c.limited ? c.compute_units.total : 0, c.compute_units.allocated,
                        c.limited ? c.memory_mb.total : 0, c.memory_mb.allocated});
  }
}

struct PendingInstance {
  size_t index;  // in Snapshot::instances
  std::shared_ptr<runtime::ComputeInstance> compute;
};

void read_cgroup(const PendingInstance& p, monitor::Snapshot& out) {
  monitor::InstanceSample& s = out.instances[p.index];
  auto status = p.compute->usage();
  if (!status.ok()) {
    s.state = "gone";
    return;
  }
  s.state = std::string(runtime::instance_state_name(status->state));
  s.cpu_ns = status->stats.cpu_usage_ns;
  const auto& limits = status->limits;
  if (limits.cpu_quota_us > 0 && limits.cpu_period_us > 0) {
    s.cpu_limit =
        static_cast<double>(limits.cpu_quota_us) / static_cast<double>(limits.cpu_period_us);
  }
  s.memory_bytes = status->stats.memory_bytes;
  s.memory_limit = limits.memory_bytes > 0 ? limits.memory_bytes : 0;
  s.processes = static_cast<uint32_t>(status->stats.processes);
  s.exit_code = status->exit_code.value_or(-1);
}

}  // namespace

Result<monitor::Snapshot> Emulation::collect() {
  monitor::Snapshot out;
  std::vector<PendingInstance> pending;
  {
    std::lock_guard lock(mu_);
    const Impl& im = *impl_;
    const dataplane::Engine& engine = *im.engine;
    for (const auto& [name, inst] : im.instances) {
      const NodeState& node = im.nodes[static_cast<size_t>(inst.node)];
      add_interfaces(engine, node, name, inst, out);
      if (!inst.is_sap && inst.compute) {
        monitor::InstanceSample& sample = out.instances.emplace_back();
        sample.pop = node.name;
        sample.instance = name;
        pending.push_back({out.instances.size() - 1, inst.compute});
      }
    }
    add_flows(engine, im.nodes, im.elans, out);
    for (const LinkState& link : im.links) {
      const NodeState& a = im.nodes[static_cast<size_t>(link.a)];
      const NodeState& b = im.nodes[static_cast<size_t>(link.b)];
      out.links.push_back(link_direction(engine, a, b, link.a_port));
      out.links.push_back(link_direction(engine, b, a, link.b_port));
    }
    add_pops(im.nodes, im.instances, out);
  }
  for (const PendingInstance& p : pending) {
    read_cgroup(p, out);
  }
  return out;
}

}  // namespace chainlab::emulator
