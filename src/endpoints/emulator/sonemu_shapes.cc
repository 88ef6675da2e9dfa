#include "endpoints/emulator/sonemu_shapes.h"

#include <fmt/format.h>

#include "substrate/addr.h"

namespace chainlab::endpoints {
namespace {

using nlohmann::json;

// A request parameter as son-emu's kwargs.get() sees it: the raw value, null when absent.
json raw(const json& params, const char* key) {
  auto it = params.find(key);
  return it == params.end() ? json(nullptr) : *it;
}

// One direction of a chain, as _chainAddFlow returns it.
std::string one_direction(std::string_view cmd, std::string_view src, std::string_view dst,
                          const json& vlan, const std::vector<std::string>& path,
                          const json& params, const SonemuNames& names) {
  nlohmann::ordered_json options;  // Python dicts keep insertion order; json.dumps too
  options["priority"] = raw(params, "priority");
  options["cookie"] = raw(params, "cookie");
  options["vlan"] = vlan;
  options["path"] = nlohmann::ordered_json::array();
  for (const auto& node : path) {
    options["path"].push_back(names.switch_name(node));
  }
  options["match_input"] = raw(params, "match");
  return fmt::format("success: {} between {} and {} with options: {}", cmd, src, dst,
                     options.dump(1, ' ', true, json::error_handler_t::replace));
}

}  // namespace

SonemuNames::SonemuNames(const emulator::Topology& topology) {
  for (size_t i = 0; i < topology.pops().size(); ++i) {
    pop_index_.emplace(topology.pops()[i].name, i + 1);
  }
}

std::string SonemuNames::internal_name(std::string_view pop) const {
  auto it = pop_index_.find(pop);
  return it == pop_index_.end() ? std::string(pop) : fmt::format("dc{}", it->second);
}

std::string SonemuNames::switch_name(std::string_view node) const {
  auto it = pop_index_.find(node);
  return it == pop_index_.end() ? std::string(node) : fmt::format("dc{}.s1", it->second);
}

json interface_status_json(const emulator::InterfaceInfo& intf, std::string_view pop,
                           const SonemuNames& names) {
  json ip = "";
  json netmask = nullptr;
  if (auto cidr = substrate::Cidr::parse(intf.ip); !intf.ip.empty() && cidr.ok()) {
    ip = cidr->to_string();
    netmask = cidr->prefix_len;
  }
  return {{"intf_name", intf.name},
          {"ip", ip},
          {"netmask", netmask},
          {"mac", intf.mac},
          {"up", true},
          {"status", "OK"},
          {"dc_portname", fmt::format("{}-eth{}", names.switch_name(pop), intf.port)},
          {"host_ifname", intf.host_ifname}};
}

json compute_status_json(const emulator::ComputeInfo& info, const SonemuNames& names) {
  const auto& st = info.status;
  json network = json::array();
  for (const auto& i : info.interfaces) {
    network.push_back(interface_status_json(i, info.pop, names));
  }
  bool running = st.state == runtime::InstanceState::kRunning;
  // Docker's State keys (son-emu returns docker inspect's State).
  json state = {{"Status", std::string(runtime::instance_state_name(st.state))},
                {"Running", running},
                {"Paused", st.state == runtime::InstanceState::kPaused},
                {"Restarting", false},
                {"OOMKilled", false},
                {"Dead", false},
                {"Pid", st.pid},
                {"ExitCode", st.exit_code ? json(*st.exit_code) : json(nullptr)},
                {"Error", ""}};
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
          {"docker_network", ""},  // no Docker bridge: Docker reports "" for no network
          {"cpu_quota", st.limits.cpu_quota_us},
          {"cpu_period", st.limits.cpu_period_us},
          {"cpu_shares", st.limits.cpu_shares},
          {"cpuset", st.limits.cpuset_cpus},
          {"mem_limit", st.limits.memory_bytes},
          {"memswap_limit", nullptr},
          {"driver", st.driver},
          {"netns", st.netns},
          {"cpu_usage_ns", st.stats.cpu_usage_ns},
          {"memory_usage_bytes", st.stats.memory_bytes}};
}

json pop_status_json(const emulator::PopInfo& pop, const emulator::Topology& topology,
                     const SonemuNames& names) {
  json saps = json::array();
  for (const auto& sap : topology.saps()) {
    if (sap.pop == pop.name) {
      saps.push_back(sap.name);
    }
  }
  return {{"label", pop.name},
          {"internalname", names.internal_name(pop.name)},
          {"switch", names.switch_name(pop.name)},
          {"n_running_containers", pop.instances.size()},
          {"metadata", pop.metadata},
          {"vnf_list", pop.instances},
          {"ext SAP list", saps},
          {"lsi", pop.internal_name},
          {"resource_model", pop.resource_model},
          {"resource_state", pop.resource_state}};
}

std::string chain_answer(std::string_view cmd, const emulator::ChainInfo& chain, const json& params,
                         const SonemuNames& names) {
  const bool add = cmd == "add-flow";
  json vlan = add && chain.vlan != 0 ? json(chain.vlan) : json(nullptr);
  const auto& r = chain.request;
  std::string out = one_direction(cmd, r.src, r.dst, vlan, chain.path, params, names);
  if (r.bidirectional) {
    std::vector<std::string> back(chain.path.rbegin(), chain.path.rend());
    out += "\n" + one_direction(cmd, r.dst, r.src, vlan, back, params, names);
  }
  return out;
}

Reply sonemu_text_answer(const std::string& text) {
  return Reply::text(json(text).dump(-1, ' ', false, json::error_handler_t::replace) + "\n",
                     "application/json")
      .header("Access-Control-Allow-Origin", "*");
}

}  // namespace chainlab::endpoints
