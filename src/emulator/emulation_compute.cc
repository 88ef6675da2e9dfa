// Compute at runtime: start, stop, status, limits and exec of instances in any PoP.
#include <arpa/inet.h>

#include <algorithm>

#include "common/files.h"
#include "emulator/emulation.h"
#include "emulator/emulation_impl.h"
#include "emulator/shell_words.h"

namespace chainlab::emulator {
namespace {

substrate::ResourceLimits to_limits(const Allocation& a) {
  substrate::ResourceLimits l;
  if (a.cpu_period_us > 0) {
    l.cpu_period_us = a.cpu_period_us;
    l.cpu_quota_us = a.cpu_quota_us;
  }
  if (a.memory_bytes > 0) {
    l.memory_bytes = a.memory_bytes;
  }
  return l;
}

// A requested interface validated: its final name, address, MAC and gateway. An address from
// the pool is only taken when everything else is valid (the caller's step).
Result<runtime::InterfaceSpec> interface_spec(const InterfaceRequest& w) {
  runtime::InterfaceSpec p;
  p.name = sanitize_interface_id(w.id.empty() ? "emu0" : w.id);
  CL_RETURN_IF_ERROR(substrate::validate_ifname(p.name));
  auto where = [&](Error e) { return std::move(e).context(fmt::format("interface '{}'", p.name)); };
  if (!w.ip.empty()) {
    auto ip = substrate::Cidr::parse(w.ip);
    if (!ip.ok()) {
      return where(std::move(ip).error());
    }
    p.ip = *ip;
  }
  if (!w.mac.empty()) {
    auto mac = substrate::MacAddress::parse(w.mac);
    if (!mac.ok()) {
      return where(std::move(mac).error());
    }
    p.mac = *mac;
  }
  if (!w.gateway.empty()) {
    auto gateway = substrate::IpAddress::parse(w.gateway);
    if (!gateway.ok()) {
      return where(std::move(gateway).error());
    }
    p.gateway = *gateway;
  }
  return p;
}

}  // namespace

Result<std::pair<int, dataplane::PortId>> Emulation::Impl::endpoint(const std::string& instance,
                                                                    const std::string& intf) const {
  auto it = instances.find(instance);
  if (it == instances.end()) {
    return make_error(ErrorCode::kNotFound, "no instance named '{}'", instance);
  }
  const auto& ifs = it->second.interfaces;
  if (ifs.empty()) {
    return make_error(ErrorCode::kFailedPrecondition, "instance '{}' has no interface", instance);
  }
  if (it->second.lsi != nodes[static_cast<size_t>(it->second.node)].lsi) {
    return make_error(ErrorCode::kFailedPrecondition,
                      "instance '{}' is on a graph-LSI (its NF-FG steers its traffic)", instance);
  }
  std::string want = intf.empty() ? ifs.front().name : sanitize_interface_id(intf);
  for (const auto& i : ifs) {
    if (i.name == want && !i.host_bridge.empty()) {
      return make_error(ErrorCode::kFailedPrecondition,
                        "interface '{}' of '{}' is on the host bridge '{}', not on the switch",
                        i.name, instance, i.host_bridge);
    }
    if (i.name == want) {
      return std::pair{it->second.node, i.port};
    }
  }
  return make_error(ErrorCode::kNotFound, "instance '{}' has no interface '{}'", instance, intf);
}

Result<substrate::Cidr> Emulation::Impl::next_pool_address() {
  // Default pool 10.0.0.0/16, skipping addresses already in use.
  while (next_ip < 65535) {
    uint32_t n = next_ip++;
    std::string text = fmt::format("10.0.{}.{}/16", n >> 8, n & 0xff);
    if ((n & 0xff) != 0 && (n & 0xff) != 255 && used_ips.count(text) == 0) {
      return *substrate::Cidr::parse(text);
    }
  }
  return make_error(ErrorCode::kResourceExhausted, "address pool 10.0.0.0/16 is exhausted");
}

Result<InstanceState*> Emulation::Impl::find(const std::string& name) {
  auto it = instances.find(name);
  if (it == instances.end()) {
    return make_error(ErrorCode::kNotFound, "no instance named '{}'", name);
  }
  return &it->second;
}

Result<InterfaceInfo> Emulation::Impl::plug(runtime::ComputeInstance& compute,
                                            const std::string& name, dataplane::LsiId lsi,
                                            const runtime::InterfaceSpec& is,
                                            const std::optional<HostBridgeRequest>& bridge) {
  CL_ASSIGN_OR_RETURN(runtime::InterfaceStatus added, compute.add_interface(is));
  InterfaceInfo info;
  info.name = is.name;
  info.ip = is.ip ? is.ip->to_string() : "";
  info.mac = added.mac.to_string();
  info.host_ifname = added.host_ifname;
  auto attached =
      bridge ? bridge_port(added.host_ifname, *bridge)
             : engine->add_port(lsi, fmt::format("{}:{}", name, is.name), added.host_ifname);
  if (!attached.ok()) {
    (void)compute.remove_interface(is.name);
    return std::move(attached).error();
  }
  if (bridge) {
    info.host_bridge = bridge->name;
  } else {
    info.pop_port = fmt::format("{}:{}", name, is.name);
    info.port = *attached;
  }
  return info;
}

Status Emulation::Impl::apply_allocations(int node) {
  const NodeState& ns = nodes[static_cast<size_t>(node)];
  if (!ns.model) {
    return ok_status();
  }
  for (const auto& [name, alloc] : ns.model->allocations()) {
    auto it = instances.find(name);
    if (it == instances.end() || it->second.allocation == alloc) {
      continue;
    }
    substrate::ResourceLimits limits = to_limits(alloc);
    if (it->second.request.limits) {
      substrate::merge_limits(limits, *it->second.request.limits);
    }
    CL_RETURN_IF_ERROR(it->second.compute->update(limits));
    it->second.allocation = alloc;
  }
  return ok_status();
}

Result<ComputeInfo> Emulation::Impl::info(const std::string& name) {
  CL_ASSIGN_OR_RETURN(InstanceState * found, find(name));
  const InstanceState& inst = *found;
  ComputeInfo out;
  out.name = name;
  out.pop = nodes[static_cast<size_t>(inst.node)].name;
  out.image = inst.request.image;
  out.command = inst.request.command;
  out.flavor = inst.request.flavor;
  out.interfaces = inst.interfaces;
  out.allocation = inst.allocation;
  CL_ASSIGN_OR_RETURN(out.status, inst.compute->status());
  return out;
}

Result<ComputeInfo> Emulation::start_compute(const ComputeRequest& asked) {
  std::lock_guard lock(mu_);
  Impl& im = *impl_;
  const PopSpec* pop = topology_.find_pop(asked.pop);
  if (pop == nullptr) {
    return make_error(ErrorCode::kNotFound, "no PoP named '{}'", asked.pop);
  }
  ComputeRequest request = asked;
  // A taken name: the next free "<name>-2", "<name>-3"... when asked for, chosen under the lock so
  // that concurrent callers (several PoPs' OpenStack APIs) cannot collide.
  for (int i = 2; asked.rename_if_taken && im.instances.count(request.name) != 0; ++i) {
    request.name = fmt::format("{}-{}", asked.name, i);
  }
  CL_RETURN_IF_ERROR(substrate::validate_object_name(request.name, "instance name"));
  if (im.instances.count(request.name) != 0) {
    return make_error(ErrorCode::kAlreadyExists, "instance '{}' already exists", request.name);
  }
  CL_ASSIGN_OR_RETURN(Flavor flavor, find_flavor(request.flavor.empty() ? "tiny" : request.flavor));

  // The image decides the driver: in the local store -> a container, otherwise a host command.
  runtime::ComputeDriver* chosen = im.native.get();
  if (!request.image.empty() && im.oci && im.images->resolve(request.image).ok()) {
    chosen = im.oci.get();
  }
  runtime::InstanceSpec spec;
  spec.name = request.name;
  spec.image = request.image;
  if (!request.command.empty() && chosen == im.native.get()) {
    spec.command = {"/bin/sh", "-c", request.command};
    CL_ASSIGN_OR_RETURN(std::optional<std::string> program, shell_program(request.command));
    spec.program = program.value_or("");
  } else if (!request.command.empty()) {
    // A container's command replaces the image's CMD word by word (docker run IMAGE CMD...).
    CL_ASSIGN_OR_RETURN(spec.command, split_shell_words(request.command));
  }

  // Plan the interfaces before anything is created.
  std::vector<InterfaceRequest> wanted = request.interfaces;
  if (wanted.empty()) {
    wanted.push_back({.id = "emu0"});
  }
  std::vector<runtime::InterfaceSpec> planned;
  for (const auto& w : wanted) {
    CL_ASSIGN_OR_RETURN(runtime::InterfaceSpec p, interface_spec(w));
    if (std::any_of(planned.begin(), planned.end(),
                    [&](const auto& o) { return o.name == p.name; })) {
      return make_error(ErrorCode::kInvalidArgument, "interface '{}' given twice", p.name);
    }
    planned.push_back(std::move(p));
  }
  for (auto& p : planned) {
    if (!p.ip) {
      CL_ASSIGN_OR_RETURN(p.ip, im.next_pool_address());
    }
  }

  int node = im.graph->index(request.pop);
  NodeState& ns = im.nodes[static_cast<size_t>(node)];
  CL_ASSIGN_OR_RETURN(dataplane::LsiId lsi, im.instance_lsi(node, request.graph_lsi));
  Allocation alloc;
  if (ns.model) {
    CL_RETURN_IF_ERROR(ns.model->allocate(request.name, flavor));
    alloc = ns.model->allocations()[request.name];
  }
  InstanceState inst;
  inst.request = request;
  inst.request.flavor = flavor.name;
  inst.node = node;
  inst.lsi = lsi;
  inst.allocation = alloc;

  // From here on, a failure undoes everything done so far.
  auto undo = [&](Error e) -> Error {
    for (const auto& i : inst.interfaces) {
      im.unplug(lsi, i);
    }
    if (inst.compute) {
      (void)inst.compute->destroy();
    }
    if (ns.model) {
      (void)ns.model->free(request.name);
      (void)im.apply_allocations(node);
    }
    return std::move(e).context(fmt::format("starting '{}' in '{}'", request.name, request.pop));
  };

  spec.env.emplace_back("VNF_NAME", request.name);
  for (const auto& [k, v] : request.env) {
    spec.env.emplace_back(k, v);
  }
  spec.hosts_file = im.hosts_path;
  spec.limits = to_limits(alloc);
  if (request.limits) {
    substrate::merge_limits(spec.limits, *request.limits);
  }
  auto made = chosen->create(spec);
  if (!made.ok()) {
    return undo(std::move(made).error());
  }
  inst.compute = std::move(made).value();
  for (size_t k = 0; k < planned.size(); ++k) {
    auto plugged = im.plug(*inst.compute, request.name, lsi, planned[k], wanted[k].host_bridge);
    if (!plugged.ok()) {
      return undo(std::move(plugged).error());
    }
    inst.interfaces.push_back(*plugged);
  }
  // Learning mode: connected before its command starts, reachable when this call returns.
  if (auto s =
          im.sync_learning(node, lsi == ns.lsi ? inst.interfaces : std::vector<InterfaceInfo>{});
      !s.ok()) {
    return undo(std::move(s).error());
  }
  if (auto s = inst.compute->start(); !s.ok()) {
    return undo(std::move(s).error());
  }
  for (const auto& i : inst.interfaces) {
    im.used_ips.insert(i.ip);
  }
  im.instances[request.name] = std::move(inst);
  (void)im.rewrite_hosts();
  if (auto s = im.apply_allocations(node); !s.ok()) {
    return s.error();
  }
  if (ns.limits()) {
    (void)im.alloc_log->append(request.pop, request.name, "allocate",
                               {{"name", request.name}, {"flavor", flavor.name}},
                               ns.model->state());
  }
  im.emit("instance.started",
          {{"pop", request.pop}, {"instance", request.name}, {"image", request.image}});
  return im.info(request.name);
}

Status Emulation::stop_compute(const std::string& pop, const std::string& name) {
  std::lock_guard lock(mu_);
  Impl& im = *impl_;
  auto it = im.instances.find(name);
  if (it == im.instances.end()) {
    return make_error(ErrorCode::kNotFound, "no instance named '{}'", name);
  }
  int node = it->second.node;
  NodeState& ns = im.nodes[static_cast<size_t>(node)];
  if (!pop.empty() && ns.name != pop) {
    return make_error(ErrorCode::kNotFound, "instance '{}' is in '{}', not in '{}'", name, ns.name,
                      pop);
  }
  const ComputeRequest& req = it->second.request;
  std::string stop_cmd = req.stop_command;
  for (const char* key : {"SON_EMU_CMD_STOP", "VIM_EMU_CMD_STOP"}) {
    if (auto e = req.env.find(key); stop_cmd.empty() && e != req.env.end()) {
      stop_cmd = e->second;
    }
  }
  if (!stop_cmd.empty()) {
    // Best effort, bounded: a hanging stop command must not keep the instance alive.
    (void)it->second.compute->exec({"/bin/sh", "-c", stop_cmd}, std::chrono::seconds(10));
  }
  for (const auto& i : it->second.interfaces) {
    im.unplug(it->second.lsi, i);
    im.used_ips.erase(i.ip);
  }
  Status destroyed = it->second.compute->destroy();
  im.instances.erase(it);
  im.emit("instance.stopped", {{"pop", ns.name}, {"instance", name}});
  // The ports already left every segment with remove_port; this only updates the model.
  (void)im.sync_learning(node);
  (void)im.rewrite_hosts();
  if (ns.model) {
    (void)ns.model->free(name);
    CL_RETURN_IF_ERROR(im.apply_allocations(node));
    if (ns.limits()) {
      (void)im.alloc_log->append(ns.name, name, "free", {{"name", name}}, ns.model->state());
    }
  }
  return destroyed;
}

Result<ComputeInfo> Emulation::compute_status(const std::string& name) {
  std::lock_guard lock(mu_);
  return impl_->info(name);
}

Result<std::vector<ComputeInfo>> Emulation::list_compute(const std::string& pop) {
  std::lock_guard lock(mu_);
  if (!pop.empty() && topology_.find_pop(pop) == nullptr) {
    return make_error(ErrorCode::kNotFound, "no PoP named '{}'", pop);
  }
  std::vector<ComputeInfo> out;
  for (const auto& [name, inst] : impl_->instances) {
    if (inst.is_sap || (!pop.empty() && impl_->nodes[static_cast<size_t>(inst.node)].name != pop)) {
      continue;
    }
    CL_ASSIGN_OR_RETURN(ComputeInfo info, impl_->info(name));
    out.push_back(std::move(info));
  }
  return out;
}

Status Emulation::update_resources(const std::string& name,
                                   const substrate::ResourceLimits& limits) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(InstanceState * inst, impl_->find(name));
  return inst->compute->update(limits);
}

