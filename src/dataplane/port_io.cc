#include "dataplane/port_io.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "common/files.h"
#include "dataplane/frame.h"

namespace chainlab::dataplane {

Result<UniqueFd> open_packet_socket(const std::string& ifname, int buffer_bytes) {
  unsigned index = ::if_nametoindex(ifname.c_str());
  if (index == 0) {
    return make_error(ErrorCode::kNotFound, "no interface named '{}'", ifname);
  }
  // Protocol 0 until bound: no frames from other interfaces slip in before bind().
  UniqueFd fd(::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    return errno_error(errno, "socket(AF_PACKET)");
  }
  int one = 1;
  auto opt = [&](int level, int name, int value, const char* what) -> Status {
    if (::setsockopt(fd.get(), level, name, &value, sizeof value) != 0) {
      return errno_error(errno, fmt::format("setsockopt {} on {}", what, ifname));
    }
    return ok_status();
  };
  CL_RETURN_IF_ERROR(opt(SOL_PACKET, PACKET_VNET_HDR, one, "PACKET_VNET_HDR"));
  CL_RETURN_IF_ERROR(opt(SOL_PACKET, PACKET_QDISC_BYPASS, one, "PACKET_QDISC_BYPASS"));
  CL_RETURN_IF_ERROR(opt(SOL_PACKET, PACKET_IGNORE_OUTGOING, one, "PACKET_IGNORE_OUTGOING"));
  CL_RETURN_IF_ERROR(opt(SOL_PACKET, PACKET_AUXDATA, one, "PACKET_AUXDATA"));
  CL_RETURN_IF_ERROR(opt(SOL_SOCKET, SO_RCVBUFFORCE, buffer_bytes, "SO_RCVBUFFORCE"));
  CL_RETURN_IF_ERROR(opt(SOL_SOCKET, SO_SNDBUFFORCE, buffer_bytes, "SO_SNDBUFFORCE"));
  sockaddr_ll addr{};
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = htons(ETH_P_ALL);
  addr.sll_ifindex = static_cast<int>(index);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return errno_error(errno, fmt::format("bind packet socket to {}", ifname));
  }
  // Best effort: a switch port has no business sending router solicitations or MLD reports.
  (void)write_file(fmt::format("/proc/sys/net/ipv6/conf/{}/disable_ipv6", ifname), "1");
  return fd;
}

// PACKET_FANOUT_FLAG_IGNORE_OUTGOING (Linux 6.2; older kernels ignore unknown flags, and the fast
// path's socket filter drops outgoing frames itself): Debian 12's headers predate it.
constexpr int kFanoutIgnoreOutgoing = 0x4000;

Result<std::vector<UniqueFd>> open_packet_sockets(const std::string& ifname, int buffer_bytes,
                                                  size_t count) {
  std::vector<UniqueFd> fds;
  for (size_t i = 0; i < count; ++i) {
    CL_ASSIGN_OR_RETURN(UniqueFd fd, open_packet_socket(ifname, buffer_bytes));
    fds.push_back(std::move(fd));
  }
  if (count < 2) {
    return fds;
  }
  // The first socket makes the group with an id unused in this network namespace; the others
  // join it by that id, in worker order. The group, not each socket, decides whether frames
  // leaving through the interface reach it: ignore them, as PACKET_IGNORE_OUTGOING does for one.
  int arg = (PACKET_FANOUT_HASH | kFanoutIgnoreOutgoing | PACKET_FANOUT_FLAG_UNIQUEID) << 16;
  if (::setsockopt(fds[0].get(), SOL_PACKET, PACKET_FANOUT, &arg, sizeof arg) != 0) {
    return errno_error(errno, fmt::format("PACKET_FANOUT on {}", ifname));
  }
  int group = 0;
  socklen_t len = sizeof group;
  if (::getsockopt(fds[0].get(), SOL_PACKET, PACKET_FANOUT, &group, &len) != 0) {
    return errno_error(errno, fmt::format("PACKET_FANOUT id on {}", ifname));
  }
  arg = (group & 0xffff) | ((PACKET_FANOUT_HASH | kFanoutIgnoreOutgoing) << 16);
  for (size_t i = 1; i < count; ++i) {
    if (::setsockopt(fds[i].get(), SOL_PACKET, PACKET_FANOUT, &arg, sizeof arg) != 0) {
      return errno_error(errno, fmt::format("join PACKET_FANOUT group on {}", ifname));
    }
  }
  // Frames that came in while the sockets were opened one by one may sit in several of them
  // (each was bound before it joined): drop them rather than forward them twice.
  char sink[64];
  for (const auto& fd : fds) {
    while (::recv(fd.get(), sink, sizeof sink, MSG_DONTWAIT | MSG_TRUNC) >= 0) {
    }
  }
  return fds;
}

