// The leaves of an NF-FG: port references, end-point bodies, match fields, actions, VNF extras.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include <sys/socket.h>

#include "common/field_path.h"
#include "common/hex.h"
#include "common/units.h"
#include "frontends/unode/nffg_internal.h"
#include "substrate/addr.h"

namespace chainlab::unode {
namespace {

using nlohmann::json;

bool hex_pair(std::string_view s) {
  return s.size() == 2 && hex_digit_value(s[0]) >= 0 && hex_digit_value(s[1]) >= 0;
}

// A string field, bounded.
Result<std::string> text_field(const FieldReader& r, std::string_view key, size_t max,
                               bool required = false) {
  CL_ASSIGN_OR_RETURN(std::optional<std::string> v, r.opt_string(key));
  if (!v && required) {
    return field_error("", r.path(key), "is required");
  }
  if (v && v->size() > max) {
    return field_error("", r.path(key), fmt::format("longer than {} bytes", max));
  }
  return v.value_or("");
}

// An integer field in [min, max] given as a number or a string ("25", "0x800" for ether_type).
template <typename T>
Status number_field(const FieldReader& r, std::string_view key, int64_t min, int64_t max,
                    std::optional<T>& out) {
  const json& v = r.value();
  auto it = v.find(std::string(key));
  if (it == v.end() || it->is_null()) {
    return ok_status();
  }
  if (it->is_string()) {
    std::string s = it->get<std::string>();
    if (s.rfind("0x", 0) == 0 || s.rfind("0X", 0) == 0) {
      auto parsed = parse_hex_uint(s.substr(2));
      if (!parsed || *parsed < static_cast<uint64_t>(min) || *parsed > static_cast<uint64_t>(max)) {
        return field_error("", r.path(key), fmt::format("expected a number in [{}, {}]", min, max));
      }
      out = static_cast<T>(*parsed);
      return ok_status();
    }
  }
  CL_ASSIGN_OR_RETURN(auto n, r.opt_int(key, min, max));
  if (n) {
    out = static_cast<T>(*n);
  }
  return ok_status();
}

Status mac_field(const FieldReader& r, std::string_view key, std::string& out) {
  CL_ASSIGN_OR_RETURN(out, text_field(r, key, 64));
  if (!out.empty() && !valid_mac(out)) {
    return field_error("", r.path(key), "expected a MAC address such as 02:00:00:00:00:01");
  }
  out = normal_mac(out);
  return ok_status();
}

Status ip_field(const FieldReader& r, std::string_view key, std::string& out) {
  CL_ASSIGN_OR_RETURN(out, text_field(r, key, 64));
  if (!out.empty() && !valid_ipv4(out)) {
    return field_error("", r.path(key), "expected an IPv4 address or CIDR such as 10.0.0.0/24");
  }
  return ok_status();
}

struct ActionKey {
  std::string_view key;
  Action::Kind kind;
  enum class Arg { kPort, kVlan, kPriority, kMac, kIp, kTos, kL4Port, kQueue, kFlag } arg;
};

constexpr ActionKey kActions[] = {
    {"output_to_port", Action::Kind::kOutput, ActionKey::Arg::kPort},
    {"push_vlan", Action::Kind::kPushVlan, ActionKey::Arg::kVlan},
    {"pop_vlan", Action::Kind::kPopVlan, ActionKey::Arg::kFlag},
    {"set_vlan_id", Action::Kind::kSetVlanId, ActionKey::Arg::kVlan},
    {"set_vlan_priority", Action::Kind::kSetVlanPriority, ActionKey::Arg::kPriority},
    {"set_ethernet_src_address", Action::Kind::kSetEthSrc, ActionKey::Arg::kMac},
    {"set_ethernet_dst_address", Action::Kind::kSetEthDst, ActionKey::Arg::kMac},
    {"set_ip_src_address", Action::Kind::kSetIpSrc, ActionKey::Arg::kIp},
    {"set_ip_dst_address", Action::Kind::kSetIpDst, ActionKey::Arg::kIp},
    {"set_ip_tos", Action::Kind::kSetIpTos, ActionKey::Arg::kTos},
    {"set_l4_src_port", Action::Kind::kSetL4Src, ActionKey::Arg::kL4Port},
    {"set_l4_dst_port", Action::Kind::kSetL4Dst, ActionKey::Arg::kL4Port},
    {"output_to_queue", Action::Kind::kOutputToQueue, ActionKey::Arg::kQueue},
    {"drop", Action::Kind::kDrop, ActionKey::Arg::kFlag},
    {"output_to_controller", Action::Kind::kOutputToController, ActionKey::Arg::kFlag},
};

// The argument of one action, checked for its kind; the canonical text in `out`.
Status action_argument(const json& v, const ActionKey& k, const std::string& path, Action& out) {
  if (k.arg == ActionKey::Arg::kFlag) {
    if (!(v.is_boolean() && v.get<bool>()) && !(v.is_string() && v.get<std::string>() == "true")) {
      return field_error("", path, "expected true");
    }
    return ok_status();
  }
  if (k.arg == ActionKey::Arg::kPort) {
    if (!v.is_string()) {
      return field_error("", path, "expected a port such as vnf:1:inout:0 or endpoint:2");
    }
    CL_ASSIGN_OR_RETURN(out.port, port_ref(v.get<std::string>(), path));
    return ok_status();
  }
  json holder = json::object({{"v", v}});
  FieldReader r(holder, path);
  std::string text;
  std::optional<uint32_t> number;
  switch (k.arg) {
    case ActionKey::Arg::kVlan:
      CL_RETURN_IF_ERROR(number_field(r, "v", 1, 4094, number));
      break;
    case ActionKey::Arg::kPriority:
      CL_RETURN_IF_ERROR(number_field(r, "v", 0, 7, number));
      break;
    case ActionKey::Arg::kTos:
      CL_RETURN_IF_ERROR(number_field(r, "v", 0, 255, number));
      break;
    case ActionKey::Arg::kL4Port:
      CL_RETURN_IF_ERROR(number_field(r, "v", 0, 65535, number));
      break;
    case ActionKey::Arg::kQueue:
      CL_RETURN_IF_ERROR(number_field(r, "v", 0, 65535, number));
      break;
    case ActionKey::Arg::kMac:
      CL_RETURN_IF_ERROR(mac_field(r, "v", text));
      break;
    default:
      CL_RETURN_IF_ERROR(ip_field(r, "v", text));
      break;
  }
  out.value = number ? std::to_string(*number) : text;
  if (out.value.empty()) {
    return field_error("", path, "expected a value");
  }
  return ok_status();
}

}  // namespace

std::optional<uint64_t> parse_hex_uint(std::string_view s) {
  if (s.empty() || s.size() > 8) {
    return std::nullopt;
  }
  uint64_t v = 0;
  for (char c : s) {
    int digit = hex_digit_value(c);
    if (digit < 0) {
      return std::nullopt;
    }
    v = v * 16 + static_cast<uint64_t>(digit);
  }
  return v;
}

bool valid_mac(std::string_view text) {
  if (text.size() != 17) {
    return false;
  }
  for (size_t i = 0; i < 6; ++i) {
    if (!hex_pair(text.substr(i * 3, 2)) || (i < 5 && text[i * 3 + 2] != text[2]) ||
        (text[2] != ':' && text[2] != '-')) {
      return false;
    }
  }
  return true;
}

std::string normal_mac(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = c == '-' ? ':' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool multicast_mac(std::string_view text) {
  auto first = parse_hex_uint(text.substr(0, 2));
  return first && (*first & 1) != 0;
}

bool valid_ipv4(std::string_view text) {
  auto cidr = substrate::Cidr::parse(text);
  return cidr.ok() && cidr->address.family == AF_INET;
}

Status only_keys(const json& object, std::string_view path,
                 const std::vector<std::string_view>& allowed) {
  if (!object.is_object()) {
    return field_error("", path, "expected an object");
  }
  for (const auto& [key, _] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return field_error("", field_join(path, key), "unknown key");
    }
  }
  return ok_status();
}

Status each_item(const json& parent, std::string_view path, std::string_view key, size_t max,
                 const std::function<Status(const json&, const std::string&)>& item) {
  auto it = parent.find(std::string(key));
  if (it == parent.end() || it->is_null()) {
    return ok_status();
  }
  std::string at = field_join(path, key);
  if (!it->is_array()) {
    return field_error("", at, "expected a list");
  }
  if (it->size() > max) {
    return field_error("", at, fmt::format("more than {} items", max));
  }
  for (size_t i = 0; i < it->size(); ++i) {
    CL_RETURN_IF_ERROR(item((*it)[i], field_item(at, i)));
  }
  return ok_status();
}

Result<PortRef> port_ref(std::string_view text, std::string_view path) {
  PortRef ref;
  auto fail = [&] {
    return field_error(
        "", path,
        fmt::format("'{}' is not a port (endpoint:ID or vnf:ID:inout:N)", text.substr(0, 80)));
  };
  for (std::string_view prefix : {"endpoint:", "service-access-point:"}) {
    if (text.rfind(prefix, 0) == 0) {
      ref.id = std::string(text.substr(prefix.size()));
      return ref.id.empty() || ref.id.find(':') != std::string::npos ? Result<PortRef>(fail())
                                                                     : Result<PortRef>(ref);
    }
  }
  for (std::string_view prefix : {"vnf:", "sf:"}) {
    if (text.rfind(prefix, 0) == 0) {
      std::string_view rest = text.substr(prefix.size());
      size_t colon = rest.find(':');
      if (colon == 0 || colon == std::string_view::npos || colon + 1 == rest.size()) {
        return fail();
      }
      ref.kind = PortRef::Kind::kVnf;
      ref.id = std::string(rest.substr(0, colon));
      ref.port = std::string(rest.substr(colon + 1));
      return ref;
    }
  }
  return fail();
}

Result<EndpointType> parse_endpoint_type(std::string_view text, std::string_view path) {
  for (EndpointType t :
       {EndpointType::kInterface, EndpointType::kInterfaceOut, EndpointType::kVlan,
        EndpointType::kGreTunnel, EndpointType::kInternal, EndpointType::kHostStack}) {
    if (text == endpoint_type_name(t)) {
      return t;
    }
  }
  if (text == "gre") {
    return EndpointType::kGreTunnel;  // the seed's spelling
  }
  return field_error("", path,
                     fmt::format("unknown end-point type '{}' (interface, interface-out, vlan, "
                                 "gre-tunnel, internal, host-stack)",
                                 text.substr(0, 80)));
}

namespace {

Status interface_body(const FieldReader& body, size_t max, Endpoint& e) {
  CL_RETURN_IF_ERROR(only_keys(body.value(), body.path(), {"if-name", "node-id"}));
  CL_ASSIGN_OR_RETURN(e.if_name, text_field(body, "if-name", max, true));
  CL_ASSIGN_OR_RETURN(e.node_id, text_field(body, "node-id", max));
  return ok_status();
}

Status vlan_body(const FieldReader& body, size_t max, Endpoint& e) {
  CL_RETURN_IF_ERROR(only_keys(body.value(), body.path(), {"vlan-id", "if-name", "node-id"}));
  std::optional<uint16_t> id;
  CL_RETURN_IF_ERROR(number_field(body, "vlan-id", 1, 4094, id));
  if (!id) {
    return field_error("", body.path("vlan-id"), "is required");
  }
  e.vlan_id = *id;
  CL_ASSIGN_OR_RETURN(e.if_name, text_field(body, "if-name", max, true));
  CL_ASSIGN_OR_RETURN(e.node_id, text_field(body, "node-id", max));
  return ok_status();
}

Status gre_body(const FieldReader& body, Endpoint& e) {
  CL_RETURN_IF_ERROR(
      only_keys(body.value(), body.path(), {"local-ip", "remote-ip", "ttl", "gre-key", "secure"}));
  CL_RETURN_IF_ERROR(ip_field(body, "local-ip", e.local_ip));
  CL_RETURN_IF_ERROR(ip_field(body, "remote-ip", e.remote_ip));
  if (e.local_ip.empty() || e.remote_ip.empty()) {
    return field_error("", body.path(e.local_ip.empty() ? "local-ip" : "remote-ip"), "is required");
  }
  std::optional<uint32_t> key;
  CL_RETURN_IF_ERROR(number_field(body, "gre-key", 0, 0xFFFFFFFF, key));
  if (!key) {
    return field_error("", body.path("gre-key"), "is required");
  }
  e.gre_key = *key;
  CL_RETURN_IF_ERROR(number_field(body, "ttl", 0, 255, e.ttl));
  CL_ASSIGN_OR_RETURN(auto secure, body.opt_bool("secure"));
  e.secure = secure.value_or(false);
  return ok_status();
}

Status internal_body(const FieldReader& body, size_t max, Endpoint& e) {
  CL_RETURN_IF_ERROR(only_keys(body.value(), body.path(), {"internal-group", "node-id"}));
  CL_ASSIGN_OR_RETURN(e.internal_group, text_field(body, "internal-group", max, true));
  CL_ASSIGN_OR_RETURN(e.node_id, text_field(body, "node-id", max));
  return ok_status();
}

// configuration DHCP or static (any case; the reference's README writes STATIC), pppoe (schema).
Status host_stack_body(const FieldReader& body, size_t max, Endpoint& e) {
  const json& v = body.value();
  CL_RETURN_IF_ERROR(only_keys(v, body.path(), {"configuration", "IPv4", "ipv4"}));
  CL_ASSIGN_OR_RETURN(std::string mode, text_field(body, "configuration", max, true));
  std::transform(mode.begin(), mode.end(), mode.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (mode != "dhcp" && mode != "static" && mode != "pppoe") {
    return field_error("", body.path("configuration"), "expected DHCP, static or pppoe");
  }
  e.configuration = mode == "dhcp" ? "DHCP" : mode;
  CL_RETURN_IF_ERROR(ip_field(body, v.contains("IPv4") ? "IPv4" : "ipv4", e.ipv4));
  if (e.configuration == "static" && e.ipv4.empty()) {
    return field_error("", body.path("IPv4"), "is required with configuration static");
  }
  return ok_status();
}

}  // namespace

Status read_endpoint_body(const FieldReader& body, size_t max, Endpoint& e) {
  switch (e.type) {
    case EndpointType::kInterface:
    case EndpointType::kInterfaceOut:
      return interface_body(body, max, e);
    case EndpointType::kVlan:
      return vlan_body(body, max, e);
    case EndpointType::kGreTunnel:
      return gre_body(body, e);
    case EndpointType::kInternal:
      return internal_body(body, max, e);
    case EndpointType::kHostStack:
      return host_stack_body(body, max, e);
  }
  return ok_status();
}

Status read_match_fields(const FieldReader& r, Match& m) {
  CL_RETURN_IF_ERROR(number_field(r, "ether_type", 0, 65535, m.ether_type));
  CL_RETURN_IF_ERROR(number_field(r, "vlan_id", 0, 4094, m.vlan_id));
  CL_RETURN_IF_ERROR(number_field(r, "vlan_priority", 0, 7, m.vlan_priority));
  CL_RETURN_IF_ERROR(mac_field(r, "source_mac", m.source_mac));
  CL_RETURN_IF_ERROR(mac_field(r, "dest_mac", m.dest_mac));
  CL_RETURN_IF_ERROR(ip_field(r, "source_ip", m.source_ip));
  CL_RETURN_IF_ERROR(ip_field(r, "dest_ip", m.dest_ip));
  CL_RETURN_IF_ERROR(ip_field(r, "arp_spa", m.arp_spa));
  CL_RETURN_IF_ERROR(ip_field(r, "arp_tpa", m.arp_tpa));
  CL_RETURN_IF_ERROR(number_field(r, "tos_bits", 0, 255, m.tos_bits));
  CL_RETURN_IF_ERROR(number_field(r, "source_port", 0, 65535, m.source_port));
  CL_RETURN_IF_ERROR(number_field(r, "dest_port", 0, 65535, m.dest_port));
  CL_RETURN_IF_ERROR(number_field(r, "protocol", 0, 255, m.protocol));
  CL_RETURN_IF_ERROR(number_field(r, "hard_timeout", 0, 86400, m.hard_timeout));
  return ok_status();
}

Status read_action_object(const json& object, const std::string& path, const NffgLimits& limits,
                          std::vector<Action>& out) {
  if (!object.is_object() || object.empty()) {
    return field_error("", path, "expected an object with one action");
  }
  for (const auto& item : object.items()) {
    const std::string& key = item.key();
    const json& value = item.value();
    const auto* k = std::find_if(std::begin(kActions), std::end(kActions),
                                 [&](const ActionKey& a) { return a.key == key; });
    std::string at = field_join(path, key);
    if (k == std::end(kActions)) {
      return field_error("", at, "unknown action");
    }
    if (out.size() >= limits.actions_per_rule) {
      return field_error("", path, fmt::format("more than {} actions", limits.actions_per_rule));
    }
    Action a;
    a.kind = k->kind;
    CL_RETURN_IF_ERROR(action_argument(value, *k, at, a));
    out.push_back(std::move(a));
  }
  return ok_status();
}

Status read_control(const json& vnf, std::string_view path, std::vector<ControlPort>& out) {
  return each_item(
      vnf, path, "unify-control", 64, [&](const json& c, const std::string& at) -> Status {
        CL_RETURN_IF_ERROR(only_keys(c, at, {"host-tcp-port", "vnf-tcp-port"}));
        FieldReader r(c, at);
        CL_ASSIGN_OR_RETURN(auto host, r.opt_int("host-tcp-port", 1, 65535));
        CL_ASSIGN_OR_RETURN(auto inner, r.opt_int("vnf-tcp-port", 1, 65535));
        if (!host || !inner) {
          return field_error("", r.path(host ? "vnf-tcp-port" : "host-tcp-port"), "is required");
        }
        out.push_back({*host, *inner});
        return ok_status();
      });
}

Status read_env(const json& vnf, std::string_view path, size_t max, std::vector<std::string>& out) {
  return each_item(
      vnf, path, "unify-env-variables", 256, [&](const json& v, const std::string& at) -> Status {
        CL_RETURN_IF_ERROR(only_keys(v, at, {"variable"}));
        CL_ASSIGN_OR_RETURN(std::string var, text_field(FieldReader(v, at), "variable", max, true));
        size_t eq = var.find('=');
        if (eq == 0 || eq == std::string::npos) {
          return field_error("", field_join(at, "variable"), "expected NAME=value");
        }
        out.push_back(std::move(var));
        return ok_status();
      });
}

Status read_groups(const json& vnf, std::string_view path, size_t max,
                   std::vector<std::string>& out) {
  return each_item(vnf, path, "groups", 64, [&](const json& g, const std::string& at) -> Status {
    if (!g.is_string() || g.get<std::string>().size() > max) {
      return field_error("", at, "expected a group name");
    }
    out.push_back(g.get<std::string>());
    return ok_status();
  });
}

}  // namespace chainlab::unode
