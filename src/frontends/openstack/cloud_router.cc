// Cloud: routers (see cloud.h). A router with ports IS a network namespace, like Neutron's
// qrouter-<id>: an emulated instance of the PoP ("qrouter-<8 hex>") with IPv4 forwarding on and
// one interface per port, named like Neutron's devices: "qr-<11 characters of the port id>" on
// each subnet (its gateway address, the port's MAC), joined to the port's network like a
// server's; "qg-..." on the external network for its gateway, with the default route via the
// external subnet's gateway and the NAT of router_nat.h. Servers get the default route via their
// subnet's gateway, so servers on two subnets of one router reach each other.
#include <algorithm>

#include <fmt/format.h>

#include "frontends/openstack/cloud.h"
#include "frontends/openstack/router_nat.h"

namespace chainlab::openstack {
namespace {

constexpr std::chrono::milliseconds kRouterSetupTimeout{10000};
constexpr const char* kGatewayOwner = "network:router_gateway";

std::string router_interface_name(const Port& port) {
  return (port.device_owner == kGatewayOwner ? "qg-" : "qr-") + port.id.substr(0, 11);
}

// Whether two prefixes share an address.
bool overlap(substrate::Cidr a, substrate::Cidr b) {
  if (a.address.family != b.address.family) {
    return false;
  }
  a.prefix_len = b.prefix_len = std::min(a.prefix_len, b.prefix_len);
  return a.network() == b.network();
}

}  // namespace

bool cidrs_overlap(const std::string& a, const std::string& b) {
  auto x = substrate::Cidr::parse(a);
  auto y = substrate::Cidr::parse(b);
  return x.ok() && y.ok() && overlap(*x, *y);
}

namespace {

// The router's interface ports and its gateway port.
std::vector<std::string> router_port_ids(const Router& router) {
  std::vector<std::string> ids;
  for (const auto& ri : router.interfaces) {
    ids.push_back(ri.port_id);
  }
  if (!router.gateway_port_id.empty()) {
    ids.push_back(router.gateway_port_id);
  }
  return ids;
}

}  // namespace

// No port, or administratively down: nothing forwards. Its ports (still the router's) are DOWN
// and out of their networks, its namespace is stopped; they come back when it is up again.
Status Cloud::take_router_down_locked(Router& router) {
  for (const auto& id : router_port_ids(router)) {
    Port* p = ports_.find(id);
    if (p != nullptr && p->binding) {
      p->binding.reset();
      p->status = "DOWN";
      p->updated_at = stamp();
      (void)sync_network_locked(p->network_id);
    }
  }
  router.nat_addresses.clear();
  router.nat_loaded = false;
  if (router.instance.empty()) {
    return ok_status();
  }
  Status stopped = emulation_.stop_compute(config_.pop, router.instance);
  if (stopped.ok() || stopped.error().code == ErrorCode::kNotFound) {
    router.instance.clear();  // else it is still there: never start a second one
    return ok_status();
  }
  return stopped;
}

Status Cloud::realise_router_locked(Router& router) {
  CL_RETURN_IF_ERROR(sync_gateway_port_locked(router));
  if (!router.admin_state_up || (router.interfaces.empty() && router.gateway_port_id.empty())) {
    return take_router_down_locked(router);
  }
  std::vector<Port*> unplugged;
  for (const auto& id : router_port_ids(router)) {
    Port* p = ports_.find(id);
    if (p != nullptr && !p->binding) {
      unplugged.push_back(p);
    }
  }
  if (!unplugged.empty()) {
    CL_RETURN_IF_ERROR(plug_router_ports_locked(router, unplugged));
  }
  std::set<std::string> networks;
  for (Port* p : unplugged) {
    p->binding = PortBinding{"", router.instance, router_interface_name(*p)};
    p->status = "ACTIVE";
    p->updated_at = stamp();
    networks.insert(p->network_id);
  }
  for (const auto& n : networks) {
    CL_RETURN_IF_ERROR(sync_network_locked(n));
  }
  return apply_router_nat_locked(router);
}

// The gateway port made to match external_network_id: created on it (an address of its first
// subnet), or deleted (with its interface) when the gateway is cleared or moved.
Status Cloud::sync_gateway_port_locked(Router& router) {
  const Port* current = ports_.find(router.gateway_port_id);
  if (current != nullptr && current->network_id == router.external_network_id) {
    return ok_status();
  }
  if (current != nullptr) {
    (void)delete_port_locked(router.gateway_port_id);
  }
  router.gateway_port_id.clear();
  router.gateway_ips.clear();
  if (router.external_network_id.empty()) {
    return ok_status();
  }
  CL_ASSIGN_OR_RETURN(const Network* net, networks_.get(router.external_network_id));
  if (net->subnet_ids.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Bad router request: No subnet on external network {}", net->id);
  }
  PortCreate pc;
  pc.network_id = net->id;
  pc.device_id = router.id;
  pc.device_owner = kGatewayOwner;
  CL_ASSIGN_OR_RETURN(Port port, create_port_locked(pc));
  router.gateway_port_id = port.id;
  router.gateway_ips = port.fixed_ips;
  return ok_status();
}

Status Cloud::apply_router_nat_locked(const std::string& id) {
  Router* router = routers_.find(id);
  return router == nullptr ? ok_status() : apply_router_nat_locked(*router);
}

Status Cloud::apply_router_nat_locked(Router& router) {
  RouterNat nat;
  const Port* gateway = ports_.find(router.gateway_port_id);
  if (gateway != nullptr && gateway->binding && !router.gateway_ips.empty()) {
    nat.gateway_interface = gateway->binding->interface;
    nat.gateway_address = router.gateway_ips.front().ip_address;
    for (const auto& ri : router.interfaces) {
      if (const Subnet* sub = subnets_.find(ri.subnet_id)) {
        nat.internal_cidrs.push_back(sub->cidr);
      }
    }
    for (const auto& [fid, f] : floating_ips_) {
      if (f.router_id == router.id && !f.port_id.empty()) {
        nat.floating.emplace_back(f.floating_ip_address, f.fixed_ip_address);
      }
    }
  }
  if (router.instance.empty() || (nat.gateway_interface.empty() && !router.nat_loaded)) {
    return ok_status();
  }
  std::string script = router_nat_script(nat, router.nat_addresses);
  auto ran = emulation_.exec(router.instance, {"/bin/sh", "-c", script}, kRouterSetupTimeout);
  if (!ran.ok() || ran->exit_code != 0) {
    return make_error(ErrorCode::kInternal, "could not set the NAT of router {}: {}", router.id,
                      ran.ok() ? ran->output : ran.error().message);
  }
  router.nat_addresses = floating_addresses(nat);
  router.nat_loaded = !nat.gateway_interface.empty();
  return ok_status();
}

// The router's namespace started with `ports` as its interfaces, or `ports` added to it.
Status Cloud::plug_router_ports_locked(Router& router, const std::vector<Port*>& ports) {
  if (!router.instance.empty()) {
    for (size_t i = 0; i < ports.size(); ++i) {
      auto added = emulation_.add_interface(
          router.instance, interface_request_locked(*ports[i], router_interface_name(*ports[i])));
      if (!added.ok()) {
        for (size_t j = 0; j < i; ++j) {
          (void)emulation_.remove_interface(router.instance, router_interface_name(*ports[j]));
        }
        return std::move(added).error();
      }
    }
    return ok_status();
  }
  emulator::ComputeRequest cr;
  cr.pop = config_.pop;
  cr.name = "qrouter-" + router.id.substr(0, 8);
  cr.rename_if_taken = true;
  for (const Port* p : ports) {
    cr.interfaces.push_back(interface_request_locked(*p, router_interface_name(*p)));
  }
  CL_ASSIGN_OR_RETURN(emulator::ComputeInfo started, emulation_.start_compute(cr));
  auto forwarding =
      emulation_.exec(started.name, {"/bin/sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward"},
                      kRouterSetupTimeout);
  if (!forwarding.ok() || forwarding->exit_code != 0) {
    (void)emulation_.stop_compute(config_.pop, started.name);
    return make_error(ErrorCode::kInternal, "could not turn forwarding on in router {}: {}",
                      router.id, forwarding.ok() ? forwarding->output : forwarding.error().message);
  }
  router.instance = started.name;
  return ok_status();
}

Result<Router> Cloud::create_router(const RouterCreate& request) {
  Writing lock(*this);
  if (!request.external_network_id.empty() && !networks_.contains(request.external_network_id)) {
    return networks_.not_found(request.external_network_id);
  }
  Router r;
  r.id = new_uuid();
  r.name = request.name;
  r.project_id = project_id();
  r.admin_state_up = request.admin_state_up;
  r.external_network_id = request.external_network_id;
  r.created_at = r.updated_at = stamp();
  Router& stored = routers_.put(r);
  if (auto s = realise_router_locked(stored); !s.ok()) {
    stored.external_network_id.clear();
    (void)realise_router_locked(stored);
    (void)routers_.erase(r.id);
    return std::move(s).error().context("setting the router's gateway");
  }
  return stored;
}

Result<Router> Cloud::update_router(const std::string& id, const RouterUpdate& update) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(Router * r, routers_.get(id));
  if (update.external_network_id && !update.external_network_id->empty() &&
      !networks_.contains(*update.external_network_id)) {
    return networks_.not_found(*update.external_network_id);
  }
  if (update.external_network_id && *update.external_network_id != r->external_network_id) {
    CL_RETURN_IF_ERROR(check_gateway_unused_locked(*r));
  }
  const std::string gateway_before = r->external_network_id;
  const bool up_before = r->admin_state_up;
  set_if(r->name, update.name);
  set_if(r->admin_state_up, update.admin_state_up);
  set_if(r->external_network_id, update.external_network_id);
  r->updated_at = stamp();
  if (auto s = realise_router_locked(*r); !s.ok()) {
    r->external_network_id = gateway_before;
    r->admin_state_up = up_before;
    (void)realise_router_locked(*r);
    return std::move(s).error().context("updating the router");
  }
  return *r;
}

