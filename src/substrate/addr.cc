#include "substrate/addr.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <random>

#include "common/hex.h"

namespace chainlab::substrate {

namespace {

// Parses a decimal prefix length of 1..3 digits, no sign, no spaces. -1 when malformed.
int parse_prefix_len(std::string_view text) {
  if (text.empty() || text.size() > 3) {
    return -1;
  }
  int v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return -1;
    }
    v = v * 10 + (c - '0');
  }
  return v;
}

int max_prefix_len(const IpAddress& a) {
  return a.family == AF_INET ? 32 : 128;
}

}  // namespace

Result<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "IP address is empty");
  }
  if (text.size() > INET6_ADDRSTRLEN || text.find('\0') != std::string_view::npos) {
    return make_error(ErrorCode::kInvalidArgument, "'{}' is not an IP address", text);
  }
  std::string s(text);
  IpAddress a;
  if (s.find(':') != std::string::npos) {
    a.family = AF_INET6;
  } else {
    a.family = AF_INET;
  }
  if (::inet_pton(a.family, s.c_str(), a.bytes.data()) != 1) {
    return make_error(ErrorCode::kInvalidArgument, "'{}' is not an {} address", text,
                      a.family == AF_INET ? "IPv4" : "IPv6");
  }
  return a;
}

size_t IpAddress::size() const {
  return family == AF_INET ? 4 : 16;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (family != AF_INET && family != AF_INET6) {
    return "<unset>";
  }
  ::inet_ntop(family, bytes.data(), buf, sizeof buf);
  return buf;
}

Result<Cidr> Cidr::parse(std::string_view text) {
  size_t slash = text.find('/');
  std::string_view addr_text = text.substr(0, slash);
  if (addr_text.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "'{}' has no address before the prefix", text);
  }
  auto addr = IpAddress::parse(addr_text);
  if (!addr.ok()) {
    return std::move(addr).error().context(fmt::format("invalid prefix '{}'", text));
  }
  Cidr c;
  c.address = *addr;
  c.prefix_len = max_prefix_len(c.address);
  if (slash == std::string_view::npos) {
    return c;
  }
  int len = parse_prefix_len(text.substr(slash + 1));
  if (len < 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "invalid prefix '{}': prefix length must be a decimal number", text);
  }
  if (len > max_prefix_len(c.address)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "invalid prefix '{}': prefix length {} exceeds {}", text, len,
                      max_prefix_len(c.address));
  }
  c.prefix_len = len;
  return c;
}

std::string Cidr::to_string() const {
  return fmt::format("{}/{}", address.to_string(), prefix_len);
}

Cidr Cidr::network() const {
  Cidr n = *this;
  size_t total_bits = address.size() * 8;
  for (size_t bit = static_cast<size_t>(prefix_len); bit < total_bits; ++bit) {
    n.address.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
  }
  return n;
}

std::string Cidr::netmask() const {
  IpAddress mask;
  mask.family = address.family;
  for (size_t bit = 0; bit < static_cast<size_t>(prefix_len) && bit < mask.size() * 8; ++bit) {
    mask.bytes[bit / 8] |= static_cast<uint8_t>(0x80u >> (bit % 8));
  }
  return mask.to_string();
}

Result<MacAddress> MacAddress::parse(std::string_view text) {
  // Exactly "xx:xx:xx:xx:xx:xx" (or with '-'), one separator kind throughout.
  auto invalid = [&]() {
    return make_error(ErrorCode::kInvalidArgument,
                      "'{}' is not a MAC address (expected aa:bb:cc:dd:ee:ff)", text);
  };
  if (text.size() != 17) {
    return invalid();
  }
  char sep = text[2];
  if (sep != ':' && sep != '-') {
    return invalid();
  }
  MacAddress m;
  for (size_t i = 0; i < 6; ++i) {
    size_t at = i * 3;
    if (i > 0 && text[at - 1] != sep) {
      return invalid();
    }
    int hi = hex_digit_value(text[at]);
    int lo = hex_digit_value(text[at + 1]);
    if (hi < 0 || lo < 0) {
      return invalid();
    }
    m.bytes[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  if ((m.bytes[0] & 0x01) != 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "'{}' is a multicast MAC address; an interface needs a unicast one", text);
  }
  if (m == MacAddress{}) {
    return make_error(ErrorCode::kInvalidArgument, "'{}' is the all-zero MAC address", text);
  }
  return m;
}

MacAddress MacAddress::random() {
  std::random_device rd;
  MacAddress m;
  for (size_t i = 0; i < m.bytes.size(); i += 2) {
    unsigned v = rd();
    m.bytes[i] = static_cast<uint8_t>(v);
    m.bytes[i + 1] = static_cast<uint8_t>(v >> 8);
  }
  // Locally administered (bit 1 set), unicast (bit 0 clear).
  m.bytes[0] = static_cast<uint8_t>((m.bytes[0] & 0xfe) | 0x02);
  return m;
}

std::string MacAddress::to_string() const {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", bytes[0], bytes[1], bytes[2],
                     bytes[3], bytes[4], bytes[5]);
}

}  // namespace chainlab::substrate
