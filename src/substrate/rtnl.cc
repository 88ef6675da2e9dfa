#include "substrate/rtnl.h"

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <sched.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "substrate/names.h"
#include "substrate/netns.h"
#include "substrate/rtnl_msg.h"

namespace chainlab::substrate {

namespace {

using rtnl_msg::Request;

// Big enough for the largest datagram of a dump (the kernel caps dump chunks near 32 KiB).
constexpr size_t kRecvBufferSize = 64 * 1024;
constexpr int kMinMtu = 68;
constexpr int kMaxMtu = 65535;

Status validate_mtu(int mtu) {
  if (mtu < kMinMtu || mtu > kMaxMtu) {
    return make_error(ErrorCode::kInvalidArgument, "MTU {} is out of range {}..{}", mtu, kMinMtu,
                      kMaxMtu);
  }
  return ok_status();
}

Status validate_mac(const MacAddress& mac) {
  if ((mac.bytes[0] & 0x01) != 0) {
    return make_error(ErrorCode::kInvalidArgument, "MAC address {} is multicast", mac.to_string());
  }
  if (mac == MacAddress{}) {
    return make_error(ErrorCode::kInvalidArgument, "MAC address {} is all zeros", mac.to_string());
  }
  return ok_status();
}

// The Error for a kernel NLMSG_ERROR reply, with the extended-ack message when there is one.
Error kernel_error(const nlmsghdr* msg, std::string_view what) {
  if (mnl_nlmsg_get_payload_len(msg) < sizeof(nlmsgerr)) {
    return make_error(ErrorCode::kInternal, "{}: truncated netlink error message", what);
  }
  const auto* e = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(msg));
  int err = -e->error;
  Error out = errno_error(err, what);
  if (err == EADDRNOTAVAIL) {
    out.code = ErrorCode::kNotFound;
  } else if (err == ENETUNREACH) {
    out.code = ErrorCode::kFailedPrecondition;
  }
  if ((msg->nlmsg_flags & NLM_F_ACK_TLVS) == 0) {
    return out;
  }
  size_t offset = sizeof(nlmsgerr);
  if ((msg->nlmsg_flags & NLM_F_CAPPED) == 0) {
    offset += e->msg.nlmsg_len - sizeof(nlmsghdr);
  }
  size_t payload_len = mnl_nlmsg_get_payload_len(msg);
  if (offset >= payload_len) {
    return out;
  }
  rtnl_msg::for_each_attr_in(reinterpret_cast<const char*>(e) + MNL_ALIGN(offset),
                             payload_len - MNL_ALIGN(offset), [&out](const nlattr* attr) {
                               if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG) {
                                 out.message += fmt::format(" ({})", rtnl_msg::attr_string(attr));
                               }
                             });
  return out;
}

LinkInfo parse_link(const nlmsghdr* nlh) {
  const auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
  LinkInfo info;
  info.index = ifi->ifi_index;
  info.up = (ifi->ifi_flags & IFF_UP) != 0;
  rtnl_msg::for_each_attr(nlh, sizeof(ifinfomsg), [&info](const nlattr* attr) {
    switch (mnl_attr_get_type(attr)) {
      case IFLA_IFNAME:
        info.name = rtnl_msg::attr_string(attr);
        break;
      case IFLA_ADDRESS:
        if (mnl_attr_get_payload_len(attr) == info.mac.bytes.size()) {
          std::memcpy(info.mac.bytes.data(), mnl_attr_get_payload(attr), info.mac.bytes.size());
        }
        break;
      case IFLA_MTU:
        if (mnl_attr_get_payload_len(attr) >= sizeof(uint32_t)) {
          info.mtu = static_cast<int>(mnl_attr_get_u32(attr));
        }
        break;
      case IFLA_LINKINFO:
        rtnl_msg::for_each_nested(attr, [&info](const nlattr* inner) {
          if (mnl_attr_get_type(inner) == IFLA_INFO_KIND) {
            info.kind = rtnl_msg::attr_string(inner);
          }
        });
        break;
      default:
        break;
    }
  });
  return info;
}

