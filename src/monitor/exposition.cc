#include "monitor/exposition.h"

#include <cmath>
#include <map>
#include <optional>

#include <fmt/format.h>

#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

namespace chainlab::monitor {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
using Labels = std::vector<ClientMetric::Label>;

// Families in the order first used, each metric appended to its family.
class Families {
 public:
  void counter(const std::string& name, const std::string& help, Labels labels, double value) {
    add(name, help, MetricType::Counter, std::move(labels)).counter.value = value;
  }
  void gauge(const std::string& name, const std::string& help, Labels labels, double value) {
    add(name, help, MetricType::Gauge, std::move(labels)).gauge.value = value;
  }
  const std::vector<MetricFamily>& all() const { return families_; }

 private:
  ClientMetric& add(const std::string& name, const std::string& help, MetricType type,
                    Labels labels) {
    auto [it, fresh] = index_.try_emplace(name, families_.size());
    if (fresh) {
      families_.push_back(MetricFamily{name, help, type, {}});
    }
    auto& metrics = families_[it->second].metric;
    metrics.emplace_back();
    metrics.back().label = std::move(labels);
    return metrics.back();
  }
  std::vector<MetricFamily> families_;
  std::map<std::string, size_t> index_;
};

double num(uint64_t v) {
  return static_cast<double>(v);
}

void instances(Families& f, const Snapshot& s) {
  for (const InstanceSample& i : s.instances) {
    Labels l{{"pop", i.pop}, {"instance", i.instance}};
    f.counter("chainlab_instance_cpu_seconds_total", "CPU time used by the instance's cgroup", l,
              num(i.cpu_ns) / 1e9);
    f.gauge("chainlab_instance_cpu_limit_cores", "CPU cores its quota allows (0: unlimited)", l,
            i.cpu_limit);
    f.gauge("chainlab_instance_memory_bytes", "Memory used by the instance's cgroup", l,
            num(i.memory_bytes));
    f.gauge("chainlab_instance_memory_limit_bytes", "Memory limit (0: unlimited)", l,
            static_cast<double>(i.memory_limit));
    f.gauge("chainlab_instance_processes", "Processes in the instance's cgroup", l, i.processes);
    f.gauge("chainlab_instance_running", "1 while the instance runs, else 0", l,
            i.state == "running" ? 1 : 0);
  }
  for (const InstanceSample& i : s.instances) {
    f.counter("container_cpu_usage_seconds_total", "Cumulative cpu time consumed (cAdvisor name)",
              {{"name", i.instance}}, num(i.cpu_ns) / 1e9);
    f.gauge("container_memory_usage_bytes", "Current memory usage (cAdvisor name)",
            {{"name", i.instance}}, num(i.memory_bytes));
  }
}

void direction(Families& f, const std::string& dir, const Labels& l, const Counters& c) {
  f.counter("chainlab_interface_" + dir + "_packets_total",
            "Packets on the instance's interface, seen from the instance", l, num(c.packets));
  f.counter("chainlab_interface_" + dir + "_bytes_total",
            "Bytes on the instance's interface, seen from the instance", l, num(c.bytes));
  f.counter("chainlab_interface_" + dir + "_dropped_total",
            "Packets dropped on the instance's switch port in this direction", l, num(c.dropped));
}

void interfaces(Families& f, const Snapshot& s) {
  for (const InterfaceSample& i : s.interfaces) {
    Labels l{{"pop", i.pop}, {"instance", i.instance}, {"interface", i.interface}};
    direction(f, "rx", l, i.rx);
    direction(f, "tx", l, i.tx);
  }
}

void flows(Families& f, const Snapshot& s) {
  for (const FlowSample& x : s.flows) {
    Labels l{{"pop", x.node}, {"cookie", std::to_string(x.cookie)}};
    f.counter("chainlab_flow_packets_total", "Packets matched by the rules of a cookie on a node",
              l, num(x.packets));
    f.counter("chainlab_flow_bytes_total", "Bytes matched by the rules of a cookie on a node", l,
              num(x.bytes));
    f.gauge("chainlab_flow_rules", "Rules of the cookie on the node", l, x.rules);
  }
  for (const ElanSample& e : s.elans) {
    f.counter("chainlab_elan_packets_total", "Frames steered by an E-LAN's rules",
              {{"elan", e.elan}}, num(e.packets));
    f.counter("chainlab_elan_bytes_total", "Bytes steered by an E-LAN's rules", {{"elan", e.elan}},
              num(e.bytes));
  }
}

void links(Families& f, const Snapshot& s) {
  for (const LinkSample& k : s.links) {
    Labels l{{"link", k.from + "->" + k.to}, {"from", k.from}, {"to", k.to}};
    f.counter("chainlab_link_packets_total", "Packets sent over the link in this direction", l,
              num(k.packets));
    f.counter("chainlab_link_bytes_total", "Bytes sent over the link in this direction", l,
              num(k.bytes));
    Labels loss = l;
    loss.push_back({"reason", "loss"});
    Labels queue = l;
    queue.push_back({"reason", "queue"});
    const std::string drop_help =
        "Packets the link emulation dropped (random loss, queue overflow)";
    f.counter("chainlab_link_dropped_total", drop_help, loss, num(k.dropped_loss));
    f.counter("chainlab_link_dropped_total", drop_help, queue, num(k.dropped_queue));
    f.gauge("chainlab_link_queue_packets", "Packets held by the link now", l, k.queued);
    f.gauge("chainlab_link_delay_seconds", "Configured one-way delay", l, num(k.delay_ns) / 1e9);
    f.gauge("chainlab_link_rate_bytes_per_second", "Configured rate (0: unlimited)", l,
            k.rate_mbps * 1e6 / 8);
    f.gauge("chainlab_link_loss_ratio", "Configured random loss", l, k.loss_percent / 100);
  }
}

void pops(Families& f, const Snapshot& s) {
  for (const PopSample& p : s.pops) {
    Labels l{{"pop", p.pop}, {"model", p.model}};
    f.gauge("chainlab_pop_instances", "Instances in the PoP", l, p.instances);
    f.gauge("chainlab_pop_compute_units_capacity", "The PoP's compute units (0: unlimited)", l,
            p.cu_total);
    f.gauge("chainlab_pop_compute_units_allocated", "Compute units its instances' flavours take", l,
            p.cu_allocated);
    f.gauge("chainlab_pop_memory_capacity_bytes", "The PoP's memory (0: unlimited)", l,
            p.memory_total_mb * 1024 * 1024);
    f.gauge("chainlab_pop_memory_allocated_bytes", "Memory its instances' flavours take", l,
            p.memory_allocated_mb * 1024 * 1024);
  }
}

// The value son-emu's monitor agent would export for `w` (nullopt: its VNF or interface is gone).
std::optional<double> watched_value(const Snapshot& s, const Watch& w) {
  const InterfaceSample* intf = nullptr;
  for (const InterfaceSample& i : s.interfaces) {
    if (i.instance == w.vnf && i.interface == w.interface) {
      intf = &i;
    }
  }
  if (intf == nullptr) {
    return std::nullopt;
  }
  bool bytes = w.metric.ends_with("bytes");
  if (!w.cookie) {
    const Counters& c = w.metric.starts_with("tx") ? intf->tx : intf->rx;
    return num(bytes ? c.bytes : c.packets);
  }
  double sum = 0;
  for (const FlowSample& x : s.flows) {
    if (x.node == intf->pop && x.cookie == *w.cookie) {
      sum += num(bytes ? x.bytes : x.packets);
    }
  }
  return sum;
}

void sonemu(Families& f, const Snapshot& s, const std::vector<Watch>& watches) {
  for (const Watch& w : watches) {
    std::optional<double> v = watched_value(s, w);
    if (!v) {
      continue;
    }
    std::string dir = w.metric.substr(0, 2);
    std::string unit = w.metric.substr(3);
    Labels l{{"vnf_name", w.vnf},
             {"vnf_interface", w.interface},
             {"flow_id", w.cookie ? std::to_string(*w.cookie) : "None"}};
    f.gauge(fmt::format("sonemu_{}_count_{}", dir, unit),
            fmt::format("Total number of {} {}", unit, dir == "tx" ? "sent" : "received"), l, *v);
  }
}

// skewmon's gauge (vnf_id is the instance's name here: there is no container id).
void skewness(Families& f, const std::vector<SkewValue>& skews) {
  for (const SkewValue& s : skews) {
    f.gauge("skewness", "Skewness of docker vnf resource usage",
            {{"vnf_id", s.watch.vnf}, {"vnf_name", s.watch.vnf}, {"vnf_metric", s.watch.resource}},
            s.value.value_or(std::nan("")));
  }
}

}  // namespace

std::string exposition(const Snapshot& snapshot, const std::vector<Watch>& watches,
                       const std::vector<SkewValue>& skews) {
  Families f;
  instances(f, snapshot);
  interfaces(f, snapshot);
  flows(f, snapshot);
  links(f, snapshot);
  pops(f, snapshot);
  sonemu(f, snapshot, watches);
  skewness(f, skews);
  return prometheus::TextSerializer().Serialize(f.all());
}

std::string sonemu_exposition(const Snapshot& snapshot, const std::vector<Watch>& watches) {
  Families f;
  sonemu(f, snapshot, watches);
  return prometheus::TextSerializer().Serialize(f.all());
}

std::shared_ptr<const std::string> ExpositionCache::get(std::shared_ptr<const Reading> reading,
                                                        std::vector<Watch> watches,
                                                        std::vector<SkewValue> skews) {
  std::lock_guard lock(mu_);
  if (text_ == nullptr || reading != reading_ || watches != watches_ || skews != skews_) {
    text_ = std::make_shared<const std::string>(exposition(reading->snapshot, watches, skews));
    reading_ = std::move(reading);
    watches_ = std::move(watches);
    skews_ = std::move(skews);
  }
  return text_;
}

}  // namespace chainlab::monitor
