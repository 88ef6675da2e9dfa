// Links, addresses and routes through rtnetlink (libmnl): one socket, bound to the namespace it was
// opened in. One request costs one syscall round trip (tens of microseconds), against milliseconds
// for one `ip` command.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/fd.h"
#include "common/result.h"
#include "substrate/addr.h"

struct mnl_socket;
struct nlmsghdr;

namespace chainlab::substrate {

class Netns;

struct VethSpec {
  std::string name;        // end created in this socket's namespace
  std::string peer_name;   // other end
  int peer_netns_fd = -1;  // namespace for the peer end (-1: same as `name`)
  std::optional<MacAddress> mac;
  std::optional<MacAddress> peer_mac;
  std::optional<int> mtu;  // both ends; 68..65535
};

// A VXLAN device (RFC 7348, UDP): a point-to-point tunnel from `local` to `remote`, both IPv4 or
// both IPv6, without MAC learning (everything it is given goes to `remote`).
struct VxlanSpec {
  std::string name;
  uint32_t vni = 0;  // 0..16777215
  IpAddress local;
  IpAddress remote;
  uint16_t port = 4789;  // UDP destination port (IANA's)
  uint8_t ttl = 0;       // 0: inherit from the inner packet
};

struct LinkInfo {
  int index = 0;
  std::string name;
  MacAddress mac;
  int mtu = 0;
  bool up = false;   // administratively up (IFF_UP)
  std::string kind;  // "veth", "bridge", ... ("" when unknown)
};

struct Route {
  Cidr destination;                   // 0.0.0.0/0 for the default route
  std::optional<IpAddress> gateway;   // via
  std::optional<std::string> device;  // dev
};

class Rtnl {
 public:
  // A socket in the calling thread's namespace.
  static Result<Rtnl> open();
  // A socket in `ns` (opened while switched into it).
  static Result<Rtnl> open_in(const Netns& ns);

  Rtnl(Rtnl&&) noexcept;
  Rtnl& operator=(Rtnl&&) noexcept;
  ~Rtnl();

  // Both ends are created in one request; invalid names, a taken name or a bad MTU fail with a
  // precise error and create nothing.
  Status create_veth(const VethSpec& spec);
  // Invalid names, a VNI beyond 24 bits or mixed address families fail and create nothing.
  Status create_vxlan(const VxlanSpec& spec);
  // A Linux bridge (down, no address).
  Status create_bridge(std::string_view name);
  // Makes `name` a port of the bridge `master`.
  Status set_master(std::string_view name, std::string_view master);
  Status delete_link(std::string_view name);
  Result<LinkInfo> get_link(std::string_view name);
  Result<std::vector<LinkInfo>> list_links();
  Status set_up(std::string_view name, bool up);
  Status set_mtu(std::string_view name, int mtu);
  Status set_mac(std::string_view name, const MacAddress& mac);
  // The link must be down to be renamed (kernel rule); this takes it down and restores its state.
  Status rename(std::string_view name, std::string_view new_name);
  // Moves the link into another namespace, optionally renaming it on the way.
  Status move_to_netns(std::string_view name, int netns_fd,
                       std::optional<std::string_view> new_name = std::nullopt);
  Status add_address(std::string_view name, const Cidr& address);
  Status delete_address(std::string_view name, const Cidr& address);
  Result<std::vector<Cidr>> list_addresses(std::string_view name);
  Status add_route(const Route& route);
  Status delete_route(const Route& route);
  // Unicast routes of the main table, IPv4 and IPv6 (family AF_UNSPEC) or one family.
  Result<std::vector<Route>> list_routes(int family = 0);
  // Replaces the default route: via `gateway`, optionally pinned to `device`.
  Status set_default_gateway(const IpAddress& gateway,
                             std::optional<std::string_view> device = std::nullopt);

 private:
  using ReplyFn = std::function<Status(const nlmsghdr* nlh)>;

  explicit Rtnl(mnl_socket* sock);
  // Sends one request (it gets the next sequence number) and waits for its ACK, or for the end of
  // a dump (NLM_F_DUMP). Replies go to `on_reply`; a kernel error becomes an Error with `what`.
  Status transact(nlmsghdr* nlh, std::string_view what, const ReplyFn& on_reply = nullptr);
  // RTM_SETLINK of interface `name` with the attributes `put` adds, once `valid` (the value's
  // check) is ok; errors say `what`.
  Status set_attribute(std::string_view name, const std::string& what, Status valid,
                       const std::function<void(nlmsghdr*)>& put);
  // Index of the link `name` in this socket's namespace.
  Result<int> link_index(std::string_view name, std::string_view what);
  // RTM_NEWADDR / RTM_DELADDR.
  Status change_address(int type, std::string_view name, const Cidr& address);
  // RTM_NEWROUTE / RTM_DELROUTE with the given NLM_F_* flags.
  Status change_route(int type, unsigned flags, const Route& route, std::string_view what);

  mnl_socket* sock_ = nullptr;
  unsigned seq_ = 0;
  unsigned portid_ = 0;
  std::vector<char> buf_;  // receive buffer, large enough for one multi-part dump datagram
};

}  // namespace chainlab::substrate
