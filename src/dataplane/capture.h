// Packet capture on a switch port from the switch's side (`chainlab capture`, GET
// /restapi/compute/<pop>/<name>/capture/<intf>): an AF_PACKET socket on the host end of an
// instance's veth sees every frame in both directions without entering the instance. A tcpdump
// filter expression is compiled by libpcap to classic BPF and attached to the socket, so frames it
// rejects never leave the kernel. VLAN tags the kernel took off are put back (PACKET_AUXDATA).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <linux/filter.h>

#include "common/fd.h"
#include "common/result.h"
#include "dataplane/pcapng.h"

namespace chainlab::dataplane {

inline constexpr uint32_t kMinSnaplen = 64;
inline constexpr uint32_t kMaxSnaplen = 262144;
inline constexpr size_t kMaxFilterBytes = 4096;

struct CaptureOptions {
  std::string filter;  // tcpdump's syntax (pcap-filter(7)); empty: every frame
  uint32_t snaplen = kMaxSnaplen;
};

struct CapturedFrame {
  uint64_t timestamp_ns = 0;  // since the epoch
  std::string data;           // at most the snaplen
  uint32_t original_length = 0;
  CaptureDirection direction = CaptureDirection::kInbound;
};

// The filter as classic BPF for Ethernet frames. InvalidArgument with libpcap's message for an
// expression it does not accept, or one longer than kMaxFilterBytes.
Result<std::vector<sock_filter>> compile_capture_filter(const std::string& expression,
                                                        uint32_t snaplen);

class PortCapture {
 public:
  // NotFound when no interface is called `ifname`; InvalidArgument for a bad filter or snaplen.
  static Result<PortCapture> open(const std::string& ifname, const CaptureOptions& options);

  // The next frame, or nullopt when none came within `timeout`.
  Result<std::optional<CapturedFrame>> next(std::chrono::milliseconds timeout);

  const std::string& ifname() const { return ifname_; }
  uint32_t snaplen() const { return snaplen_; }

 private:
  PortCapture(UniqueFd fd, std::string ifname, uint32_t snaplen);

  UniqueFd fd_;
  std::string ifname_;
  uint32_t snaplen_;
  std::vector<char> buffer_;
};

}  // namespace chainlab::dataplane
