// Cloud: flavors and servers; a server is a compute instance of the PoP (see cloud.h).
#include <algorithm>
#include <cmath>

#include "common/rollback.h"
#include "emulator/resource_model.h"
#include "frontends/openstack/cloud.h"
#include "frontends/openstack/cloud_internal.h"

namespace chainlab::openstack {

// ---- flavors ------------------------------------------------------------------------------------

std::vector<Flavor> Cloud::list_flavors() const {
  return view()->flavors.list([](const Flavor& a, const Flavor& b) {
    return a.ram_mb != b.ram_mb ? a.ram_mb < b.ram_mb : a.name < b.name;
  });
}

Result<Flavor> Cloud::get_flavor(const std::string& id_or_name) const {
  auto v = view();
  if (const Flavor* f = v->flavors.find_by_id_or_name(id_or_name)) {
    return *f;
  }
  return v->flavors.not_found(id_or_name);
}

Result<Flavor> Cloud::create_flavor(const FlavorCreate& request) {
  Writing lock(*this);
  if (request.name.empty() || request.name.size() > 255) {
    return make_error(ErrorCode::kInvalidArgument, "Invalid input for field/attribute name.");
  }
  // Nova's own bounds (db.MAX_INT): ram in MB stays far below int64 overflow once in bytes.
  auto in = [](int64_t v, int64_t lo) { return v >= lo && v <= kMaxFlavorValue; };
  if (!in(request.ram_mb, 1) || !in(request.vcpus, 1) || !in(request.disk_gb, 0) ||
      !in(request.ephemeral_gb, 0) || !in(request.swap_mb, 0) ||
      !std::isfinite(request.rxtx_factor) || request.rxtx_factor <= 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Invalid input: ram and vcpus must be in 1..{}, disk, ephemeral and swap in "
                      "0..{}, rxtx_factor positive",
                      kMaxFlavorValue, kMaxFlavorValue);
  }
  for (const auto& [id, f] : flavors_) {
    if (f.name == request.name) {
      return make_error(ErrorCode::kAlreadyExists, "Flavor with name {} already exists.",
                        request.name);
    }
  }
  Flavor f;
  f.id = request.id.empty() || request.id == "auto" ? new_uuid() : request.id;
  if (flavors_.contains(f.id)) {
    return make_error(ErrorCode::kAlreadyExists, "Flavor with ID {} already exists.", f.id);
  }
  static_cast<FlavorAttributes&>(f) = request;
  return flavors_.put(f);
}

Status Cloud::delete_flavor(const std::string& id) {
  Writing lock(*this);
  return flavors_.erase(id);
}

Result<Flavor> Cloud::set_flavor_extra_specs(const std::string& id,
                                             const std::map<std::string, std::string>& specs) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(Flavor * f, flavors_.get(id));
  for (const auto& [k, v] : specs) {
    if (k.empty() || k.size() > 255 || v.size() > 255) {
      return make_error(ErrorCode::kInvalidArgument, "Invalid extra spec '{}'", k);
    }
  }
  for (const auto& [k, v] : specs) {
    f->extra_specs[k] = v;
  }
  return *f;
}

Status Cloud::unset_flavor_extra_spec(const std::string& id, const std::string& key) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(Flavor * f, flavors_.get(id));
  if (f->extra_specs.erase(key) == 0) {
    return make_error(ErrorCode::kNotFound, "Flavor {} has no extra specs with key {}.", id, key);
  }
  return ok_status();
}

// ---- servers ------------------------------------------------------------------------------------

std::vector<Server> Cloud::servers_newest_first(const ReadView& v) const {
  return v.servers.list([](const Server& a, const Server& b) { return a.created > b.created; });
}

std::vector<Server> Cloud::list_servers() const {
  return servers_newest_first(*view());
}

Status Cloud::delete_server(const std::string& id) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(Server s, servers_.copy(id));
  (void)servers_.erase(id);
  std::set<std::string> networks;
  std::vector<std::string> own;  // its ports: bound to it or reserved for it
  for (const auto& pid : s.port_ids) {
    if (Port* p = ports_.find(pid); p != nullptr && p->device_id == id) {
      networks.insert(p->network_id);
      unbind_port_locked(*p);
      own.push_back(pid);
    }
  }
  // The E-LANs drop the interfaces before they go away.
  for (const auto& n : networks) {
    (void)sync_network_locked(n);
  }
  Status stopped = ok_status();  // a BUILD server's instance never starts (finish_build)
  if (!s.instance.empty()) {
    stopped = emulation_.stop_compute(config_.pop, s.instance);
  }
  for (const auto& pid : own) {
    if (ports_.find(pid)->created_by_server) {
      (void)delete_port_locked(pid);
    }
  }
  (void)sync_firewalls_locked();  // its addresses left their groups
  if (!stopped.ok() && stopped.error().code != ErrorCode::kNotFound) {
    return std::move(stopped).error().context(fmt::format("stopping server {}", id));
  }
  return ok_status();
}

Result<Server> Cloud::update_server(
    const std::string& id, const std::optional<std::string>& name,
    const std::optional<std::map<std::string, std::string>>& metadata) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(Server * s, servers_.get(id));
  if (name && (name->empty() || name->size() > 255)) {
    return make_error(ErrorCode::kInvalidArgument, "Invalid input for field/attribute name.");
  }
  set_if(s->name, name);  // the instance keeps its name
  set_if(s->metadata, metadata);
  s->updated = stamp();
  return *s;
}

