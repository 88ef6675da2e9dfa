// Cloud: floating IPs (see cloud.h). An address of an external network's subnet; associated with
// a port, it is DNAT'ed to the port's fixed address by the router that joins the port's subnet to
// that network (router_nat.h), as Neutron's L3 agent does. Without such a router the association
// is refused with Neutron's 404.
#include <algorithm>

#include "frontends/openstack/cloud.h"

namespace chainlab::openstack {

Result<FloatingIp> Cloud::create_floating_ip(const FloatingIpCreate& request) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(const Network* net, networks_.get(request.floating_network_id));
  if (net->subnet_ids.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Bad floatingip request: Network {} does not contain any IPv4 subnet",
                      request.floating_network_id);
  }
  std::string subnet_id = net->subnet_ids.front();
  CL_ASSIGN_OR_RETURN(std::string address, allocate_ip(subnet_id, request.floating_ip_address));
  FloatingIp f;
  f.id = new_uuid();
  f.floating_ip_address = address;
  f.floating_network_id = request.floating_network_id;
  f.project_id = project_id();
  f.description = request.description;
  f.created_at = stamp();
  FloatingIp& stored = floating_ips_.put(f);
  if (!request.port_id.empty()) {
    auto associated =
        associate_floating_ip_locked(stored, request.port_id, request.fixed_ip_address);
    if (!associated.ok()) {
      (void)floating_ips_.erase(f.id);
      release_ip(subnet_id, address);
    }
    return associated;
  }
  return f;
}

Result<FloatingIp> Cloud::associate_floating_ip(const std::string& id, const std::string& port_id,
                                                const std::string& fixed_ip_address) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(FloatingIp * f, floating_ips_.get(id));
  return associate_floating_ip_locked(*f, port_id, fixed_ip_address);
}

Result<FloatingIp> Cloud::associate_floating_ip_locked(FloatingIp& f, const std::string& port_id,
                                                       const std::string& fixed_ip_address) {
  const FloatingIp before = f;
  if (port_id.empty()) {
    f.port_id.clear();
    f.fixed_ip_address.clear();
    f.router_id.clear();
    f.status = "DOWN";
    (void)apply_router_nat_locked(before.router_id);
    return f;
  }
  CL_ASSIGN_OR_RETURN(const Port* port, ports_.get(port_id));
  if (port->fixed_ips.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Bad floatingip request: Port {} does not have any fixed IP", port_id);
  }
  auto fixed = port->fixed_ips.front();
  if (!fixed_ip_address.empty()) {
    auto match = std::find_if(port->fixed_ips.begin(), port->fixed_ips.end(),
                              [&](const FixedIp& ip) { return ip.ip_address == fixed_ip_address; });
    if (match == port->fixed_ips.end()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "Bad floatingip request: Port {} does not have fixed ip {}", port_id,
                        fixed_ip_address);
    }
    fixed = *match;
  }
  for (const auto& [fid, other] : floating_ips_) {
    if (fid != f.id && other.port_id == port_id && other.fixed_ip_address == fixed.ip_address) {
      return make_error(ErrorCode::kFailedPrecondition,
                        "Cannot associate floating IP {} with port {} using fixed IP {}, as that "
                        "fixed IP already has a floating IP on external network {}.",
                        f.floating_ip_address, port_id, fixed.ip_address,
                        other.floating_network_id);
    }
  }
  Router* router = router_reaching_locked(f.floating_network_id, *port);
  if (router == nullptr) {
    return make_error(ErrorCode::kNotFound,
                      "External network {} is not reachable from subnet {}.  Therefore, cannot "
                      "associate Port {} with a Floating IP.",
                      f.floating_network_id, fixed.subnet_id, port_id);
  }
  f.port_id = port_id;
  f.fixed_ip_address = fixed.ip_address;
  f.router_id = router->id;
  f.status = "ACTIVE";
  Status applied = apply_router_nat_locked(*router);
  if (!applied.ok()) {
    f = before;
    (void)apply_router_nat_locked(*router);
    return std::move(applied).error();
  }
  if (!before.router_id.empty() && before.router_id != router->id) {
    (void)apply_router_nat_locked(before.router_id);
  }
  return f;
}

Router* Cloud::router_reaching_locked(const std::string& network_id, const Port& port) {
  for (auto& [rid, r] : routers_) {
    if (r.external_network_id != network_id || r.gateway_port_id.empty()) {
      continue;
    }
    for (const auto& ri : r.interfaces) {
      for (const auto& ip : port.fixed_ips) {
        if (ip.subnet_id == ri.subnet_id) {
          return &r;
        }
      }
    }
  }
  return nullptr;
}

Status Cloud::delete_floating_ip(const std::string& id) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(const FloatingIp* f, floating_ips_.get(id));
  std::string router_id = f->router_id;
  if (const Network* net = networks_.find(f->floating_network_id)) {
    for (const auto& sid : net->subnet_ids) {
      release_ip(sid, f->floating_ip_address);
    }
  }
  CL_RETURN_IF_ERROR(floating_ips_.erase(id));
  (void)apply_router_nat_locked(router_id);  // the address is free either way
  return ok_status();
}

}  // namespace chainlab::openstack
