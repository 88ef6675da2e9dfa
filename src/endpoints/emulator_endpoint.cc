#include "endpoints/emulator_endpoint.h"

#include <httplib.h>

#include <algorithm>
#include <cmath>

#include "common/files.h"
#include "common/units.h"
#include "endpoints/log_stream.h"

namespace chainlab::endpoints {
namespace {

constexpr double kMaxCpuBw = 1024;  // CPUs
constexpr int64_t kCpuBwPeriodUs = 1'000'000;
constexpr int64_t kMaxCpuPeriodUs = 1'000'000;        // the kernel's CFS maximum
constexpr uint64_t kMaxLinkDelayNs = 60'000'000'000;  // 60 s, as in topologies

using emulator::ComputeInfo;
using nlohmann::json;

std::string str(const json& params, const char* key, const std::string& fallback = "") {
  auto it = params.find(key);
  if (it == params.end() || it->is_null()) {
    return fallback;
  }
  return it->is_string() ? it->get<std::string>() : it->dump();
}

Result<bool> flag(const json& params, const char* key) {
  auto it = params.find(key);
  if (it == params.end() || it->is_null()) {
    return false;
  }
  if (it->is_boolean()) {
    return it->get<bool>();
  }
  std::string v = str(params, key);
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

// The query of PUT /restapi/compute/resources, every value checked before anything changes (the
// substrate then checks them against the host: CPUs, the parent's cpuset).
Result<substrate::ResourceLimits> resource_limits(const json& p) {
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
    limits.cpuset_cpus = str(p, p.contains("cpuset_cpus") ? "cpuset_cpus" : "cpuset");
  }
  if (p.contains("mem_limit")) {
    CL_ASSIGN_OR_RETURN(limits.memory_bytes, memory_value(str(p, "mem_limit")));
  }
  return limits;
}

// The query of PUT /restapi/link: the topology's limits, so nothing wraps or casts out of range on
// the way to the data plane (which validates the combination, e.g. jitter <= delay).
Result<emulator::LinkChange> link_change(const json& p) {
  emulator::LinkChange change;
  for (const char* key : {"delay", "jitter"}) {
    if (p.contains(key)) {
      CL_ASSIGN_OR_RETURN(uint64_t ns, parse_duration(str(p, key), key, kMaxLinkDelayNs));
      (std::string_view(key) == "delay" ? change.delay_ns : change.jitter_ns) = ns;
    }
  }
  if (p.contains("loss")) {
    CL_ASSIGN_OR_RETURN(change.loss_percent, json_number(p["loss"], "loss", 0, 100));
  }
  if (p.contains("bw")) {
    CL_ASSIGN_OR_RETURN(change.bw_mbps, parse_rate_mbps(str(p, "bw"), "bw", 0, 400'000));
  }
  if (p.contains("queue")) {
    CL_ASSIGN_OR_RETURN(int64_t q, json_int(p["queue"], "queue", 1, 1'000'000));
    change.queue_packets = static_cast<uint32_t>(q);
  }
  return change;
}

template <typename F>
auto guarded(F&& handler) {
  return [handler](const httplib::Request& req, httplib::Response& res) {
    auto params = request_params(req);
    if (!params.ok()) {
      send_error(res, params.error());
      return;
    }
    handler(req, res, *params);
  };
}

}  // namespace

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
  r.src = str(p, "vnf_src_name");
  r.dst = str(p, "vnf_dst_name");
  if (r.src.empty() || r.dst.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "vnf_src_name and vnf_dst_name are required");
  }
  r.src_intf = str(p, "vnf_src_interface");
  r.dst_intf = str(p, "vnf_dst_interface");
  r.weight = str(p, "weight", "hops");
  if (r.weight == "None" || r.weight == "null") {
    r.weight = "hops";
  }
  r.match = str(p, "match");
  if (r.match == "None" || r.match == "null") {
    r.match.clear();
  }
  CL_ASSIGN_OR_RETURN(r.bidirectional, flag(p, "bidirectional"));
  CL_ASSIGN_OR_RETURN(r.skip_vlan_tag, flag(p, "skip_vlan_tag"));
  CL_ASSIGN_OR_RETURN(int64_t cookie, integer(p, "cookie", 10, 0, INT64_MAX));
  CL_ASSIGN_OR_RETURN(int64_t prio, integer(p, "priority", 1000, 0, 65535));
  r.cookie = static_cast<uint64_t>(cookie);
  r.priority = static_cast<uint16_t>(prio);
  std::string path = str(p, "path");
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
  r.image = str(p, "image");
  r.command = str(p, "docker_command", str(p, "command"));
  if (r.command == "None" || r.command == "null") {
    r.command.clear();
  }
  r.flavor = str(p, "flavor_name", "tiny");
  r.stop_command = str(p, "stop_command");
  CL_ASSIGN_OR_RETURN(r.interfaces, parse_network_param(p.value("network", json())));
  if (auto env = p.find("env"); env != p.end() && env->is_object()) {
    for (auto& [k, v] : env->items()) {
      r.env[k] = v.is_string() ? v.get<std::string>() : v.dump();
    }
  }
  return r;
}

json compute_status_json(const ComputeInfo& info) {
  const auto& st = info.status;
  json network = json::array();
  for (const auto& i : info.interfaces) {
    std::string ip = i.ip.substr(0, i.ip.find('/'));
    std::string netmask;
    if (auto cidr = substrate::Cidr::parse(i.ip); cidr.ok()) {
      netmask = cidr->netmask();
    }
    network.push_back({{"intf_name", i.name},
                       {"ip", ip},
                       {"netmask", netmask},
                       {"mac", i.mac},
                       {"up", true},
                       {"dc_portname", i.pop_port},
                       {"host_ifname", i.host_ifname}});
  }
  bool running = st.state == runtime::InstanceState::kRunning;
  json state = {{"Status", std::string(runtime::instance_state_name(st.state))},
                {"Running", running},
                {"Paused", st.state == runtime::InstanceState::kPaused},
                {"Pid", st.pid},
                {"ExitCode", st.exit_code ? json(*st.exit_code) : json(nullptr)}};
  return {{"name", info.name},
          {"id", st.netns},
          {"short_id", st.netns},
          {"datacenter", info.pop},
          {"image", info.image},
          {"command", info.command},
          {"flavor_name", info.flavor},
          {"hostname", st.hostname},
          {"state", state},
          {"network", network},
          {"cpu_quota", st.limits.cpu_quota_us},
          {"cpu_period", st.limits.cpu_period_us},
          {"cpu_shares", st.limits.cpu_shares},
          {"cpuset", st.limits.cpuset_cpus},
          {"mem_limit", st.limits.memory_bytes},
          {"driver", st.driver},
          {"netns", st.netns},
          {"cpu_usage_ns", st.stats.cpu_usage_ns},
          {"memory_usage_bytes", st.stats.memory_bytes}};
}

void EmulatorEndpoint::register_routes(httplib::Server& server) {
  auto& emu = emulation_;
  server.Put(R"(/restapi/compute/resources/([^/]+)/([^/]+))",
             guarded([&emu](const httplib::Request& req, httplib::Response& res, const json& p) {
               auto limits = resource_limits(p);
               if (!limits.ok()) {
                 return send_error(res, limits.error());
               }
               std::string name = req.matches[2];
               if (auto s = emu.update_resources(name, *limits); !s.ok()) {
                 return send_error(res, s.error());
               }
               auto info = emu.compute_status(name);
               info.ok() ? send_json(res, compute_status_json(*info))
                         : send_error(res, info.error());
             }));
  server.Post(
      R"(/restapi/compute/exec/([^/]+))",
      guarded([&emu](const httplib::Request& req, httplib::Response& res, const json& p) {
        std::vector<std::string> argv;
        auto cmd = p.find("cmd");
        if (cmd != p.end() && cmd->is_array()) {
          for (const auto& a : *cmd) {
            argv.push_back(a.is_string() ? a.get<std::string>() : a.dump());
          }
        } else if (cmd != p.end() && cmd->is_string()) {
          argv = {"/bin/sh", "-c", cmd->get<std::string>()};
        }
        if (argv.empty()) {
          return send_error(res, make_error(ErrorCode::kInvalidArgument,
                                            "cmd: a non-empty list or string is required"));
        }
        auto timeout = integer(p, "timeout", 60, 1, 3600);
        if (!timeout.ok()) {
          return send_error(res, timeout.error());
        }
        auto r = emu.exec(req.matches[1], argv, std::chrono::seconds(*timeout));
        if (!r.ok()) {
          return send_error(res, r.error());
        }
        send_json(
            res, {{"exit_code", r->exit_code}, {"output", r->output}, {"timed_out", r->timed_out}});
      }));
  server.Put(R"(/restapi/compute/([^/]+)/([^/]+))",
             guarded([&emu](const httplib::Request& req, httplib::Response& res, const json& p) {
               auto r = parse_compute_request(p, req.matches[1], req.matches[2]);
               if (!r.ok()) {
                 return send_error(res, r.error());
               }
               auto info = emu.start_compute(*r);
               info.ok() ? send_json(res, compute_status_json(*info))
                         : send_error(res, info.error());
             }));
  server.Put(R"(/restapi/compute/([^/]+)/([^/]+)/interface/([^/]+))",
             guarded([&emu](const httplib::Request& req, httplib::Response& res, const json& p) {
               emulator::InterfaceRequest r{req.matches[3], str(p, "ip"), str(p, "mac")};
               auto added = emu.add_interface(req.matches[2], r);
               if (!added.ok()) {
                 return send_error(res, added.error());
               }
               auto info = emu.compute_status(req.matches[2]);
               info.ok() ? send_json(res, compute_status_json(*info))
                         : send_error(res, info.error());
             }));
  server.Delete(R"(/restapi/compute/([^/]+)/([^/]+)/interface/([^/]+))",
                [&emu](const httplib::Request& req, httplib::Response& res) {
                  auto s = emu.remove_interface(req.matches[2], req.matches[3]);
                  s.ok() ? send_json(res, "OK") : send_error(res, s.error());
                });
  server.Get(R"(/restapi/compute/([^/]+)/([^/]+))", [&emu](const httplib::Request& req,
                                                           httplib::Response& res) {
    auto info = emu.compute_status(req.matches[2]);
    if (info.ok() && info->pop != std::string(req.matches[1])) {
      return send_error(res, make_error(ErrorCode::kNotFound, "no instance '{}' in '{}'",
                                        std::string(req.matches[2]), std::string(req.matches[1])));
    }
    info.ok() ? send_json(res, compute_status_json(*info)) : send_error(res, info.error());
  });
  server.Get(R"(/restapi/compute/([^/]+)/([^/]+)/logs)", [&emu](const httplib::Request& req,
                                                                httplib::Response& res) {
    auto query = parse_log_query(req);
    if (!query.ok()) {
      return send_error(res, query.error());
    }
    auto cursor = emu.compute_log(req.matches[1], req.matches[2], query->tail_lines, query->follow);
    cursor.ok() ? stream_log(req, res, std::move(cursor).value()) : send_error(res, cursor.error());
  });
  server.Delete(R"(/restapi/compute/([^/]+)/([^/]+))",
                [&emu](const httplib::Request& req, httplib::Response& res) {
                  auto s = emu.stop_compute(req.matches[1], req.matches[2]);
                  s.ok() ? send_json(res, "OK") : send_error(res, s.error());
                });
  auto list = [&emu](const std::string& pop, httplib::Response& res) {
    auto all = emu.list_compute(pop);
    if (!all.ok()) {
      return send_error(res, all.error());
    }
    json out = json::array();
    for (const auto& c : *all) {
      out.push_back(json::array({c.name, compute_status_json(c)}));
    }
    send_json(res, out);
  };
  server.Get("/restapi/compute",
             [list](const httplib::Request&, httplib::Response& res) { list("", res); });
  server.Get(
      R"(/restapi/compute/([^/]+))",
      [list](const httplib::Request& req, httplib::Response& res) { list(req.matches[1], res); });

  auto pop_json = [](const emulator::PopInfo& p) {
    return json{{"label", p.name},
                {"internalname", p.internal_name},
                {"switch", p.internal_name},
                {"n_running_containers", p.instances.size()},
                {"metadata", p.metadata},
                {"vnf_list", p.instances},
                {"resource_model", p.resource_model},
                {"resource_state", p.resource_state}};
  };
  server.Get("/restapi/datacenter",
             [&emu, pop_json](const httplib::Request&, httplib::Response& res) {
               json out = json::array();
               for (const auto& p : emu.list_pops()) {
                 out.push_back(pop_json(p));
               }
               send_json(res, out);
             });
  server.Get(R"(/restapi/datacenter/([^/]+))",
             [&emu, pop_json](const httplib::Request& req, httplib::Response& res) {
               auto p = emu.pop_status(req.matches[1]);
               p.ok() ? send_json(res, pop_json(*p)) : send_error(res, p.error());
             });

  auto chain_json = [](const emulator::ChainInfo& c) {
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
  };
  server.Put("/restapi/network", guarded([&emu, chain_json](const httplib::Request&,
                                                            httplib::Response& res, const json& p) {
               auto r = parse_chain_request(p);
               if (!r.ok()) {
                 return send_error(res, r.error());
               }
               auto c = emu.set_chain(*r);
               if (!c.ok()) {
                 return send_error(res, c.error());
               }
               if (p.contains("detail")) {
                 return send_json(res, chain_json(*c));
               }
               send_json(res, fmt::format("success: {} ({}, vlan {})", c->id,
                                          fmt::join(c->path, " -> "), c->vlan));
             }));
  server.Delete("/restapi/network",
                guarded([&emu](const httplib::Request&, httplib::Response& res, const json& p) {
                  auto r = parse_chain_request(p);
                  if (!r.ok()) {
                    return send_error(res, r.error());
                  }
                  auto n = emu.delete_chain(*r);
                  n.ok() ? send_json(res, fmt::format("success: removed {} chain(s)", *n))
                         : send_error(res, n.error());
                }));
  server.Get("/restapi/network",
             [&emu, chain_json](const httplib::Request&, httplib::Response& res) {
               json out = json::array();
               for (const auto& c : emu.list_chains()) {
                 out.push_back(chain_json(c));
               }
               send_json(res, out);
             });
  server.Get("/restapi/network/d3jsgraph", [&emu](const httplib::Request&, httplib::Response& res) {
    send_json(res, emu.d3_graph());
  });
  server.Put(R"(/restapi/elan/([^/]+))",
             guarded([&emu](const httplib::Request& req, httplib::Response& res, const json& p) {
               std::vector<std::pair<std::string, std::string>> members;
               auto m = p.find("members");
               if (m == p.end() || !m->is_array()) {
                 return send_error(res,
                                   make_error(ErrorCode::kInvalidArgument,
                                              "members: a list of \"vnf[:intf]\" is required"));
               }
               for (const auto& item : *m) {
                 std::string s = item.is_string() ? item.get<std::string>() : item.dump();
                 size_t colon = s.find(':');
                 members.emplace_back(s.substr(0, colon),
                                      colon == std::string::npos ? "" : s.substr(colon + 1));
               }
               auto e = emu.create_elan(req.matches[1], members);
               if (!e.ok()) {
                 return send_error(res, e.error());
               }
               send_json(res, {{"name", e->name}, {"vlan", e->vlan}, {"tree", e->tree}});
             }));
  server.Delete(R"(/restapi/elan/([^/]+))",
                [&emu](const httplib::Request& req, httplib::Response& res) {
                  auto s = emu.delete_elan(req.matches[1]);
                  s.ok() ? send_json(res, "OK") : send_error(res, s.error());
                });
  server.Put(R"(/restapi/link/([^/]+)/([^/]+))",
             guarded([&emu](const httplib::Request& req, httplib::Response& res, const json& p) {
               auto change = link_change(p);
               if (!change.ok()) {
                 return send_error(res, change.error());
               }
               auto s = emu.set_link(req.matches[1], req.matches[2], *change);
               s.ok() ? send_json(res, "OK") : send_error(res, s.error());
             }));
  server.Get("/emulator/info", [&emu](const httplib::Request&, httplib::Response& res) {
    const auto& t = emu.topology();
    send_json(res, {{"name", t.name},
                    {"prefix", emu.prefix()},
                    {"pops", t.pops().size()},
                    {"switches", t.switches().size()},
                    {"links", t.links().size()}});
  });
  server.Put("/emulator/exit", [this](const httplib::Request&, httplib::Response& res) {
    send_json(res, "OK");
    on_exit_();
  });
}

}  // namespace chainlab::endpoints
