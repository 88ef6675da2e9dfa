#include "frontends/sonata/service_deployer.h"

#include <algorithm>

#include "orchestration/domain/local_domain.h"

namespace chainlab::sonata {
namespace {

using namespace std::chrono_literals;

// The API's view of what the Deployer made for `plan`.
void describe(const ServicePlan& plan, const orchestration::Deployment& dep,
              ServiceInstance& inst) {
  auto unit = [&](const std::string& id) {
    const PlannedNode& n = plan.nodes.at(id);
    const orchestration::DeployedNode& d = dep.nodes.at(id);
    inst.units.push_back(
        {n.vnf_id, n.vdu_id, n.sap, d.instance, d.pop, n.image, n.container, d.addresses});
  };
  for (const auto& f : dep.graph.functions) {
    unit(f.id);
  }
  for (const auto& s : dep.graph.saps) {
    unit(s.id);
  }
  for (const auto& l : dep.graph.elines) {
    const emulator::ChainRequest& c = dep.chains.at(l.id);
    inst.elines.push_back({l.id, c.src, c.src_intf, c.dst, c.dst_intf});
  }
  for (const auto& l : dep.graph.elans) {
    DeployedElan elan{l.id, dep.elans.at(l.id), {}};
    for (const auto& m : l.members) {
      const orchestration::DeployedNode& d = dep.nodes.at(m.node);
      elan.members.emplace_back(d.instance, d.interface_of(m.port));
    }
    inst.elans.push_back(std::move(elan));
  }
}

}  // namespace

ServiceSummary summarize(const CatalogueEntry& entry) {
  const Package& p = entry.package;
  return {entry.uuid, p.nsd.name,       p.nsd.vendor, p.nsd.version, p.name,
          p.version,  entry.created_at, p.sha1,       p.size};
}

Gatekeeper::Gatekeeper(emulator::Control& emulation, Catalogue& catalogue,
                       GatekeeperOptions options)
    : emulation_(emulation), catalogue_(catalogue), options_(std::move(options)) {
  if (!options_.image_is_local) {
    options_.image_is_local = [](const std::string&) { return false; };
  }
}

void Gatekeeper::progress(const std::string& line) const {
  if (options_.progress) {
    options_.progress(line);
  }
}

Status Gatekeeper::check_images(const Package& package) const {
  if (!options_.reject_unknown_images) {
    return ok_status();
  }
  for (const Vnfd& vnfd : package.vnfds) {
    for (const Vdu& vdu : vnfd.vdus) {
      if (!vdu.image.empty() && !options_.image_is_local(vdu.image)) {
        return make_error(ErrorCode::kInvalidArgument,
                          "{}: VDU '{}': image '{}' is not in the local image store (import it "
                          "with `chainlab image import`)",
                          vnfd.source, vdu.id, vdu.image);
      }
    }
  }
  return ok_status();
}

Result<ServiceSummary> Gatekeeper::onboard(std::string_view archive) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(const CatalogueEntry* entry, catalogue_.add(archive));
  if (auto s = check_images(entry->package); !s.ok()) {
    (void)catalogue_.remove(entry->uuid);
    return std::move(s).error();
  }
  return summarize(*entry);
}

std::vector<ServiceSummary> Gatekeeper::services() {
  std::lock_guard lock(mu_);
  std::vector<ServiceSummary> out;
  for (const CatalogueEntry* e : catalogue_.list()) {
    out.push_back(summarize(*e));
  }
  return out;
}

std::vector<ServiceInstance> Gatekeeper::instances() {
  std::lock_guard lock(mu_);
  return instances_;
}

Result<const CatalogueEntry*> Gatekeeper::resolve(const InstantiateRequest& request) const {
  const CatalogueEntry* entry = nullptr;
  if (request.service_uuid == "latest" || request.service_name == "latest") {
    auto all = catalogue_.list();
    entry = all.empty() ? nullptr : all.back();
    if (entry == nullptr) {
      return make_error(ErrorCode::kNotFound, "no service is onboarded yet");
    }
  } else if (!request.service_uuid.empty()) {
    entry = catalogue_.find(request.service_uuid);
    if (entry == nullptr && request.uuid_may_be_name && request.service_name.empty()) {
      entry = catalogue_.find_by_service_name(request.service_uuid);
    }
    if (entry == nullptr) {
      return make_error(ErrorCode::kNotFound, "no service with uuid '{}'", request.service_uuid);
    }
  } else if (!request.service_name.empty()) {
    entry = catalogue_.find_by_service_name(request.service_name);
    if (entry == nullptr) {
      return make_error(ErrorCode::kNotFound, "no service named '{}'", request.service_name);
    }
  } else {
    return make_error(ErrorCode::kInvalidArgument,
                      "say which service: service_uuid, service_name or \"latest\"");
  }
  return entry;
}

