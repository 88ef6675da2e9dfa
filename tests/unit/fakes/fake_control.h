// An in-memory emulator::Control for unit tests of the layers above the emulator (front ends,
// orchestration, endpoints): no namespaces, no processes, no root. It keeps instances, chains and
// E-LANs in maps with the emulation's error codes (unknown PoP or name = NotFound, taken name =
// AlreadyExists unless rename_if_taken, unknown chain = NotFound), hands out addresses from
// 10.0.0.0/16 for interfaces without one, and can be told to fail the Nth call of a kind
// (`fail_nth(FakeControl::Op::kStartCompute, 2)`) so rollback paths can be tested step by step.
// Not thread-safe: a test with a Cloud's build thread or a Heat job calls it only while that
// thread is held (on_start_compute) or after settle_builds / settle.
#pragma once

#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "emulator/control.h"

namespace chainlab::testing {

class FakeControl final : public emulator::Control {
 public:
  enum class Op {
    kStartCompute,
    kStopCompute,
    kAddInterface,
    kSetChain,
    kCreateElan,
    kUpdateElan,
    kExec,
    kCreateGraphLsi,
    kAddGraphLink,
    kAddRule
  };

  explicit FakeControl(emulator::Topology topology) : topology_(std::move(topology)) {}

  // A topology of PoPs with these names and no links.
  static emulator::Topology pops(const std::vector<std::string>& names) {
    emulator::Topology t;
    for (const auto& n : names) {
      emulator::PopSpec pop;
      pop.name = n;
      (void)t.add_pop(std::move(pop));
    }
    return t;
  }

  // The `nth` call (1-based, counted from now) of `op` fails with `code`.
  void fail_nth(Op op, int nth, ErrorCode code = ErrorCode::kInternal) {
    failures_[op] = {calls_[op] + nth, code};
  }
  void clear_failures() { failures_.clear(); }
  int calls(Op op) const { return calls_.count(op) ? calls_.at(op) : 0; }
  // Nothing left: no instance, chain or E-LAN.
  bool empty() const {
    return instances_.empty() && chains_.empty() && elans_.empty() && graph_lsis_.empty() &&
           rule_count() == 0;
  }
  // Graph-LSIs by name, the rules of each switch (by LSI id), the LSI of each instance.
  const std::map<std::string, emulator::GraphLsiInfo>& graph_lsis() const { return graph_lsis_; }
  const std::map<dataplane::RuleId, dataplane::RuleSpec>& rules(dataplane::LsiId lsi) const {
    static const std::map<dataplane::RuleId, dataplane::RuleSpec> kNone;
    auto it = rules_.find(lsi);
    return it == rules_.end() ? kNone : it->second;
  }
  size_t rule_count() const {
    size_t n = 0;
    for (const auto& [lsi, r] : rules_) {
      n += r.size();
    }
    return n;
  }
  dataplane::LsiId lsi_of(const std::string& instance) const { return instance_lsi_.at(instance); }
  // The PoP's interfaces pop_interfaces reports (the fake has no SAPs or links of its own).
  void set_pop_interfaces(const std::string& pop, std::map<std::string, dataplane::PortId> ports) {
    pop_interfaces_[pop] = std::move(ports);
  }
  const std::map<std::string, emulator::ComputeInfo>& instances() const { return instances_; }
  const std::map<std::string, emulator::ElanInfo>& elans() const { return elans_; }
  const std::vector<std::vector<std::string>>& execs() const { return execs_; }
  // "instance:interface" -> the gateway its request named (only those that named one).
  const std::map<std::string, std::string>& gateways() const { return gateways_; }
  // Host bridge name -> address, of every interface request that named one.
  const std::map<std::string, std::string>& host_bridges() const { return host_bridges_; }

  const emulator::Topology& topology() const override { return topology_; }

  // Called at the start of every start_compute (on the caller's thread): a test blocks it to hold
  // a create in the middle of its kernel work.
  std::function<void()> on_start_compute;

