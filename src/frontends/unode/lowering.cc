#include "frontends/unode/lowering.h"

#include <sys/socket.h>

#include <fmt/format.h>
#include <cstring>

#include "common/units.h"
#include "substrate/addr.h"

namespace chainlab::unode {
namespace {

using dataplane::Mac;

Error unsupported(const SteeringRule& r, std::string_view what) {
  return make_error(ErrorCode::kInvalidArgument,
                    "flow rule {}: {} is not supported by chainlab's data plane (refused rather "
                    "than ignored)",
                    r.id, what);
}

Result<Mac> mac_of(const SteeringRule& r, const std::string& text, std::string_view field) {
  Mac mac{};
  unsigned v[6];
  if (std::sscanf(text.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x", &v[0], &v[1], &v[2], &v[3], &v[4],
                  &v[5]) != 6) {
    return make_error(ErrorCode::kInvalidArgument, "flow rule {}: {} '{}' is not a MAC address",
                      r.id, field, text);
  }
  for (size_t i = 0; i < 6; ++i) {
    mac[i] = static_cast<uint8_t>(v[i]);
  }
  return mac;
}

Result<dataplane::Ipv4Prefix> prefix_of(const SteeringRule& r, const std::string& text,
                                        std::string_view field) {
  auto cidr = substrate::Cidr::parse(text);
  if (!cidr.ok() || cidr->address.family != AF_INET) {
    return make_error(ErrorCode::kInvalidArgument, "flow rule {}: {} '{}' is not an IPv4 address",
                      r.id, field, text);
  }
  dataplane::Ipv4Prefix p;
  std::memcpy(&p.address, cidr->address.bytes.data(), sizeof p.address);  // network order
  p.length = static_cast<uint8_t>(cidr->prefix_len);
  return p;
}

Status lower_ip_fields(const SteeringRule& r, dataplane::Match& out) {
  const Match& m = r.match;
  if (!m.source_ip.empty()) {
    CL_ASSIGN_OR_RETURN(out.ipv4_src, prefix_of(r, m.source_ip, "source_ip"));
  }
  if (!m.dest_ip.empty()) {
    CL_ASSIGN_OR_RETURN(out.ipv4_dst, prefix_of(r, m.dest_ip, "dest_ip"));
  }
  out.ip_proto = m.protocol;
  out.l4_src = m.source_port;
  out.l4_dst = m.dest_port;
  if ((out.l4_src || out.l4_dst) && !out.ip_proto) {
    return make_error(ErrorCode::kInvalidArgument,
                      "flow rule {}: source_port/dest_port need a protocol (6, 17 or 132)", r.id);
  }
  bool ip = out.ipv4_src || out.ipv4_dst || out.ip_proto;
  if (ip && !out.eth_type) {
    out.eth_type = 0x0800;  // implied by the IPv4 fields
  }
  return ok_status();
}

Result<dataplane::Match> lower_match(const SteeringRule& r) {
  const Match& m = r.match;
  if (m.vlan_priority) {
    return unsupported(r, "match vlan_priority");
  }
  if (m.tos_bits) {
    return unsupported(r, "match tos_bits");
  }
  if (!m.arp_spa.empty() || !m.arp_tpa.empty()) {
    return unsupported(r, "match arp_spa/arp_tpa");
  }
  if (m.hard_timeout) {
    return unsupported(r, "match hard_timeout");
  }
  dataplane::Match out;
  out.eth_type = m.ether_type;
  if (m.vlan_id) {
    out.vlan = *m.vlan_id == 0 ? dataplane::VlanMatch{dataplane::VlanMatch::Kind::kNone, 0}
                               : dataplane::VlanMatch{dataplane::VlanMatch::Kind::kId, *m.vlan_id};
  }
  if (!m.source_mac.empty()) {
    CL_ASSIGN_OR_RETURN(out.eth_src, mac_of(r, m.source_mac, "source_mac"));
  }
  if (!m.dest_mac.empty()) {
    CL_ASSIGN_OR_RETURN(out.eth_dst, mac_of(r, m.dest_mac, "dest_mac"));
  }
  CL_RETURN_IF_ERROR(lower_ip_fields(r, out));
  return out;
}

// One NF-FG action (outputs come from `outputs`, in order).
Result<std::optional<dataplane::Action>> lower_action(const SteeringRule& r, const Action& a) {
  using K = Action::Kind;
  auto vlan = [&]() -> Result<uint16_t> {
    CL_ASSIGN_OR_RETURN(int64_t v, parse_int(a.value, action_key(a.kind), 1, 4094));
    return static_cast<uint16_t>(v);
  };
  switch (a.kind) {
    case K::kOutput:
      return std::optional<dataplane::Action>();  // placed from `outputs`
    case K::kPushVlan: {
      CL_ASSIGN_OR_RETURN(uint16_t v, vlan());
      return std::optional(dataplane::Action::push_vlan(v));
    }
    case K::kSetVlanId: {
      CL_ASSIGN_OR_RETURN(uint16_t v, vlan());
      return std::optional(dataplane::Action::set_vlan(v));
    }
    case K::kPopVlan:
      return std::optional(dataplane::Action::pop_vlan());
    case K::kSetEthSrc:
    case K::kSetEthDst: {
      CL_ASSIGN_OR_RETURN(Mac mac, mac_of(r, a.value, action_key(a.kind)));
      return std::optional(a.kind == K::kSetEthSrc ? dataplane::Action::set_eth_src(mac)
                                                   : dataplane::Action::set_eth_dst(mac));
    }
    case K::kDrop:
      return std::optional(dataplane::Action::drop());
    default:
      return unsupported(r, fmt::format("action {}", action_key(a.kind)));
  }
}

// A rule entering from a vlan end-point: its VLAN id matched, the tag popped before anything else.
Status untag_input(const SteeringRule& r, uint16_t vlan, dataplane::RuleSpec& spec) {
  using K = dataplane::VlanMatch::Kind;
  if (spec.match.vlan.kind != K::kAny &&
      !(spec.match.vlan.kind == K::kId && spec.match.vlan.id == vlan)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "flow rule {}: match vlan_id contradicts the vlan end-point's id {}", r.id,
                      vlan);
  }
  spec.match.vlan = {K::kId, vlan};
  spec.actions.push_back(dataplane::Action::pop_vlan());
  return ok_status();
}

}  // namespace

