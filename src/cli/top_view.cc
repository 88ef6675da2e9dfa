#include "cli/top_view.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "cli/views.h"

namespace chainlab::cli {
namespace {

using nlohmann::json;

// j[key] as a number; 0 when absent or not a number.
double number(const json& j, const char* key) {
  if (!j.is_object()) {
    return 0;
  }
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0;
}

const json& list_of(const json& view, const char* key) {
  static const json kEmpty = json::array();  // immutable
  if (!view.is_object()) {
    return kEmpty;
  }
  auto it = view.find(key);
  return it != view.end() && it->is_array() ? *it : kEmpty;
}

// "12.5" or "12" (a trailing ".0" dropped).
std::string short_decimal(double value) {
  std::string s = fmt::format("{:.1f}", value);
  if (s.size() > 2 && s.ends_with(".0")) {
    s.resize(s.size() - 2);
  }
  return s;
}

// `value` scaled by `step` until under it, with the unit it reached.
std::string scaled(double value, double step, const char* const* units, size_t n_units) {
  if (!std::isfinite(value) || value < 0) {
    value = 0;
  }
  size_t unit = 0;
  while (value >= step && unit + 1 < n_units) {
    value /= step;
    ++unit;
  }
  if (unit == 0) {
    return fmt::format("{:.0f}{}", value, units[0]);
  }
  return (value < 100 ? short_decimal(value) : fmt::format("{:.0f}", value)) + units[unit];
}

std::string cpu_limit(const json& instance) {
  double cores = number(instance, "cpu_limit_cores");
  if (cores <= 0) {
    return "-";
  }
  std::string s = fmt::format("{:.2f}", cores);
  while (s.ends_with('0')) {
    s.pop_back();
  }
  if (s.ends_with('.')) {
    s.pop_back();
  }
  return s;
}

std::string memory_limit(const json& instance) {
  double limit = number(instance, "memory_limit_bytes");
  return limit > 0 ? human_bytes(limit) : "-";
}

std::vector<std::string> instance_cells(const json& instance) {
  return {field(instance, "instance"), field(instance, "pop"),
          field(instance, "state"),    fmt::format("{:.1f}", number(instance, "cpu_cores") * 100),
          cpu_limit(instance),         human_bytes(number(instance, "memory_bytes")),
          memory_limit(instance),      fmt::format("{:.0f}", number(instance, "processes"))};
}

std::vector<std::string> interface_cells(const json& intf) {
  const json rx = intf.is_object() ? intf.value("rx", json()) : json();
  const json tx = intf.is_object() ? intf.value("tx", json()) : json();
  return {field(intf, "interface"), human_rate(number(rx, "bytes_per_s")),
          human_count(number(rx, "packets_per_s")), human_rate(number(tx, "bytes_per_s")),
          human_count(number(tx, "packets_per_s"))};
}

std::pair<std::string, std::string> key_of(const json& item) {
  return {field(item, "pop"), field(item, "instance")};
}

}  // namespace

json merge_top(const json& instances, const json& interfaces, const std::string& pop) {
  std::vector<json> merged;
  for (const auto& instance : list_of(instances, "instances")) {
    if (!instance.is_object() || (!pop.empty() && field(instance, "pop") != pop)) {
      continue;
    }
    json item = instance;
    item["interfaces"] = json::array();
    for (const auto& intf : list_of(interfaces, "interfaces")) {
      if (intf.is_object() && key_of(intf) == key_of(instance)) {
        json own = intf;
        own.erase("pop");
        own.erase("instance");
        item["interfaces"].push_back(std::move(own));
      }
    }
    merged.push_back(std::move(item));
  }
  std::stable_sort(merged.begin(), merged.end(),
                   [](const json& a, const json& b) { return key_of(a) < key_of(b); });
  json out = {{"time_ms", instances.is_object() ? instances.value("time_ms", json()) : json()},
              {"instances", json::array()}};
  for (auto& item : merged) {
    out["instances"].push_back(std::move(item));
  }
  return out;
}

Table top_table(const json& merged) {
  Table table({"INSTANCE", "POP", "STATE", "CPU %", "CPU LIMIT", "MEM", "MEM LIMIT", "PIDS",
               "INTERFACE", "RX", "RX PKT/S", "TX", "TX PKT/S"});
  for (const auto& instance : list_of(merged, "instances")) {
    std::vector<std::string> row = instance_cells(instance);
    const size_t blank = row.size();
    const json& interfaces = list_of(instance, "interfaces");
    if (interfaces.empty()) {
      row.insert(row.end(), {"-", "-", "-", "-", "-"});
      table.add(std::move(row));
      continue;
    }
    for (const auto& intf : interfaces) {
      std::vector<std::string> cells = interface_cells(intf);
      row.insert(row.end(), cells.begin(), cells.end());
      table.add(std::move(row));
      row.assign(blank, "");
    }
  }
  return table;
}

std::string human_bytes(double bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  return scaled(bytes, 1024, kUnits, std::size(kUnits));
}

std::string human_rate(double bytes_per_s) {
  static constexpr const char* kUnits[] = {"B/s", "kB/s", "MB/s", "GB/s", "TB/s"};
  return scaled(bytes_per_s, 1000, kUnits, std::size(kUnits));
}

std::string human_count(double per_s) {
  if (!std::isfinite(per_s) || per_s < 0) {
    per_s = 0;
  }
  return per_s < 100 ? short_decimal(per_s) : fmt::format("{:.0f}", per_s);
}

}  // namespace chainlab::cli
