// Internal to the rtnl implementation (rtnl.cc, rtnl_addr.cc): request buffers and attribute
// iteration over libmnl. Not part of the substrate API.
#pragma once

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include <array>
#include <cstring>
#include <string>
#include <string_view>

namespace chainlab::substrate::rtnl_msg {

// One request message. Requests are small (a few attributes), far below this size.
class Request {
 public:
  // Starts a message of `type` with `flags` (NLM_F_REQUEST is added by Rtnl::transact) and a
  // zeroed family header of type `Header`, which it returns.
  template <typename Header>
  Header* start(uint16_t type, uint16_t flags) {
    buf_.fill(0);
    nlh_ = mnl_nlmsg_put_header(buf_.data());
    nlh_->nlmsg_type = type;
    nlh_->nlmsg_flags = flags;
    return static_cast<Header*>(mnl_nlmsg_put_extra_header(nlh_, sizeof(Header)));
  }
  nlmsghdr* nlh() { return nlh_; }

 private:
  alignas(nlmsghdr) std::array<char, 4096> buf_{};
  nlmsghdr* nlh_ = nullptr;
};

// Calls `fn(const nlattr*)` for each attribute in [start, start + len).
template <typename F>
void for_each_attr_in(const void* start, size_t len, F&& fn) {
  const char* begin = static_cast<const char*>(start);
  const auto* attr = static_cast<const nlattr*>(start);
  while (mnl_attr_ok(attr, static_cast<int>(len - (reinterpret_cast<const char*>(attr) - begin)))) {
    fn(attr);
    attr = mnl_attr_next(attr);
  }
}

// Calls `fn` for each top-level attribute of `nlh` after its `header_len`-byte family header.
template <typename F>
void for_each_attr(const nlmsghdr* nlh, size_t header_len, F&& fn) {
  size_t payload_len = mnl_nlmsg_get_payload_len(nlh);
  if (payload_len < MNL_ALIGN(header_len)) {
    return;
  }
  for_each_attr_in(mnl_nlmsg_get_payload_offset(nlh, header_len),
                   payload_len - MNL_ALIGN(header_len), fn);
}

// Calls `fn` for each attribute nested in `nest`.
template <typename F>
void for_each_nested(const nlattr* nest, F&& fn) {
  for_each_attr_in(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest), fn);
}

// A string attribute's value, tolerating a missing terminator.
inline std::string attr_string(const nlattr* attr) {
  const char* p = static_cast<const char*>(mnl_attr_get_payload(attr));
  return std::string(p, strnlen(p, mnl_attr_get_payload_len(attr)));
}

}  // namespace chainlab::substrate::rtnl_msg