  Result<emulator::ComputeInfo> start_compute(const emulator::ComputeRequest& r) override {
    if (on_start_compute) {
      on_start_compute();
    }
    CL_RETURN_IF_ERROR(maybe_fail(Op::kStartCompute));
    if (topology_.find_pop(r.pop) == nullptr) {
      return make_error(ErrorCode::kNotFound, "PoP '{}' not found", r.pop);
    }
    std::string name = r.name;
    for (int i = 2; instances_.count(name) && r.rename_if_taken; ++i) {
      name = fmt::format("{}-{}", r.name, i);
    }
    if (instances_.count(name)) {
      return make_error(ErrorCode::kAlreadyExists, "instance '{}' already exists", name);
    }
    emulator::ComputeInfo info;
    info.name = name;
    info.pop = r.pop;
    info.image = r.image;
    info.command = r.command;
    info.flavor = r.flavor;
    info.status.name = name;
    info.status.state = runtime::InstanceState::kRunning;
    if (r.limits) {
      info.status.limits.cpu_quota_us = r.limits->cpu_quota_us.value_or(-1);
      info.status.limits.memory_bytes = r.limits->memory_bytes.value_or(-1);
    }
    dataplane::LsiId lsi = pop_lsi(r.pop);
    if (!r.graph_lsi.empty()) {
      auto g = graph_lsis_.find(r.graph_lsi);
      if (g == graph_lsis_.end() || g->second.pop != r.pop) {
        return make_error(ErrorCode::kNotFound, "no graph-LSI '{}' in '{}'", r.graph_lsi, r.pop);
      }
      lsi = g->second.lsi;
    }
    auto interfaces = r.interfaces;
    if (interfaces.empty()) {
      interfaces.emplace_back().id = "emu0";
    }
    for (const auto& intf : interfaces) {
      info.interfaces.push_back(make_interface(name, intf));
    }
    instance_lsi_[name] = lsi;
    // A native NF-FG VNF reports its start's exit code where $UN_READY says (start_barrier.h).
    if (auto ready = r.env.find("UN_READY"); ready != r.env.end()) {
      std::ofstream(ready->second) << start_exit_code_ << "\n";
    }
    return instances_[name] = info;
  }
  // What a native VNF's start "exits" with from now on.
  void set_start_exit_code(int code) { start_exit_code_ = code; }

  Status stop_compute(const std::string& pop, const std::string& name) override {
    CL_RETURN_IF_ERROR(maybe_fail(Op::kStopCompute));
    auto it = instances_.find(name);
    if (it == instances_.end() || it->second.pop != pop) {
      return make_error(ErrorCode::kNotFound, "instance '{}' not found in PoP '{}'", name, pop);
    }
    instances_.erase(it);
    instance_lsi_.erase(name);
    return ok_status();
  }

  Result<emulator::ComputeInfo> compute_status(const std::string& name) override {
    auto it = instances_.find(name);
    if (it == instances_.end()) {
      return make_error(ErrorCode::kNotFound, "instance '{}' not found", name);
    }
    return it->second;
  }

  Result<std::vector<emulator::ComputeInfo>> list_compute(const std::string& pop = "") override {
    std::vector<emulator::ComputeInfo> out;
    for (const auto& [_, info] : instances_) {
      if (pop.empty() || info.pop == pop) {
        out.push_back(info);
      }
    }
    return out;
  }

  Status update_resources(const std::string& name,
                          const substrate::ResourceLimits& limits) override {
    CL_RETURN_IF_ERROR(compute_status(name));
    auto& applied = instances_[name].status.limits;
    applied.cpu_quota_us = limits.cpu_quota_us.value_or(applied.cpu_quota_us);
    applied.memory_bytes = limits.memory_bytes.value_or(applied.memory_bytes);
    return ok_status();
  }

  Result<emulator::InterfaceInfo> add_interface(const std::string& name,
                                                const emulator::InterfaceRequest& intf) override {
    CL_RETURN_IF_ERROR(maybe_fail(Op::kAddInterface));
    CL_ASSIGN_OR_RETURN(auto info, compute_status(name));
    for (const auto& existing : info.interfaces) {
      if (existing.name == intf.id) {
        return make_error(ErrorCode::kAlreadyExists, "interface '{}' of '{}' exists", intf.id,
                          name);
      }
    }
    return instances_[name].interfaces.emplace_back(make_interface(name, intf));
  }

  Status remove_interface(const std::string& name, const std::string& intf) override {
    CL_RETURN_IF_ERROR(compute_status(name));
    auto& list = instances_[name].interfaces;
    for (auto it = list.begin(); it != list.end(); ++it) {
      if (it->name == intf) {
        list.erase(it);
        return ok_status();
      }
    }
    return make_error(ErrorCode::kNotFound, "interface '{}' of '{}' not found", intf, name);
  }

