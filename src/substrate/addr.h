// IP prefixes (CIDR) and MAC addresses: parsed once at the edge, then passed as values.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace chainlab::substrate {

// An IPv4 or IPv6 address.
struct IpAddress {
  int family = 0;                   // AF_INET or AF_INET6
  std::array<uint8_t, 16> bytes{};  // network order; IPv4 uses the first 4

  static Result<IpAddress> parse(std::string_view text);
  size_t size() const;  // 4 or 16
  std::string to_string() const;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

// An address with a prefix length: "10.0.0.1/24", "fd00::1/64". A bare address gets /32 or /128.
struct Cidr {
  IpAddress address;
  int prefix_len = 0;

  // Rejects garbage, out-of-range octets, prefix lengths beyond 32/128, and trailing junk.
  static Result<Cidr> parse(std::string_view text);
  std::string to_string() const;
  // The network part only (host bits cleared): 10.0.0.1/24 -> 10.0.0.0/24.
  Cidr network() const;
  // Dotted netmask for IPv4 ("255.255.255.0"); son-emu status reports it.
  std::string netmask() const;
  friend bool operator==(const Cidr&, const Cidr&) = default;
};

struct MacAddress {
  std::array<uint8_t, 6> bytes{};

  // "aa:bb:cc:dd:ee:ff" (case-insensitive, also '-' separators). Rejects multicast addresses.
  static Result<MacAddress> parse(std::string_view text);
  // A random locally administered unicast address.
  static MacAddress random();
  std::string to_string() const;
  friend bool operator==(const MacAddress&, const MacAddress&) = default;
};

}  // namespace chainlab::substrate
