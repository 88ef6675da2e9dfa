#include "monitor/rates.h"

#include <functional>
#include <map>
#include <string>

namespace chainlab::monitor {
namespace {

// The increase of a counter (a reset counts from zero) per second.
double per_second(uint64_t before, uint64_t now, double seconds) {
  return static_cast<double>(now >= before ? now - before : now) / seconds;
}

Rate rate(const Counters& before, const Counters& now, double seconds) {
  return {per_second(before.packets, now.packets, seconds),
          per_second(before.bytes, now.bytes, seconds),
          per_second(before.dropped, now.dropped, seconds)};
}

// For each item of `now`: `fn(previous or null, item)`, matched by `key`.
template <typename T, typename Key, typename Fn>
void each_with_previous(const std::vector<T>& before, const std::vector<T>& now, Key key, Fn fn) {
  std::map<decltype(key(now.front())), const T*> old;
  for (const T& item : before) {
    old.emplace(key(item), &item);
  }
  for (const T& item : now) {
    auto it = old.find(key(item));
    fn(it == old.end() ? nullptr : it->second, item);
  }
}

Counters as_counters(const FlowSample& f) {
  return {f.packets, f.bytes, 0};
}
Counters as_counters(const ElanSample& e) {
  return {e.packets, e.bytes, 0};
}
Counters as_counters(const LinkSample& l) {
  return {l.packets, l.bytes, l.dropped_loss + l.dropped_queue};
}

template <typename T, typename Key>
std::vector<Rate> counter_rates(const std::vector<T>& before, const std::vector<T>& now, Key key,
                                double seconds) {
  std::vector<Rate> out;
  each_with_previous(before, now, key, [&](const T* old, const T& item) {
    out.push_back(
        rate(old != nullptr ? as_counters(*old) : Counters{}, as_counters(item), seconds));
  });
  return out;
}

std::string instance_key(const InstanceSample& s) {
  return s.pop + "/" + s.instance;
}
std::string interface_key(const InterfaceSample& s) {
  return s.pop + "/" + s.instance + "/" + s.interface;
}

}  // namespace

Rates rates_between(const Snapshot* before, const Snapshot& now) {
  if (before == nullptr || now.mono_ns <= before->mono_ns) {
    return {std::vector<double>(now.instances.size()), std::vector<Rate>(now.interfaces.size()),
            std::vector<Rate>(now.interfaces.size()),  std::vector<Rate>(now.flows.size()),
            std::vector<Rate>(now.elans.size()),       std::vector<Rate>(now.links.size())};
  }
  double seconds = static_cast<double>(now.mono_ns - before->mono_ns) / 1e9;
  Rates out;
  each_with_previous(before->instances, now.instances, instance_key,
                     [&](const InstanceSample* o, const InstanceSample& s) {
                       uint64_t old = o != nullptr ? o->cpu_ns : 0;
                       out.cpu_cores.push_back(per_second(old, s.cpu_ns, seconds) / 1e9);
                     });
  each_with_previous(before->interfaces, now.interfaces, interface_key,
                     [&](const InterfaceSample* o, const InterfaceSample& s) {
                       out.interface_rx.push_back(rate(o ? o->rx : Counters{}, s.rx, seconds));
                       out.interface_tx.push_back(rate(o ? o->tx : Counters{}, s.tx, seconds));
                     });
  auto flow_key = [](const FlowSample& f) { return std::make_pair(f.node, f.cookie); };
  auto elan_key = [](const ElanSample& e) { return e.elan; };
  auto link_key = [](const LinkSample& l) { return std::make_pair(l.from, l.to); };
  out.flows = counter_rates(before->flows, now.flows, flow_key, seconds);
  out.elans = counter_rates(before->elans, now.elans, elan_key, seconds);
  out.links = counter_rates(before->links, now.links, link_key, seconds);
  return out;
}

}  // namespace chainlab::monitor
