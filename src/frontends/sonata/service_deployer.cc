#include "frontends/sonata/service_deployer.h"

#include <time.h>

#include <algorithm>
#include <random>

#include "orchestration/domain/local_domain.h"
#include "runtime/image_store.h"

namespace chainlab::sonata {
namespace {

using namespace std::chrono_literals;

std::string now_iso8601() {
  time_t t = ::time(nullptr);
  tm utc{};
  ::gmtime_r(&t, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

emulator::ChainRequest chain_request(const PlannedChain& c, uint64_t cookie) {
  emulator::ChainRequest r;
  r.src = c.src;
  r.src_intf = c.src_intf;
  r.dst = c.dst;
  r.dst_intf = c.dst_intf;
  r.bidirectional = true;
  r.cookie = cookie;
  return r;
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
    options_.image_is_local = [](const std::string& image) {
      auto store = runtime::ImageStore::open();
      return store.ok() && (*store)->resolve(image).ok();
    };
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
  plan_options.instance_uuid = random_uuid();
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
  CL_ASSIGN_OR_RETURN(ServicePlan plan, plan_service(package, plan_options, pools_));

  ServiceInstance inst;
  inst.uuid = plan_options.instance_uuid;
  inst.service_uuid = entry->uuid;
  inst.service_name = package.nsd.name;
  inst.created_at = now_iso8601();
  inst.placement = strategy->name();
  inst.ssiid = started_[entry->uuid];
  inst.service_vendor = package.nsd.vendor;
  inst.service_version = package.nsd.version;
  inst.cookie = plan.cookie;
  inst.chains = plan.chains;
  inst.elans = plan.elans;
  inst.leases = plan.leases;

  Rollback guard;
  guard.add("give back the plan's subnets", [&] { release_leases(plan.leases, pools_); });
  if (Status s = realise(plan, inst, guard); !s.ok()) {
    (void)guard.run();
    return std::move(s).error().context(
        fmt::format("instantiating service '{}' (rolled back)", package.nsd.name));
  }
  guard.commit();
  ++started_[entry->uuid];
  instances_.push_back(inst);
  return inst;
}

Status Gatekeeper::realise(const ServicePlan& plan, ServiceInstance& inst, Rollback& guard) {
  for (const auto& pc : plan.computes) {
    progress(fmt::format("starting {} in {}", pc.request.name, pc.request.pop));
    auto info = emulation_.start_compute(pc.request);
    if (!info.ok()) {
      return std::move(info).error();
    }
    guard.add(fmt::format("stop instance '{}'", pc.request.name),
              [this, pop = pc.request.pop, name = pc.request.name] {
                return emulation_.stop_compute(pop, name);
              });
    DeployedUnit unit{pc.vnf_id,      pc.vdu_id, pc.sap,       pc.request.name,
                      pc.request.pop, pc.image,  pc.container, {}};
    for (const auto& i : info->interfaces) {
      unit.interfaces.emplace_back(i.name, i.ip);
    }
    inst.units.push_back(std::move(unit));
    if (!pc.start_after_start.empty()) {
      // A container keeps its entrypoint; vm_cmd_start runs beside it, detached.
      auto r = emulation_.exec(
          pc.request.name,
          {"/bin/sh", "-c", "(" + pc.start_after_start + ") >/dev/null 2>&1 </dev/null &"}, 10s);
      if (!r.ok()) {
        return std::move(r).error().context(
            fmt::format("running vm_cmd_start in '{}'", pc.request.name));
      }
    }
  }
  for (const auto& c : plan.chains) {
    progress(
        fmt::format("E-Line {}: {}:{} <-> {}:{}", c.link_id, c.src, c.src_intf, c.dst, c.dst_intf));
    auto request = chain_request(c, plan.cookie);
    auto r = emulation_.set_chain(request);
    if (!r.ok()) {
      return std::move(r).error().context(fmt::format("E-Line '{}'", c.link_id));
    }
    guard.add(fmt::format("delete chain of E-Line '{}'", c.link_id), [this, request]() -> Status {
      auto removed = emulation_.delete_chain(request);
      return removed.ok() ? ok_status() : Status(std::move(removed).error());
    });
  }
  for (const auto& e : plan.elans) {
    progress(fmt::format("E-LAN {}: {} members", e.link_id, e.members.size()));
    auto r = emulation_.create_elan(e.name, e.members);
    if (!r.ok()) {
      return std::move(r).error().context(fmt::format("E-LAN '{}'", e.link_id));
    }
    guard.add(fmt::format("delete E-LAN '{}'", e.name),
              [this, name = e.name] { return emulation_.delete_elan(name); });
  }
  return ok_status();
}

Status Gatekeeper::terminate_locked(const ServiceInstance& inst) {
  std::optional<Error> first;
  auto note = [&](Status s) {
    if (!s.ok() && !first) {
      first = s.error();
    }
  };
  for (const auto& e : inst.elans) {
    note(emulation_.delete_elan(e.name));
  }
  for (const auto& c : inst.chains) {
    auto r = emulation_.delete_chain(chain_request(c, inst.cookie));
    if (!r.ok()) {
      note(r.error());
    }
  }
  for (auto it = inst.units.rbegin(); it != inst.units.rend(); ++it) {
    progress(fmt::format("stopping {} in {}", it->name, it->pop));
    note(emulation_.stop_compute(it->pop, it->name));
  }
  release_leases(inst.leases, pools_);
  if (first) {
    return std::move(*first).context(fmt::format("terminating instance {}", inst.uuid));
  }
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
