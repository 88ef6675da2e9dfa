#include "monitor/history_series.h"

#include <fmt/format.h>

namespace chainlab::monitor {
namespace {

using Put = std::function<void(const std::string&, double)>;

void put_rate(const Put& put, const std::string& prefix, const Rate& r, bool dropped = false) {
  put(prefix + "bytes", r.bytes);
  put(prefix + "packets", r.packets);
  if (dropped) {
    put(prefix + "dropped", r.dropped);
  }
}

}  // namespace

void record(History& h, const Reading& reading) {
  each_value(reading, [&](const std::string& name, double value) { h.put(name, value); });
}

void each_value(const Reading& reading, const Put& put) {
  const Snapshot& s = reading.snapshot;
  const Rates& r = reading.rates;
  for (size_t i = 0; i < s.instances.size(); ++i) {
    std::string prefix = "instance/" + s.instances[i].instance + "/";
    put(prefix + "cpu", r.cpu_cores[i]);
    put(prefix + "memory", static_cast<double>(s.instances[i].memory_bytes));
  }
  for (size_t i = 0; i < s.interfaces.size(); ++i) {
    const InterfaceSample& x = s.interfaces[i];
    std::string prefix = fmt::format("interface/{}/{}/", x.instance, x.interface);
    put_rate(put, prefix + "rx_", r.interface_rx[i]);
    put_rate(put, prefix + "tx_", r.interface_tx[i]);
  }
  for (size_t i = 0; i < s.flows.size(); ++i) {
    put_rate(put, fmt::format("flow/{}/{}/", s.flows[i].node, s.flows[i].cookie), r.flows[i]);
  }
  for (size_t i = 0; i < s.elans.size(); ++i) {
    put_rate(put, fmt::format("elan/{}/", s.elans[i].elan), r.elans[i]);
  }
  for (size_t i = 0; i < s.links.size(); ++i) {
    std::string prefix = fmt::format("link/{}/{}/", s.links[i].from, s.links[i].to);
    put_rate(put, prefix, r.links[i], /*dropped=*/true);
    put(prefix + "queued", s.links[i].queued);
  }
  for (const PopSample& p : s.pops) {
    put("pop/" + p.pop + "/cu_allocated", p.cu_allocated);
    put("pop/" + p.pop + "/memory_allocated_mb", p.memory_allocated_mb);
  }
}

}  // namespace chainlab::monitor
