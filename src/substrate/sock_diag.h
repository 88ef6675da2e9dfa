// Who is at the other end of a local TCP connection: the kernel's socket-diagnostics netlink
// (NETLINK_SOCK_DIAG, as `ss -e` uses it) looked up by the connection's four-tuple. Peer
// credentials (SO_PEERCRED) exist only for Unix sockets; this is the TCP equivalent for
// connections whose both ends live in this network namespace (loopback).
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"

namespace chainlab::substrate {

struct TcpConnection {
  std::string local_ip;  // our (accepting) side, as printed by inet_ntop
  int local_port = 0;
  std::string remote_ip;  // the client's side
  int remote_port = 0;
};

// True for 127.0.0.0/8, ::1 and ::ffff:127.x.y.z.
bool is_loopback_address(const std::string& ip);

// The uid owning the client socket of `connection` (the socket whose source is the remote end
// and whose destination is the local end). InvalidArgument unless the remote end is a loopback
// address; NotFound when the kernel knows no such socket (the client already closed it).
Result<uint32_t> loopback_peer_uid(const TcpConnection& connection);

}  // namespace chainlab::substrate