// Neutron's 409 when floating IPs still go through the router's gateway.
Status Cloud::check_gateway_unused_locked(const Router& router) const {
  for (const auto& [fid, f] : floating_ips_) {
    if (f.router_id == router.id) {
      return make_error(ErrorCode::kFailedPrecondition,
                        "Gateway cannot be updated for router {}, since a gateway to external "
                        "network {} is required by one or more floating IPs.",
                        router.id, router.external_network_id);
    }
  }
  return ok_status();
}

Status Cloud::delete_router(const std::string& id) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(Router * r, routers_.get(id));
  if (!r->interfaces.empty()) {
    return make_error(ErrorCode::kFailedPrecondition, "Router {} still has ports", id);
  }
  CL_RETURN_IF_ERROR(check_gateway_unused_locked(*r));
  r->external_network_id.clear();
  CL_RETURN_IF_ERROR(realise_router_locked(*r));
  return routers_.erase(id);
}

Result<RouterInterface> Cloud::add_router_interface(const std::string& router_id,
                                                    const RouterInterface& request) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(Router * router, routers_.get(router_id));
  if (request.subnet_id.empty() == request.port_id.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Bad router request: Cannot specify both subnet-id and port-id, or neither");
  }
  CL_ASSIGN_OR_RETURN(RouterInterface ri, request.subnet_id.empty()
                                              ? use_router_port_locked(*router, request.port_id)
                                              : new_router_port_locked(*router, request.subnet_id));
  router->interfaces.push_back(ri);
  if (auto s = realise_router_locked(*router); !s.ok()) {
    router->interfaces.pop_back();
    Port& p = *ports_.find(ri.port_id);
    unplug_port_locked(p);
    if (request.subnet_id.empty()) {
      unbind_port_locked(p);  // an unplugged port still names the router
      p.device_owner.clear();
    } else {
      (void)delete_port_locked(ri.port_id);
    }
    (void)realise_router_locked(*router);
    return std::move(s).error().context("plugging the router's port");
  }
  return ri;
}

