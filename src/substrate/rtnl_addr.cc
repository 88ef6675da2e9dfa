// Addresses and routes of Rtnl (links are in rtnl.cc).
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstring>
#include <map>

#include "substrate/names.h"
#include "substrate/rtnl.h"
#include "substrate/rtnl_msg.h"

namespace chainlab::substrate {

namespace {

using rtnl_msg::Request;

Status validate_family(const IpAddress& a, std::string_view what) {
  if (a.family != AF_INET && a.family != AF_INET6) {
    return make_error(ErrorCode::kInvalidArgument, "{}: address family is not set", what);
  }
  return ok_status();
}

void put_ip(nlmsghdr* nlh, uint16_t type, const IpAddress& a) {
  mnl_attr_put(nlh, type, a.size(), a.bytes.data());
}

// An IP address from an attribute of family `family`; nullopt when the size does not match.
std::optional<IpAddress> attr_ip(const nlattr* attr, int family) {
  IpAddress a;
  a.family = family;
  if (mnl_attr_get_payload_len(attr) != a.size()) {
    return std::nullopt;
  }
  std::memcpy(a.bytes.data(), mnl_attr_get_payload(attr), a.size());
  return a;
}

// The IPv4 broadcast address of `c` (host bits set), as `ip addr add ... brd +` computes it.
IpAddress broadcast_of(const Cidr& c) {
  IpAddress b = c.address;
  for (size_t bit = static_cast<size_t>(c.prefix_len); bit < 32; ++bit) {
    b.bytes[bit / 8] |= static_cast<uint8_t>(0x80u >> (bit % 8));
  }
  return b;
}

}  // namespace

Status Rtnl::change_address(int type, std::string_view name, const Cidr& address) {
  bool add = type == RTM_NEWADDR;
  std::string what = fmt::format("{} address {} {} {}", add ? "add" : "delete", address.to_string(),
                                 add ? "to" : "from", name);
  CL_RETURN_IF_ERROR(validate_ifname(name));
  CL_RETURN_IF_ERROR(validate_family(address.address, what));
  CL_ASSIGN_OR_RETURN(int index, link_index(name, what));
  Request req;
  auto* ifa =
      req.start<ifaddrmsg>(static_cast<uint16_t>(type), add ? NLM_F_CREATE | NLM_F_EXCL : 0);
  ifa->ifa_family = static_cast<uint8_t>(address.address.family);
  ifa->ifa_prefixlen = static_cast<uint8_t>(address.prefix_len);
  ifa->ifa_scope = RT_SCOPE_UNIVERSE;
  ifa->ifa_index = static_cast<uint32_t>(index);
  // Like iproute2: IFA_LOCAL is the address, IFA_ADDRESS the same (no peer).
  put_ip(req.nlh(), IFA_LOCAL, address.address);
  put_ip(req.nlh(), IFA_ADDRESS, address.address);
  if (add && address.address.family == AF_INET && address.prefix_len < 31) {
    put_ip(req.nlh(), IFA_BROADCAST, broadcast_of(address));
  }
  return transact(req.nlh(), what);
}

Status Rtnl::add_address(std::string_view name, const Cidr& address) {
  return change_address(RTM_NEWADDR, name, address);
}

Status Rtnl::delete_address(std::string_view name, const Cidr& address) {
  return change_address(RTM_DELADDR, name, address);
}

Result<std::vector<Cidr>> Rtnl::list_addresses(std::string_view name) {
  std::string what = fmt::format("list addresses of {}", name);
  CL_RETURN_IF_ERROR(validate_ifname(name));
  CL_ASSIGN_OR_RETURN(int index, link_index(name, what));
  Request req;
  req.start<ifaddrmsg>(RTM_GETADDR, NLM_F_DUMP)->ifa_family = AF_UNSPEC;
  std::vector<Cidr> out;
  CL_RETURN_IF_ERROR(transact(req.nlh(), what, [&out, index](const nlmsghdr* msg) {
    if (msg->nlmsg_type != RTM_NEWADDR) {
      return ok_status();
    }
    const auto* ifa = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(msg));
    if (static_cast<int>(ifa->ifa_index) != index) {
      return ok_status();
    }
    std::optional<IpAddress> local;
    std::optional<IpAddress> address;
    rtnl_msg::for_each_attr(msg, sizeof(ifaddrmsg), [&](const nlattr* attr) {
      if (mnl_attr_get_type(attr) == IFA_LOCAL) {
        local = attr_ip(attr, ifa->ifa_family);
      } else if (mnl_attr_get_type(attr) == IFA_ADDRESS) {
        address = attr_ip(attr, ifa->ifa_family);
      }
    });
    std::optional<IpAddress> a = local ? local : address;
    if (a) {
      out.push_back(Cidr{*a, ifa->ifa_prefixlen});
    }
    return ok_status();
  }));
  return out;
}

