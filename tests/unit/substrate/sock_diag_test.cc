// The peer lookup behind "root on loopback needs no token": a real loopback connection in this
// process, looked up in the kernel's socket diagnostics (works unprivileged).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "common/fd.h"
#include "substrate/sock_diag.h"

namespace chainlab::substrate {
namespace {

int port_of(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof(a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin_port);
}

TEST(SockDiag, LoopbackAddresses) {
  EXPECT_TRUE(is_loopback_address("127.0.0.1"));
  EXPECT_TRUE(is_loopback_address("127.8.9.10"));
  EXPECT_TRUE(is_loopback_address("::1"));
  EXPECT_TRUE(is_loopback_address("::ffff:127.0.0.1"));
  EXPECT_FALSE(is_loopback_address("10.0.0.1"));
  EXPECT_FALSE(is_loopback_address("::ffff:10.0.0.1"));
  EXPECT_FALSE(is_loopback_address("not an address"));
}

TEST(SockDiag, FindsTheUidOfTheClientSocket) {
  UniqueFd server(::socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(server.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(server.get(), 1), 0);
  addr.sin_port = htons(static_cast<uint16_t>(port_of(server.get())));
  UniqueFd client(::socket(AF_INET, SOCK_STREAM, 0));
  ASSERT_EQ(::connect(client.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  UniqueFd accepted(::accept(server.get(), nullptr, nullptr));
  ASSERT_TRUE(accepted.valid());

  auto uid =
      loopback_peer_uid({"127.0.0.1", port_of(server.get()), "127.0.0.1", port_of(client.get())});
  ASSERT_TRUE(uid.ok()) << uid.error().message;
  EXPECT_EQ(*uid, ::geteuid());

  auto missing = loopback_peer_uid({"127.0.0.1", port_of(server.get()), "127.0.0.1", 1});
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(loopback_peer_uid({"127.0.0.1", 1, "10.0.0.1", 2}).error().code,
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace chainlab::substrate
