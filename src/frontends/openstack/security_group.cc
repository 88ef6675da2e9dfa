#include "frontends/openstack/security_group.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "common/files.h"
#include "frontends/openstack/ip_protocol.h"
#include "substrate/addr.h"

namespace chainlab::openstack {

namespace {

// The number of a protocol already checked (check_protocol), -1 for any.
int protocol_number(const std::string& protocol) {
  auto n = ip_protocol_number(protocol);
  return n.ok() ? *n : -1;
}

bool ported(int number) {
  return number == 6 || number == 17 || number == 132 || number == 33 || number == 136;
}

bool icmp(int number) {
  return number == 1 || number == 58;
}

// Protocols of IPv6 only: ICMPv6, and the IPv6 extension headers.
bool ipv6_only(int number) {
  return number == 58 || number == 41 || number == 43 || number == 44 || number == 59 ||
         number == 60;
}

// The protocol number a rule matches: "icmp" in an IPv6 rule is ICMPv6, as in Neutron.
int effective_protocol(const std::string& protocol, const std::string& ethertype) {
  int number = protocol_number(protocol);
  return number == 1 && ethertype == "IPv6" ? 58 : number;
}

Status check_protocol(SecurityGroupRuleCreate& r) {
  r.protocol = ascii_lower(r.protocol);
  if (r.protocol == "any") {
    r.protocol.clear();
  }
  auto number = ip_protocol_number(r.protocol);
  if (!number.ok()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Security group rule protocol {} not supported. Only protocol values [{}] "
                      "and integer representations [0 to 255] are supported.",
                      r.protocol, fmt::join(ip_protocol_names(), ", "));
  }
  if (*number >= 0 && r.protocol.front() >= '0' && r.protocol.front() <= '9') {
    r.protocol = std::to_string(*number);  // "06" -> "6"
  }
  return ok_status();
}

Status check_icmp_range(const SecurityGroupRuleCreate& r) {
  const std::pair<const char*, const std::optional<int>*> fields[] = {{"type", &r.port_range_min},
                                                                      {"code", &r.port_range_max}};
  for (const auto& [field, value] : fields) {
    if (value->has_value() && (**value < 0 || **value > 255)) {
      return make_error(ErrorCode::kInvalidArgument,
                        "Invalid value for ICMP {} (port_range_{}) {}. It must be 0 to 255.", field,
                        field == std::string("type") ? "min" : "max", **value);
    }
  }
  if (r.port_range_max && !r.port_range_min) {
    return make_error(ErrorCode::kInvalidArgument,
                      "ICMP code (port-range-max) {} is provided but ICMP type (port-range-min) is "
                      "missing.",
                      *r.port_range_max);
  }
  return ok_status();
}

Status check_port_range(const SecurityGroupRuleCreate& r) {
  if (!r.port_range_min && !r.port_range_max) {
    return ok_status();
  }
  int number = protocol_number(r.protocol);
  if (number < 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Must also specify protocol if port range is given.");
  }
  if (icmp(number)) {
    return check_icmp_range(r);
  }
  if (!ported(number)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Invalid protocol {} for port range, only supported for TCP, UDP, UDPLITE, "
                      "SCTP and DCCP.",
                      r.protocol);
  }
  for (const auto* v : {&r.port_range_min, &r.port_range_max}) {
    if (v->has_value() && (**v < 1 || **v > 65535)) {
      return make_error(ErrorCode::kInvalidArgument, "Invalid value for port {}", **v);
    }
  }
  if (!r.port_range_min || !r.port_range_max || *r.port_range_min > *r.port_range_max) {
    return make_error(ErrorCode::kInvalidArgument,
                      "For TCP/UDP protocols, port_range_min must be <= port_range_max");
  }
  return ok_status();
}

Status check_remote(SecurityGroupRuleCreate& r) {
  if (!r.remote_ip_prefix.empty() && !r.remote_group_id.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Only remote_ip_prefix or remote_group_id may be provided.");
  }
  if (r.remote_ip_prefix.empty()) {
    return ok_status();
  }
  auto cidr = substrate::Cidr::parse(r.remote_ip_prefix);
  if (!cidr.ok()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Invalid input for remote_ip_prefix. Reason: '{}' is not a valid IP subnet.",
                      r.remote_ip_prefix);
  }
  bool v6 = cidr->address.size() == 16;
  if (v6 != (r.ethertype == "IPv6")) {
    return make_error(ErrorCode::kInvalidArgument, "Conflicting value ethertype {} for CIDR {}",
                      r.ethertype, r.remote_ip_prefix);
  }
  r.remote_ip_prefix = cidr->network().to_string();
  return ok_status();
}

// `value` one of `allowed` (in any case when `any_case`: Neutron's ethertype), kept as written
// there.
Status check_enum(std::string& value, const char* attribute, std::vector<std::string> allowed,
                  bool any_case) {
  for (const auto& a : allowed) {
    if (value == a || (any_case && ascii_lower(value) == ascii_lower(a))) {
      value = a;
      return ok_status();
    }
  }
  return make_error(ErrorCode::kInvalidArgument,
                    "Invalid input for {}. Reason: '{}' is not in [{}].", attribute, value,
                    fmt::join(allowed, ", "));
}