Result<InterfaceInfo> Emulation::add_interface(const std::string& name,
                                               const InterfaceRequest& intf) {
  std::lock_guard lock(mu_);
  Impl& im = *impl_;
  CL_ASSIGN_OR_RETURN(InstanceState * inst, im.find(name));
  CL_ASSIGN_OR_RETURN(runtime::InterfaceSpec spec, interface_spec(intf));
  const std::string& id = spec.name;
  for (const auto& i : inst->interfaces) {
    if (i.name == id) {
      return make_error(ErrorCode::kAlreadyExists, "instance '{}' already has interface '{}'", name,
                        id);
    }
  }
  if (!spec.ip) {
    CL_ASSIGN_OR_RETURN(spec.ip, im.next_pool_address());
  }
  CL_ASSIGN_OR_RETURN(InterfaceInfo info,
                      im.plug(*inst->compute, name, inst->lsi, spec, intf.host_bridge));
  bool on_pop = inst->lsi == im.nodes[static_cast<size_t>(inst->node)].lsi;
  if (auto s =
          im.sync_learning(inst->node, on_pop ? std::vector{info} : std::vector<InterfaceInfo>{});
      !s.ok()) {
    im.unplug(inst->lsi, info);
    (void)inst->compute->remove_interface(id);
    return std::move(s).error();
  }
  im.used_ips.insert(info.ip);
  inst->interfaces.push_back(info);
  (void)im.rewrite_hosts();
  return info;
}