// A new port holding the subnet's gateway address.
Result<RouterInterface> Cloud::new_router_port_locked(const Router& router,
                                                      const std::string& subnet_id) {
  CL_ASSIGN_OR_RETURN(const Subnet* sub, subnets_.get(subnet_id));
  for (const auto& existing : router.interfaces) {
    if (existing.subnet_id == subnet_id) {
      return make_error(ErrorCode::kInvalidArgument,
                        "Bad router request: Router already has a port on subnet {}", subnet_id);
    }
  }
  if (sub->gateway_ip.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Bad router request: Subnet {} does not have a gateway IP", subnet_id);
  }
  CL_RETURN_IF_ERROR(check_router_subnet_locked(router, *sub));
  PortCreate pc;
  pc.network_id = sub->network_id;
  pc.fixed_ips = std::vector<FixedIpRequest>{{subnet_id, sub->gateway_ip}};
  pc.device_id = router.id;
  pc.device_owner = "network:router_interface";
  CL_ASSIGN_OR_RETURN(Port port, create_port_locked(pc));
  return RouterInterface{subnet_id, port.id};
}

// An existing free port with a fixed IP, taken by the router.
Result<RouterInterface> Cloud::use_router_port_locked(const Router& router,
                                                      const std::string& port_id) {
  CL_ASSIGN_OR_RETURN(Port * port, ports_.get(port_id));
  if (port->binding || !port->device_id.empty()) {
    return make_error(ErrorCode::kFailedPrecondition, "Port {} is in use", port_id);
  }
  if (port->fixed_ips.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Bad router request: Router port must have at least one fixed IP");
  }
  const Subnet* sub = subnets_.find(port->fixed_ips.front().subnet_id);
  if (sub != nullptr) {
    CL_RETURN_IF_ERROR(check_router_subnet_locked(router, *sub));
  }
  port->device_id = router.id;
  port->device_owner = "network:router_interface";
  return RouterInterface{port->fixed_ips.front().subnet_id, port_id};
}