Result<std::vector<Port>> Cloud::server_ports(const std::string& server_id) const {
  CL_ASSIGN_OR_RETURN(ServerView v, server_view(server_id));
  return v.ports;
}

ServerView Cloud::server_view_of(const ReadView& v, const Server& s) {
  ServerView out{s, {}, {}, std::nullopt, {}, {}};
  for (const auto& pid : s.port_ids) {
    if (const Port* p = v.ports.find(pid)) {
      out.ports.push_back(*p);
      for (const auto& gid : p->security_groups) {
        const SecurityGroup* g = v.security_groups.find(gid);
        auto& names = out.security_groups;
        if (g != nullptr && std::find(names.begin(), names.end(), g->name) == names.end()) {
          names.push_back(g->name);
        }
      }
      if (const Network* n = v.networks.find(p->network_id)) {
        out.network_names[n->id] = n->name;
      }
    }
  }
  if (const Flavor* f = v.flavors.find(s.flavor_id)) {
    out.flavor = *f;
  }
  for (const auto& [fid, f] : v.floating_ips) {
    if (!f.port_id.empty() && std::count(s.port_ids.begin(), s.port_ids.end(), f.port_id) != 0) {
      out.floating[f.fixed_ip_address] = f.floating_ip_address;
    }
  }
  return out;
}

Result<ServerView> Cloud::server_view(const std::string& id) const {
  auto v = view();
  CL_ASSIGN_OR_RETURN(const Server* s, v->servers.get(id));
  return server_view_of(*v, *s);
}

std::vector<ServerView> Cloud::list_server_views() const {
  auto v = view();
  std::vector<ServerView> out;
  for (const auto& s : servers_newest_first(*v)) {
    out.push_back(server_view_of(*v, s));
  }
  return out;
}

Status Cloud::check_running_locked(const Server& s, std::string_view action) const {
  if (s.status == "ACTIVE") {
    return ok_status();
  }
  return make_error(ErrorCode::kFailedPrecondition,
                    "Cannot '{}' instance {} while it is in vm_state {}", action, s.id,
                    s.status == "BUILD" ? "building" : "error");
}

Result<Port> Cloud::create_nic_port_locked(
    const ServerNic& nic, const std::optional<std::vector<std::string>>& security_groups) {
  PortCreate pc;
  pc.network_id = nic.network_id;
  pc.security_groups = security_groups;
  if (!nic.fixed_ip.empty()) {
    pc.fixed_ips = std::vector<FixedIpRequest>{{"", nic.fixed_ip}};
  }
  CL_ASSIGN_OR_RETURN(Port p, create_port_locked(pc));
  Port& stored = *ports_.find(p.id);
  stored.created_by_server = true;
  return stored;
}

Result<Port> Cloud::attach_interface(const std::string& server_id, const ServerNic& nic) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(Server * s, servers_.get(server_id));
  CL_RETURN_IF_ERROR(check_running_locked(*s, "attach_interface"));
  Rollback guard;
  std::string port_id = nic.port_id;
  if (!port_id.empty()) {
    CL_ASSIGN_OR_RETURN(const Port* existing, ports_.get(port_id));
    if (existing->binding || !existing->device_id.empty()) {
      return make_error(ErrorCode::kFailedPrecondition, "Port {} is still in use.", port_id);
    }
  } else if (!nic.network_id.empty()) {
    CL_ASSIGN_OR_RETURN(Port created, create_nic_port_locked(nic, std::nullopt));
    port_id = created.id;
    guard.add("delete port " + port_id, [this, port_id] { (void)delete_port_locked(port_id); });
  } else {
    return make_error(ErrorCode::kInvalidArgument, "a port_id or a net_id is needed");
  }
  Port& p = *ports_.find(port_id);
  std::string ifname = interface_name_for(p.name, s->port_ids.size(), interface_names_locked(*s));
  CL_RETURN_IF_ERROR(emulation_.add_interface(s->instance, interface_request_locked(p, ifname)));
  guard.add("remove interface " + ifname,
            [this, s, ifname] { (void)emulation_.remove_interface(s->instance, ifname); });
  mark_bound_locked(p, *s, ifname);
  s->port_ids.push_back(port_id);
  guard.add("unbind port " + port_id, [this, s, port = &p] {
    s->port_ids.pop_back();
    unbind_port_locked(*port);
    (void)sync_network_locked(port->network_id);
    (void)sync_firewalls_locked();
  });
  CL_RETURN_IF_ERROR(sync_firewalls_locked({s->instance}));
  CL_RETURN_IF_ERROR(sync_network_locked(p.network_id));
  guard.commit();
  return p;
}

Status Cloud::detach_interface(const std::string& server_id, const std::string& port_id) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(Server * s, servers_.get(server_id));
  CL_RETURN_IF_ERROR(check_running_locked(*s, "detach_interface"));
  Port* p = ports_.find(port_id);
  if (p == nullptr || !p->binding || p->binding->server_id != server_id) {
    return make_error(ErrorCode::kNotFound, "Port {} is not attached to server {}", port_id,
                      server_id);
  }
  PortBinding b = *p->binding;
  auto& ids = s->port_ids;
  ids.erase(std::remove(ids.begin(), ids.end(), port_id), ids.end());
  unbind_port_locked(*p);
  (void)sync_network_locked(p->network_id);
  Status removed = emulation_.remove_interface(b.instance, b.interface);
  if (p->created_by_server) {
    (void)delete_port_locked(port_id);
  }
  (void)sync_firewalls_locked();
  return removed;
}

}  // namespace chainlab::openstack