Result<ServiceInstance> Gatekeeper::instantiate(const InstantiateRequest& request) {
  std::lock_guard lock(mu_);
  CL_ASSIGN_OR_RETURN(const CatalogueEntry* entry, resolve(request));
  const Package& package = entry->package;
  CL_RETURN_IF_ERROR(check_images(package));
  CL_ASSIGN_OR_RETURN(auto strategy,
                      options_.placement.create(request.placement, request.placement_argument));

  PlanOptions plan_options;
  plan_options.instance_uuid = options_.ids->uuid();
  auto placed =
      strategy->place(placement_units(package), orchestration::pop_capacities(emulation_));
  if (!placed.ok()) {
    return std::move(placed).error();
  }
  plan_options.placement = *placed;
  auto existing = emulation_.list_compute();
  if (existing.ok()) {
    for (const auto& c : *existing) {
      plan_options.taken.insert(c.name);
    }
  }
  plan_options.image_is_local = options_.image_is_local;
  plan_options.deploy_saps = request.deploy_sap.value_or(options_.deploy_saps);
  CL_ASSIGN_OR_RETURN(ServicePlan plan, plan_service(package, plan_options));
  auto deployed = deploy(plan);
  if (!deployed.ok()) {
    return std::move(deployed).error().context(
        fmt::format("instantiating service '{}' (rolled back)", package.nsd.name));
  }
  ServiceInstance inst;
  inst.uuid = plan_options.instance_uuid;
  inst.service_uuid = entry->uuid;
  inst.service_name = package.nsd.name;
  inst.created_at = iso8601(options_.clock->now(), true);
  inst.placement = strategy->name();
  inst.ssiid = started_[entry->uuid]++;
  inst.service_vendor = package.nsd.vendor;
  inst.service_version = package.nsd.version;
  describe(plan, *deployed, inst);
  inst.deployment = std::move(deployed).value();
  instances_.push_back(inst);
  publish("service.instantiated", inst);
  return inst;
}

void Gatekeeper::publish(const char* type, const ServiceInstance& inst) const {
  if (options_.events == nullptr) {
    return;
  }
  nlohmann::json units = nlohmann::json::array();
  for (const DeployedUnit& u : inst.units) {
    units.push_back({{"instance", u.name}, {"pop", u.pop}, {"vnf", u.vnf_id}});
  }
  options_.events->publish(type, {{"service_uuid", inst.service_uuid},
                                  {"instance_uuid", inst.uuid},
                                  {"service", inst.service_name},
                                  {"units", std::move(units)}});
}

Result<orchestration::Deployment> Gatekeeper::deploy(const ServicePlan& plan) {
  orchestration::DeployerOptions options = deployer_options(plan);
  options.after_start = [&](const std::string& node, const orchestration::DeployedNode& d) {
    return start_command(plan.nodes.at(node), d);
  };
  options.progress = options_.progress;
  return orchestration::Deployer(emulation_, pools_, std::move(options)).deploy(plan.graph);
}

Status Gatekeeper::start_command(const PlannedNode& node,
                                 const orchestration::DeployedNode& deployed) {
  if (node.start_after_start.empty()) {
    return ok_status();
  }
  // A container keeps its entrypoint; vm_cmd_start runs beside it, detached.
  auto r = emulation_.exec(
      deployed.instance,
      {"/bin/sh", "-c", "(" + node.start_after_start + ") >/dev/null 2>&1 </dev/null &"}, 10s);
  if (!r.ok()) {
    return std::move(r).error().context(
        fmt::format("running vm_cmd_start in '{}'", deployed.instance));
  }
  return ok_status();
}

Status Gatekeeper::terminate_locked(ServiceInstance& inst) {
  orchestration::DeployerOptions options;
  options.progress = options_.progress;
  Status s =
      orchestration::Deployer(emulation_, pools_, std::move(options)).remove(inst.deployment);
  if (!s.ok()) {
    return std::move(s).error().context(fmt::format("terminating instance {}", inst.uuid));
  }
  publish("service.terminated", inst);
  return ok_status();
}

Status Gatekeeper::terminate(const std::string& instance_uuid, const std::string& service_uuid) {
  std::lock_guard lock(mu_);
  auto it = std::find_if(instances_.begin(), instances_.end(),
                         [&](const ServiceInstance& i) { return i.uuid == instance_uuid; });
  if (it == instances_.end()) {
    return make_error(ErrorCode::kNotFound, "no service instance with uuid '{}'", instance_uuid);
  }
  if (!service_uuid.empty() && it->service_uuid != service_uuid) {
    return make_error(ErrorCode::kNotFound,
                      "service instance '{}' is an instance of service '{}', not of '{}'",
                      instance_uuid, it->service_uuid, service_uuid);
  }
  ServiceInstance inst = std::move(*it);
  instances_.erase(it);
  return terminate_locked(inst);
}

Result<std::vector<std::string>> Gatekeeper::terminate_service(const std::string& service_uuid) {
  std::lock_guard lock(mu_);
  if (!service_uuid.empty() && catalogue_.find(service_uuid) == nullptr) {
    return make_error(ErrorCode::kNotFound, "no service with uuid '{}'", service_uuid);
  }
  std::vector<std::string> stopped;
  std::optional<Error> first;
  for (auto it = instances_.begin(); it != instances_.end();) {
    if (!service_uuid.empty() && it->service_uuid != service_uuid) {
      ++it;
      continue;
    }
    ServiceInstance inst = std::move(*it);
    it = instances_.erase(it);
    stopped.push_back(inst.uuid);
    if (auto s = terminate_locked(inst); !s.ok() && !first) {
      first = s.error();
    }
  }
  if (first) {
    return std::move(*first);
  }
  return stopped;
}

}  // namespace chainlab::sonata
