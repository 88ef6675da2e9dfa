// AF_PACKET I/O on a host interface (internal to the data plane): a raw socket bound to one
// interface with PACKET_VNET_HDR (GSO/TSO super-frames and partial checksums pass intact),
// PACKET_QDISC_BYPASS and PACKET_IGNORE_OUTGOING, read and written in batches with
// recvmmsg/sendmmsg. PACKET_AUXDATA gives back the VLAN tag the kernel's offload took off a
// received frame; it is put back into the frame.
#pragma once

#include <linux/if_packet.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <string>
#include <vector>

#include "common/fd.h"
#include "common/result.h"
#include "dataplane/packet.h"

namespace chainlab::dataplane {

// Opens a non-blocking packet socket bound to `ifname`. Also turns off IPv6 on the interface so
// the host stack does not talk on a switch port.
Result<UniqueFd> open_packet_socket(const std::string& ifname, int buffer_bytes);

// Opens `count` such sockets on `ifname`, one per worker. With more than one they form a
// PACKET_FANOUT group (hash mode, an id the kernel picks): the kernel hands each frame to one of
// them by its flow's symmetric hash, so a flow and its replies stay with one worker, in order.
Result<std::vector<UniqueFd>> open_packet_sockets(const std::string& ifname, int buffer_bytes,
                                                  size_t count);

// Closes packet sockets from several threads at once: each close waits for an RCU grace period
// in the kernel (~20 ms here), and concurrent closes share them. Never call on the worker thread.
void close_sockets(std::vector<UniqueFd> fds);

// Frames sent with PACKET_QDISC_BYPASS (the default of open_packet_socket) skip the kernel's
// transmit path, taps included: packet sockets on the interface (a capture) do not see them.
void set_qdisc_bypass(int fd, bool bypass);

// Reusable scatter/gather arrays for one batch (sized once; no allocation per batch).
class BatchIo {
 public:
  explicit BatchIo(uint32_t batch);
  uint32_t batch() const { return batch_; }

  // Receives up to `n` frames into `pkts` (already allocated). Returns how many arrived (0 when
  // none), or -errno. Truncated frames get len 0 (the caller drops them).
  int receive(int fd, Packet** pkts, uint32_t n);
  // Sends `n` frames; returns how many the kernel took, or -errno if none.
  int send(int fd, Packet* const* pkts, uint32_t n);

 private:
  uint32_t batch_;
  std::vector<mmsghdr> msgs_;
  std::vector<iovec> iovs_;
  // One PACKET_AUXDATA control buffer per frame (the VLAN tag the kernel took off), aligned as
  // the CMSG macros need.
  struct alignas(cmsghdr) Control {
    char data[CMSG_SPACE(sizeof(tpacket_auxdata))];
  };
  std::vector<Control> controls_;
};

}  // namespace chainlab::dataplane
