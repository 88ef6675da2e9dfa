#include "dataplane/flow.h"

#include <arpa/inet.h>

#include <iterator>

#include <fmt/format.h>

namespace chainlab::dataplane {
namespace {

constexpr uint16_t kMaxVid = 4095;
constexpr size_t kMaxActions = 16;

std::string mac_string(const Mac& m) {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", m[0], m[1], m[2], m[3], m[4],
                     m[5]);
}

std::string prefix_string(const Ipv4Prefix& p) {
  uint32_t host = ntohl(p.address);
  std::string s =
      fmt::format("{}.{}.{}.{}", host >> 24, (host >> 16) & 0xff, (host >> 8) & 0xff, host & 0xff);
  if (p.length < 32) {
    s += fmt::format("/{}", p.length);
  }
  return s;
}

// The network-order mask of a prefix length (0..32).
uint32_t prefix_mask(uint8_t length) {
  if (length == 0) {
    return 0;
  }
  if (length >= 32) {
    return 0xffffffffu;
  }
  return htonl(~((1u << (32 - length)) - 1));
}

Status validate_prefix(const std::optional<Ipv4Prefix>& p, const char* field) {
  if (!p.has_value()) {
    return ok_status();
  }
  if (p->length > 32) {
    return make_error(ErrorCode::kInvalidArgument, "{}: prefix length {} is out of range 0..32",
                      field, p->length);
  }
  if ((p->address & ~prefix_mask(p->length)) != 0) {
    return make_error(ErrorCode::kInvalidArgument, "{}: {} has host bits set beyond /{}", field,
                      prefix_string(Ipv4Prefix{p->address, 32}), p->length);
  }
  return ok_status();
}

bool has_ports(uint8_t proto) {
  return proto == kProtoTcp || proto == kProtoUdp || proto == kProtoSctp || proto == kProtoIcmp;
}

}  // namespace

bool Ipv4Prefix::contains(uint32_t addr) const {
  uint32_t mask = prefix_mask(length);
  return (addr & mask) == (address & mask);
}

bool Match::matches(const FlowKey& key) const {
  if (in_port.has_value() && *in_port != key.in_port) {
    return false;
  }
  if (eth_src.has_value() && *eth_src != key.eth_src) {
    return false;
  }
  if (eth_dst.has_value() && *eth_dst != key.eth_dst) {
    return false;
  }
  if (eth_type.has_value() && *eth_type != key.eth_type) {
    return false;
  }
  switch (vlan.kind) {
    case VlanMatch::Kind::kAny:
      break;
    case VlanMatch::Kind::kNone:
      if (key.vlan_id != kNoVlan) {
        return false;
      }
      break;
    case VlanMatch::Kind::kId:
      if (key.vlan_id != vlan.id) {
        return false;
      }
      break;
  }
  if (ip_proto.has_value() && *ip_proto != key.ip_proto) {
    return false;
  }
  if (ipv4_src.has_value() && !ipv4_src->contains(key.ipv4_src)) {
    return false;
  }
  if (ipv4_dst.has_value() && !ipv4_dst->contains(key.ipv4_dst)) {
    return false;
  }
  if (l4_src.has_value() && *l4_src != key.l4_src) {
    return false;
  }
  if (l4_dst.has_value() && *l4_dst != key.l4_dst) {
    return false;
  }
  return true;
}

Status Match::validate() const {
  if (vlan.kind == VlanMatch::Kind::kId && vlan.id > kMaxVid) {
    return make_error(ErrorCode::kInvalidArgument, "dl_vlan: {} is out of range 0..4095", vlan.id);
  }
  CL_RETURN_IF_ERROR(validate_prefix(ipv4_src, "nw_src"));
  CL_RETURN_IF_ERROR(validate_prefix(ipv4_dst, "nw_dst"));
  bool ipv4 = eth_type == kEthTypeIpv4;
  bool ip = ipv4 || eth_type == kEthTypeIpv6;
  bool ipv4_or_arp = ipv4 || eth_type == kEthTypeArp;
  if (ip_proto.has_value() && !ip) {
    return make_error(ErrorCode::kInvalidArgument,
                      "nw_proto: requires dl_type=0x0800 (IPv4) or dl_type=0x86dd (IPv6)");
  }
  if (ipv4_src.has_value() && !ipv4_or_arp) {
    return make_error(ErrorCode::kInvalidArgument,
                      "nw_src: requires dl_type=0x0800 (IPv4) or dl_type=0x0806 (ARP)");
  }
  if (ipv4_dst.has_value() && !ipv4_or_arp) {
    return make_error(ErrorCode::kInvalidArgument,
                      "nw_dst: requires dl_type=0x0800 (IPv4) or dl_type=0x0806 (ARP)");
  }
  for (const auto& [port, field] : {std::pair{l4_src, "tp_src"}, std::pair{l4_dst, "tp_dst"}}) {
    if (!port.has_value()) {
      continue;
    }
    // L4 fields are only parsed for IPv4.
    if (!ipv4 || !ip_proto.has_value() || !has_ports(*ip_proto)) {
      return make_error(ErrorCode::kInvalidArgument,
                        "{}: requires dl_type=0x0800 and nw_proto tcp (6), udp (17), sctp (132) "
                        "or icmp (1)",
                        field);
    }
    if (*ip_proto == kProtoIcmp && *port > 0xff) {
      return make_error(ErrorCode::kInvalidArgument, "{}: ICMP type/code {} is out of range 0..255",
                        field, *port);
    }
  }
  return ok_status();
}

