#include "frontends/openstack/hot_resources.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/ranges.h>

#include "common/units.h"
#include "frontends/openstack/hot_internal.h"

namespace chainlab::openstack {

using nlohmann::json;

namespace {

using hot::error;
using hot::join;

// Reads one resource's properties: known keys only, typed getters with precise paths.
class Props {
 public:
  static Result<Props> open(const json& props, const std::string& path,
                            std::initializer_list<std::string_view> used,
                            std::initializer_list<std::string_view> ignored) {
    if (!props.is_object()) {
      return error(path, "expected a mapping");
    }
    for (const auto& [key, value] : props.items()) {
      if (!hot::one_of(key, used) && !hot::one_of(key, ignored)) {
        return error(
            path, fmt::format("unknown property '{}' (supported: {})", key, fmt::join(used, ", ")));
      }
    }
    return Props(props, path);
  }

  bool has(std::string_view key) const {
    auto it = props_.find(key);
    return it != props_.end() && !it->is_null();
  }
  std::string path(std::string_view key) const { return join(path_, key); }

  // A string (numbers are accepted and printed); "" when absent.
  Result<std::string> str(std::string_view key) const {
    if (!has(key)) {
      return std::string();
    }
    return string_value(props_.at(std::string(key)), path(key));
  }
  Result<std::string> required_str(std::string_view key) const {
    if (!has(key)) {
      return error(path_, fmt::format("missing required property '{}'", key));
    }
    return str(key);
  }
  // The first present of two alternative names (Heat's "network" / "network_id").
  Result<std::string> either(std::string_view a, std::string_view b, bool required) const {
    if (has(a)) {
      return str(a);
    }
    if (has(b)) {
      return str(b);
    }
    if (required) {
      return error(path_, fmt::format("missing required property '{}'", a));
    }
    return std::string();
  }
  Result<bool> boolean(std::string_view key, bool fallback) const {
    if (!has(key)) {
      return fallback;
    }
    const json& v = props_.at(std::string(key));
    if (v.is_boolean()) {
      return v.get<bool>();
    }
    if (v.is_string() && (v == "true" || v == "True" || v == "false" || v == "False")) {
      return v == "true" || v == "True";
    }
    return error(path(key), fmt::format("expected true or false, got {}", hot::describe(v)));
  }
  Result<const json*> list(std::string_view key) const {
    static const json kEmpty = json::array();
    if (!has(key)) {
      return &kEmpty;
    }
    const json& v = props_.at(std::string(key));
    if (!v.is_array()) {
      return error(path(key), fmt::format("expected a list, got {}", hot::describe(v)));
    }
    return &v;
  }
  // A list of strings; none when absent.
  Result<std::optional<std::vector<std::string>>> strings(std::string_view key) const {
    if (!has(key)) {
      return std::optional<std::vector<std::string>>();
    }
    CL_ASSIGN_OR_RETURN(const json* items, list(key));
    std::vector<std::string> out;
    for (size_t i = 0; i < items->size(); ++i) {
      CL_ASSIGN_OR_RETURN(std::string v, string_value((*items)[i], hot::index(path(key), i)));
      out.push_back(std::move(v));
    }
    return std::optional<std::vector<std::string>>(std::move(out));
  }
  const json& raw(std::string_view key) const { return props_.at(std::string(key)); }
  // An integer in [min, max] known before creation; none when absent.
  Result<std::optional<int64_t>> integer(std::string_view key, int64_t min, int64_t max) const {
    if (!has(key)) {
      return std::optional<int64_t>();
    }
    if (hot::is_function(raw(key), nullptr)) {
      return error(path(key), "must not depend on other resources");
    }
    auto v = json_int(raw(key), "", min, max);
    if (!v.ok()) {
      return error(path(key), v.error().message);
    }
    return std::optional<int64_t>(*v);
  }

  static Result<std::string> string_value(const json& v, const std::string& where) {
    if (v.is_string()) {
      return v.get<std::string>();
    }
    if (v.is_number()) {
      return v.dump();
    }
    return error(where, fmt::format("expected a string, got {}", hot::describe(v)));
  }

