#include "cli/views.h"

#include <fmt/format.h>

#include <initializer_list>
#include <utility>

namespace chainlab::cli {
namespace {

using nlohmann::json;

std::string scalar(const json& v) {
  if (v.is_string()) {
    return v.get<std::string>();
  }
  if (v.is_null()) {
    return "-";
  }
  if (v.is_number() || v.is_boolean()) {
    return v.dump();
  }
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

const json& member(const json& j, const char* key) {
  static const json kNull;  // immutable
  if (!j.is_object()) {
    return kNull;
  }
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

std::string state_of(const json& status) {
  const json& state = member(status, "state");
  if (state.is_object()) {
    return field(state, "Status");
  }
  return scalar(state);
}

std::string join(const json& list, const char* sep) {
  if (!list.is_array()) {
    return scalar(list);
  }
  std::string out;
  for (const auto& item : list) {
    if (!out.empty()) {
      out += sep;
    }
    out += scalar(item);
  }
  return out.empty() ? "-" : out;
}

// One "label value" line per pair, the labels padded to `width`.
std::string labelled_lines(int width,
                           std::initializer_list<std::pair<const char*, std::string>> lines) {
  std::string out;
  for (const auto& [label, value] : lines) {
    out += fmt::format("{:<{}} {}\n", label, width, value);
  }
  return out;
}

}  // namespace

std::string field(const json& j, const char* key) {
  return scalar(member(j, key));
}

std::string interfaces_summary(const json& status) {
  const json& network = member(status, "network");
  if (!network.is_array() || network.empty()) {
    return "-";
  }
  std::string out;
  for (const auto& intf : network) {
    if (!out.empty()) {
      out += ", ";
    }
    out += field(intf, "intf_name") + ":" + field(intf, "ip");
  }
  return out;
}

std::string first_ip(const json& status) {
  const json& network = member(status, "network");
  if (!network.is_array()) {
    return "";
  }
  for (const auto& intf : network) {
    const json& ip = member(intf, "ip");
    if (ip.is_string() && !ip.get<std::string>().empty()) {
      std::string s = ip.get<std::string>();
      return s.substr(0, s.find('/'));
    }
  }
  return "";
}

Table compute_list_table(const json& list) {
  Table table({"POP", "NAME", "IMAGE", "STATE", "EXIT", "INTERFACES"});
  if (!list.is_array()) {
    return table;
  }
  for (const auto& entry : list) {
    std::string name;
    json status;
    if (entry.is_array() && entry.size() >= 2) {
      name = scalar(entry[0]);
      status = entry[1];
    } else if (entry.is_object()) {
      name = field(entry, "name");
      status = entry;
    } else {
      continue;
    }
    table.add({field(status, "datacenter"), name, field(status, "image"), state_of(status),
               field(member(status, "state"), "ExitCode"), interfaces_summary(status)});
  }
  return table;
}

std::string compute_status_text(const json& status) {
  std::string out = labelled_lines(
      12, {{"name:", field(status, "name")},
           {"pop:", field(status, "datacenter")},
           {"state:", state_of(status)},
           {"pid:", field(member(status, "state"), "Pid")},
           {"exit code:", field(member(status, "state"), "ExitCode")},
           {"image:", field(status, "image")},
           {"command:", field(status, "command")},
           {"flavor:", field(status, "flavor_name")},
           {"driver:", field(status, "driver")},
           {"netns:", field(status, "netns")},
           {"cpu:", fmt::format("quota {} period {} shares {} cpuset {}",
                                field(status, "cpu_quota"), field(status, "cpu_period"),
                                field(status, "cpu_shares"), field(status, "cpuset"))},
           {"mem_limit:", field(status, "mem_limit")}});
  const json& network = member(status, "network");
  if (network.is_array() && !network.empty()) {
    Table t({"INTERFACE", "IP", "MAC", "PORT", "HOST_IF"});
    for (const auto& intf : network) {
      t.add({field(intf, "intf_name"), field(intf, "ip"), field(intf, "mac"),
             field(intf, "dc_portname"), field(intf, "host_ifname")});
    }
    out += t.render();
  }
  return out;
}

Table datacenter_list_table(const json& list) {
  Table table({"LABEL", "INTERNAL", "SWITCH", "INSTANCES", "RESOURCE_MODEL"});
  if (!list.is_array()) {
    return table;
  }
  for (const auto& pop : list) {
    table.add({field(pop, "label"), field(pop, "internalname"), field(pop, "switch"),
               field(pop, "n_running_containers"), field(pop, "resource_model")});
  }
  return table;
}

std::string datacenter_status_text(const json& pop) {
  return labelled_lines(16, {{"label:", field(pop, "label")},
                             {"internalname:", field(pop, "internalname")},
                             {"switch:", field(pop, "switch")},
                             {"instances:", field(pop, "n_running_containers")},
                             {"vnf_list:", join(member(pop, "vnf_list"), ", ")},
                             {"resource_model:", field(pop, "resource_model")},
                             {"resource_state:", field(pop, "resource_state")},
                             {"metadata:", field(pop, "metadata")}});
}

Table chain_list_table(const json& list) {
  Table table({"ID", "SRC", "DST", "PATH", "VLAN", "COOKIE", "BIDIR"});
  if (!list.is_array()) {
    return table;
  }
  auto end = [](const json& c, const char* name, const char* intf) {
    std::string s = field(c, name);
    const json& i = member(c, intf);
    if (i.is_string() && !i.get<std::string>().empty()) {
      s += ":" + i.get<std::string>();
    }
    return s;
  };
  for (const auto& c : list) {
    table.add({field(c, "id"), end(c, "vnf_src_name", "vnf_src_interface"),
               end(c, "vnf_dst_name", "vnf_dst_interface"), join(member(c, "path"), ","),
               field(c, "vlan"), field(c, "cookie"), field(c, "bidirectional")});
  }
  return table;
}

Table elan_list_table(const json& list) {
  Table table({"NAME", "VLAN", "MEMBERS", "TREE"});
  if (!list.is_array()) {
    return table;
  }
  for (const auto& e : list) {
    table.add({field(e, "name"), field(e, "vlan"), join(member(e, "members"), ","),
               join(member(e, "tree"), ",")});
  }
  return table;
}

std::string ping_matrix_text(const std::vector<std::string>& names,
                             const std::vector<std::vector<bool>>& ok) {
  std::vector<std::string> header = {"FROM \\ TO"};
  header.insert(header.end(), names.begin(), names.end());
  Table table(header);
  size_t reachable = 0;
  size_t total = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    std::vector<std::string> row = {names[i]};
    for (size_t j = 0; j < names.size(); ++j) {
      if (i == j) {
        row.emplace_back("-");
        continue;
      }
      bool good = i < ok.size() && j < ok[i].size() && ok[i][j];
      row.emplace_back(good ? "ok" : "X");
      reachable += good ? 1 : 0;
      ++total;
    }
    table.add(std::move(row));
  }
  return table.render() + fmt::format("{}/{} reachable\n", reachable, total);
}

}  // namespace chainlab::cli