// `nft` words of one rule, or "" when it can match nothing (a remote group without addresses).
std::string rule_line(const ResolvedRule& resolved) {
  const SecurityGroupRule& r = resolved.rule;
  bool v6 = r.ethertype == "IPv6";
  bool in = r.direction == "ingress";
  std::string ip = v6 ? "ip6" : "ip";
  std::string line = v6 ? "meta nfproto ipv6" : "meta nfproto ipv4";
  std::string side = in ? "saddr" : "daddr";
  if (!r.remote_group_id.empty()) {
    std::vector<std::string> of_family;
    for (const auto& a : resolved.remote_addresses) {
      if ((a.find(':') != std::string::npos) == v6) {
        of_family.push_back(a);
      }
    }
    if (of_family.empty()) {
      return "";
    }
    line += fmt::format(" {} {} {{ {} }}", ip, side, fmt::join(of_family, ", "));
  } else if (!r.remote_ip_prefix.empty() && !r.remote_ip_prefix.ends_with("/0")) {
    line += fmt::format(" {} {} {}", ip, side, r.remote_ip_prefix);
  }
  int number = effective_protocol(r.protocol, r.ethertype);
  if (number >= 0) {
    line += fmt::format(" meta l4proto {}", number);
  }
  if (ported(number) && r.port_range_min) {
    line += r.port_range_min == r.port_range_max
                ? fmt::format(" th dport {}", *r.port_range_min)
                : fmt::format(" th dport {}-{}", *r.port_range_min, *r.port_range_max);
  } else if (icmp(number) && r.port_range_min) {
    std::string kind = number == 58 ? "icmpv6" : "icmp";
    line += fmt::format(" {} type {}", kind, *r.port_range_min);
    if (r.port_range_max) {
      line += fmt::format(" {} code {}", kind, *r.port_range_max);
    }
  }
  return line + " accept";
}

// The chain of one interface in one direction: replies, what the port always needs (neighbour
// discovery, DHCP), the rules of that direction, then drop.
std::string port_chain(const std::string& name, const FilteredInterface& f, bool ingress) {
  std::string out = fmt::format("  chain {} {{\n", name);
  out += "    ct state established,related accept\n    ct state invalid drop\n";
  out += ingress ? "    icmpv6 type { nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } "
                   "accept\n    udp sport 67 udp dport 68 accept\n"
                 : "    icmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert } "
                   "accept\n    udp sport 68 udp dport 67 accept\n";
  for (const auto& rule : f.rules) {
    if ((rule.rule.direction == "ingress") != ingress) {
      continue;
    }
    std::string line = rule_line(rule);
    if (!line.empty()) {
      out += "    " + line + "\n";
    }
  }
  return out + "    drop\n  }\n";
}

}  // namespace

Result<SecurityGroupRuleCreate> normalize_rule(SecurityGroupRuleCreate rule) {
  CL_RETURN_IF_ERROR(check_enum(rule.direction, "direction", {"ingress", "egress"}, false));
  CL_RETURN_IF_ERROR(check_enum(rule.ethertype, "ethertype", {"IPv4", "IPv6"}, true));
  CL_RETURN_IF_ERROR(check_protocol(rule));
  if (rule.ethertype == "IPv4" && ipv6_only(protocol_number(rule.protocol))) {
    return make_error(ErrorCode::kInvalidArgument, "Invalid ethertype IPv4 for protocol {}.",
                      rule.protocol);
  }
  CL_RETURN_IF_ERROR(check_port_range(rule));
  CL_RETURN_IF_ERROR(check_remote(rule));
  return rule;
}

bool same_rule(const SecurityGroupRule& a, const SecurityGroupRuleCreate& b) {
  return a.security_group_id == b.security_group_id && a.direction == b.direction &&
         a.ethertype == b.ethertype &&
         effective_protocol(a.protocol, a.ethertype) ==
             effective_protocol(b.protocol, b.ethertype) &&
         a.port_range_min == b.port_range_min && a.port_range_max == b.port_range_max &&
         a.remote_ip_prefix == b.remote_ip_prefix && a.remote_group_id == b.remote_group_id;
}

std::string security_ruleset(const std::vector<FilteredInterface>& interfaces) {
  std::string out = "table inet chainlab_sg\ndelete table inet chainlab_sg\n";
  std::string jumps_in, jumps_out, chains;
  for (size_t i = 0; i < interfaces.size(); ++i) {
    const FilteredInterface& f = interfaces[i];
    if (!f.port_security) {
      continue;
    }
    jumps_in += fmt::format("    iifname \"{}\" jump in_{}\n", f.interface, i);
    jumps_out += fmt::format("    oifname \"{}\" jump out_{}\n", f.interface, i);
    chains += port_chain(fmt::format("in_{}", i), f, true);
    chains += port_chain(fmt::format("out_{}", i), f, false);
  }
  if (chains.empty()) {
    return out;
  }
  out += "table inet chainlab_sg {\n";
  out += "  chain ingress {\n    type filter hook prerouting priority filter; policy accept;\n" +
         jumps_in + "  }\n";
  out += "  chain egress {\n    type filter hook postrouting priority filter; policy accept;\n" +
         jumps_out + "  }\n";
  return out + chains + "}\n";
}

}  // namespace chainlab::openstack