 private:
  Props(const json& props, std::string path) : props_(props), path_(std::move(path)) {}
  const json& props_;
  std::string path_;
};

// Unresolved references become strings so that the typed parsers can check the rest.
json placeholders(const json& value) {
  std::string_view fn;
  if (hot::is_function(value, &fn)) {
    const json& args = value.begin().value();
    if (fn == "get_resource") {
      return fmt::format("<{}>", args.is_string() ? args.get<std::string>() : "?");
    }
    return fmt::format("<{}>", fn);
  }
  if (value.is_object()) {
    json out = json::object();
    for (const auto& [k, v] : value.items()) {
      out[k] = placeholders(v);
    }
    return out;
  }
  if (value.is_array()) {
    json out = json::array();
    for (const auto& v : value) {
      out.push_back(placeholders(v));
    }
    return out;
  }
  return value;
}

template <typename T>
Status status_of(Result<T> r) {
  if (!r.ok()) {
    return std::move(r).error();
  }
  return ok_status();
}

Status check_scaling_group(const json& props, const std::string& path) {
  return status_of(parse_scaling_group(props, path));
}

Status check_group(const json& props, const std::string& path) {
  CL_ASSIGN_OR_RETURN(Props p, Props::open(props, path, {"count", "resource_def", "index_var"},
                                           {"removal_policies", "removal_policies_mode"}));
  if (!p.has("resource_def")) {
    return error(path, "missing required property 'resource_def'");
  }
  const json& def = p.raw("resource_def");
  std::string dpath = p.path("resource_def");
  CL_ASSIGN_OR_RETURN(Props d, Props::open(def, dpath, {"type", "properties"}, {"metadata"}));
  CL_ASSIGN_OR_RETURN(std::string type, d.required_str("type"));
  if (d.has("properties") && !d.raw("properties").is_object()) {
    return error(d.path("properties"), "expected a mapping");
  }
  if (p.has("index_var")) {
    CL_ASSIGN_OR_RETURN(std::string var, p.str("index_var"));
    if (var.empty()) {
      return error(p.path("index_var"), "must not be empty");
    }
  }
  if (p.has("count") && hot::is_function(p.raw("count"), nullptr)) {
    return error(p.path("count"), "must not depend on other resources");
  }
  return ok_status();
}

}  // namespace

Result<NetSpec> parse_net(const json& props, const std::string& path) {
  CL_ASSIGN_OR_RETURN(
      Props p, Props::open(props, path, {"name", "admin_state_up", "shared"},
                           {"port_security_enabled", "value_specs", "tenant_id", "dhcp_agent_ids",
                            "qos_policy", "dns_domain", "tags", "availability_zone_hints"}));
  NetSpec s;
  CL_ASSIGN_OR_RETURN(s.name, p.str("name"));
  CL_ASSIGN_OR_RETURN(s.admin_state_up, p.boolean("admin_state_up", true));
  CL_ASSIGN_OR_RETURN(s.shared, p.boolean("shared", false));
  return s;
}

Result<SubnetSpec> parse_subnet(const json& props, const std::string& path) {
  CL_ASSIGN_OR_RETURN(
      Props p, Props::open(props, path,
                           {"name", "network", "network_id", "cidr", "ip_version", "gateway_ip",
                            "enable_dhcp", "allocation_pools", "dns_nameservers"},
                           {"host_routes", "tenant_id", "value_specs", "ipv6_address_mode",
                            "ipv6_ra_mode", "tags", "segment", "subnetpool", "prefixlen"}));
  SubnetSpec s;
  CL_ASSIGN_OR_RETURN(s.name, p.str("name"));
  CL_ASSIGN_OR_RETURN(s.network, p.either("network", "network_id", true));
  CL_ASSIGN_OR_RETURN(s.cidr, p.required_str("cidr"));
  if (p.has("ip_version")) {
    CL_ASSIGN_OR_RETURN(std::string v, p.str("ip_version"));
    if (v != "4") {
      return error(p.path("ip_version"), fmt::format("only IPv4 subnets are supported, got {}", v));
    }
  }
  if (props.contains("gateway_ip")) {
    CL_ASSIGN_OR_RETURN(std::string gw, p.str("gateway_ip"));
    s.gateway_ip = gw;
  }
  CL_ASSIGN_OR_RETURN(s.enable_dhcp, p.boolean("enable_dhcp", true));
  CL_ASSIGN_OR_RETURN(const json* pools, p.list("allocation_pools"));
  for (size_t i = 0; i < pools->size(); ++i) {
    std::string ipath = hot::index(p.path("allocation_pools"), i);
    CL_ASSIGN_OR_RETURN(Props pool, Props::open((*pools)[i], ipath, {"start", "end"}, {}));
    AllocationPoolSpec a;
    CL_ASSIGN_OR_RETURN(a.start, pool.required_str("start"));
    CL_ASSIGN_OR_RETURN(a.end, pool.required_str("end"));
    s.allocation_pools.push_back(std::move(a));
  }
  CL_ASSIGN_OR_RETURN(const json* dns, p.list("dns_nameservers"));
  for (size_t i = 0; i < dns->size(); ++i) {
    CL_ASSIGN_OR_RETURN(std::string d,
                        Props::string_value((*dns)[i], hot::index(p.path("dns_nameservers"), i)));
    s.dns_nameservers.push_back(std::move(d));
  }
  return s;
}

Result<PortSpec> parse_port(const json& props, const std::string& path) {
  CL_ASSIGN_OR_RETURN(
      Props p,
      Props::open(props, path,
                  {"name", "network", "network_id", "fixed_ips", "mac_address", "admin_state_up",
                   "security_groups", "port_security_enabled"},
                  {"binding:vnic_type", "value_specs", "device_owner", "device_id",
                   "allowed_address_pairs", "qos_policy", "replacement_policy", "tags", "dns_name",
                   "binding:profile", "propagate_uplink_status", "no_fixed_ips"}));
  PortSpec s;
  CL_ASSIGN_OR_RETURN(s.name, p.str("name"));
  CL_ASSIGN_OR_RETURN(s.network, p.either("network", "network_id", true));
  CL_ASSIGN_OR_RETURN(s.mac_address, p.str("mac_address"));
  CL_ASSIGN_OR_RETURN(s.admin_state_up, p.boolean("admin_state_up", true));
  CL_ASSIGN_OR_RETURN(s.port_security_enabled, p.boolean("port_security_enabled", true));
  CL_ASSIGN_OR_RETURN(s.security_groups, p.strings("security_groups"));
  CL_ASSIGN_OR_RETURN(const json* ips, p.list("fixed_ips"));
  for (size_t i = 0; i < ips->size(); ++i) {
    std::string ipath = hot::index(p.path("fixed_ips"), i);
    CL_ASSIGN_OR_RETURN(Props f,
                        Props::open((*ips)[i], ipath, {"subnet", "subnet_id", "ip_address"}, {}));
    FixedIpSpec ip;
    CL_ASSIGN_OR_RETURN(ip.subnet, f.either("subnet", "subnet_id", false));
    CL_ASSIGN_OR_RETURN(ip.ip_address, f.str("ip_address"));
    s.fixed_ips.push_back(std::move(ip));
  }
  return s;
}

Result<ServerSpec> parse_server(const json& props, const std::string& path) {
  CL_ASSIGN_OR_RETURN(
      Props p,
      Props::open(props, path,
                  {"name", "image", "flavor", "networks", "metadata", "security_groups"},
                  {"key_name", "user_data", "user_data_format", "availability_zone", "config_drive",
                   "admin_pass", "admin_user", "block_device_mapping", "block_device_mapping_v2",
                   "software_config_transport", "personality", "scheduler_hints", "diskConfig",
                   "reservation_id", "flavor_update_policy", "image_update_policy",
                   "user_data_update_policy", "tags", "deployment_swift_data"}));
  ServerSpec s;
  CL_ASSIGN_OR_RETURN(s.name, p.str("name"));
  CL_ASSIGN_OR_RETURN(s.image, p.required_str("image"));
  if (!p.has("flavor")) {
    return error(path, "missing required property 'flavor'");
  }
  if (p.raw("flavor").is_object()) {  // son-emu: {flavorName: m1.small, vcpu, ram, storage}
    CL_ASSIGN_OR_RETURN(Props f, Props::open(p.raw("flavor"), p.path("flavor"),
                                             {"flavorName", "name"}, {"vcpu", "ram", "storage"}));
    CL_ASSIGN_OR_RETURN(s.flavor, f.either("flavorName", "name", true));
  } else {
    CL_ASSIGN_OR_RETURN(s.flavor, p.str("flavor"));
  }
  if (p.has("metadata")) {
    if (!p.raw("metadata").is_object()) {
      return error(p.path("metadata"), "expected a mapping");
    }
    s.metadata = p.raw("metadata");
  }
  CL_ASSIGN_OR_RETURN(auto groups, p.strings("security_groups"));
  s.security_groups = groups.value_or(std::vector<std::string>{});
  CL_ASSIGN_OR_RETURN(const json* nets, p.list("networks"));
  for (size_t i = 0; i < nets->size(); ++i) {
    std::string ipath = hot::index(p.path("networks"), i);
    CL_ASSIGN_OR_RETURN(
        Props n, Props::open((*nets)[i], ipath, {"network", "uuid", "port", "fixed_ip", "subnet"},
                             {"port_extra_properties", "floating_ip", "tag", "allocate_network",
                              "vif_model"}));
    ServerNetwork net;
    CL_ASSIGN_OR_RETURN(net.network, n.either("network", "uuid", false));
    CL_ASSIGN_OR_RETURN(net.port, n.str("port"));
    CL_ASSIGN_OR_RETURN(net.fixed_ip, n.str("fixed_ip"));
    CL_ASSIGN_OR_RETURN(net.subnet, n.str("subnet"));
    if (net.network.empty() && net.port.empty() && net.subnet.empty()) {
      return error(ipath, "one of 'network', 'port' or 'subnet' is required");
    }
    if (!net.port.empty() && !net.network.empty()) {
      return error(ipath, "give either 'network' or 'port', not both");
    }
    s.networks.push_back(std::move(net));
  }
  return s;
}

Result<RouterSpec> parse_router(const json& props, const std::string& path) {
  CL_ASSIGN_OR_RETURN(Props p,
                      Props::open(props, path, {"name", "external_gateway_info", "admin_state_up"},
                                  {"value_specs", "l3_agent_ids", "ha", "distributed", "tags",
                                   "availability_zone_hints"}));
  RouterSpec s;
  CL_ASSIGN_OR_RETURN(s.name, p.str("name"));
  CL_ASSIGN_OR_RETURN(s.admin_state_up, p.boolean("admin_state_up", true));
  if (p.has("external_gateway_info")) {
    CL_ASSIGN_OR_RETURN(Props g,
                        Props::open(p.raw("external_gateway_info"), p.path("external_gateway_info"),
                                    {"network"}, {"enable_snat", "external_fixed_ips"}));
    CL_ASSIGN_OR_RETURN(s.external_network, g.required_str("network"));
  }
  return s;
}

Result<RouterInterfaceSpec> parse_router_interface(const json& props, const std::string& path) {
  CL_ASSIGN_OR_RETURN(
      Props p, Props::open(props, path,
                           {"router", "router_id", "subnet", "subnet_id", "port", "port_id"}, {}));
  RouterInterfaceSpec s;
  CL_ASSIGN_OR_RETURN(s.router, p.either("router", "router_id", true));
  CL_ASSIGN_OR_RETURN(s.subnet, p.either("subnet", "subnet_id", false));
  CL_ASSIGN_OR_RETURN(s.port, p.either("port", "port_id", false));
  if (s.subnet.empty() == s.port.empty()) {
    return error(path, "exactly one of 'subnet' or 'port' is required");
  }
  return s;
}

Result<FloatingIpSpec> parse_floating_ip(const json& props, const std::string& path) {
  CL_ASSIGN_OR_RETURN(
      Props p, Props::open(props, path,
                           {"floating_network", "floating_network_id", "port_id",
                            "fixed_ip_address", "floating_ip_address"},
                           {"value_specs", "floating_subnet", "dns_name", "dns_domain", "tags"}));
  FloatingIpSpec s;
  CL_ASSIGN_OR_RETURN(s.floating_network,
                      p.either("floating_network", "floating_network_id", true));
  CL_ASSIGN_OR_RETURN(s.port, p.str("port_id"));
  CL_ASSIGN_OR_RETURN(s.fixed_ip_address, p.str("fixed_ip_address"));
  CL_ASSIGN_OR_RETURN(s.floating_ip_address, p.str("floating_ip_address"));
  return s;
}

namespace {

Result<SecurityGroupRuleSpec> parse_rule(const json& props, const std::string& path) {
  CL_ASSIGN_OR_RETURN(
      Props p, Props::open(props, path,
                           {"direction", "ethertype", "port_range_min", "port_range_max",
                            "protocol", "remote_mode", "remote_group_id", "remote_ip_prefix"},
                           {"description"}));
  SecurityGroupRuleSpec s;
  SecurityGroupRuleCreate& r = s.rule;
  CL_ASSIGN_OR_RETURN(r.direction, p.str("direction"));
  r.direction = r.direction.empty() ? "ingress" : r.direction;
  CL_ASSIGN_OR_RETURN(r.ethertype, p.str("ethertype"));
  r.ethertype = r.ethertype.empty() ? "IPv4" : r.ethertype;
  CL_ASSIGN_OR_RETURN(r.protocol, p.str("protocol"));
  for (auto [key, target] : {std::pair{"port_range_min", &r.port_range_min},
                             std::pair{"port_range_max", &r.port_range_max}}) {
    CL_ASSIGN_OR_RETURN(auto v, p.integer(key, 0, 65535));
    *target = v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
  }
  CL_ASSIGN_OR_RETURN(std::string mode, p.str("remote_mode"));
  if (!mode.empty() && mode != "remote_ip_prefix" && mode != "remote_group_id") {
    return error(p.path("remote_mode"),
                 fmt::format("'{}' is not remote_ip_prefix or remote_group_id", mode));
  }
  if (mode == "remote_group_id") {
    CL_ASSIGN_OR_RETURN(r.remote_group_id, p.str("remote_group_id"));
    s.remote_self = r.remote_group_id.empty();
  } else {
    CL_ASSIGN_OR_RETURN(r.remote_ip_prefix, p.str("remote_ip_prefix"));
  }
  SecurityGroupRuleCreate probe = r;
  probe.security_group_id = "self";
  probe.remote_group_id = s.remote_self ? "self" : r.remote_group_id;
  if (auto checked = normalize_rule(probe); !checked.ok()) {
    return error(path, checked.error().message);
  }
  return s;
}

}  // namespace

Result<SecurityGroupSpec> parse_security_group(const json& props, const std::string& path) {
  CL_ASSIGN_OR_RETURN(Props p,
                      Props::open(props, path, {"name", "description", "rules"}, {"tags"}));
  SecurityGroupSpec s;
  CL_ASSIGN_OR_RETURN(s.name, p.str("name"));
  CL_ASSIGN_OR_RETURN(s.description, p.str("description"));
  CL_ASSIGN_OR_RETURN(const json* rules, p.list("rules"));
  for (size_t i = 0; i < rules->size(); ++i) {
    CL_ASSIGN_OR_RETURN(auto rule, parse_rule((*rules)[i], hot::index(p.path("rules"), i)));
    s.rules.push_back(std::move(rule));
  }
  return s;
}

namespace {

// A typed parser's verdict on properties whose references are stood in for.
template <auto parse>
Status check_parsed(const json& props, const std::string& path) {
  return status_of(parse(placeholders(props), path));
}

}  // namespace

Status check_properties(ResourceType type, const json& props, const std::string& path) {
  using Checker = Status (*)(const json&, const std::string&);
  // One entry per OS:: resource type (hot_template.h).
  static const std::map<ResourceType, Checker> kCheckers = {
      {ResourceType::kServer, check_parsed<parse_server>},
      {ResourceType::kNet, check_parsed<parse_net>},
      {ResourceType::kSubnet, check_parsed<parse_subnet>},
      {ResourceType::kPort, check_parsed<parse_port>},
      {ResourceType::kRouter, check_parsed<parse_router>},
      {ResourceType::kRouterInterface, check_parsed<parse_router_interface>},
      {ResourceType::kFloatingIp, check_parsed<parse_floating_ip>},
      {ResourceType::kResourceGroup, check_group},
      {ResourceType::kAutoScalingGroup, check_scaling_group},
      {ResourceType::kScalingPolicy, check_parsed<parse_scaling_policy>},
      {ResourceType::kSecurityGroup, check_parsed<parse_security_group>},
  };
  return kCheckers.at(type)(props, path);
}

Result<ScalingGroupSpec> parse_scaling_group(const json& props, const std::string& path) {
  CL_ASSIGN_OR_RETURN(
      Props p,
      Props::open(props, path, {"min_size", "max_size", "desired_capacity", "cooldown", "resource"},
                  {"rolling_updates"}));
  ScalingGroupSpec s;
  for (const char* key : {"min_size", "max_size", "resource"}) {
    if (!p.has(key)) {
      return error(path, fmt::format("missing required property '{}'", key));
    }
  }
  CL_ASSIGN_OR_RETURN(auto min, p.integer("min_size", 0, kMaxGroupSize));
  CL_ASSIGN_OR_RETURN(auto max, p.integer("max_size", 0, kMaxGroupSize));
  CL_ASSIGN_OR_RETURN(s.desired_capacity, p.integer("desired_capacity", 0, kMaxGroupSize));
  CL_ASSIGN_OR_RETURN(auto cooldown, p.integer("cooldown", 0, 86'400));
  s.min_size = *min;
  s.max_size = *max;
  s.cooldown_s = cooldown.value_or(0);
  if (s.max_size < s.min_size) {
    return error(p.path("max_size"), "must not be less than min_size");
  }
  if (s.desired_capacity &&
      (*s.desired_capacity < s.min_size || *s.desired_capacity > s.max_size)) {
    return error(p.path("desired_capacity"), "must be between min_size and max_size");
  }
  s.resource = p.raw("resource");
  CL_ASSIGN_OR_RETURN(
      Props d, Props::open(s.resource, p.path("resource"), {"type", "properties"}, {"metadata"}));
  CL_RETURN_IF_ERROR(status_of(d.required_str("type")));
  if (d.has("properties") && !d.raw("properties").is_object()) {
    return error(d.path("properties"), "expected a mapping");
  }
  return s;
}

int64_t ScalingGroupSpec::size(std::optional<int64_t> current) const {
  int64_t n = current.value_or(desired_capacity.value_or(min_size));
  return std::clamp(n, min_size, max_size);
}

Result<ScalingPolicySpec> parse_scaling_policy(const json& props, const std::string& path) {
  CL_ASSIGN_OR_RETURN(Props p,
                      Props::open(props, path,
                                  {"auto_scaling_group_id", "adjustment_type", "scaling_adjustment",
                                   "cooldown", "min_adjustment_step"},
                                  {}));
  ScalingPolicySpec s;
  CL_ASSIGN_OR_RETURN(s.group, p.required_str("auto_scaling_group_id"));
  CL_ASSIGN_OR_RETURN(std::string type, p.required_str("adjustment_type"));
  static const std::map<std::string, AdjustmentType, std::less<>> kTypes = {
      {"change_in_capacity", AdjustmentType::kChangeInCapacity},
      {"exact_capacity", AdjustmentType::kExactCapacity},
      {"percent_change_in_capacity", AdjustmentType::kPercentChangeInCapacity}};
  auto it = kTypes.find(type);
  if (it == kTypes.end()) {
    return error(p.path("adjustment_type"),
                 "expected change_in_capacity, exact_capacity or percent_change_in_capacity");
  }
  s.type = it->second;
  if (!p.has("scaling_adjustment")) {
    return error(path, "missing required property 'scaling_adjustment'");
  }
  CL_ASSIGN_OR_RETURN(auto adjustment,
                      p.integer("scaling_adjustment", -kMaxGroupSize * 100, kMaxGroupSize * 100));
  s.adjustment = *adjustment;
  CL_ASSIGN_OR_RETURN(s.cooldown_s, p.integer("cooldown", 0, 86'400));
  CL_ASSIGN_OR_RETURN(auto step, p.integer("min_adjustment_step", 0, kMaxGroupSize));
  if (step && s.type != AdjustmentType::kPercentChangeInCapacity) {
    return error(p.path("min_adjustment_step"),
                 "only with adjustment_type percent_change_in_capacity");
  }
  s.min_adjustment_step = step.value_or(0);
  return s;
}

int64_t ScalingPolicySpec::new_capacity(int64_t current, int64_t min_size, int64_t max_size) const {
  int64_t n = current;
  switch (type) {
    case AdjustmentType::kChangeInCapacity:
      n = current + adjustment;
      break;
    case AdjustmentType::kExactCapacity:
      n = adjustment;
      break;
    case AdjustmentType::kPercentChangeInCapacity: {
      double delta = static_cast<double>(current) * static_cast<double>(adjustment) / 100.0;
      // Heat: a change smaller than one member rounds away from zero, a larger one is truncated.
      int64_t d = std::abs(delta) < 1.0 ? (delta > 0 ? 1 : (delta < 0 ? -1 : 0))
                                        : static_cast<int64_t>(delta);
      if (d != 0 && std::abs(d) < min_adjustment_step) {
        d = d > 0 ? min_adjustment_step : -min_adjustment_step;
      }
      n = current + d;
      break;
    }
  }
  return std::clamp(n, min_size, max_size);
}

}  // namespace chainlab::openstack