// A socket in the namespace `netns_fd` refers to, opened while this thread is switched into it.
Result<Rtnl> open_in_fd(int netns_fd) {
  UniqueFd saved(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  if (!saved.valid()) {
    return errno_error(errno, "open /proc/thread-self/ns/net");
  }
  if (::setns(netns_fd, CLONE_NEWNET) != 0) {
    return errno_error(errno, fmt::format("enter netns fd {}", netns_fd));
  }
  auto rtnl = Rtnl::open();
  if (::setns(saved.get(), CLONE_NEWNET) != 0) {
    fmt::print(stderr, "chainlab: cannot switch back to the original network namespace: {}\n",
               std::strerror(errno));
    std::abort();
  }
  return rtnl;
}

void put_mac(nlmsghdr* nlh, uint16_t type, const MacAddress& mac) {
  mnl_attr_put(nlh, type, mac.bytes.size(), mac.bytes.data());
}

}  // namespace

Rtnl::Rtnl(mnl_socket* sock)
    : sock_(sock), portid_(mnl_socket_get_portid(sock)), buf_(kRecvBufferSize) {}

Rtnl::Rtnl(Rtnl&& other) noexcept
    : sock_(std::exchange(other.sock_, nullptr)),
      seq_(other.seq_),
      portid_(other.portid_),
      buf_(std::move(other.buf_)) {}

Rtnl& Rtnl::operator=(Rtnl&& other) noexcept {
  if (this != &other) {
    if (sock_ != nullptr) {
      mnl_socket_close(sock_);
    }
    sock_ = std::exchange(other.sock_, nullptr);
    seq_ = other.seq_;
    portid_ = other.portid_;
    buf_ = std::move(other.buf_);
  }
  return *this;
}

Rtnl::~Rtnl() {
  if (sock_ != nullptr) {
    mnl_socket_close(sock_);
  }
}

Result<Rtnl> Rtnl::open() {
  mnl_socket* sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
  if (sock == nullptr) {
    return errno_error(errno, "open rtnetlink socket");
  }
  if (mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0) {
    int err = errno;
    mnl_socket_close(sock);
    return errno_error(err, "bind rtnetlink socket");
  }
  // Best effort: kernel error strings in replies, and no echo of our request in them.
  int one = 1;
  mnl_socket_setsockopt(sock, NETLINK_EXT_ACK, &one, sizeof one);
  mnl_socket_setsockopt(sock, NETLINK_CAP_ACK, &one, sizeof one);
  return Rtnl(sock);
}

Result<Rtnl> Rtnl::open_in(const Netns& ns) {
  return ns.run_in([] { return Rtnl::open(); });
}

Status Rtnl::transact(nlmsghdr* nlh, std::string_view what, const ReplyFn& on_reply) {
  bool dump = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
  nlh->nlmsg_flags |= NLM_F_REQUEST;
  if (!dump) {
    nlh->nlmsg_flags |= NLM_F_ACK;
  }
  nlh->nlmsg_seq = ++seq_;
  if (mnl_socket_sendto(sock_, nlh, nlh->nlmsg_len) < 0) {
    return errno_error(errno, fmt::format("{}: send netlink request", what));
  }
  // Read until the ACK (or DONE), even after a failure, so that no reply of this request is left
  // in the socket. Replies to earlier requests (other sequence numbers) are skipped.
  std::optional<Error> failure;
  bool done = false;
  while (!done) {
    ssize_t n = mnl_socket_recvfrom(sock_, buf_.data(), buf_.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno_error(errno, fmt::format("{}: receive netlink reply", what));
    }
    int len = static_cast<int>(n);
    for (const auto* msg = reinterpret_cast<const nlmsghdr*>(buf_.data());
         !done && mnl_nlmsg_ok(msg, len); msg = mnl_nlmsg_next(msg, &len)) {
      if (msg->nlmsg_seq != seq_ || msg->nlmsg_pid != portid_) {
        continue;
      }
      if (msg->nlmsg_type == NLMSG_ERROR) {
        done = true;
        if (mnl_nlmsg_get_payload_len(msg) < sizeof(nlmsgerr) ||
            static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(msg))->error != 0) {
          if (!failure) {
            failure = kernel_error(msg, what);
          }
        }
      } else if (msg->nlmsg_type == NLMSG_DONE) {
        done = true;
        if (mnl_nlmsg_get_payload_len(msg) >= sizeof(int)) {
          int err = *static_cast<const int*>(mnl_nlmsg_get_payload(msg));
          if (err < 0 && !failure) {
            failure = errno_error(-err, what);
          }
        }
      } else if (msg->nlmsg_type >= NLMSG_MIN_TYPE) {
        if ((msg->nlmsg_flags & NLM_F_DUMP_INTR) != 0 && !failure) {
          failure = make_error(ErrorCode::kUnavailable,
                               "{}: dump interrupted by a concurrent change; retry", what);
        }
        if (on_reply && !failure) {
          Status s = on_reply(msg);
          if (!s.ok()) {
            failure = std::move(s).error().context(what);
          }
        }
      }
    }
  }
  if (failure) {
    return std::move(*failure);
  }
  return ok_status();
}

