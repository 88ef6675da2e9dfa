#include "dataplane/pcapng.h"

#include <cstring>

namespace chainlab::dataplane {
namespace {

constexpr uint32_t kSectionHeader = 0x0A0D0D0A;
constexpr uint32_t kInterfaceDescription = 1;
constexpr uint32_t kEnhancedPacket = 6;
constexpr uint32_t kByteOrderMagic = 0x1A2B3C4D;
constexpr uint16_t kLinkTypeEthernet = 1;
constexpr uint16_t kOptEnd = 0;
constexpr uint16_t kOptIfName = 2;
constexpr uint16_t kOptIfTsResol = 9;
constexpr uint16_t kOptEpbFlags = 2;
constexpr uint8_t kNanoseconds = 9;  // if_tsresol: 10^-9 s
constexpr size_t kMaxIfNameBytes = 255;

template <typename T>
void put(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

void pad4(std::string& out) {
  out.append((4 - out.size() % 4) % 4, '\0');
}

void put_option(std::string& out, uint16_t code, std::string_view value) {
  put<uint16_t>(out, code);
  put<uint16_t>(out, static_cast<uint16_t>(value.size()));
  out.append(value);
  pad4(out);
}

// A block: type, total length, body (a multiple of 4 bytes), total length again.
std::string block(uint32_t type, const std::string& body) {
  std::string out;
  auto total = static_cast<uint32_t>(12 + body.size());
  put(out, type);
  put(out, total);
  out += body;
  put(out, total);
  return out;
}

}  // namespace

std::string pcapng_header(std::string_view ifname, uint32_t snaplen) {
  std::string section;
  put(section, kByteOrderMagic);
  put<uint16_t>(section, 1);  // version 1.0
  put<uint16_t>(section, 0);
  put<int64_t>(section, -1);  // section length: not given (a stream)
  std::string interface;
  put(interface, kLinkTypeEthernet);
  put<uint16_t>(interface, 0);
  put(interface, snaplen);
  put_option(interface, kOptIfName, ifname.substr(0, kMaxIfNameBytes));
  put_option(interface, kOptIfTsResol,
             std::string_view(reinterpret_cast<const char*>(&kNanoseconds), 1));
  put_option(interface, kOptEnd, {});
  return block(kSectionHeader, section) + block(kInterfaceDescription, interface);
}

std::string pcapng_packet(uint64_t timestamp_ns, std::string_view frame, uint32_t original_length,
                          CaptureDirection direction) {
  std::string body;
  put<uint32_t>(body, 0);  // the one interface
  put(body, static_cast<uint32_t>(timestamp_ns >> 32));
  put(body, static_cast<uint32_t>(timestamp_ns & 0xffffffffu));
  put(body, static_cast<uint32_t>(frame.size()));
  put(body, original_length);
  body.append(frame);
  pad4(body);
  std::string flags;
  put(flags, static_cast<uint32_t>(direction));  // bits 0-1: 01 inbound, 10 outbound
  put_option(body, kOptEpbFlags, flags);
  put_option(body, kOptEnd, {});
  return block(kEnhancedPacket, body);
}

}  // namespace chainlab::dataplane
