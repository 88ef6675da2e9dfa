// StackEngine, per resource type: creation through the Cloud typed API, deletion, attributes.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "common/files.h"
#include "frontends/openstack/heat_stack_internal.h"
#include "frontends/openstack/hot_resources.h"
#include "substrate/addr.h"

namespace chainlab::openstack {

using nlohmann::json;

namespace {

// Neutron objects are named by id or (unique) name in templates: the one `get` finds, else the
// first of `list` with that name; kNotFound "<kind> '<ref>' could not be found".
template <typename T>
Result<T> find_by_ref(Cloud& cloud, const std::string& ref, const char* kind,
                      Result<T> (Cloud::*get)(const std::string&) const,
                      std::vector<T> (Cloud::*list)() const) {
  if (auto found = (cloud.*get)(ref); found.ok()) {
    return found;
  }
  for (auto& v : (cloud.*list)()) {
    if (v.name == ref) {
      return v;
    }
  }
  return make_error(ErrorCode::kNotFound, "{} '{}' could not be found", kind, ref);
}

Result<Network> find_network(Cloud& cloud, const std::string& ref) {
  return find_by_ref(cloud, ref, "network", &Cloud::get_network, &Cloud::list_networks);
}

Result<Subnet> find_subnet(Cloud& cloud, const std::string& ref) {
  return find_by_ref(cloud, ref, "subnet", &Cloud::get_subnet, &Cloud::list_subnets);
}

Result<Router> find_router(Cloud& cloud, const std::string& ref) {
  return find_by_ref(cloud, ref, "router", &Cloud::get_router, &Cloud::list_routers);
}

bool gateway_inside(const std::string& cidr, const std::string& gateway) {
  auto net = substrate::Cidr::parse(cidr);
  auto gw = substrate::Cidr::parse(gateway);
  if (!net.ok() || !gw.ok()) {
    return true;  // let the Cloud report the malformed value
  }
  return substrate::Cidr{gw->address, net->prefix_len}.network() == net->network();
}

json fixed_ips_json(const Port& p) {
  json out = json::array();
  for (const auto& ip : p.fixed_ips) {
    out.push_back({{"subnet_id", ip.subnet_id}, {"ip_address", ip.ip_address}});
  }
  return out;
}

json port_json(const Port& p) {
  return {{"id", p.id},
          {"name", p.name},
          {"network_id", p.network_id},
          {"mac_address", p.mac_address},
          {"fixed_ips", fixed_ips_json(p)},
          {"device_id", p.device_id},
          {"device_owner", p.device_owner},
          {"status", p.status},
          {"admin_state_up", p.admin_state_up}};
}

// What every creation handler gets: the Cloud, the resolved properties (and their path for
// messages), the default name "<stack>-<resource>" and `where`, the context of Cloud errors.
struct CreateArgs {
  Cloud& cloud;
  const json& props;
  const std::string& path;
  const std::string& default_name;
  const std::string& where;
  Error fail(Error e) const { return std::move(e).context(where); }
  // A Cloud answer with `where` as the context of its error.
  template <typename T>
  Result<T> in_context(Result<T> r) const {
    if (!r.ok()) {
      return fail(std::move(r).error());
    }
    return r;
  }
  Result<Network> network(const std::string& ref) const {
    return in_context(find_network(cloud, ref));
  }
  Result<Subnet> subnet(const std::string& ref) const {
    return in_context(find_subnet(cloud, ref));
  }
  // The template's name, else "<stack>-<resource>".
  const std::string& name(const std::string& given) const {
    return given.empty() ? default_name : given;
  }
  // The name and network id of a request for something on a network (subnet, port).
  template <typename Spec, typename Request>
  Status on_network(const Spec& spec, Request& req) const {
    CL_ASSIGN_OR_RETURN(Network net, network(spec.network));
    req.network_id = net.id;
    req.name = name(spec.name);
    return ok_status();
  }
  // The resource's physical id is the id of what the Cloud created.
  template <typename T>
  Status created(Result<T> made, StackResource& r) const {
    if (!made.ok()) {
      return fail(std::move(made).error());
    }
    r.physical_id = made->id;
    return ok_status();
  }
};

Status create_net(const CreateArgs& a, StackResource& r) {
  CL_ASSIGN_OR_RETURN(NetSpec spec, parse_net(a.props, a.path));
  NetworkCreate req;
  req.name = a.name(spec.name);
  req.admin_state_up = spec.admin_state_up;
  req.shared = spec.shared;
  return a.created(a.cloud.create_network(req), r);
}

Status create_subnet(const CreateArgs& a, StackResource& r) {
  CL_ASSIGN_OR_RETURN(SubnetSpec spec, parse_subnet(a.props, a.path));
  SubnetCreate req;
  CL_RETURN_IF_ERROR(a.on_network(spec, req));
  req.cidr = spec.cidr;
  req.gateway_ip = spec.gateway_ip;
  if (spec.gateway_ip && !spec.gateway_ip->empty() &&
      !gateway_inside(spec.cidr, *spec.gateway_ip)) {
    r.status_reason = fmt::format("gateway_ip {} is outside {}: the subnet has no gateway",
                                  *spec.gateway_ip, spec.cidr);
    req.gateway_ip = "";
  }
  for (const auto& p : spec.allocation_pools) {
    req.allocation_pools.push_back({p.start, p.end});
  }
  req.enable_dhcp = spec.enable_dhcp;
  req.dns_nameservers = spec.dns_nameservers;
  return a.created(a.cloud.create_subnet(req), r);
}

Status create_port(const CreateArgs& a, StackResource& r) {
  CL_ASSIGN_OR_RETURN(PortSpec spec, parse_port(a.props, a.path));
  PortCreate req;
  CL_RETURN_IF_ERROR(a.on_network(spec, req));
  req.mac_address = spec.mac_address;
  req.admin_state_up = spec.admin_state_up;
  req.port_security_enabled = spec.port_security_enabled;
  req.security_groups = spec.security_groups;
  if (!spec.fixed_ips.empty()) {
    std::vector<FixedIpRequest> ips;
    for (const auto& ip : spec.fixed_ips) {
      FixedIpRequest f;
      if (!ip.subnet.empty()) {
        CL_ASSIGN_OR_RETURN(Subnet sub, a.subnet(ip.subnet));
        f.subnet_id = sub.id;
      }
      f.ip_address = ip.ip_address;
      ips.push_back(std::move(f));
    }
    req.fixed_ips = std::move(ips);
  }
  return a.created(a.cloud.create_port(req), r);
}

Status create_server(const CreateArgs& a, StackResource& r) {
  CL_ASSIGN_OR_RETURN(ServerSpec spec, parse_server(a.props, a.path));
  ServerCreate req;
  req.name = a.name(spec.name);
  req.flavor = spec.flavor;
  req.image = spec.image;
  if (!a.cloud.get_image(spec.image).ok()) {
    r.status_reason = fmt::format(
        "image '{}' is not in the image store: running a plain native instance", spec.image);
    req.image.clear();
    req.metadata["image"] = spec.image;
  }
  for (const auto& [k, v] : spec.metadata.items()) {
    req.metadata[k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
  req.security_groups = spec.security_groups;
  for (const auto& n : spec.networks) {
    ServerNic nic;
    nic.port_id = n.port;
    nic.fixed_ip = n.fixed_ip;
    if (!n.network.empty()) {
      CL_ASSIGN_OR_RETURN(Network net, a.network(n.network));
      nic.network_id = net.id;
    } else if (n.port.empty()) {
      CL_ASSIGN_OR_RETURN(Subnet sub, a.subnet(n.subnet));
      nic.network_id = sub.network_id;
    }
    req.nics.push_back(std::move(nic));
  }
  return a.created(a.cloud.create_server(req), r);
}

Status create_router(const CreateArgs& a, StackResource& r) {
  CL_ASSIGN_OR_RETURN(RouterSpec spec, parse_router(a.props, a.path));
  RouterCreate req;
  req.name = a.name(spec.name);
  req.admin_state_up = spec.admin_state_up;
  if (!spec.external_network.empty()) {
    auto net = find_network(a.cloud, spec.external_network);
    if (net.ok()) {
      req.external_network_id = net->id;
    } else {
      r.status_reason =
          fmt::format("external network '{}' not found: no gateway", spec.external_network);
    }
  }
  return a.created(a.cloud.create_router(req), r);
}

// The CIDR of a subnet of `router` that overlaps `sub`, or "".
std::string overlapping_subnet(const Cloud& cloud, const Router& router, const Subnet& sub) {
  for (const auto& ri : router.interfaces) {
    auto other = cloud.get_subnet(ri.subnet_id);
    if (other.ok() && cidrs_overlap(other->cidr, sub.cidr)) {
      return other->cidr;
    }
  }
  return "";
}

Status create_router_interface(const CreateArgs& a, StackResource& r) {
  CL_ASSIGN_OR_RETURN(RouterInterfaceSpec spec, parse_router_interface(a.props, a.path));
  auto router = find_router(a.cloud, spec.router);
  if (!router.ok()) {
    r.realised = false;
    r.physical_id = a.cloud.ids().uuid();
    r.status_reason =
        fmt::format("router '{}' is not in this PoP: recorded, not realised", spec.router);
    return ok_status();
  }
  RouterInterface req;
  if (!spec.subnet.empty()) {
    CL_ASSIGN_OR_RETURN(Subnet sub, a.subnet(spec.subnet));
    if (std::string other = overlapping_subnet(a.cloud, *router, sub); !other.empty()) {
      r.realised = false;
      r.physical_id = a.cloud.ids().uuid();
      r.status_reason = fmt::format(
          "subnet {} overlaps {} on the router (Neutron refuses it): recorded, not realised",
          sub.cidr, other);
      return ok_status();
    }
    if (sub.gateway_ip.empty()) {  // plug the router in with a port of its own
      PortCreate pc;
      pc.network_id = sub.network_id;
      pc.name = a.default_name;
      pc.fixed_ips = std::vector<FixedIpRequest>{{sub.id, ""}};
      CL_ASSIGN_OR_RETURN(Port port, a.in_context(a.cloud.create_port(pc)));
      req.port_id = port.id;
      r.status_reason = "the subnet has no gateway: the router got a port of its own";
    } else {
      req.subnet_id = sub.id;
    }
  } else {
    req.port_id = spec.port;
  }
  auto ri = a.cloud.add_router_interface(router->id, req);
  if (!ri.ok()) {
    if (!req.port_id.empty() && spec.port.empty()) {
      (void)a.cloud.delete_port(req.port_id);
    }
    return a.fail(std::move(ri).error());
  }
  r.router_id = router->id;
  r.subnet_id = ri->subnet_id;
  r.port_id = ri->port_id;
  r.physical_id = spec.subnet.empty() ? fmt::format("{}:port_id={}", router->id, ri->port_id)
                                      : fmt::format("{}:subnet_id={}", router->id, ri->subnet_id);
  return ok_status();
}

Status create_floating_ip(const CreateArgs& a, StackResource& r) {
  CL_ASSIGN_OR_RETURN(FloatingIpSpec spec, parse_floating_ip(a.props, a.path));
  auto net = find_network(a.cloud, spec.floating_network);
  if (!net.ok()) {
    r.realised = false;
    r.physical_id = a.cloud.ids().uuid();
    r.status_reason = fmt::format(
        "floating network '{}' is not in this PoP: recorded, not realised", spec.floating_network);
    r.record = {{"floating_ip_address", spec.floating_ip_address},
                {"floating_network_id", spec.floating_network},
                {"port_id", spec.port},
                {"fixed_ip_address", spec.fixed_ip_address}};
    return ok_status();
  }
  FloatingIpCreate req;
  req.floating_network_id = net->id;
  req.floating_ip_address = spec.floating_ip_address;
  req.port_id = spec.port;
  req.fixed_ip_address = spec.fixed_ip_address;
  return a.created(a.cloud.create_floating_ip(req), r);
}

// A group or nested stack: its members are resources of their own; it gets an id.
Status create_resource_group(const CreateArgs& a, StackResource& r) {
  r.physical_id = a.cloud.ids().uuid();
  return ok_status();
}

// A policy: the secret its alarm_url carries (Heat's pre-signed URL), so an alarm can post to it
// without a token.
Status create_scaling_policy(const CreateArgs& a, StackResource& r) {
  if (auto spec = parse_scaling_policy(a.props, a.path); !spec.ok()) {
    return std::move(spec).error();
  }
  r.physical_id = a.cloud.ids().uuid();
  r.record = {{"signature", a.cloud.ids().hex(16)}};
  return ok_status();
}

// One rule of a template's group: its remote group the group itself, or a group named by id or
// name; a rule the group already has is no error (Heat ignores the conflict).
Status add_template_rule(Cloud& cloud, const std::string& group_id,
                         const SecurityGroupRuleSpec& spec) {
  SecurityGroupRuleCreate req = spec.rule;
  req.security_group_id = group_id;
  if (spec.remote_self) {
    req.remote_group_id = group_id;
  } else if (!req.remote_group_id.empty()) {
    CL_ASSIGN_OR_RETURN(SecurityGroup remote, cloud.get_security_group(req.remote_group_id));
    req.remote_group_id = remote.id;
  }
  auto made = cloud.create_security_group_rule(req);
  if (!made.ok() && made.error().code != ErrorCode::kAlreadyExists) {
    return std::move(made).error();
  }
  return ok_status();
}

// A group with the template's rules. Its egress rules, when it has any, replace the two that
// Neutron gives every new group (as Heat does); a failed rule takes the group away again.
Status create_security_group(const CreateArgs& a, StackResource& r) {
  CL_ASSIGN_OR_RETURN(SecurityGroupSpec spec, parse_security_group(a.props, a.path));
  CL_ASSIGN_OR_RETURN(
      SecurityGroup g,
      a.in_context(a.cloud.create_security_group({a.name(spec.name), spec.description})));
  bool own_egress = std::any_of(spec.rules.begin(), spec.rules.end(), [](const auto& s) {
    return ascii_lower(s.rule.direction) == "egress";
  });
  Status done = ok_status();
  for (const auto& rule : own_egress ? g.rules : std::vector<SecurityGroupRule>{}) {
    if (done.ok()) {
      done = a.cloud.delete_security_group_rule(rule.id);
    }
  }
  for (size_t i = 0; i < spec.rules.size() && done.ok(); ++i) {
    done = add_template_rule(a.cloud, g.id, spec.rules[i]);
  }
  if (!done.ok()) {
    (void)a.cloud.delete_security_group(g.id);
    return a.fail(std::move(done).error());
  }
  r.physical_id = g.id;
  return ok_status();
}

using CreateHandler = Status (*)(const CreateArgs&, StackResource&);

// One entry per OS:: resource type (hot_template.h).
CreateHandler create_handler(ResourceType type) {
  static const std::map<ResourceType, CreateHandler> kHandlers = {
      {ResourceType::kNet, create_net},
      {ResourceType::kSubnet, create_subnet},
      {ResourceType::kPort, create_port},
      {ResourceType::kServer, create_server},
      {ResourceType::kRouter, create_router},
      {ResourceType::kRouterInterface, create_router_interface},
      {ResourceType::kFloatingIp, create_floating_ip},
      {ResourceType::kResourceGroup, create_resource_group},
      {ResourceType::kNestedStack, create_resource_group},
      {ResourceType::kAutoScalingGroup, create_resource_group},
      {ResourceType::kScalingPolicy, create_scaling_policy},
      {ResourceType::kSecurityGroup, create_security_group},
  };
  return kHandlers.at(type);
}

// A router's external_gateway_info as Neutron shows it (null without a gateway).
json gateway_info(const Router& rt) {
  if (rt.external_network_id.empty()) {
    return nullptr;
  }
  json ips = json::array();
  for (const auto& ip : rt.gateway_ips) {
    ips.push_back({{"subnet_id", ip.subnet_id}, {"ip_address", ip.ip_address}});
  }
  return {
      {"network_id", rt.external_network_id}, {"enable_snat", true}, {"external_fixed_ips", ips}};
}

// Deletes what a resource made in the Cloud (nothing for one recorded only).
Status delete_in_cloud(Cloud& cloud, const StackResource& r) {
  Status s;
  if (!r.realised || r.physical_id.empty()) {
    return s;
  }
  switch (r.type) {
    case ResourceType::kServer:
      s = cloud.delete_server(r.physical_id);
      break;
    case ResourceType::kNet:
      s = cloud.delete_network(r.physical_id);
      break;
    case ResourceType::kSubnet:
      s = cloud.delete_subnet(r.physical_id);
      break;
    case ResourceType::kPort:
      s = cloud.delete_port(r.physical_id);
      break;
    case ResourceType::kRouter:
      s = cloud.delete_router(r.physical_id);
      break;
    case ResourceType::kRouterInterface: {
      auto removed = cloud.remove_router_interface(r.router_id, {r.subnet_id, r.port_id});
      if (!removed.ok()) {
        s = std::move(removed).error();
      }
      break;
    }
    case ResourceType::kFloatingIp:
      s = cloud.delete_floating_ip(r.physical_id);
      break;
    case ResourceType::kSecurityGroup:
      s = cloud.delete_security_group(r.physical_id);
      break;
    case ResourceType::kResourceGroup:
    case ResourceType::kNestedStack:
    case ResourceType::kAutoScalingGroup:
    case ResourceType::kScalingPolicy:
      break;
  }
  return s;
}

}  // namespace

Status StackEngine::create_resource_locked(Stack& stack, const PlannedResource& planned) {
  Resolver refs(*this, stack);
  const std::string& path = planned.properties_path;
  std::string where = "resources." + planned.name;
  CL_ASSIGN_OR_RETURN(json props, resolve_value(planned.properties, refs, path));
  Stack::Resource r;
  r.type = planned.type;
  r.group = planned.group;
  r.status = "CREATE_COMPLETE";
  r.status_reason = "state changed";
  std::string default_name = fmt::format("{}-{}", stack.name, planned.name);
  CreateArgs args{cloud_, props, path, default_name, where};
  CL_RETURN_IF_ERROR(outside_lock(stack, [&] { return create_handler(planned.type)(args, r); }));
  r.updated_time = cloud_.stamp();
  stack.resources[planned.name] = std::move(r);
  return ok_status();
}

Status StackEngine::delete_resource_locked(Stack& stack, const std::string& name) {
  auto it = stack.resources.find(name);
  if (it == stack.resources.end()) {
    return ok_status();
  }
  const Stack::Resource r = it->second;
  Status s = outside_lock(stack, [&] { return delete_in_cloud(cloud_, r); });
  if (!s.ok() && s.error().code != ErrorCode::kNotFound) {
    it->second.status = "DELETE_FAILED";
    it->second.status_reason = s.error().message;
    return std::move(s).error().context("resources." + name);
  }
  stack.resources.erase(it);
  return ok_status();
}

Result<json> StackEngine::attribute_locked(const Stack& stack, const std::string& resource,
                                           const std::string& attribute,
                                           const ReferenceResolver& refs) const {
  auto it = stack.resources.find(resource);
  if (it == stack.resources.end()) {
    return make_error(ErrorCode::kNotFound, "resource '{}' has not been created", resource);
  }
  const Stack::Resource& r = it->second;
  json show;
  json extra = json::object();  // attributes beyond the "show" fields
  switch (r.type) {
    case ResourceType::kScalingPolicy: {
      std::string url = fmt::format("{}/v1/{}/stacks/{}/{}/resources/{}/signal", heat_url_,
                                    cloud_.project_id(), stack.name, stack.id, resource);
      show = {{"id", r.physical_id},
              {"signal_url", url},
              {"alarm_url", url + "?signature=" + r.record.value("signature", "")}};
      break;
    }
    case ResourceType::kAutoScalingGroup:
    case ResourceType::kResourceGroup: {
      const PlannedResource* group = stack.plan.find(resource);
      assert(group != nullptr);
      return group_attribute(*group, attribute, refs);
    }
    case ResourceType::kNestedStack: {
      const PlannedResource* nested = stack.plan.find(resource);
      assert(nested != nullptr);
      return nested_attribute(*nested, attribute, refs);
    }
    case ResourceType::kServer: {
      CL_ASSIGN_OR_RETURN(Server s, cloud_.get_server(r.physical_id));
      CL_ASSIGN_OR_RETURN(std::vector<Port> ports, cloud_.server_ports(r.physical_id));
      json networks = json::object();
      json addresses = json::object();
      std::string first;
      for (const auto& p : ports) {
        auto net = cloud_.get_network(p.network_id);
        std::string net_name = net.ok() ? net->name : p.network_id;
        for (const auto& ip : p.fixed_ips) {
          if (first.empty()) {
            first = ip.ip_address;
          }
          networks[net_name].push_back(ip.ip_address);
          addresses[net_name].push_back({{"addr", ip.ip_address},
                                         {"version", 4},
                                         {"OS-EXT-IPS-MAC:mac_addr", p.mac_address},
                                         {"OS-EXT-IPS:type", "fixed"},
                                         {"port", p.id}});
        }
      }
      show = {{"id", s.id},
              {"name", s.name},
              {"status", s.status},
              {"flavor", {{"id", s.flavor_id}}},
              {"image", {{"id", s.image_id}}},
              {"addresses", addresses},
              {"metadata", s.metadata}};
      extra = {{"first_address", first},
               {"networks", networks},
               {"instance_name", s.instance},
               {"accessIPv4", first},
               {"accessIPv6", ""}};
      break;
    }
    case ResourceType::kPort: {
      CL_ASSIGN_OR_RETURN(Port p, cloud_.get_port(r.physical_id));
      show = port_json(p);
      show["security_groups"] = p.security_groups;
      break;
    }
    case ResourceType::kSecurityGroup: {
      CL_ASSIGN_OR_RETURN(SecurityGroup g, cloud_.get_security_group(r.physical_id));
      json rules = json::array();
      for (const auto& rule : g.rules) {
        rules.push_back({{"id", rule.id},
                         {"direction", rule.direction},
                         {"ethertype", rule.ethertype},
                         {"protocol", rule.protocol}});
      }
      show = {{"id", g.id},
              {"name", g.name},
              {"description", g.description},
              {"security_group_rules", rules}};
      break;
    }
    case ResourceType::kNet: {
      CL_ASSIGN_OR_RETURN(Network n, cloud_.get_network(r.physical_id));
      show = {{"id", n.id},         {"name", n.name},
              {"status", n.status}, {"subnets", n.subnet_ids},
              {"mtu", n.mtu},       {"admin_state_up", n.admin_state_up},
              {"shared", n.shared}};
      break;
    }
    case ResourceType::kSubnet: {
      CL_ASSIGN_OR_RETURN(Subnet s, cloud_.get_subnet(r.physical_id));
      json pools = json::array();
      for (const auto& p : s.allocation_pools) {
        pools.push_back({{"start", p.start}, {"end", p.end}});
      }
      show = {{"id", s.id},
              {"name", s.name},
              {"network_id", s.network_id},
              {"cidr", s.cidr},
              {"gateway_ip", s.gateway_ip.empty() ? json(nullptr) : json(s.gateway_ip)},
              {"allocation_pools", pools},
              {"ip_version", s.ip_version},
              {"enable_dhcp", s.enable_dhcp}};
      break;
    }
    case ResourceType::kRouter: {
      CL_ASSIGN_OR_RETURN(Router rt, cloud_.get_router(r.physical_id));
      show = {{"id", rt.id},
              {"name", rt.name},
              {"status", rt.status},
              {"admin_state_up", rt.admin_state_up},
              {"external_gateway_info", gateway_info(rt)}};
      break;
    }
    case ResourceType::kRouterInterface:
      show = {{"id", r.physical_id},
              {"router_id", r.router_id},
              {"subnet_id", r.subnet_id},
              {"port_id", r.port_id}};
      break;
    case ResourceType::kFloatingIp: {
      if (!r.realised) {
        show = r.record;
        show["id"] = r.physical_id;
        break;
      }
      CL_ASSIGN_OR_RETURN(FloatingIp f, cloud_.get_floating_ip(r.physical_id));
      show = {{"id", f.id},
              {"floating_ip_address", f.floating_ip_address},
              {"floating_network_id", f.floating_network_id},
              {"port_id", f.port_id.empty() ? json(nullptr) : json(f.port_id)},
              {"fixed_ip_address", f.fixed_ip_address},
              {"router_id", f.router_id},
              {"status", f.status}};
      break;
    }
  }
  if (attribute == "show") {
    return show;
  }
  if (extra.contains(attribute)) {
    return extra[attribute];
  }
  if (show.contains(attribute)) {
    return show[attribute];
  }
  return make_error(ErrorCode::kInvalidArgument, "resource '{}' ({}) has no attribute '{}'",
                    resource, resource_type_name(r.type), attribute);
}

}  // namespace chainlab::openstack