Result<int> Rtnl::link_index(std::string_view name, std::string_view what) {
  auto link = get_link(name);
  if (!link.ok()) {
    return std::move(link).error().context(what);
  }
  return link->index;
}

Status Rtnl::create_veth(const VethSpec& spec) {
  std::string what = fmt::format("create veth {}/{}", spec.name, spec.peer_name);
  auto check = [&what](Status s) -> Status {
    if (!s.ok()) {
      return std::move(s).error().context(what);
    }
    return s;
  };
  CL_RETURN_IF_ERROR(check(validate_ifname(spec.name)));
  CL_RETURN_IF_ERROR(check(validate_ifname(spec.peer_name)));
  if (spec.peer_netns_fd < 0 && spec.name == spec.peer_name) {
    return make_error(ErrorCode::kInvalidArgument, "{}: both ends have the same name", what);
  }
  if (spec.mtu) {
    CL_RETURN_IF_ERROR(check(validate_mtu(*spec.mtu)));
  }
  if (spec.mac) {
    CL_RETURN_IF_ERROR(check(validate_mac(*spec.mac)));
  }
  if (spec.peer_mac) {
    CL_RETURN_IF_ERROR(check(validate_mac(*spec.peer_mac)));
  }

  Request req;
  req.start<ifinfomsg>(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL)->ifi_family = AF_UNSPEC;
  nlmsghdr* nlh = req.nlh();
  mnl_attr_put_strz(nlh, IFLA_IFNAME, spec.name.c_str());
  if (spec.mac) {
    put_mac(nlh, IFLA_ADDRESS, *spec.mac);
  }
  if (spec.mtu) {
    mnl_attr_put_u32(nlh, IFLA_MTU, static_cast<uint32_t>(*spec.mtu));
  }
  nlattr* linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
  mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
  nlattr* data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
  nlattr* peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
  // The peer attribute starts with its own ifinfomsg, then the peer's link attributes.
  mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg));
  mnl_attr_put_strz(nlh, IFLA_IFNAME, spec.peer_name.c_str());
  if (spec.peer_netns_fd >= 0) {
    mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, static_cast<uint32_t>(spec.peer_netns_fd));
  }
  if (spec.peer_mac) {
    put_mac(nlh, IFLA_ADDRESS, *spec.peer_mac);
  }
  if (spec.mtu) {
    mnl_attr_put_u32(nlh, IFLA_MTU, static_cast<uint32_t>(*spec.mtu));
  }
  mnl_attr_nest_end(nlh, peer);
  mnl_attr_nest_end(nlh, data);
  mnl_attr_nest_end(nlh, linkinfo);
  return transact(nlh, what);
}

Status Rtnl::create_vxlan(const VxlanSpec& spec) {
  std::string what = fmt::format("create vxlan {}", spec.name);
  CL_RETURN_IF_ERROR(validate_ifname(spec.name));
  if (spec.vni > 0xFFFFFF) {
    return make_error(ErrorCode::kInvalidArgument, "{}: VNI {} is beyond 24 bits", what, spec.vni);
  }
  if (spec.local.family != spec.remote.family ||
      (spec.local.family != AF_INET && spec.local.family != AF_INET6)) {
    return make_error(ErrorCode::kInvalidArgument, "{}: local and remote must be both IPv4 or IPv6",
                      what);
  }
  bool v4 = spec.local.family == AF_INET;
  Request req;
  req.start<ifinfomsg>(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL)->ifi_family = AF_UNSPEC;
  nlmsghdr* nlh = req.nlh();
  mnl_attr_put_strz(nlh, IFLA_IFNAME, spec.name.c_str());
  nlattr* linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
  mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vxlan");
  nlattr* data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
  mnl_attr_put_u32(nlh, IFLA_VXLAN_ID, spec.vni);
  mnl_attr_put(nlh, v4 ? IFLA_VXLAN_LOCAL : IFLA_VXLAN_LOCAL6, spec.local.size(),
               spec.local.bytes.data());
  mnl_attr_put(nlh, v4 ? IFLA_VXLAN_GROUP : IFLA_VXLAN_GROUP6, spec.remote.size(),
               spec.remote.bytes.data());
  mnl_attr_put_u16(nlh, IFLA_VXLAN_PORT, htons(spec.port));
  mnl_attr_put_u8(nlh, IFLA_VXLAN_TTL, spec.ttl);
  mnl_attr_put_u8(nlh, IFLA_VXLAN_LEARNING, 0);
  mnl_attr_nest_end(nlh, data);
  mnl_attr_nest_end(nlh, linkinfo);
  return transact(nlh, what);
}

