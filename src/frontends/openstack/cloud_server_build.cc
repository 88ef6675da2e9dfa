// Cloud: creating a server in two steps (see cloud.h): the checks, its ports and the BUILD record
// under the PoP's lock, at once; then its instance and the bindings — in the call for
// create_server, on the PoP's build thread for Nova's start_server (202 BUILD -> ACTIVE/ERROR).
#include <algorithm>

#include "common/rollback.h"
#include "emulator/resource_model.h"
#include "frontends/openstack/cloud.h"
#include "frontends/openstack/cloud_internal.h"

namespace chainlab::openstack {

Result<Server> Cloud::create_server(const ServerCreate& request) {
  PendingBuild build;
  {
    Writing lock(*this);
    CL_ASSIGN_OR_RETURN(build, reserve_server_locked(request));
  }
  Status built = build_server(build);
  Writing lock(*this);
  if (!built.ok()) {
    discard_server_locked(build.server_id);
    return std::move(built).error();
  }
  return servers_.copy(build.server_id);
}

Result<Server> Cloud::start_server(const ServerCreate& request) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(PendingBuild build, reserve_server_locked(request));
  builds_.post([this, build] { finish_build(build); });
  return *servers_.find(build.server_id);
}

void Cloud::finish_build(const PendingBuild& build) {
  Status built = ok_status();
  try {
    built = build_server(build);
  } catch (const std::exception& e) {  // from a library: the server is ERROR, the PoP goes on
    built = make_error(ErrorCode::kInternal, "building the server: {}", e.what());
  }
  Writing lock(*this);
  Server* s = servers_.find(build.server_id);
  if (built.ok() || s == nullptr) {
    return;  // ACTIVE, or deleted while it was built
  }
  s->status = "ERROR";
  s->task_state.clear();
  s->updated = stamp();
  s->fault = ServerFault{500, built.error().message, s->updated};
}

Status Cloud::build_server(const PendingBuild& build) {
  emulator::ComputeRequest cr = build.compute;
  std::vector<std::string> port_ids;  // of cr.interfaces, in order
  {
    std::lock_guard lock(mu_);  // reads only: no view to publish
    CL_ASSIGN_OR_RETURN(const Server* s, servers_.get(build.server_id));
    if (s->status != "BUILD") {
      return make_error(ErrorCode::kFailedPrecondition, "Server {} is not building", s->id);
    }
    std::set<std::string> used;
    for (size_t i = 0; i < s->port_ids.size(); ++i) {
      CL_ASSIGN_OR_RETURN(const Port* p, ports_.get(s->port_ids[i]));
      std::string ifname = interface_name_for(p->name, i, used);
      used.insert(ifname);
      cr.interfaces.push_back(interface_request_locked(*p, ifname));
      port_ids.push_back(p->id);
    }
  }
  // The kernel work, without the PoP's lock: other calls go on meanwhile (a delete of this
  // server, of one of its ports) and are reconciled below.
  auto started = emulation_.start_compute(cr);
  if (!started.ok()) {
    Error e = std::move(started).error();
    if (e.code == ErrorCode::kResourceExhausted) {
      e.message = "No valid host was found. " + e.message;
    }
    return e;
  }
  Writing lock(*this);
  Status bound = bind_server_locked(build.server_id, started->name, cr, port_ids);
  if (!bound.ok()) {
    (void)emulation_.stop_compute(config_.pop, started->name);
  }
  return bound;
}

Status Cloud::bind_server_locked(const std::string& server_id, const std::string& instance,
                                 const emulator::ComputeRequest& cr,
                                 const std::vector<std::string>& port_ids) {
  CL_ASSIGN_OR_RETURN(Server * found, servers_.get(server_id));  // gone: deleted meanwhile
  Server& s = *found;
  Rollback guard;
  guard.add("filter again", [this] { (void)sync_firewalls_locked(); });  // runs last
  s.instance = instance;
  guard.add("forget " + instance, [&s] { s.instance.clear(); });
  std::set<std::string> networks;
  for (size_t i = 0; i < port_ids.size(); ++i) {
    const std::string& ifname = cr.interfaces[i].id;
    Port* p = ports_.find(port_ids[i]);
    if (p == nullptr || p->device_id != s.id) {  // deleted meanwhile
      (void)emulation_.remove_interface(instance, ifname);
      std::erase(s.port_ids, port_ids[i]);
      continue;
    }
    mark_bound_locked(*p, s, ifname);
    networks.insert(p->network_id);
  }
  guard.add("unbind the ports of " + s.id, [this, &s, networks] {
    for (const auto& pid : s.port_ids) {
      if (Port* p = ports_.find(pid); p != nullptr && p->device_id == s.id) {
        reserve_port_locked(*p, s);
      }
    }
    for (const auto& n : networks) {
      (void)sync_network_locked(n);
    }
  });
  // Filtered before it joins its networks.
  CL_RETURN_IF_ERROR(sync_firewalls_locked({s.instance}));
  for (const auto& n : networks) {
    CL_RETURN_IF_ERROR(sync_network_locked(n));
  }
  guard.commit();
  s.status = "ACTIVE";
  s.task_state.clear();
  s.updated = stamp();
  return ok_status();
}