// Neutron's BadRequest when `sub` overlaps a subnet the router is already on; also for a subnet
// of the PoP's external network (its gateway address is the host's: a router goes there through
// its gateway).
Status Cloud::check_router_subnet_locked(const Router& router, const Subnet& sub) const {
  if (sub.network_id == external_network_id_) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Bad router request: subnet {} is on the external network {}: set it as the "
                      "router's gateway instead.",
                      sub.id, sub.network_id);
  }
  auto cidr = substrate::Cidr::parse(sub.cidr);
  for (const auto& ri : router.interfaces) {
    const Subnet* other = subnets_.find(ri.subnet_id);
    auto other_cidr = other == nullptr ? cidr : substrate::Cidr::parse(other->cidr);
    if (other == nullptr || !cidr.ok() || !other_cidr.ok()) {
      continue;
    }
    if (overlap(*cidr, *other_cidr)) {
      return make_error(ErrorCode::kInvalidArgument,
                        "Bad router request: Cidr {} of subnet {} overlaps with cidr {} of subnet "
                        "{}.",
                        sub.cidr, sub.id, other->cidr, other->id);
    }
  }
  return ok_status();
}

Result<RouterInterface> Cloud::remove_router_interface(const std::string& router_id,
                                                       const RouterInterface& request) {
  Writing lock(*this);
  CL_ASSIGN_OR_RETURN(Router * router, routers_.get(router_id));
  auto& ifs = router->interfaces;
  auto match = std::find_if(ifs.begin(), ifs.end(), [&](const RouterInterface& ri) {
    return (!request.port_id.empty() && ri.port_id == request.port_id) ||
           (request.port_id.empty() && ri.subnet_id == request.subnet_id);
  });
  if (match == ifs.end()) {
    return make_error(ErrorCode::kNotFound, "Router {} has no interface on {}", router_id,
                      request.port_id.empty() ? request.subnet_id : request.port_id);
  }
  RouterInterface removed = *match;
  for (const auto& [fid, f] : floating_ips_) {
    const Port* p = ports_.find(f.port_id);
    bool via = f.router_id == router_id && p != nullptr &&
               std::any_of(p->fixed_ips.begin(), p->fixed_ips.end(),
                           [&](const FixedIp& ip) { return ip.subnet_id == removed.subnet_id; });
    if (via) {
      return make_error(ErrorCode::kFailedPrecondition,
                        "Router interface for subnet {} on router {} cannot be deleted, as it is "
                        "required by one or more floating IPs.",
                        removed.subnet_id, router_id);
    }
  }
  (void)delete_port_locked(removed.port_id);  // takes it out of router->interfaces too
  CL_RETURN_IF_ERROR(realise_router_locked(*router));
  return removed;
}

}  // namespace chainlab::openstack
