// pcapng (the capture format of Wireshark and tcpdump, IETF draft-ietf-opsawg-pcapng) for
// captures on a switch port: one Section Header Block and one Interface Description Block
// (Ethernet, nanosecond timestamps, the interface's name) at the start, then an Enhanced Packet
// Block per frame carrying its direction as the switch sees it (epb_flags). Written in the host's
// byte order, which the byte-order magic tells readers. libpcap 1.10 (Debian 12) reads pcapng but
// only writes pcap, hence this writer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace chainlab::dataplane {

// Seen from the switch: a frame the instance sent enters the switch (inbound); a frame the switch
// sends to the instance leaves it (outbound).
enum class CaptureDirection : uint8_t { kInbound = 1, kOutbound = 2 };

// The section and interface blocks: what a pcapng stream starts with.
std::string pcapng_header(std::string_view ifname, uint32_t snaplen);

// One frame: `frame` holds the captured bytes (at most the snaplen), `original_length` the
// frame's length on the wire.
std::string pcapng_packet(uint64_t timestamp_ns, std::string_view frame, uint32_t original_length,
                          CaptureDirection direction);

}  // namespace chainlab::dataplane