std::string Match::to_string() const {
  std::string s;
  auto add = [&s](std::string_view field) {
    if (!s.empty()) {
      s += ',';
    }
    s += field;
  };
  // "key=value" for a field that is set; `show` turns the value into text.
  auto field = [&add](std::string_view key, const auto& value, auto show) {
    if (value.has_value()) {
      add(fmt::format("{}={}", key, show(*value)));
    }
  };
  auto number = [](auto v) { return fmt::format("{}", v); };
  auto mac = [](const Mac& m) { return mac_string(m); };
  auto prefix = [](const auto& p) { return prefix_string(p); };
  field("in_port", in_port, number);
  field("dl_src", eth_src, mac);
  field("dl_dst", eth_dst, mac);
  if (vlan.kind == VlanMatch::Kind::kNone) {
    add("dl_vlan=0xffff");  // ovs-ofctl: matches only frames without a tag
  } else if (vlan.kind == VlanMatch::Kind::kId) {
    add(fmt::format("dl_vlan={}", vlan.id));
  }
  field("dl_type", eth_type, [](uint16_t t) { return fmt::format("0x{:04x}", t); });
  field("nw_src", ipv4_src, prefix);
  field("nw_dst", ipv4_dst, prefix);
  field("nw_proto", ip_proto, number);
  bool icmp = ip_proto == kProtoIcmp;
  field(icmp ? "icmp_type" : "tp_src", l4_src, number);
  field(icmp ? "icmp_code" : "tp_dst", l4_dst, number);
  return s;
}

std::string Action::to_string() const {
  switch (kind) {
    case Kind::kOutput:
      return fmt::format("output:{}", port);
    case Kind::kPushVlan:
      return fmt::format("push_vlan:{}", vlan_id);
    case Kind::kPopVlan:
      return "pop_vlan";
    case Kind::kSetVlan:
      return fmt::format("mod_vlan_vid:{}", vlan_id);
    case Kind::kSetEthSrc:
      return "mod_dl_src:" + mac_string(mac);
    case Kind::kSetEthDst:
      return "mod_dl_dst:" + mac_string(mac);
    case Kind::kDrop:
      return "drop";
    case Kind::kNormal:
      return "normal";
    case Kind::kFlood:
      return "flood";
    case Kind::kSegment:
      return fmt::format("segment:{}", port);
    case Kind::kSelect:
      return fmt::format("select:{}", port);
  }
  return "unknown";
}

Status validate_actions(const std::vector<Action>& actions) {
  if (actions.size() > kMaxActions) {
    return make_error(ErrorCode::kInvalidArgument, "actions: {} actions, at most {} allowed",
                      actions.size(), kMaxActions);
  }
  for (size_t i = 0; i < actions.size(); ++i) {
    const Action& a = actions[i];
    switch (a.kind) {
      case Action::Kind::kPushVlan:
      case Action::Kind::kSetVlan:
        if (a.vlan_id < 1 || a.vlan_id > 4094) {
          return make_error(ErrorCode::kInvalidArgument,
                            "actions[{}] {}: VLAN id must be in 1..4094", i, a.to_string());
        }
        break;
      case Action::Kind::kOutput:
        if (a.port == kNoPort) {
          return make_error(ErrorCode::kInvalidArgument, "actions[{}] {}: not a valid port", i,
                            a.to_string());
        }
        break;
      case Action::Kind::kPopVlan:
      case Action::Kind::kSetEthSrc:
      case Action::Kind::kSetEthDst:
      case Action::Kind::kDrop:
      case Action::Kind::kNormal:
      case Action::Kind::kFlood:
      case Action::Kind::kSegment:
      case Action::Kind::kSelect:
        break;
      default:
        return make_error(ErrorCode::kInvalidArgument, "actions[{}]: unknown action kind {}", i,
                          static_cast<int>(a.kind));
    }
  }
  return ok_status();
}

}  // namespace chainlab::dataplane