Status Emulation::remove_interface(const std::string& name, const std::string& intf) {
  std::lock_guard lock(mu_);
  Impl& im = *impl_;
  CL_ASSIGN_OR_RETURN(InstanceState * inst, im.find(name));
  auto& ifs = inst->interfaces;
  std::string id = sanitize_interface_id(intf);
  auto i = std::find_if(ifs.begin(), ifs.end(), [&](const auto& x) { return x.name == id; });
  if (i == ifs.end()) {
    return make_error(ErrorCode::kNotFound, "instance '{}' has no interface '{}'", name, intf);
  }
  if (i->host_bridge.empty()) {
    CL_RETURN_IF_ERROR(im.engine->remove_port(inst->lsi, i->port));
  }
  CL_RETURN_IF_ERROR(inst->compute->remove_interface(id));
  if (!i->host_bridge.empty()) {
    im.leave_host_bridge(i->host_bridge);
  }
  im.used_ips.erase(i->ip);
  ifs.erase(i);
  (void)im.rewrite_hosts();
  return im.sync_learning(inst->node);
}

Result<runtime::ExecResult> Emulation::exec(const std::string& name,
                                            const std::vector<std::string>& argv,
                                            std::chrono::milliseconds timeout) {
  std::shared_ptr<runtime::ComputeInstance> compute;
  {
    std::lock_guard lock(mu_);
    CL_ASSIGN_OR_RETURN(InstanceState * inst, impl_->find(name));
    compute = inst->compute;
  }
  // Without the emulation lock: a long command must not block the control plane.
  return compute->exec(argv, timeout);
}

