#include "endpoints/emulator/emulator_endpoint.h"

#include <httplib.h>

#include <algorithm>
#include <cmath>

#include "common/files.h"
#include "common/units.h"
#include "endpoints/emulator/sonemu_shapes.h"
#include "endpoints/http/log_stream.h"

namespace chainlab::endpoints {
namespace {

constexpr double kMaxCpuBw = 1024;  // CPUs
constexpr int64_t kCpuBwPeriodUs = 1'000'000;
constexpr int64_t kMaxCpuPeriodUs = 1'000'000;        // the kernel's CFS maximum
constexpr uint64_t kMaxLinkDelayNs = 60'000'000'000;  // 60 s, as in topologies

using nlohmann::json;

Result<bool> flag(const json& params, const char* key) {
  auto it = params.find(key);
  if (it == params.end() || it->is_null()) {
    return false;
  }
  if (it->is_boolean()) {
    return it->get<bool>();
  }
  std::string v = param_text(params, key);
  if (v == "true" || v == "True" || v == "1" || v == "yes") {
    return true;
  }
  if (v == "false" || v == "False" || v == "0" || v == "no" || v.empty()) {
    return false;
  }
  return make_error(ErrorCode::kInvalidArgument, "{}: '{}' is not a boolean", key, v);
}

Result<int64_t> integer(const json& params, const char* key, int64_t fallback, int64_t min,
                        int64_t max) {
  auto it = params.find(key);
  if (it == params.end() || it->is_null()) {
    return fallback;
  }
  return json_int(*it, key, min, max);
}

// "512m", "1g", "65536" -> bytes (common/units.h: no wrap-around, at most 2^63 - 1).
Result<int64_t> memory_value(const std::string& text) {
  CL_ASSIGN_OR_RETURN(uint64_t bytes, parse_size(text, "mem_limit"));
  return static_cast<int64_t>(bytes);
}

// son-emu's cpu_bw (a fraction of one CPU): quota = cpu_bw x period, the period as for
// descriptors' cpu_bw (1 s) unless given.
Status apply_cpu_bw(const json& p, substrate::ResourceLimits& limits) {
  auto bw = p.find("cpu_bw");
  if (bw == p.end() || bw->is_null()) {
    return ok_status();
  }
  if (limits.cpu_quota_us) {
    return make_error(ErrorCode::kInvalidArgument, "cpu_bw: give cpu_bw or cpu_quota, not both");
  }
  CL_ASSIGN_OR_RETURN(double v, json_number(*bw, "cpu_bw", 0, kMaxCpuBw));
  if (v <= 0) {
    return make_error(ErrorCode::kInvalidArgument, "cpu_bw: {} is not positive", v);
  }
  if (!limits.cpu_period_us) {
    limits.cpu_period_us = kCpuBwPeriodUs;
  }
  double quota = std::round(v * static_cast<double>(*limits.cpu_period_us));  // <= 2^60
  limits.cpu_quota_us = std::max<int64_t>(1000, static_cast<int64_t>(quota));
  return ok_status();
}

}  // namespace

// The query of PUT /restapi/compute/resources, every value checked before anything changes (the
// substrate then checks them against the host: CPUs, the parent's cpuset).
Result<substrate::ResourceLimits> parse_resource_limits(const json& p) {
  substrate::ResourceLimits limits;
  auto set = [&](const char* key, std::optional<int64_t>& field, int64_t min,
                 int64_t max) -> Status {
    if (p.contains(key)) {
      CL_ASSIGN_OR_RETURN(field, integer(p, key, 0, min, max));
    }
    return ok_status();
  };
  std::optional<int64_t> shares;
  CL_RETURN_IF_ERROR(set("cpu_quota", limits.cpu_quota_us, -1, kInt64Max));
  CL_RETURN_IF_ERROR(set("cpu_period", limits.cpu_period_us, 0, kMaxCpuPeriodUs));
  CL_RETURN_IF_ERROR(set("cpu_shares", shares, 0, kInt64Max));
  if (shares) {
    limits.cpu_shares = static_cast<uint64_t>(*shares);
  }
  CL_RETURN_IF_ERROR(apply_cpu_bw(p, limits));
  if (p.contains("cpuset_cpus") || p.contains("cpuset")) {
    limits.cpuset_cpus = param_text(p, p.contains("cpuset_cpus") ? "cpuset_cpus" : "cpuset");
  }
  if (p.contains("mem_limit")) {
    CL_ASSIGN_OR_RETURN(limits.memory_bytes, memory_value(param_text(p, "mem_limit")));
  }
  return limits;
}

// The query of PUT /restapi/link: the topology's limits, so nothing wraps or casts out of range on
// the way to the data plane (which validates the combination, e.g. jitter <= delay).
Result<emulator::LinkChange> parse_link_change(const json& p) {
  emulator::LinkChange change;
  for (const char* key : {"delay", "jitter"}) {
    if (p.contains(key)) {
      CL_ASSIGN_OR_RETURN(uint64_t ns, parse_duration(param_text(p, key), key, kMaxLinkDelayNs));
      (std::string_view(key) == "delay" ? change.delay_ns : change.jitter_ns) = ns;
    }
  }
  if (p.contains("loss")) {
    CL_ASSIGN_OR_RETURN(change.loss_percent, json_number(p["loss"], "loss", 0, 100));
  }
  if (p.contains("bw")) {
    CL_ASSIGN_OR_RETURN(change.bw_mbps, parse_rate_mbps(param_text(p, "bw"), "bw", 0, 400'000));
  }
  if (p.contains("queue")) {
    CL_ASSIGN_OR_RETURN(int64_t q, json_int(p["queue"], "queue", 1, 1'000'000));
    change.queue_packets = static_cast<uint32_t>(q);
  }
  return change;
}

Result<ExecRequest> parse_exec_request(const json& p) {
  ExecRequest r;
  auto cmd = p.find("cmd");
  if (cmd != p.end() && cmd->is_array()) {
    for (const auto& a : *cmd) {
      r.argv.push_back(a.is_string() ? a.get<std::string>() : a.dump());
    }
  } else if (cmd != p.end() && cmd->is_string()) {
    r.argv = {"/bin/sh", "-c", cmd->get<std::string>()};
  }
  if (r.argv.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "cmd: a non-empty list or string is required");
  }
  CL_ASSIGN_OR_RETURN(int64_t timeout, integer(p, "timeout", 60, 1, 3600));
  r.timeout = std::chrono::seconds(timeout);
  return r;
}

Result<std::vector<std::pair<std::string, std::string>>> parse_elan_members(const json& p) {
  std::vector<std::pair<std::string, std::string>> members;
  auto m = p.find("members");
  if (m == p.end() || !m->is_array()) {
    return make_error(ErrorCode::kInvalidArgument, "members: a list of \"vnf[:intf]\" is required");
  }
  for (const auto& item : *m) {
    std::string s = item.is_string() ? item.get<std::string>() : "";
    size_t colon = s.find(':');
    if (colon == 0 || s.empty()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "members: each is a string \"vnf[:intf]\", not {}", item.dump());
    }
    members.emplace_back(s.substr(0, colon), colon == std::string::npos ? "" : s.substr(colon + 1));
  }
  return members;
}

json chain_info_json(const emulator::ChainInfo& c) {
  return json{{"id", c.id},
              {"vnf_src_name", c.request.src},
              {"vnf_src_interface", c.request.src_intf},
              {"vnf_dst_name", c.request.dst},
              {"vnf_dst_interface", c.request.dst_intf},
              {"bidirectional", c.request.bidirectional},
              {"cookie", c.request.cookie},
              {"priority", c.request.priority},
              {"match", c.request.match},
              {"path", c.path},
              {"vlan", c.vlan},
              {"rules", c.rules}};
}

Result<std::vector<emulator::InterfaceRequest>> parse_network_param(const json& value) {
  std::vector<emulator::InterfaceRequest> out;
  if (value.is_null()) {
    return out;
  }
  if (value.is_array()) {
    for (const auto& item : value) {
      if (!item.is_object()) {
        return make_error(ErrorCode::kInvalidArgument, "network: list items must be objects");
      }
      emulator::InterfaceRequest intf;
      for (auto [key, field] : {std::pair{"id", &intf.id}, {"ip", &intf.ip}, {"mac", &intf.mac}}) {
        auto it = item.find(key);
        if (it != item.end() && !it->is_null() && !it->is_string()) {
          return make_error(ErrorCode::kInvalidArgument, "network: {} must be a string", key);
        }
        *field = it != item.end() && it->is_string() ? it->get<std::string>() : "";
      }
      out.push_back(std::move(intf));
    }
    return out;
  }
  if (!value.is_string()) {
    return make_error(ErrorCode::kInvalidArgument, "network: expected a string or a list");
  }
  std::string text = value.get<std::string>();
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find('(', pos);
    if (open == std::string::npos) {
      if (!trim(std::string_view(text).substr(pos)).empty() &&
          trim(std::string_view(text).substr(pos)) != ",") {
        return make_error(ErrorCode::kInvalidArgument, "network: unexpected '{}'",
                          text.substr(pos));
      }
      break;
    }
    size_t close = text.find(')', open);
    if (close == std::string::npos) {
      return make_error(ErrorCode::kInvalidArgument, "network: missing ')' in '{}'", text);
    }
    emulator::InterfaceRequest intf;
    for (std::string_view kv :
         split(std::string_view(text).substr(open + 1, close - open - 1), ',')) {
      kv = trim(kv);
      if (kv.empty()) {
        continue;
      }
      size_t eq = kv.find('=');
      if (eq == std::string_view::npos) {
        return make_error(ErrorCode::kInvalidArgument, "network: '{}' is not key=value", kv);
      }
      std::string_view k = trim(kv.substr(0, eq));
      std::string v(trim(kv.substr(eq + 1)));
      if (k == "id") {
        intf.id = v;
      } else if (k == "ip") {
        intf.ip = v;
      } else if (k == "mac") {
        intf.mac = v;
      } else {
        return make_error(ErrorCode::kInvalidArgument, "network: unknown key '{}'", k);
      }
    }
    out.push_back(intf);
    pos = close + 1;
  }
  return out;
}