void close_sockets(std::vector<UniqueFd> fds) {
  constexpr size_t kThreads = 16;
  if (fds.size() <= 1) {
    return;  // the destructor closes it
  }
  std::vector<std::thread> threads;
  size_t per = (fds.size() + kThreads - 1) / kThreads;
  for (size_t start = 0; start < fds.size(); start += per) {
    size_t end = std::min(fds.size(), start + per);
    threads.emplace_back([&fds, start, end] {
      for (size_t i = start; i < end; ++i) {
        fds[i].reset();
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
}

void set_qdisc_bypass(int fd, bool bypass) {
  int value = bypass ? 1 : 0;
  (void)::setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &value, sizeof value);
}

namespace {

constexpr uint32_t kTagRoom = 4;  // an 802.1Q tag

// The kernel takes a received frame's outer VLAN tag off (VLAN offload on veth, VXLAN, most
// NICs) and reports it beside the frame (PACKET_AUXDATA): put it back in the frame, where the
// flow tables match it. False when it does not fit (the caller drops the frame). The tag's
// priority bits are not kept (push_vlan writes PCP 0).
bool restore_vlan(const msghdr& msg, Packet& p) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr;
       c = CMSG_NXTHDR(const_cast<msghdr*>(&msg), c)) {
    if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA) {
      continue;
    }
    tpacket_auxdata aux;
    std::memcpy(&aux, CMSG_DATA(c), sizeof aux);
    if ((aux.tp_status & TP_STATUS_VLAN_VALID) != 0) {
      return push_vlan(p, aux.tp_vlan_tci);
    }
  }
  return true;
}

}  // namespace

BatchIo::BatchIo(uint32_t batch)
    : batch_(batch), msgs_(batch), iovs_(2 * batch), controls_(batch) {}

int BatchIo::receive(int fd, Packet** pkts, uint32_t n) {
  n = std::min(n, batch_);
  for (uint32_t i = 0; i < n; ++i) {
    Packet* p = pkts[i];
    iovs_[2 * i] = {&p->vnet, sizeof(VnetHeader)};
    iovs_[2 * i + 1] = {p->data, kMaxFrame - kTagRoom};  // room for a restored tag
    msgs_[i].msg_hdr = msghdr{};
    msgs_[i].msg_hdr.msg_iov = &iovs_[2 * i];
    msgs_[i].msg_hdr.msg_iovlen = 2;
    msgs_[i].msg_hdr.msg_control = controls_[i].data;
    msgs_[i].msg_hdr.msg_controllen = sizeof controls_[i].data;
    msgs_[i].msg_len = 0;
  }
  int got = ::recvmmsg(fd, msgs_.data(), n, MSG_DONTWAIT, nullptr);
  if (got < 0) {
    return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
  }
  for (int i = 0; i < got; ++i) {
    Packet* p = pkts[i];
    uint32_t total = msgs_[i].msg_len;
    bool truncated = (msgs_[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
    p->len = truncated || total < sizeof(VnetHeader) ? 0 : total - sizeof(VnetHeader);
    if (p->len != 0 && !restore_vlan(msgs_[i].msg_hdr, *p)) {
      p->len = 0;
    }
  }
  return got;
}

int BatchIo::send(int fd, Packet* const* pkts, uint32_t n) {
  n = std::min(n, batch_);
  for (uint32_t i = 0; i < n; ++i) {
    Packet* p = pkts[i];
    // DATA_VALID is meaningful on receive only.
    p->vnet.flags &= static_cast<uint8_t>(~kVnetDataValid);
    iovs_[2 * i] = {&p->vnet, sizeof(VnetHeader)};
    iovs_[2 * i + 1] = {p->data, p->len};
    msgs_[i].msg_hdr = msghdr{};
    msgs_[i].msg_hdr.msg_iov = &iovs_[2 * i];
    msgs_[i].msg_hdr.msg_iovlen = 2;
  }
  int sent = ::sendmmsg(fd, msgs_.data(), n, MSG_DONTWAIT);
  return sent < 0 ? -errno : sent;
}

}  // namespace chainlab::dataplane