Result<runtime::LogCursor> Emulation::compute_log(const std::string& pop, const std::string& name,
                                                  std::optional<size_t> tail_lines, bool follow) {
  std::shared_ptr<runtime::InstanceLog> log;
  {
    std::lock_guard lock(mu_);
    auto it = impl_->instances.find(name);
    if (it == impl_->instances.end() ||
        impl_->nodes[static_cast<size_t>(it->second.node)].name != pop) {
      return make_error(ErrorCode::kNotFound, "no instance '{}' in '{}'", name, pop);
    }
    log = it->second.compute->log();
  }
  // Reading (up to the whole log for `tail`) happens without the emulation lock.
  return runtime::LogCursor::open(std::move(log), tail_lines, follow);
}

Result<CaptureTarget> Emulation::capture_target(const std::string& pop, const std::string& name,
                                                const std::string& intf) {
  std::lock_guard lock(mu_);
  auto it = impl_->instances.find(name);
  if (it == impl_->instances.end() ||
      impl_->nodes[static_cast<size_t>(it->second.node)].name != pop) {
    return make_error(ErrorCode::kNotFound, "no instance '{}' in '{}'", name, pop);
  }
  for (const auto& i : it->second.interfaces) {
    if (i.name == intf && !i.host_ifname.empty()) {
      CL_ASSIGN_OR_RETURN(auto tap, impl_->engine->tap_port(it->second.lsi, i.port));
      return CaptureTarget{i.host_ifname, std::move(tap)};
    }
  }
  return make_error(ErrorCode::kNotFound, "instance '{}' has no interface '{}'", name, intf);
}

}  // namespace chainlab::emulator