Status Rtnl::create_bridge(std::string_view name) {
  std::string what = fmt::format("create bridge {}", name);
  CL_RETURN_IF_ERROR(validate_ifname(name));
  Request req;
  req.start<ifinfomsg>(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL)->ifi_family = AF_UNSPEC;
  nlmsghdr* nlh = req.nlh();
  mnl_attr_put_strz(nlh, IFLA_IFNAME, std::string(name).c_str());
  nlattr* linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
  mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
  mnl_attr_nest_end(nlh, linkinfo);
  return transact(nlh, what);
}

Status Rtnl::set_master(std::string_view name, std::string_view master) {
  std::string what = fmt::format("enslave {} to {}", name, master);
  CL_ASSIGN_OR_RETURN(int index, link_index(master, what));
  return set_attribute(name, what, ok_status(), [index](nlmsghdr* nlh) {
    mnl_attr_put_u32(nlh, IFLA_MASTER, static_cast<uint32_t>(index));
  });
}

Status Rtnl::delete_link(std::string_view name) {
  std::string what = fmt::format("delete link {}", name);
  CL_RETURN_IF_ERROR(validate_ifname(name));
  Request req;
  req.start<ifinfomsg>(RTM_DELLINK, 0)->ifi_family = AF_UNSPEC;
  mnl_attr_put_strz(req.nlh(), IFLA_IFNAME, std::string(name).c_str());
  return transact(req.nlh(), what);
}