Status Rtnl::change_route(int type, unsigned flags, const Route& route, std::string_view what) {
  bool add = type == RTM_NEWROUTE;
  const Cidr& dst = route.destination;
  CL_RETURN_IF_ERROR(validate_family(dst.address, what));
  if (dst.network() != dst) {
    return make_error(ErrorCode::kInvalidArgument, "{}: destination has host bits set (use {})",
                      what, dst.network().to_string());
  }
  if (route.gateway && route.gateway->family != dst.address.family) {
    return make_error(ErrorCode::kInvalidArgument,
                      "{}: gateway and destination are of different address families", what);
  }
  if (add && !route.gateway && !route.device) {
    return make_error(ErrorCode::kInvalidArgument, "{}: needs a gateway or a device", what);
  }
  int oif = 0;
  if (route.device) {
    CL_RETURN_IF_ERROR(validate_ifname(*route.device));
    CL_ASSIGN_OR_RETURN(oif, link_index(*route.device, what));
  }
  Request req;
  auto* rtm = req.start<rtmsg>(static_cast<uint16_t>(type), static_cast<uint16_t>(flags));
  rtm->rtm_family = static_cast<uint8_t>(dst.address.family);
  rtm->rtm_dst_len = static_cast<uint8_t>(dst.prefix_len);
  rtm->rtm_table = RT_TABLE_MAIN;
  if (add) {
    // As `ip route add`: static, unicast; link scope when there is no gateway.
    rtm->rtm_protocol = RTPROT_BOOT;
    rtm->rtm_type = RTN_UNICAST;
    rtm->rtm_scope = route.gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
  } else {
    rtm->rtm_scope = RT_SCOPE_NOWHERE;  // matches any scope
  }
  if (dst.prefix_len > 0) {
    put_ip(req.nlh(), RTA_DST, dst.address);
  }
  if (route.gateway) {
    put_ip(req.nlh(), RTA_GATEWAY, *route.gateway);
  }
  if (oif != 0) {
    mnl_attr_put_u32(req.nlh(), RTA_OIF, static_cast<uint32_t>(oif));
  }
  return transact(req.nlh(), what);
}

namespace {

std::string describe_route(const Route& r) {
  std::string s = r.destination.to_string();
  if (r.gateway) {
    s += " via " + r.gateway->to_string();
  }
  if (r.device) {
    s += " dev " + *r.device;
  }
  return s;
}

}  // namespace

Status Rtnl::add_route(const Route& route) {
  return change_route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, route,
                      fmt::format("add route {}", describe_route(route)));
}

Status Rtnl::delete_route(const Route& route) {
  return change_route(RTM_DELROUTE, 0, route,
                      fmt::format("delete route {}", describe_route(route)));
}

Status Rtnl::set_default_gateway(const IpAddress& gateway, std::optional<std::string_view> device) {
  Route route;
  route.destination.address.family = gateway.family;
  route.destination.prefix_len = 0;
  route.gateway = gateway;
  if (device) {
    route.device = std::string(*device);
  }
  return change_route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, route,
                      fmt::format("set default route {}", describe_route(route)));
}

Result<std::vector<Route>> Rtnl::list_routes(int family) {
  if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6) {
    return make_error(ErrorCode::kInvalidArgument, "list routes: unknown address family {}",
                      family);
  }
  CL_ASSIGN_OR_RETURN(auto links, list_links());
  std::map<int, std::string> names;
  for (const LinkInfo& l : links) {
    names[l.index] = l.name;
  }
  Request req;
  req.start<rtmsg>(RTM_GETROUTE, NLM_F_DUMP)->rtm_family = static_cast<uint8_t>(family);
  std::vector<Route> out;
  CL_RETURN_IF_ERROR(transact(req.nlh(), "list routes", [&out, &names](const nlmsghdr* msg) {
    if (msg->nlmsg_type != RTM_NEWROUTE) {
      return ok_status();
    }
    const auto* rtm = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(msg));
    if (rtm->rtm_type != RTN_UNICAST || (rtm->rtm_flags & RTM_F_CLONED) != 0 ||
        (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)) {
      return ok_status();
    }
    uint32_t table = rtm->rtm_table;
    Route r;
    r.destination.address.family = rtm->rtm_family;
    r.destination.prefix_len = rtm->rtm_dst_len;
    rtnl_msg::for_each_attr(msg, sizeof(rtmsg), [&](const nlattr* attr) {
      switch (mnl_attr_get_type(attr)) {
        case RTA_TABLE:
          table = mnl_attr_get_u32(attr);
          break;
        case RTA_DST:
          if (auto a = attr_ip(attr, rtm->rtm_family)) {
            r.destination.address = *a;
          }
          break;
        case RTA_GATEWAY:
          r.gateway = attr_ip(attr, rtm->rtm_family);
          break;
        case RTA_OIF: {
          auto it = names.find(static_cast<int>(mnl_attr_get_u32(attr)));
          if (it != names.end()) {
            r.device = it->second;
          }
          break;
        }
        default:
          break;
      }
    });
    if (table == RT_TABLE_MAIN) {
      out.push_back(std::move(r));
    }
    return ok_status();
  }));
  return out;
}

}  // namespace chainlab::substrate