Result<emulator::ChainRequest> parse_chain_request(const json& p) {
  emulator::ChainRequest r;
  r.src = param_text(p, "vnf_src_name");
  r.dst = param_text(p, "vnf_dst_name");
  if (r.src.empty() || r.dst.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "vnf_src_name and vnf_dst_name are required");
  }
  r.src_intf = param_text(p, "vnf_src_interface");
  r.dst_intf = param_text(p, "vnf_dst_interface");
  r.weight = param_text(p, "weight", "hops");
  if (r.weight == "None" || r.weight == "null") {
    r.weight = "hops";
  }
  r.match = param_text(p, "match");
  if (r.match == "None" || r.match == "null") {
    r.match.clear();
  }
  CL_ASSIGN_OR_RETURN(r.bidirectional, flag(p, "bidirectional"));
  CL_ASSIGN_OR_RETURN(r.skip_vlan_tag, flag(p, "skip_vlan_tag"));
  CL_ASSIGN_OR_RETURN(int64_t cookie, integer(p, "cookie", 10, 0, INT64_MAX));
  CL_ASSIGN_OR_RETURN(int64_t prio, integer(p, "priority", 1000, 0, 65535));
  r.cookie = static_cast<uint64_t>(cookie);
  r.priority = static_cast<uint16_t>(prio);
  std::string path = param_text(p, "path");
  for (std::string_view n : split(path, ',')) {
    if (!trim(n).empty()) {
      r.path.emplace_back(trim(n));
    }
  }
  return r;
}

Result<emulator::ComputeRequest> parse_compute_request(const json& p, const std::string& pop,
                                                       const std::string& name) {
  emulator::ComputeRequest r;
  r.pop = pop;
  r.name = name;
  r.image = param_text(p, "image");
  r.command = param_text(p, "docker_command", param_text(p, "command"));
  if (r.command == "None" || r.command == "null") {
    r.command.clear();
  }
  r.flavor = param_text(p, "flavor_name", "tiny");
  r.stop_command = param_text(p, "stop_command");
  CL_ASSIGN_OR_RETURN(r.interfaces, parse_network_param(p.value("network", json())));
  if (auto env = p.find("env"); env != p.end() && env->is_object()) {
    for (auto& [k, v] : env->items()) {
      r.env[k] = v.is_string() ? v.get<std::string>() : v.dump();
    }
  }
  return r;
}

}  // namespace chainlab::endpoints