Result<LinkInfo> Rtnl::get_link(std::string_view name) {
  std::string what = fmt::format("get link {}", name);
  CL_RETURN_IF_ERROR(validate_ifname(name));
  Request req;
  req.start<ifinfomsg>(RTM_GETLINK, 0)->ifi_family = AF_UNSPEC;
  mnl_attr_put_strz(req.nlh(), IFLA_IFNAME, std::string(name).c_str());
  mnl_attr_put_u32(req.nlh(), IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
  std::optional<LinkInfo> info;
  CL_RETURN_IF_ERROR(transact(req.nlh(), what, [&info](const nlmsghdr* msg) {
    if (msg->nlmsg_type == RTM_NEWLINK) {
      info = parse_link(msg);
    }
    return ok_status();
  }));
  if (!info) {
    return make_error(ErrorCode::kInternal, "{}: the kernel sent no link", what);
  }
  return std::move(*info);
}

Result<std::vector<LinkInfo>> Rtnl::list_links() {
  Request req;
  req.start<ifinfomsg>(RTM_GETLINK, NLM_F_DUMP)->ifi_family = AF_UNSPEC;
  mnl_attr_put_u32(req.nlh(), IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
  std::vector<LinkInfo> links;
  CL_RETURN_IF_ERROR(transact(req.nlh(), "list links", [&links](const nlmsghdr* msg) {
    if (msg->nlmsg_type == RTM_NEWLINK) {
      links.push_back(parse_link(msg));
    }
    return ok_status();
  }));
  return links;
}

Status Rtnl::set_up(std::string_view name, bool up) {
  std::string what = fmt::format("set link {} {}", name, up ? "up" : "down");
  CL_RETURN_IF_ERROR(validate_ifname(name));
  Request req;
  auto* ifi = req.start<ifinfomsg>(RTM_SETLINK, 0);
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_change = IFF_UP;
  ifi->ifi_flags = up ? IFF_UP : 0;
  mnl_attr_put_strz(req.nlh(), IFLA_IFNAME, std::string(name).c_str());
  return transact(req.nlh(), what);
}

Status Rtnl::set_attribute(std::string_view name, const std::string& what, Status valid,
                           const std::function<void(nlmsghdr*)>& put) {
  CL_RETURN_IF_ERROR(validate_ifname(name));
  if (!valid.ok()) {
    return std::move(valid).error().context(what);
  }
  Request req;
  req.start<ifinfomsg>(RTM_SETLINK, 0)->ifi_family = AF_UNSPEC;
  mnl_attr_put_strz(req.nlh(), IFLA_IFNAME, std::string(name).c_str());
  put(req.nlh());
  return transact(req.nlh(), what);
}

Status Rtnl::set_mtu(std::string_view name, int mtu) {
  return set_attribute(
      name, fmt::format("set MTU of {} to {}", name, mtu), validate_mtu(mtu),
      [mtu](nlmsghdr* nlh) { mnl_attr_put_u32(nlh, IFLA_MTU, static_cast<uint32_t>(mtu)); });
}

Status Rtnl::set_mac(std::string_view name, const MacAddress& mac) {
  return set_attribute(name, fmt::format("set MAC of {} to {}", name, mac.to_string()),
                       validate_mac(mac),
                       [&mac](nlmsghdr* nlh) { put_mac(nlh, IFLA_ADDRESS, mac); });
}

Status Rtnl::rename(std::string_view name, std::string_view new_name) {
  std::string what = fmt::format("rename link {} to {}", name, new_name);
  CL_RETURN_IF_ERROR(validate_ifname(name));
  CL_RETURN_IF_ERROR(validate_ifname(new_name));
  auto link = get_link(name);
  if (!link.ok()) {
    return std::move(link).error().context(what);
  }
  auto set_flags = [this, index = link->index, &what](bool up) {
    Request req;
    auto* ifi = req.start<ifinfomsg>(RTM_SETLINK, 0);
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = index;
    ifi->ifi_change = IFF_UP;
    ifi->ifi_flags = up ? IFF_UP : 0;
    return transact(req.nlh(), what);
  };
  if (link->up) {
    CL_RETURN_IF_ERROR(set_flags(false));
  }
  Request req;
  auto* ifi = req.start<ifinfomsg>(RTM_SETLINK, 0);
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = link->index;
  mnl_attr_put_strz(req.nlh(), IFLA_IFNAME, std::string(new_name).c_str());
  Status renamed = transact(req.nlh(), what);
  if (link->up) {
    Status restored = set_flags(true);
    if (renamed.ok() && !restored.ok()) {
      return restored;
    }
  }
  return renamed;
}

Status Rtnl::move_to_netns(std::string_view name, int netns_fd,
                           std::optional<std::string_view> new_name) {
  std::string what =
      new_name ? fmt::format("move link {} to netns fd {} as {}", name, netns_fd, *new_name)
               : fmt::format("move link {} to netns fd {}", name, netns_fd);
  CL_RETURN_IF_ERROR(validate_ifname(name));
  if (new_name) {
    CL_RETURN_IF_ERROR(validate_ifname(*new_name));
  }
  if (netns_fd < 0) {
    return make_error(ErrorCode::kInvalidArgument, "{}: invalid namespace fd", what);
  }
  if (new_name) {
    // The kernel moves the link first and renames it afterwards, so a name taken in the target
    // namespace would leave it moved under its old name: check the target first.
    auto target = open_in_fd(netns_fd);
    if (!target.ok()) {
      return std::move(target).error().context(what);
    }
    auto taken = target->get_link(*new_name);
    if (taken.ok()) {
      return make_error(ErrorCode::kAlreadyExists,
                        "{}: a link named {} already exists in the target namespace", what,
                        *new_name);
    }
    if (taken.error().code != ErrorCode::kNotFound) {
      return std::move(taken).error().context(what);
    }
  }
  Request req;
  auto* ifi = req.start<ifinfomsg>(RTM_SETLINK, 0);
  ifi->ifi_family = AF_UNSPEC;
  if (new_name) {
    // IFLA_IFNAME carries the new name, so the link is addressed by index.
    CL_ASSIGN_OR_RETURN(ifi->ifi_index, link_index(name, what));
    mnl_attr_put_strz(req.nlh(), IFLA_IFNAME, std::string(*new_name).c_str());
  } else {
    mnl_attr_put_strz(req.nlh(), IFLA_IFNAME, std::string(name).c_str());
  }
  mnl_attr_put_u32(req.nlh(), IFLA_NET_NS_FD, static_cast<uint32_t>(netns_fd));
  return transact(req.nlh(), what);
}

}  // namespace chainlab::substrate