  Result<runtime::ExecResult> exec(const std::string& name, const std::vector<std::string>& argv,
                                   std::chrono::milliseconds) override {
    CL_RETURN_IF_ERROR(maybe_fail(Op::kExec));
    CL_RETURN_IF_ERROR(compute_status(name));
    std::vector<std::string> call{name};
    call.insert(call.end(), argv.begin(), argv.end());
    execs_.push_back(std::move(call));
    return runtime::ExecResult{};
  }

  Result<runtime::LogCursor> compute_log(const std::string&, const std::string& name,
                                         std::optional<size_t>, bool) override {
    return make_error(ErrorCode::kUnavailable, "the fake keeps no log of '{}'", name);
  }

  Result<emulator::CaptureTarget> capture_target(const std::string&, const std::string& name,
                                                 const std::string&) override {
    return make_error(ErrorCode::kUnavailable, "the fake captures nothing of '{}'", name);
  }

  std::vector<emulator::PopInfo> list_pops() override {
    std::vector<emulator::PopInfo> out;
    for (const auto& pop : topology_.pops()) {
      out.push_back(*pop_status(pop.name));
    }
    return out;
  }

  Result<emulator::PopInfo> pop_status(const std::string& name) override {
    const emulator::PopSpec* spec = topology_.find_pop(name);
    if (spec == nullptr) {
      return make_error(ErrorCode::kNotFound, "PoP '{}' not found", name);
    }
    emulator::PopInfo info;
    info.name = name;
    info.internal_name = name;
    info.metadata = spec->metadata;
    for (const auto& [n, i] : instances_) {
      if (i.pop == name) {
        info.instances.push_back(n);
      }
    }
    info.resource_model = "none";
    return info;
  }

  Result<emulator::ChainInfo> set_chain(const emulator::ChainRequest& r) override {
    CL_RETURN_IF_ERROR(maybe_fail(Op::kSetChain));
    CL_ASSIGN_OR_RETURN(auto src, compute_status(r.src));
    CL_ASSIGN_OR_RETURN(auto dst, compute_status(r.dst));
    emulator::ChainInfo info;
    info.id = chain_id(r);
    info.request = r;
    info.path = {src.pop, dst.pop};
    if (chains_.count(info.id)) {
      return make_error(ErrorCode::kAlreadyExists, "chain {} exists", info.id);
    }
    return chains_[info.id] = info;
  }

  Result<size_t> delete_chain(const emulator::ChainRequest& r) override {
    CL_ASSIGN_OR_RETURN(auto removed, remove_chains(r));
    return removed.size();
  }

  Result<std::vector<emulator::ChainInfo>> remove_chains(const emulator::ChainRequest& r) override {
    std::vector<emulator::ChainInfo> out;
    for (auto it = chains_.begin(); it != chains_.end();) {
      const auto& q = it->second.request;
      if (q.src == r.src && q.dst == r.dst && q.cookie == r.cookie) {
        out.push_back(it->second);
        it = chains_.erase(it);
      } else {
        ++it;
      }
    }
    if (out.empty()) {
      return make_error(ErrorCode::kNotFound, "no chain between '{}' and '{}'", r.src, r.dst);
    }
    return out;
  }

  std::vector<emulator::ChainInfo> list_chains() override {
    std::vector<emulator::ChainInfo> out;
    for (const auto& [_, c] : chains_) {
      out.push_back(c);
    }
    return out;
  }

  Result<emulator::ElanInfo> create_elan(
      const std::string& name,
      const std::vector<std::pair<std::string, std::string>>& members) override {
    CL_RETURN_IF_ERROR(maybe_fail(Op::kCreateElan));
    if (elans_.count(name)) {
      return make_error(ErrorCode::kAlreadyExists, "E-LAN '{}' exists", name);
    }
    emulator::ElanInfo& elan = elans_[name];
    elan.name = name;
    elan.vlan = next_vlan_++;
    elan.members = members;
    return elan;
  }

  Result<emulator::ElanInfo> update_elan(
      const std::string& name,
      const std::vector<std::pair<std::string, std::string>>& members) override {
    CL_RETURN_IF_ERROR(maybe_fail(Op::kUpdateElan));
    auto& elan = elans_[name];
    if (elan.name.empty()) {
      elan.name = name;
      elan.vlan = next_vlan_++;
    }
    elan.members = members;
    return elan;
  }

  std::vector<emulator::ElanInfo> list_elans() override {
    std::vector<emulator::ElanInfo> out;
    for (const auto& [_, e] : elans_) {
      out.push_back(e);
    }
    return out;
  }