Result<Cloud::PendingBuild> Cloud::reserve_server_locked(const ServerCreate& request) {
  if (request.name.empty() || request.name.size() > 255) {
    return make_error(ErrorCode::kInvalidArgument, "Invalid input for field/attribute name.");
  }
  const Flavor* flavor = flavors_.find_by_id_or_name(request.flavor);
  if (flavor == nullptr) {
    return make_error(ErrorCode::kInvalidArgument, "Flavor {} could not be found.", request.flavor);
  }
  std::string image_ref;  // what the emulator gets
  std::string image_id;
  if (!request.image.empty()) {
    sync_images_locked();
    const Image* image = images_by_id_.find_by_id_or_name(request.image);
    if (image == nullptr) {
      return make_error(ErrorCode::kInvalidArgument, "Image {} could not be found.", request.image);
    }
    image_id = image->id;
    image_ref = image->store_ref.empty() ? image->name : image->store_ref;
  }
  std::optional<std::vector<std::string>> groups;  // of the ports it creates
  if (!request.security_groups.empty()) {
    auto ids = resolve_security_groups_locked(request.security_groups);
    if (!ids.ok()) {
      return make_error(ErrorCode::kInvalidArgument, "{}", ids.error().message);
    }
    groups = *ids;
  }
  // Ports: existing ones must be free; new ones are created now and deleted on failure.
  Rollback guard;
  guard.add("filter again", [this] { (void)sync_firewalls_locked(); });  // runs last
  std::vector<std::string> port_ids;
  for (const auto& nic : request.nics) {
    if (!nic.port_id.empty()) {
      CL_ASSIGN_OR_RETURN(const Port* p, ports_.get(nic.port_id));
      if (p->binding || !p->device_id.empty() ||
          std::count(port_ids.begin(), port_ids.end(), nic.port_id) != 0) {
        return make_error(ErrorCode::kFailedPrecondition, "Port {} is still in use.", nic.port_id);
      }
      port_ids.push_back(nic.port_id);
      continue;
    }
    auto port = create_nic_port_locked(nic, groups);
    if (!port.ok()) {
      Error e = std::move(port).error();
      if (e.code == ErrorCode::kNotFound) {
        e = make_error(ErrorCode::kInvalidArgument, "Network {} could not be found.",
                       nic.network_id);
      }
      return e;
    }
    guard.add("delete port " + port->id, [this, id = port->id] { (void)delete_port_locked(id); });
    port_ids.push_back(port->id);
  }
  guard.commit();

  Server s;
  s.id = new_uuid();
  s.name = request.name;
  s.status = "BUILD";
  s.task_state = "spawning";
  s.flavor_id = flavor->id;
  s.image_id = image_id;
  s.metadata = request.metadata;
  s.key_name = request.key_name;
  s.user_data = request.user_data;
  if (!request.availability_zone.empty()) {
    s.availability_zone = request.availability_zone;
  }
  s.created = s.updated = stamp();
  s.project_id = project_id();
  s.user_id = user_id();
  s.port_ids = port_ids;
  for (const auto& pid : port_ids) {
    reserve_port_locked(*ports_.find(pid), s);
  }
  servers_.put(s);

  PendingBuild build{s.id, {}};
  emulator::ComputeRequest& cr = build.compute;
  cr.pop = config_.pop;
  cr.name = sanitize_server_name(request.name);
  cr.rename_if_taken = true;  // instance names are emulation-wide, shared with other PoPs
  cr.image = image_ref;
  cr.command = request.command;
  cr.env = request.env;
  std::string short_name = flavor->name.starts_with("m1.") ? flavor->name.substr(3) : "";
  cr.flavor = emulator::find_flavor(short_name).ok() ? short_name : "tiny";
  substrate::ResourceLimits limits;
  limits.memory_bytes = flavor->ram_mb * 1024 * 1024;
  cr.limits = limits;
  return build;
}

void Cloud::discard_server_locked(const std::string& id) {
  Server* s = servers_.find(id);
  if (s == nullptr) {
    return;
  }
  const std::vector<std::string> port_ids = s->port_ids;
  (void)servers_.erase(id);
  for (const auto& pid : port_ids) {
    Port* p = ports_.find(pid);
    if (p == nullptr || p->device_id != id) {
      continue;  // not its own (any more)
    }
    if (p->created_by_server) {
      (void)delete_port_locked(pid);
    } else {
      unbind_port_locked(*p);
    }
  }
  (void)sync_firewalls_locked();
}

void Cloud::reserve_port_locked(Port& port, const Server& server) {
  port.binding.reset();
  port.device_id = server.id;
  if (port.device_owner.empty()) {
    port.device_owner = "compute:nova";
  }
  port.status = "DOWN";
  port.updated_at = stamp();
}

}  // namespace chainlab::openstack
