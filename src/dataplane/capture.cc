#include "dataplane/capture.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include <fmt/format.h>

namespace chainlab::dataplane {
namespace {

constexpr size_t kBufferBytes = 256 << 10;  // a GSO frame of the veth (64 KiB) and then some
constexpr size_t kTagOffset = 12;           // after both MAC addresses

Error sys_error(const std::string& what) {
  return make_error(ErrorCode::kInternal, "{}: {}", what, std::strerror(errno));
}

Status set_option(int fd, int level, int name, int value, const char* what) {
  if (::setsockopt(fd, level, name, &value, sizeof value) != 0) {
    return sys_error(what);
  }
  return ok_status();
}

Status attach_filter(int fd, std::vector<sock_filter>& code) {
  sock_fprog prog{static_cast<unsigned short>(code.size()), code.data()};
  if (::setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0) {
    return sys_error("SO_ATTACH_FILTER");
  }
  return ok_status();
}

// The frame's timestamp and its VLAN tag (if the kernel took one off), from the control messages.
void read_controls(msghdr& msg, CapturedFrame& frame, std::optional<uint16_t>& tci) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS) {
      timespec ts;
      std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
      frame.timestamp_ns =
          static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
    } else if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA) {
      tpacket_auxdata aux;
      std::memcpy(&aux, CMSG_DATA(c), sizeof aux);
      if ((aux.tp_status & TP_STATUS_VLAN_VALID) != 0) {
        tci = aux.tp_vlan_tci;
      }
    }
  }
}

void insert_tag(std::string& data, uint16_t tci) {
  if (data.size() < kTagOffset) {
    return;
  }
  uint16_t tag[2] = {htons(ETH_P_8021Q), htons(tci)};
  data.insert(kTagOffset, reinterpret_cast<const char*>(tag), sizeof tag);
}

}  // namespace

Result<std::vector<sock_filter>> compile_capture_filter(const std::string& expression,
                                                        uint32_t snaplen) {
  if (expression.size() > kMaxFilterBytes) {
    return make_error(ErrorCode::kInvalidArgument, "filter: {} bytes, at most {}",
                      expression.size(), kMaxFilterBytes);
  }
  if (expression.find('\0') != std::string::npos) {
    return make_error(ErrorCode::kInvalidArgument, "filter: contains a NUL byte");
  }
  std::unique_ptr<pcap_t, void (*)(pcap_t*)> dead(
      ::pcap_open_dead(DLT_EN10MB, static_cast<int>(snaplen)), ::pcap_close);
  if (!dead) {
    return make_error(ErrorCode::kInternal, "pcap_open_dead failed");
  }
  bpf_program program{};
  if (::pcap_compile(dead.get(), &program, expression.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
    return make_error(ErrorCode::kInvalidArgument, "filter '{}': {}", expression,
                      ::pcap_geterr(dead.get()));
  }
  std::vector<sock_filter> code(program.bf_len);
  static_assert(sizeof(sock_filter) == sizeof(bpf_insn));
  std::memcpy(code.data(), program.bf_insns, program.bf_len * sizeof(sock_filter));
  ::pcap_freecode(&program);
  return code;
}

PortCapture::PortCapture(UniqueFd fd, std::string ifname, uint32_t snaplen)
    : fd_(std::move(fd)), ifname_(std::move(ifname)), snaplen_(snaplen), buffer_(kBufferBytes) {}

Result<PortCapture> PortCapture::open(const std::string& ifname, const CaptureOptions& options) {
  if (options.snaplen < kMinSnaplen || options.snaplen > kMaxSnaplen) {
    return make_error(ErrorCode::kInvalidArgument, "snaplen: {} is not in {}..{}", options.snaplen,
                      kMinSnaplen, kMaxSnaplen);
  }
  CL_ASSIGN_OR_RETURN(auto code, compile_capture_filter(options.filter, options.snaplen));
  unsigned index = ifname.size() < IFNAMSIZ ? ::if_nametoindex(ifname.c_str()) : 0;
  if (index == 0) {
    return make_error(ErrorCode::kNotFound, "no interface '{}' to capture on", ifname);
  }
  // Protocol 0 receives nothing until the bind below: no frame passes before the filter is on.
  UniqueFd fd(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) {
    return sys_error("capture socket");
  }
  CL_RETURN_IF_ERROR(attach_filter(fd.get(), code));
  CL_RETURN_IF_ERROR(set_option(fd.get(), SOL_PACKET, PACKET_AUXDATA, 1, "PACKET_AUXDATA"));
  CL_RETURN_IF_ERROR(set_option(fd.get(), SOL_SOCKET, SO_TIMESTAMPNS, 1, "SO_TIMESTAMPNS"));
  sockaddr_ll addr{};
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = htons(ETH_P_ALL);
  addr.sll_ifindex = static_cast<int>(index);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return sys_error(fmt::format("binding the capture socket to {}", ifname));
  }
  return PortCapture(std::move(fd), ifname, options.snaplen);
}

Result<std::optional<CapturedFrame>> PortCapture::next(std::chrono::milliseconds timeout) {
  pollfd p{fd_.get(), POLLIN, 0};
  int ready = ::poll(&p, 1, static_cast<int>(timeout.count()));
  if (ready < 0 && errno != EINTR) {
    return sys_error("poll on the capture socket");
  }
  if (ready <= 0) {
    return std::optional<CapturedFrame>();
  }
  sockaddr_ll from{};
  iovec iov{buffer_.data(), buffer_.size()};
  alignas(cmsghdr) char control[256];
  msghdr msg{&from, sizeof from, &iov, 1, control, sizeof control, 0};
  ssize_t n = ::recvmsg(fd_.get(), &msg, MSG_TRUNC);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
    return std::optional<CapturedFrame>();
  }
  if (n < 0) {
    return sys_error("reading a captured frame");
  }
  CapturedFrame frame;
  std::optional<uint16_t> tci;
  read_controls(msg, frame, tci);
  size_t got = std::min(static_cast<size_t>(n), buffer_.size());
  frame.data.assign(buffer_.data(), got);
  frame.original_length = static_cast<uint32_t>(n);
  if (tci) {
    insert_tag(frame.data, *tci);
    frame.original_length += 4;
  }
  if (frame.data.size() > snaplen_) {
    frame.data.resize(snaplen_);
  }
  frame.direction = from.sll_pkttype == PACKET_OUTGOING ? CaptureDirection::kOutbound
                                                        : CaptureDirection::kInbound;
  return std::optional<CapturedFrame>(std::move(frame));
}

}  // namespace chainlab::dataplane
