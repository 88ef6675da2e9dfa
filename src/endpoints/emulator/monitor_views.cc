#include "endpoints/emulator/monitor_views.h"

#include "common/units.h"
#include "endpoints/http/body.h"

namespace chainlab::endpoints {
namespace {

using monitor::Rate;
using monitor::Reading;
using nlohmann::json;

json counted(uint64_t packets, uint64_t bytes, const Rate& r) {
  return {{"packets", packets},
          {"bytes", bytes},
          {"packets_per_s", r.packets},
          {"bytes_per_s", r.bytes}};
}

json direction(const monitor::Counters& c, const Rate& r) {
  json out = counted(c.packets, c.bytes, r);
  out["dropped"] = c.dropped;
  out["dropped_per_s"] = r.dropped;
  return out;
}

// A JSON list with `item(sample, i)` for each of `samples` (i: the index into the rates).
template <typename T, typename F>
json each(const std::vector<T>& samples, F item) {
  json out = json::array();
  for (size_t i = 0; i < samples.size(); ++i) {
    out.push_back(item(samples[i], i));
  }
  return out;
}

json instances(const Reading& x) {
  return each(x.snapshot.instances, [&](const monitor::InstanceSample& s, size_t i) {
    return json{{"pop", s.pop},
                {"instance", s.instance},
                {"state", s.state},
                {"cpu_cores", x.rates.cpu_cores[i]},
                {"cpu_seconds", static_cast<double>(s.cpu_ns) / 1e9},
                {"cpu_limit_cores", s.cpu_limit},
                {"memory_bytes", s.memory_bytes},
                {"memory_limit_bytes", s.memory_limit},
                {"processes", s.processes}};
  });
}

json interfaces(const Reading& x) {
  return each(x.snapshot.interfaces, [&](const monitor::InterfaceSample& s, size_t i) {
    return json{{"pop", s.pop},
                {"instance", s.instance},
                {"interface", s.interface},
                {"rx", direction(s.rx, x.rates.interface_rx[i])},
                {"tx", direction(s.tx, x.rates.interface_tx[i])}};
  });
}

json flows(const Reading& x) {
  return each(x.snapshot.flows, [&](const monitor::FlowSample& s, size_t i) {
    json item = counted(s.packets, s.bytes, x.rates.flows[i]);
    item.update({{"pop", s.node}, {"cookie", s.cookie}, {"rules", s.rules}});
    return item;
  });
}

json elans(const Reading& x) {
  return each(x.snapshot.elans, [&](const monitor::ElanSample& s, size_t i) {
    json item = counted(s.packets, s.bytes, x.rates.elans[i]);
    item["elan"] = s.elan;
    return item;
  });
}

json links(const Reading& x) {
  return each(x.snapshot.links, [&](const monitor::LinkSample& s, size_t i) {
    json item = counted(s.packets, s.bytes, x.rates.links[i]);
    item.update({{"link", s.from + "->" + s.to},
                 {"from", s.from},
                 {"to", s.to},
                 {"dropped_loss", s.dropped_loss},
                 {"dropped_queue", s.dropped_queue},
                 {"dropped_per_s", x.rates.links[i].dropped},
                 {"queued", s.queued},
                 {"delay_ms", static_cast<double>(s.delay_ns) / 1e6},
                 {"rate_mbps", s.rate_mbps},
                 {"loss_percent", s.loss_percent}});
    return item;
  });
}

json pops(const Reading& x) {
  return each(x.snapshot.pops, [](const monitor::PopSample& p, size_t) {
    return json{
        {"pop", p.pop},
        {"model", p.model},
        {"instances", p.instances},
        {"compute_units", {{"total", p.cu_total}, {"allocated", p.cu_allocated}}},
        {"memory_mb", {{"total", p.memory_total_mb}, {"allocated", p.memory_allocated_mb}}}};
  });
}
}  // namespace

json monitor_view(const std::string& kind, const Reading& reading) {
  using View = json (*)(const Reading&);
  static constexpr std::pair<const char*, View> kViews[] = {
      {"instances", &instances}, {"interfaces", &interfaces}, {"flows", &flows},
      {"elans", &elans},         {"links", &links},           {"pops", &pops}};
  json out = {{"time_ms", reading.snapshot.time_ms}};
  for (const auto& [name, view] : kViews) {
    if (kind == name) {
      out[kind] = view(reading);
    }
  }
  return out;
}

Result<json> history_view(const monitor::Sampler& sampler, const json& params) {
  std::string series = param_text(params, "series");
  if (series.empty()) {
    return json{{"series", sampler.series()},
                {"period_ms", sampler.period().count()},
                {"points", sampler.history_points()}};
  }
  std::string since_text = param_text(params, "since", "0");
  CL_ASSIGN_OR_RETURN(int64_t since, parse_int(since_text, "since", 0));
  auto points = sampler.history(series, since);
  if (points.empty() && !sampler.has_series(series)) {
    return make_error(ErrorCode::kNotFound,
                      "no series named '{}' (GET /restapi/monitor/history "
                      "lists them)",
                      series.substr(0, 200));
  }
  json out = json::array();
  for (const auto& p : points) {
    out.push_back({p.time_ms, p.value});
  }
  return json{{"series", series}, {"points", std::move(out)}};
}

}  // namespace chainlab::endpoints
