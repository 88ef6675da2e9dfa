// An in-memory emulator::Control for unit tests of the layers above the emulator (front ends,
// orchestration, endpoints): no namespaces, no processes, no root. It keeps instances, chains and
// E-LANs in maps with the emulation's error codes (unknown PoP or name = NotFound, taken name =
// AlreadyExists unless rename_if_taken, unknown chain = NotFound), hands out addresses from
// 10.0.0.0/16 for interfaces without one, and can be told to fail the Nth call of a kind
// (`fail_nth(FakeControl::Op::kStartCompute, 2)`) so rollback paths can be tested step by step.
#pragma once

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
    kExec
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
  bool empty() const { return instances_.empty() && chains_.empty() && elans_.empty(); }
  const std::map<std::string, emulator::ComputeInfo>& instances() const { return instances_; }
  const std::map<std::string, emulator::ElanInfo>& elans() const { return elans_; }
  const std::vector<std::vector<std::string>>& execs() const { return execs_; }

  const emulator::Topology& topology() const override { return topology_; }

  Result<emulator::ComputeInfo> start_compute(const emulator::ComputeRequest& r) override {
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
    auto interfaces = r.interfaces;
    if (interfaces.empty()) {
      interfaces.emplace_back().id = "emu0";
    }
    for (const auto& intf : interfaces) {
      info.interfaces.push_back(make_interface(name, intf));
    }
    return instances_[name] = info;
  }

  Status stop_compute(const std::string& pop, const std::string& name) override {
    CL_RETURN_IF_ERROR(maybe_fail(Op::kStopCompute));
    auto it = instances_.find(name);
    if (it == instances_.end() || it->second.pop != pop) {
      return make_error(ErrorCode::kNotFound, "instance '{}' not found in PoP '{}'", name, pop);
    }
    instances_.erase(it);
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

 private:
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
    out.ip = ip;
    out.mac = mac;
    out.host_ifname = name + "." + out.name;
    out.pop_port = name + "-" + out.name;
    return out;
  }

  static std::string chain_id(const emulator::ChainRequest& r) {
    return fmt::format("{}:{}->{}:{}", r.src, r.src_intf, r.dst, r.dst_intf);
  }

  emulator::Topology topology_;
  std::map<std::string, emulator::ComputeInfo> instances_;
  std::map<std::string, emulator::ChainInfo> chains_;
  std::map<std::string, emulator::ElanInfo> elans_;
  std::vector<std::vector<std::string>> execs_;
  std::map<Op, int> calls_;
  std::map<Op, std::pair<int, ErrorCode>> failures_;
  int next_host_ = 0;
  uint16_t next_vlan_ = 100;
};

}  // namespace chainlab::testing
