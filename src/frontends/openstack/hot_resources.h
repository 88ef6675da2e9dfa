// Typed properties of the HOT resource types the stack engine creates (the Heat property names,
// parsed once from a resource's resolved properties). Unknown properties are errors; properties
// Heat knows but the emulation has no use for (security groups, key names, user data, ...) are
// accepted and ignored. Errors: "<path>.<property>: <message>" where the caller gives the path
// ("resources.vnf1.properties").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "frontends/openstack/hot_template.h"
#include "frontends/openstack/security_group.h"

namespace chainlab::openstack {

struct NetSpec {
  std::string name;
  bool admin_state_up = true;
  bool shared = false;
};

struct AllocationPoolSpec {
  std::string start, end;
};

struct SubnetSpec {
  std::string name;
  std::string network;  // id or name
  std::string cidr;
  int ip_version = 4;
  std::optional<std::string> gateway_ip;  // absent: the first host; "" or null: none
  bool enable_dhcp = true;
  std::vector<AllocationPoolSpec> allocation_pools;
  std::vector<std::string> dns_nameservers;
};

struct FixedIpSpec {
  std::string subnet;  // id or name, may be empty
  std::string ip_address;
};

struct PortSpec {
  std::string name;
  std::string network;  // id or name
  std::vector<FixedIpSpec> fixed_ips;
  std::string mac_address;
  bool admin_state_up = true;
  bool port_security_enabled = true;
  std::optional<std::vector<std::string>> security_groups;  // names or ids; none: "default"
};

struct ServerNetwork {
  std::string network;  // id or name; empty when `port` is given
  std::string port;     // id of an existing port
  std::string fixed_ip;
  std::string subnet;
};

struct ServerSpec {
  std::string name;    // empty: the engine names it "<stack>-<resource>"
  std::string image;   // name or id
  std::string flavor;  // name or id (son-emu's {flavorName: ...} form is accepted)
  std::vector<ServerNetwork> networks;
  nlohmann::json metadata = nlohmann::json::object();
  std::vector<std::string> security_groups;  // of the ports it creates (names or ids)
};

struct RouterSpec {
  std::string name;
  std::string external_network;  // external_gateway_info.network, may be empty
  bool admin_state_up = true;
};

struct RouterInterfaceSpec {
  std::string router;  // id or name
  std::string subnet;  // one of subnet / port
  std::string port;
};

struct FloatingIpSpec {
  std::string floating_network;  // id or name (floating_network / floating_network_id)
  std::string port;              // port_id, may be empty
  std::string fixed_ip_address;
  std::string floating_ip_address;
};

// OS::Heat::AutoScalingGroup: `resource` ({type, properties}) made min_size..max_size times.
struct ScalingGroupSpec {
  int64_t min_size = 0;
  int64_t max_size = 0;
  std::optional<int64_t> desired_capacity;
  int64_t cooldown_s = 0;
  nlohmann::json resource;  // {type, properties}
  // The size it starts with (desired, else min) or keeps (`current` within min..max).
  int64_t size(std::optional<int64_t> current) const;
};

enum class AdjustmentType { kChangeInCapacity, kExactCapacity, kPercentChangeInCapacity };

// OS::Heat::ScalingPolicy: what a signal does to its group.
struct ScalingPolicySpec {
  std::string group;  // auto_scaling_group_id
  AdjustmentType type = AdjustmentType::kChangeInCapacity;
  int64_t adjustment = 0;
  std::optional<int64_t> cooldown_s;  // absent: the group's
  int64_t min_adjustment_step = 0;    // percent only
  // Heat's calculate_new_capacity: the group's new size from `current`, within min..max.
  int64_t new_capacity(int64_t current, int64_t min_size, int64_t max_size) const;
};

// The most members a ResourceGroup (count) or an AutoScalingGroup (sizes) has.
inline constexpr int64_t kMaxGroupSize = 1000;

Result<NetSpec> parse_net(const nlohmann::json& props, const std::string& path);
Result<SubnetSpec> parse_subnet(const nlohmann::json& props, const std::string& path);
Result<PortSpec> parse_port(const nlohmann::json& props, const std::string& path);
Result<ServerSpec> parse_server(const nlohmann::json& props, const std::string& path);
Result<RouterSpec> parse_router(const nlohmann::json& props, const std::string& path);
Result<RouterInterfaceSpec> parse_router_interface(const nlohmann::json& props,
                                                   const std::string& path);
Result<FloatingIpSpec> parse_floating_ip(const nlohmann::json& props, const std::string& path);

// OS::Neutron::SecurityGroup: its rules checked as Neutron checks them (security_group.h).
struct SecurityGroupRuleSpec {
  SecurityGroupRuleCreate rule;  // security_group_id unset
  bool remote_self = false;      // remote_mode remote_group_id without an id: the group itself
};
struct SecurityGroupSpec {
  std::string name;
  std::string description;
  std::vector<SecurityGroupRuleSpec> rules;
};
Result<SecurityGroupSpec> parse_security_group(const nlohmann::json& props,
                                               const std::string& path);
// Sizes must not depend on other resources (0..kMaxGroupSize, min <= desired <= max).
Result<ScalingGroupSpec> parse_scaling_group(const nlohmann::json& props, const std::string& path);
Result<ScalingPolicySpec> parse_scaling_policy(const nlohmann::json& props,
                                               const std::string& path);

// Checks `props` against the typed parser of `type` (ResourceGroup: count / resource_def shape).
// Unresolved get_resource / get_attr are stood in for by strings, so only literal values are
// checked before creation.
Status check_properties(ResourceType type, const nlohmann::json& props, const std::string& path);

}  // namespace chainlab::openstack
