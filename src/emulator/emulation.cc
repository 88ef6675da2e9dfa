#include "emulator/emulation.h"

#include <algorithm>

#include "common/files.h"
#include "common/names.h"
#include "emulator/emulation_impl.h"
#include "substrate/process.h"

namespace chainlab::emulator {

dataplane::LinkParams to_link_params(const LinkSpec& spec) {
  dataplane::LinkParams p;
  p.delay_ns = spec.delay_ns;
  p.jitter_ns = spec.jitter_ns;
  p.loss_percent = spec.loss_percent;
  p.rate_bps = static_cast<uint64_t>(spec.bw_mbps * 1e6);
  p.queue_limit_packets = spec.queue_packets;
  return p;
}

std::string sanitize_interface_id(std::string_view id) {
  static constexpr NameRule kRule{
      .keep = [](char c) { return c != ':' && c != ' ' && c != '.' && c != '_'; }};
  return chainlab::sanitize_name(id, kRule);
}

Emulation::Emulation(std::unique_ptr<Impl> impl, Topology topology,
                     std::unique_ptr<substrate::Run> run)
    : topology_(std::move(topology)), run_(std::move(run)), impl_(std::move(impl)) {}

Emulation::~Emulation() {
  std::lock_guard lock(mu_);
  // Instances first (their ports leave the switches), then the engine, then the run's leftovers.
  // Destroyed here, not only dropped: an exec still running outside the lock holds its own
  // reference, and the instance must not outlive the Run it journals into.
  for (auto& [_, inst] : impl_->instances) {
    (void)inst.compute->destroy();
  }
  impl_->instances.clear();
  impl_->oci.reset();
  impl_->native.reset();
  impl_->engine.reset();
  impl_.reset();
  run_->teardown();
}

Status Emulation::Impl::create_drivers(substrate::Run& run, uint64_t log_bytes,
                                       runtime::ImageStore* store) {
  runtime::DriverRegistry drivers("compute driver");
  runtime::register_builtin_drivers(drivers);
  // Containers need runc and the run's image store; without them every instance is native.
  if (substrate::find_executable("runc").ok()) {
    images = store;
  }
  runtime::DriverContext context{run, log_bytes, images};
  CL_ASSIGN_OR_RETURN(native, drivers.create("native", context));
  auto made = drivers.create("oci", context);
  if (made.ok()) {
    oci = std::move(made).value();
  } else if (made.error().code != ErrorCode::kUnavailable) {
    return std::move(made).error();
  }
  return ok_status();
}

Result<std::unique_ptr<Emulation>> Emulation::start(const Topology& topology,
                                                    EmulationOptions options,
                                                    const Cancel& cancel) {
  if (topology.pops().empty()) {
    return make_error(ErrorCode::kInvalidArgument, "topology '{}' has no PoP", topology.name);
  }
  substrate::RunOptions run_options;
  run_options.state_dir = options.state_dir;
  CL_ASSIGN_OR_RETURN(std::unique_ptr<substrate::Run> run,
                      substrate::Run::begin(std::move(run_options)));
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->run_handle = run.get();
  CL_ASSIGN_OR_RETURN(impl->engine, dataplane::Engine::start(options.engine));
  CL_RETURN_IF_ERROR(
      impl->create_drivers(*run, topology.emulator.instance_log_bytes, options.images));
  impl->graph = std::make_unique<TopologyGraph>(topology);

  ResourceModelRegistry models("resource model");
  register_builtin_resource_models(models);
  GlobalBudget budget;
  budget.e_cpu = topology.emulator.e_cpu;
  budget.e_mem_mb = topology.emulator.e_mem_mb;
  for (const auto& pop : topology.pops()) {
    if (pop.resources.model != "none") {
      budget.total_max_cu += pop.resources.max_cu;
      budget.total_max_mu += pop.resources.max_mu;
    }
  }
  // Polled every 64 steps; returning drops `impl` (the engine with its LSIs), then `run`.
  const std::string what = fmt::format("building '{}'", topology.name);
  auto poll = [&](size_t step) { return step % 64 == 0 ? cancel.check(what) : ok_status(); };
  impl->nodes.resize(impl->graph->size());
  for (size_t i = 0; i < impl->graph->size(); ++i) {
    CL_RETURN_IF_ERROR(poll(i));
    NodeState& node = impl->nodes[i];
    node.name = impl->graph->name(static_cast<int>(i));
    const PopSpec* pop = topology.find_pop(node.name);
    node.is_pop = pop != nullptr;
    CL_ASSIGN_OR_RETURN(node.lsi, impl->engine->create_lsi(node.name));
    if (pop != nullptr) {
      CL_ASSIGN_OR_RETURN(node.model, models.create(pop->resources.model, pop->resources, budget));
    }
  }
  const auto& links = topology.links();
  for (size_t i = 0; i < links.size(); ++i) {
    CL_RETURN_IF_ERROR(poll(i));
    LinkState link;
    link.spec = links[i];
    link.a = impl->graph->index(links[i].a);
    link.b = impl->graph->index(links[i].b);
    CL_ASSIGN_OR_RETURN(auto vlinks,
                        impl->engine->connect(impl->nodes[link.a].lsi, impl->nodes[link.b].lsi, 1));
    link.a_port = vlinks[0].a_port;
    link.b_port = vlinks[0].b_port;
    dataplane::LinkParams params = to_link_params(link.spec);
    CL_RETURN_IF_ERROR(impl->engine->set_link(impl->nodes[link.a].lsi, link.a_port, params));
    CL_RETURN_IF_ERROR(impl->engine->set_link(impl->nodes[link.b].lsi, link.b_port, params));
    impl->links.push_back(link);
  }
  CL_RETURN_IF_ERROR(impl->setup_learning(topology));
  impl->hosts_path = run->dir() + "/hosts";
  impl->alloc_log = std::make_unique<AllocationLog>(run->dir() + "/allocations.jsonl");
  CL_RETURN_IF_ERROR(impl->rewrite_hosts());

  auto emulation =
      std::unique_ptr<Emulation>(new Emulation(std::move(impl), topology, std::move(run)));
  for (const auto& sap : topology.saps()) {
    CL_RETURN_IF_ERROR(cancel.check(what));
    ComputeRequest req;
    req.pop = sap.pop;
    req.name = sap.name;
    req.image = "sap";
    req.interfaces = {{.id = "sap0", .ip = sap.ip}};
    CL_RETURN_IF_ERROR(emulation->start_compute(req));
    emulation->impl_->instances[sap.name].is_sap = true;
  }
  return emulation;
}

dataplane::PortId Emulation::Impl::link_port(size_t link, int node) const {
  const LinkState& l = links[link];
  return l.a == node ? l.a_port : l.b_port;
}

Status Emulation::Impl::rewrite_hosts() {
  std::string text = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";
  for (const auto& [name, inst] : instances) {
    for (const auto& intf : inst.interfaces) {
      if (!intf.ip.empty()) {
        text += fmt::format("{}\t{}\n", intf.ip.substr(0, intf.ip.find('/')), name);
        break;
      }
    }
  }
  // In place (O_TRUNC, same inode): the file is bind-mounted into every running instance.
  return write_file(hosts_path, text, true);
}

void Emulation::Impl::remove_chain_state(const ChainState& chain) {
  remove_rules(chain.rules);
  if (chain.group) {
    (void)engine->remove_group(chain.group->first, chain.group->second);
  }
}

void Emulation::Impl::remove_rules(const std::vector<InstalledRule>& rules) {
  for (const auto& r : rules) {
    (void)engine->delete_rule(r.lsi, r.id);
  }
}

void Emulation::Impl::remove_segments(const std::vector<InstalledSegment>& segments) {
  for (const auto& s : segments) {
    (void)engine->remove_segment(s.lsi, s.id);
  }
}

std::vector<PopInfo> Emulation::list_pops() {
  std::vector<PopInfo> out;
  for (const auto& pop : topology_.pops()) {
    auto info = pop_status(pop.name);
    if (info.ok()) {
      out.push_back(std::move(info).value());
    }
  }
  return out;
}

Result<PopInfo> Emulation::pop_status(const std::string& name) {
  std::lock_guard lock(mu_);
  const PopSpec* pop = topology_.find_pop(name);
  if (pop == nullptr) {
    return make_error(ErrorCode::kNotFound, "no PoP named '{}'", name);
  }
  int node = impl_->graph->index(name);
  const NodeState& ns = impl_->nodes[static_cast<size_t>(node)];
  PopInfo info;
  info.name = name;
  info.internal_name = fmt::format("{}-{}", run_->prefix(), name);
  info.lsi = ns.lsi;
  info.metadata = pop->metadata;
  info.resource_model = pop->resources.model;
  info.resource_state = ns.limits() ? ns.model->state() : nlohmann::json::object();
  info.capacity = ns.model->capacity();
  for (const auto& [iname, inst] : impl_->instances) {
    if (inst.node == node && !inst.is_sap) {  // SAPs: "ext SAP list", as son-emu
      info.instances.push_back(iname);
    }
  }
  return info;
}

Status Emulation::set_link(const std::string& a, const std::string& b, const LinkChange& change) {
  std::lock_guard lock(mu_);
  int ia = impl_->graph->index(a);
  int ib = impl_->graph->index(b);
  if (ia < 0 || ib < 0) {
    return make_error(ErrorCode::kNotFound, "no node named '{}'", ia < 0 ? a : b);
  }
  for (auto& link : impl_->links) {
    if (!((link.a == ia && link.b == ib) || (link.a == ib && link.b == ia))) {
      continue;
    }
    LinkSpec spec = link.spec;
    spec.delay_ns = change.delay_ns.value_or(spec.delay_ns);
    spec.jitter_ns = change.jitter_ns.value_or(spec.jitter_ns);
    spec.loss_percent = change.loss_percent.value_or(spec.loss_percent);
    spec.bw_mbps = change.bw_mbps.value_or(spec.bw_mbps);
    spec.queue_packets = change.queue_packets.value_or(spec.queue_packets);
    dataplane::LinkParams params = to_link_params(spec);
    CL_RETURN_IF_ERROR(params.validate());
    CL_RETURN_IF_ERROR(impl_->engine->set_link(impl_->nodes[link.a].lsi, link.a_port, params));
    CL_RETURN_IF_ERROR(impl_->engine->set_link(impl_->nodes[link.b].lsi, link.b_port, params));
    link.spec = spec;
    impl_->emit("link.changed", {{"a", a},
                                 {"b", b},
                                 {"delay_ms", static_cast<double>(spec.delay_ns) / 1e6},
                                 {"jitter_ms", static_cast<double>(spec.jitter_ns) / 1e6},
                                 {"loss_percent", spec.loss_percent},
                                 {"bw_mbps", spec.bw_mbps},
                                 {"queue_packets", spec.queue_packets}});
    return ok_status();
  }
  return make_error(ErrorCode::kNotFound, "no link between '{}' and '{}'", a, b);
}

nlohmann::json Emulation::d3_graph() {
  std::lock_guard lock(mu_);
  nlohmann::json nodes = nlohmann::json::array();
  nlohmann::json links = nlohmann::json::array();
  std::map<std::string, size_t> id;
  for (const auto& node : impl_->nodes) {
    id[node.name] = nodes.size();
    nodes.push_back({{"name", node.name}, {"group", node.is_pop ? 1 : 2}});
  }
  for (const auto& [name, inst] : impl_->instances) {
    id[name] = nodes.size();
    nodes.push_back({{"name", name}, {"group", inst.is_sap ? 4 : 3}});
    links.push_back({{"source", id[name]},
                     {"target", id[impl_->nodes[static_cast<size_t>(inst.node)].name]},
                     {"value", 1}});
  }
  for (const auto& link : impl_->links) {
    links.push_back({{"source", id[link.spec.a]}, {"target", id[link.spec.b]}, {"value", 1}});
  }
  return {{"nodes", nodes}, {"links", links}};
}

std::string Emulation::dataplane_path() const {
  return impl_->engine->path_description();
}

}  // namespace chainlab::emulator