  Status delete_elan(const std::string& name) override {
    if (elans_.erase(name) == 0) {
      return make_error(ErrorCode::kNotFound, "E-LAN '{}' not found", name);
    }
    return ok_status();
  }

  Status set_link(const std::string& a, const std::string& b,
                  const emulator::LinkChange&) override {
    if (!topology_.has_node(a) || !topology_.has_node(b)) {
      return make_error(ErrorCode::kNotFound, "no link between '{}' and '{}'", a, b);
    }
    return ok_status();
  }

  Result<emulator::GraphLsiInfo> create_graph_lsi(const std::string& pop,
                                                  const std::string& name) override {
    CL_RETURN_IF_ERROR(maybe_fail(Op::kCreateGraphLsi));
    if (topology_.find_pop(pop) == nullptr) {
      return make_error(ErrorCode::kNotFound, "PoP '{}' not found", pop);
    }
    if (graph_lsis_.count(name)) {
      return make_error(ErrorCode::kAlreadyExists, "graph-LSI '{}' exists", name);
    }
    return graph_lsis_[name] = {name, pop, pop_lsi(pop), next_lsi_++};
  }

  Status destroy_graph_lsi(const std::string& name) override {
    auto it = graph_lsis_.find(name);
    if (it == graph_lsis_.end()) {
      return make_error(ErrorCode::kNotFound, "graph-LSI '{}' not found", name);
    }
    for (const auto& [inst, lsi] : instance_lsi_) {
      if (lsi == it->second.lsi) {
        return make_error(ErrorCode::kFailedPrecondition, "instance '{}' is on '{}'", inst, name);
      }
    }
    rules_.erase(it->second.lsi);
    graph_links_.erase(name);
    host_stacks_.erase(name);
    graph_lsis_.erase(it);
    return ok_status();
  }

  Result<emulator::LsiLink> add_graph_link(const std::string& name) override {
    CL_RETURN_IF_ERROR(maybe_fail(Op::kAddGraphLink));
    if (!graph_lsis_.count(name)) {
      return make_error(ErrorCode::kNotFound, "graph-LSI '{}' not found", name);
    }
    emulator::LsiLink link{next_port_++, next_port_++};
    graph_links_[name].push_back(link);
    return link;
  }

  Status remove_graph_link(const std::string& name, const emulator::LsiLink& link) override {
    auto& links = graph_links_[name];
    auto it = std::find(links.begin(), links.end(), link);
    if (it == links.end()) {
      return make_error(ErrorCode::kNotFound, "graph-LSI '{}' has no such link", name);
    }
    links.erase(it);
    return ok_status();
  }
  const std::vector<emulator::LsiLink>& graph_links(const std::string& name) {
    return graph_links_[name];
  }

  Result<std::map<std::string, dataplane::PortId>> pop_interfaces(const std::string& pop) override {
    if (topology_.find_pop(pop) == nullptr) {
      return make_error(ErrorCode::kNotFound, "PoP '{}' not found", pop);
    }
    return pop_interfaces_[pop];
  }

  Result<dataplane::PortId> attach_host_interface(const std::string& pop,
                                                  const std::string& ifname) override {
    if (topology_.find_pop(pop) == nullptr) {
      return make_error(ErrorCode::kNotFound, "PoP '{}' not found", pop);
    }
    return pop_interfaces_[pop][ifname] = next_port_++;
  }

  Result<std::pair<std::string, dataplane::PortId>> add_host_stack(
      const std::string& graph_lsi, const std::string& address) override {
    if (!graph_lsis_.count(graph_lsi)) {
      return make_error(ErrorCode::kNotFound, "graph-LSI '{}' not found", graph_lsi);
    }
    std::string name = fmt::format("hs{}", next_port_);
    host_stacks_[graph_lsi][name] = address;
    return std::pair{name, next_port_++};
  }
  // A tunnel is kept beside the host-stacks as "tunnel <local> <remote> <key>".
  Result<std::pair<std::string, dataplane::PortId>> add_tunnel(
      const std::string& graph_lsi, const emulator::TunnelSpec& spec) override {
    if (!graph_lsis_.count(graph_lsi)) {
      return make_error(ErrorCode::kNotFound, "graph-LSI '{}' not found", graph_lsi);
    }
    std::string name = fmt::format("t{}", next_port_);
    host_stacks_[graph_lsi][name] =
        fmt::format("tunnel {} {} {}", spec.local_ip, spec.remote_ip, spec.key);
    return std::pair{name, next_port_++};
  }
  Status remove_host_device(const std::string& graph_lsi, const std::string& ifname) override {
    return host_stacks_[graph_lsi].erase(ifname)
               ? ok_status()
               : make_error(ErrorCode::kNotFound, "no host device {}", ifname);
  }
  // The host-stack addresses and tunnels of a graph-LSI, by host interface name.
  const std::map<std::string, std::string>& host_stacks(const std::string& graph_lsi) {
    return host_stacks_[graph_lsi];
  }

