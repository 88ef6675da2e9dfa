#include "substrate/sock_diag.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

namespace chainlab::substrate {
namespace {

struct MnlCloser {
  void operator()(mnl_socket* s) const { mnl_socket_close(s); }
};

// "::ffff:127.0.0.1" -> "127.0.0.1"; anything else unchanged.
std::string unmapped(const std::string& ip) {
  constexpr std::string_view kMapped = "::ffff:";
  if (ip.size() > kMapped.size() && ip.compare(0, kMapped.size(), kMapped) == 0 &&
      ip.find('.') != std::string::npos) {
    return ip.substr(kMapped.size());
  }
  return ip;
}

// Writes the address into `out` (4 x 32-bit words, network order); false when unparseable.
bool put_address(int family, const std::string& ip, uint32_t out[4]) {
  return ::inet_pton(family, ip.c_str(), out) == 1;
}

struct Answer {
  bool found = false;
  uint32_t uid = 0;
};

int on_message(const nlmsghdr* nlh, void* data) {
  auto* answer = static_cast<Answer*>(data);
  if (nlh->nlmsg_type == SOCK_DIAG_BY_FAMILY &&
      mnl_nlmsg_get_payload_len(nlh) >= sizeof(inet_diag_msg)) {
    const auto* msg = static_cast<const inet_diag_msg*>(mnl_nlmsg_get_payload(nlh));
    answer->found = true;
    answer->uid = msg->idiag_uid;
  }
  return MNL_CB_OK;
}

}  // namespace

bool is_loopback_address(const std::string& raw) {
  std::string ip = unmapped(raw);
  in_addr v4{};
  if (::inet_pton(AF_INET, ip.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  return ::inet_pton(AF_INET6, ip.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

Result<uint32_t> loopback_peer_uid(const TcpConnection& c) {
  if (!is_loopback_address(c.remote_ip)) {
    return make_error(ErrorCode::kInvalidArgument, "{} is not a loopback address", c.remote_ip);
  }
  std::string remote = unmapped(c.remote_ip);
  std::string local = unmapped(c.local_ip);
  int family = remote.find(':') == std::string::npos ? AF_INET : AF_INET6;
  inet_diag_req_v2 req{};
  req.sdiag_family = static_cast<uint8_t>(family);
  req.sdiag_protocol = IPPROTO_TCP;
  req.idiag_states = ~0u;
  req.id.idiag_sport = htons(static_cast<uint16_t>(c.remote_port));
  req.id.idiag_dport = htons(static_cast<uint16_t>(c.local_port));
  req.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
  req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
  if (!put_address(family, remote, req.id.idiag_src) ||
      !put_address(family, local, req.id.idiag_dst)) {
    return make_error(ErrorCode::kInvalidArgument, "bad address pair {} / {}", remote, local);
  }
  std::unique_ptr<mnl_socket, MnlCloser> sock(mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC));
  if (!sock || mnl_socket_bind(sock.get(), 0, MNL_SOCKET_AUTOPID) < 0) {
    return errno_error(errno, "sock_diag socket");
  }
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
  nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
  nlh->nlmsg_flags = NLM_F_REQUEST;
  nlh->nlmsg_seq = 1;
  std::memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(req)), &req, sizeof(req));
  if (mnl_socket_sendto(sock.get(), nlh, nlh->nlmsg_len) < 0) {
    return errno_error(errno, "sock_diag request");
  }
  ssize_t n = mnl_socket_recvfrom(sock.get(), buf.data(), buf.size());
  if (n < 0) {
    return errno_error(errno, "sock_diag answer");
  }
  Answer answer;
  int rc = mnl_cb_run(buf.data(), static_cast<size_t>(n), 1, mnl_socket_get_portid(sock.get()),
                      on_message, &answer);
  if (rc < 0 && !answer.found) {
    return errno == ENOENT ? make_error(ErrorCode::kNotFound, "no socket {}:{} -> {}:{}", remote,
                                        c.remote_port, local, c.local_port)
                           : errno_error(errno, "sock_diag lookup");
  }
  if (!answer.found) {
    return make_error(ErrorCode::kNotFound, "no socket {}:{} -> {}:{}", remote, c.remote_port,
                      local, c.local_port);
  }
  return answer.uid;
}

}  // namespace chainlab::substrate
