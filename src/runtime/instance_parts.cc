#include "runtime/instance_parts.h"

#include <algorithm>

#include "common/files.h"
#include "common/rollback.h"
#include "substrate/cleanup.h"

namespace chainlab::runtime {

using substrate::ObjectKind;

Status InstanceParts::create_net(const InstanceSpec& spec) {
  CL_ASSIGN_OR_RETURN(net_, InstanceNet::create(run_, spec.name, spec.hostname, spec.hosts_file));
  return ok_status();
}

Status InstanceParts::create_cgroup(const substrate::ResourceLimits& limits,
                                    const ExtraDirs& extra_dirs) {
  cgroup_rel_ = fmt::format("{}/{}", run_.cgroup_base(), run_.names().next('g'));
  cgroup_paths_ = run_.cgroups().paths_for(cgroup_rel_);
  if (extra_dirs) {
    for (auto& dir : extra_dirs(cgroup_rel_)) {
      if (std::find(cgroup_paths_.begin(), cgroup_paths_.end(), dir) == cgroup_paths_.end()) {
        cgroup_paths_.push_back(std::move(dir));
      }
    }
  }
  for (const auto& path : cgroup_paths_) {
    CL_RETURN_IF_ERROR(run_.journal().record(ObjectKind::kCgroup, path));
  }
  CL_ASSIGN_OR_RETURN(cgroup_, run_.cgroups().create(cgroup_rel_));
  return cgroup_->set_limits(limits);
}

Status InstanceParts::create_log(uint64_t log_bytes) {
  CL_RETURN_IF_ERROR(ensure_dir(run_.dir() + "/logs"));
  CL_ASSIGN_OR_RETURN(
      log_,
      InstanceLog::create(fmt::format("{}/logs/{}.log", run_.dir(), net_->netns()), log_bytes));
  return ok_status();
}

Status InstanceParts::check_live(std::string_view name) const {
  if (released_) {
    return make_error(ErrorCode::kFailedPrecondition, "instance '{}' is destroyed", name);
  }
  return ok_status();
}

Status InstanceParts::release() {
  if (released_) {
    return ok_status();
  }
  released_ = true;
  Status first;
  auto note = [&first](Status s) { keep_first_error(first, std::move(s)); };
  if (cgroup_) {
    note(cgroup_->remove());
    cgroup_.reset();
  }
  for (const auto& path : cgroup_paths_) {
    auto removed = substrate::remove_cgroup_tree(path);  // the extra ones; ours are gone
    if (!removed.ok()) {
      note(std::move(removed).error());
    }
    note(run_.journal().forget(ObjectKind::kCgroup, path));
  }
  cgroup_paths_.clear();
  if (net_) {
    note(net_->release());
    net_.reset();
  }
  if (log_) {
    pump_->detach(*log_);
    log_->remove();
  }
  return first;
}

Status InstanceParts::fill_status(InstanceStatus& status) const {
  status.netns = net_->netns();
  status.interfaces = net_->interfaces();
  CL_ASSIGN_OR_RETURN(status.limits, cgroup_->limits());
  CL_ASSIGN_OR_RETURN(status.stats, cgroup_->stats());
  return ok_status();
}

Status InstanceParts::fill_usage(InstanceStatus& status) {
  if (!limits_cached_) {
    CL_ASSIGN_OR_RETURN(limits_cached_, cgroup_->limits());
  }
  status.limits = *limits_cached_;
  CL_ASSIGN_OR_RETURN(status.stats, cgroup_->usage());
  return ok_status();
}

Status InstanceParts::set_limits(const substrate::ResourceLimits& limits) {
  limits_cached_.reset();
  return cgroup_->set_limits(limits);
}

Result<InterfaceStatus> InstanceParts::add_interface(std::string_view name,
                                                     const InterfaceSpec& intf) {
  std::lock_guard lock(mu_);
  CL_RETURN_IF_ERROR(check_live(name));
  return net_->add_interface(intf);
}

Status InstanceParts::remove_interface(std::string_view name, std::string_view intf) {
  std::lock_guard lock(mu_);
  CL_RETURN_IF_ERROR(check_live(name));
  return net_->remove_interface(intf);
}

std::shared_ptr<InstanceLog> InstanceParts::shared_log() {
  std::lock_guard lock(mu_);
  return log_;
}

Result<std::shared_ptr<LogPump>> shared_pump(std::shared_ptr<LogPump>& pump) {
  if (!pump) {
    CL_ASSIGN_OR_RETURN(std::unique_ptr<LogPump> started, LogPump::start());
    pump = std::move(started);
  }
  return pump;
}

}  // namespace chainlab::runtime