  Result<dataplane::RuleId> add_rule(dataplane::LsiId lsi,
                                     const dataplane::RuleSpec& rule) override {
    CL_RETURN_IF_ERROR(maybe_fail(Op::kAddRule));
    dataplane::RuleId id = next_rule_++;
    rules_[lsi][id] = rule;
    return id;
  }

  Status delete_rule(dataplane::LsiId lsi, dataplane::RuleId rule) override {
    if (rules_[lsi].erase(rule) == 0) {
      return make_error(ErrorCode::kNotFound, "no rule {} on LSI {}", rule, lsi);
    }
    if (rules_[lsi].empty()) {
      rules_.erase(lsi);
    }
    return ok_status();
  }

 private:
  // PoP switches are LSIs 1..n in topology order; graph-LSIs come after.
  dataplane::LsiId pop_lsi(const std::string& pop) const {
    dataplane::LsiId id = 1;
    for (const auto& p : topology_.pops()) {
      if (p.name == pop) {
        return id;
      }
      ++id;
    }
    return 0;
  }

  Status maybe_fail(Op op) {
    int n = ++calls_[op];
    auto it = failures_.find(op);
    if (it != failures_.end() && it->second.first == n) {
      return make_error(it->second.second, "injected failure of call {}", n);
    }
    return ok_status();
  }

  emulator::InterfaceInfo make_interface(const std::string& name,
                                         const emulator::InterfaceRequest& r) {
    std::string ip = r.ip;
    if (ip.empty()) {
      ++next_host_;
      ip = fmt::format("10.0.{}.{}/16", next_host_ / 256, next_host_ % 256);
    }
    std::string mac =
        r.mac.empty() ? fmt::format("02:00:00:00:{:02x}:{:02x}", next_host_ / 256, next_host_ % 256)
                      : r.mac;
    emulator::InterfaceInfo out;
    out.name = r.id.empty() ? "emu0" : r.id;
    if (!r.gateway.empty()) {
      gateways_[name + ":" + out.name] = r.gateway;
    }
    out.ip = ip;
    out.mac = mac;
    out.host_ifname = name + "." + out.name;
    out.pop_port = name + "-" + out.name;
    out.port = next_port_++;
    if (r.host_bridge) {
      out.host_bridge = r.host_bridge->name;
      host_bridges_[r.host_bridge->name] = r.host_bridge->address;
    }
    return out;
  }

  static std::string chain_id(const emulator::ChainRequest& r) {
    return fmt::format("{}:{}->{}:{}", r.src, r.src_intf, r.dst, r.dst_intf);
  }

  emulator::Topology topology_;
  std::map<std::string, emulator::ComputeInfo> instances_;
  std::map<std::string, emulator::ChainInfo> chains_;
  std::map<std::string, emulator::ElanInfo> elans_;
  std::map<std::string, std::string> gateways_;
  std::map<std::string, std::string> host_bridges_;
  std::vector<std::vector<std::string>> execs_;
  std::map<Op, int> calls_;
  std::map<Op, std::pair<int, ErrorCode>> failures_;
  int next_host_ = 0;
  uint16_t next_vlan_ = 100;
  std::map<std::string, emulator::GraphLsiInfo> graph_lsis_;
  std::map<std::string, std::vector<emulator::LsiLink>> graph_links_;
  std::map<std::string, dataplane::LsiId> instance_lsi_;
  std::map<dataplane::LsiId, std::map<dataplane::RuleId, dataplane::RuleSpec>> rules_;
  std::map<std::string, std::map<std::string, dataplane::PortId>> pop_interfaces_;
  int start_exit_code_ = 0;
  std::map<std::string, std::map<std::string, std::string>> host_stacks_;  // by graph-LSI
  dataplane::LsiId next_lsi_ = 1000;
  dataplane::PortId next_port_ = 1;
  dataplane::RuleId next_rule_ = 1;
};

}  // namespace chainlab::testing
