#include "frontends/openstack/ip_protocol.h"

#include <charconv>
#include <string_view>
#include <utility>

namespace chainlab::openstack {

namespace {

constexpr std::pair<std::string_view, int> kProtocols[] = {
    {"ah", 51},        {"dccp", 33},      {"egp", 8},         {"esp", 50},       {"gre", 47},
    {"icmp", 1},       {"icmpv6", 58},    {"igmp", 2},        {"ipip", 4},       {"ipv6-encap", 41},
    {"ipv6-frag", 44}, {"ipv6-icmp", 58}, {"ipv6-nonxt", 59}, {"ipv6-opts", 60}, {"ipv6-route", 43},
    {"ospf", 89},      {"pgm", 113},      {"rsvp", 46},       {"sctp", 132},     {"tcp", 6},
    {"udp", 17},       {"udplite", 136},  {"vrrp", 112},
};

}  // namespace

Result<int> ip_protocol_number(const std::string& protocol) {
  if (protocol.empty()) {
    return -1;
  }
  int n = 0;
  auto [ptr, ec] = std::from_chars(protocol.data(), protocol.data() + protocol.size(), n);
  if (ec == std::errc() && ptr == protocol.data() + protocol.size()) {
    if (n < 0 || n > 255) {
      return make_error(ErrorCode::kInvalidArgument, "protocol {} is out of range 0..255", n);
    }
    return n;
  }
  for (const auto& [name, number] : kProtocols) {
    if (name == protocol) {
      return number;
    }
  }
  return make_error(ErrorCode::kInvalidArgument, "protocol '{}' is not supported", protocol);
}

std::vector<std::string> ip_protocol_names() {
  std::vector<std::string> out;
  for (const auto& [name, number] : kProtocols) {
    out.emplace_back(name);
  }
  return out;
}

}  // namespace chainlab::openstack
