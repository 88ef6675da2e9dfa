#include "emulator/match_parse.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

#include "common/files.h"
#include "substrate/addr.h"

namespace chainlab::emulator {
namespace {

Result<uint64_t> parse_number(std::string_view field, std::string_view v, uint64_t max) {
  int base = 10;
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
    base = 16;
    v.remove_prefix(2);
  }
  uint64_t out = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out, base);
  if (ec != std::errc() || ptr != v.data() + v.size() || v.empty() || out > max) {
    return make_error(ErrorCode::kInvalidArgument, "match {}: '{}' is not a number in 0..{}", field,
                      v, max);
  }
  return out;
}

Result<dataplane::Ipv4Prefix> parse_prefix(std::string_view field, std::string_view v) {
  auto cidr = substrate::Cidr::parse(v);
  if (!cidr.ok() || cidr->address.family != AF_INET) {
    return make_error(ErrorCode::kInvalidArgument, "match {}: '{}' is not an IPv4 address/prefix",
                      field, v);
  }
  dataplane::Ipv4Prefix p;
  std::memcpy(&p.address, cidr->network().address.bytes.data(), 4);
  p.length = static_cast<uint8_t>(cidr->prefix_len);
  return p;
}

}  // namespace

Result<dataplane::Match> parse_match(std::string_view text) {
  dataplane::Match m;
  for (std::string_view item : split(text, ',')) {
    item = trim(item);
    if (item.empty()) {
      continue;
    }
    size_t eq = item.find('=');
    std::string_view key = trim(item.substr(0, eq));
    std::string_view val = eq == std::string_view::npos ? "" : trim(item.substr(eq + 1));
    if (eq == std::string_view::npos) {
      if (key == "ip") {
        m.eth_type = dataplane::kEthTypeIpv4;
      } else if (key == "arp") {
        m.eth_type = dataplane::kEthTypeArp;
      } else if (key == "tcp" || key == "udp" || key == "icmp") {
        m.eth_type = dataplane::kEthTypeIpv4;
        m.ip_proto = key == "tcp" ? 6 : key == "udp" ? 17 : 1;
      } else {
        return make_error(ErrorCode::kInvalidArgument, "match: unknown keyword '{}'", key);
      }
      continue;
    }
    if (key == "dl_type" || key == "eth_type") {
      CL_ASSIGN_OR_RETURN(uint64_t v, parse_number(key, val, 0xffff));
      m.eth_type = static_cast<uint16_t>(v);
    } else if (key == "nw_proto" || key == "ip_proto") {
      CL_ASSIGN_OR_RETURN(uint64_t v, parse_number(key, val, 255));
      m.ip_proto = static_cast<uint8_t>(v);
    } else if (key == "tp_src" || key == "tcp_src" || key == "udp_src") {
      CL_ASSIGN_OR_RETURN(uint64_t v, parse_number(key, val, 65535));
      m.l4_src = static_cast<uint16_t>(v);
    } else if (key == "tp_dst" || key == "tcp_dst" || key == "udp_dst") {
      CL_ASSIGN_OR_RETURN(uint64_t v, parse_number(key, val, 65535));
      m.l4_dst = static_cast<uint16_t>(v);
    } else if (key == "icmp_type" || key == "icmp_code") {  // OpenFlow's names on ICMP
      CL_ASSIGN_OR_RETURN(uint64_t v, parse_number(key, val, 255));
      (key == "icmp_type" ? m.l4_src : m.l4_dst) = static_cast<uint16_t>(v);
    } else if (key == "dl_vlan") {
      CL_ASSIGN_OR_RETURN(uint64_t v, parse_number(key, val, 0xffff));
      m.vlan = v == 0xffff ? dataplane::VlanMatch{dataplane::VlanMatch::Kind::kNone, 0}
                           : dataplane::VlanMatch{dataplane::VlanMatch::Kind::kId,
                                                  static_cast<uint16_t>(v)};
    } else if (key == "nw_src" || key == "ip_src") {
      CL_ASSIGN_OR_RETURN(m.ipv4_src, parse_prefix(key, val));
    } else if (key == "nw_dst" || key == "ip_dst") {
      CL_ASSIGN_OR_RETURN(m.ipv4_dst, parse_prefix(key, val));
    } else if (key == "dl_src" || key == "dl_dst") {
      auto mac = substrate::MacAddress::parse(val);
      if (!mac.ok()) {
        return make_error(ErrorCode::kInvalidArgument, "match {}: '{}' is not a MAC address", key,
                          val);
      }
      dataplane::Mac out{};
      std::copy(mac->bytes.begin(), mac->bytes.end(), out.begin());
      (key == "dl_src" ? m.eth_src : m.eth_dst) = out;
    } else {
      return make_error(ErrorCode::kInvalidArgument, "match: unknown field '{}'", key);
    }
  }
  // Implied prerequisites, as ovs-ofctl adds them.
  if ((m.ip_proto || m.ipv4_src || m.ipv4_dst) && !m.eth_type) {
    m.eth_type = dataplane::kEthTypeIpv4;
  }
  CL_RETURN_IF_ERROR(m.validate());
  return m;
}

}  // namespace chainlab::emulator