Result<dataplane::RuleSpec> lower_rule(const SteeringRule& r, const PortLookup& ports,
                                       uint64_t cookie, const TagLookup& tags) {
  dataplane::RuleSpec spec;
  spec.priority = static_cast<uint16_t>(r.priority);
  spec.cookie = cookie;
  CL_ASSIGN_OR_RETURN(spec.match, lower_match(r));
  CL_ASSIGN_OR_RETURN(dataplane::PortId in, ports(r.in));
  spec.match.in_port = in;
  if (auto vlan = tags ? tags(r.in) : std::nullopt) {
    CL_RETURN_IF_ERROR(untag_input(r, *vlan, spec));
  }
  size_t next_output = 0;
  for (const Action& a : r.actions) {
    if (a.kind == Action::Kind::kOutput && next_output < r.outputs.size()) {
      const LsiPort& port = r.outputs[next_output++];
      CL_ASSIGN_OR_RETURN(dataplane::PortId out, ports(port));
      auto vlan = tags ? tags(port) : std::nullopt;
      if (vlan) {
        spec.actions.push_back(dataplane::Action::push_vlan(*vlan));
      }
      spec.actions.push_back(dataplane::Action::output(out));
      if (vlan) {
        spec.actions.push_back(dataplane::Action::pop_vlan());  // for the outputs after it
      }
      continue;
    }
    CL_ASSIGN_OR_RETURN(auto lowered, lower_action(r, a));
    if (lowered) {
      spec.actions.push_back(*lowered);
    }
  }
  Status valid = spec.match.validate();
  if (valid.ok()) {
    valid = dataplane::validate_actions(spec.actions);
  }
  if (!valid.ok()) {
    return std::move(valid).error().context(fmt::format("flow rule {}", r.id));
  }
  return spec;
}

Status check_lowerable(const Nffg& graph) {
  Steering s = split_rules(graph);
  PortLookup any = [](const LsiPort&) -> Result<dataplane::PortId> { return 1; };
  for (const auto* rules : {&s.lsi0, &s.graph}) {
    for (const SteeringRule& r : *rules) {
      CL_RETURN_IF_ERROR(lower_rule(r, any, 0));
    }
  }
  return ok_status();
}

}  // namespace chainlab::unode
