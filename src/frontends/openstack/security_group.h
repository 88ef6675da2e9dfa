// Neutron security groups: the records, the checks of a rule as Neutron makes them, and the
// nftables ruleset that enforces the groups of an instance's ports inside the instance's network
// namespace (Neutron's iptables firewall driver, in nftables). Stateful: replies of an allowed
// connection pass both ways; everything else a group does not allow is dropped. A port with port
// security disabled is not filtered. Pure: unit-tested; the Cloud applies the text through a
// PortFirewall (port_firewall.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace chainlab::openstack {

// What a rule request gives, and a rule keeps.
struct SecurityGroupRuleCreate {
  std::string security_group_id;
  std::string direction;           // "ingress" or "egress"
  std::string ethertype = "IPv4";  // "IPv4" or "IPv6"
  std::string protocol;            // "" = any; a name ("tcp") or a number ("47") as given
  std::optional<int> port_range_min;
  std::optional<int> port_range_max;
  std::string remote_ip_prefix;  // "" = any; network form ("10.0.0.0/24")
  std::string remote_group_id;   // "" = none
  std::string description;
};

struct SecurityGroupRule : SecurityGroupRuleCreate {
  std::string id;
  std::string project_id;
  std::string created_at;
  std::string updated_at;
};

struct SecurityGroup {
  std::string id;
  std::string name;
  std::string description;
  std::string project_id;
  std::vector<SecurityGroupRule> rules;
  std::string created_at;
  std::string updated_at;
};

struct SecurityGroupCreate {
  std::string name;
  std::string description;
};

struct SecurityGroupUpdate {
  std::optional<std::string> name;
  std::optional<std::string> description;
};

// A rule as a request gives it (ids of groups are checked by the Cloud).

inline constexpr const char* kDefaultSecurityGroupName = "default";

// Neutron's checks of a rule, with its messages (kInvalidArgument): direction, ethertype (any
// case, kept as "IPv4"/"IPv6"), protocol (a known name, "any" = none, or 0..255; IPv6's own
// protocols not in an IPv4 rule), port range
// (TCP-like: 1..65535 and min <= max; ICMP: type and code 0..255, a code needs a type; none
// without a protocol), one remote at most, a prefix of the rule's ethertype. The result is the
// rule as stored: protocol lowercase, prefix in network form.
Result<SecurityGroupRuleCreate> normalize_rule(SecurityGroupRuleCreate rule);

// Whether two rules allow the same traffic (Neutron's SecurityGroupRuleExists).
bool same_rule(const SecurityGroupRule& a, const SecurityGroupRuleCreate& b);

// What enforcing one rule needs: the rule, and when it names a remote group, the addresses of
// that group's ports (no address: the rule allows nothing).
struct ResolvedRule {
  SecurityGroupRule rule;
  std::vector<std::string> remote_addresses;  // bare addresses, used when rule.remote_group_id
};

// One interface of an instance and what filters it.
struct FilteredInterface {
  std::string interface;            // the name inside the instance
  bool port_security = true;        // false: not filtered
  std::vector<ResolvedRule> rules;  // of every group of the port
};

// The nftables script that replaces the table `inet chainlab_sg` of an instance's namespace with
// the filters of `interfaces`, in one transaction (no table when nothing is filtered).
std::string security_ruleset(const std::vector<FilteredInterface>& interfaces);

}  // namespace chainlab::openstack
