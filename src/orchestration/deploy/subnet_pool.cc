#include "orchestration/deploy/subnet_pool.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cstring>

namespace chainlab::orchestration {
namespace {

uint32_t to_host(const substrate::IpAddress& a) {
  uint32_t n;
  std::memcpy(&n, a.bytes.data(), 4);
  return ntohl(n);
}

substrate::Cidr to_cidr(uint32_t host_order, int prefix_len) {
  substrate::Cidr c;
  c.address.family = AF_INET;
  uint32_t n = htonl(host_order);
  std::memcpy(c.address.bytes.data(), &n, 4);
  c.prefix_len = prefix_len;
  return c;
}

uint32_t mask(int prefix_len) {
  return prefix_len == 0 ? 0 : ~uint32_t{0} << (32 - prefix_len);
}

Result<uint32_t> parse_host(std::string_view text) {
  CL_ASSIGN_OR_RETURN(substrate::IpAddress a, substrate::IpAddress::parse(text));
  if (a.family != AF_INET) {
    return make_error(ErrorCode::kInvalidArgument, "'{}' is not an IPv4 address", text);
  }
  return to_host(a);
}

}  // namespace

Result<SubnetPool> SubnetPool::create(std::string_view base, int prefix_len) {
  CL_ASSIGN_OR_RETURN(substrate::Cidr cidr, substrate::Cidr::parse(base));
  if (cidr.address.family != AF_INET) {
    return make_error(ErrorCode::kInvalidArgument, "subnet pool '{}' is not IPv4", base);
  }
  if (prefix_len < cidr.prefix_len || prefix_len > 30) {
    return make_error(ErrorCode::kInvalidArgument,
                      "subnet pool '{}': subnet size /{} must be between /{} and /30", base,
                      prefix_len, cidr.prefix_len);
  }
  SubnetPool pool;
  pool.base_ = to_host(cidr.network().address);
  pool.prefix_len_ = prefix_len;
  pool.capacity_ = size_t{1} << (prefix_len - cidr.prefix_len);
  return pool;
}

Result<substrate::Cidr> SubnetPool::take() {
  for (size_t i = 0; i < capacity_; ++i) {
    if (used_.insert(static_cast<uint32_t>(i)).second) {
      return to_cidr(base_ + (static_cast<uint32_t>(i) << (32 - prefix_len_)), prefix_len_);
    }
  }
  return make_error(ErrorCode::kResourceExhausted, "all {} subnets of {} are in use", capacity_,
                    to_cidr(base_, prefix_len_).to_string());
}

Status SubnetPool::reserve(const substrate::Cidr& subnet) {
  uint32_t net = to_host(subnet.network().address);
  uint32_t offset = net - base_;
  if (subnet.address.family != AF_INET || subnet.prefix_len != prefix_len_ || net < base_ ||
      (offset >> (32 - prefix_len_)) >= capacity_) {
    return make_error(ErrorCode::kInvalidArgument, "{} is not a subnet of this pool",
                      subnet.to_string());
  }
  if (!used_.insert(offset >> (32 - prefix_len_)).second) {
    return make_error(ErrorCode::kAlreadyExists, "subnet {} is in use",
                      subnet.network().to_string());
  }
  return ok_status();
}

void SubnetPool::give_back(const substrate::Cidr& subnet) {
  uint32_t net = to_host(subnet.network().address);
  if (net >= base_) {
    used_.erase((net - base_) >> (32 - prefix_len_));
  }
}

Result<HostPool> HostPool::create(const substrate::Cidr& subnet, std::string_view first,
                                  std::string_view last) {
  if (subnet.address.family != AF_INET || subnet.prefix_len > 30) {
    return make_error(ErrorCode::kInvalidArgument,
                      "host pool {}: an IPv4 subnet of at most /30 is needed", subnet.to_string());
  }
  HostPool pool;
  pool.subnet_ = subnet.network();
  uint32_t net = to_host(pool.subnet_.address);
  uint32_t broadcast = net | ~mask(subnet.prefix_len);
  pool.first_ = net + 1;
  pool.last_ = broadcast - 1;
  if (!first.empty()) {
    CL_ASSIGN_OR_RETURN(pool.first_, parse_host(first));
  }
  if (!last.empty()) {
    CL_ASSIGN_OR_RETURN(pool.last_, parse_host(last));
  }
  if (pool.first_ <= net || pool.last_ >= broadcast || pool.first_ > pool.last_) {
    return make_error(ErrorCode::kInvalidArgument, "allocation pool {}..{} is not inside {}",
                      to_cidr(pool.first_, 32).address.to_string(),
                      to_cidr(pool.last_, 32).address.to_string(), pool.subnet_.to_string());
  }
  return pool;
}

Result<substrate::Cidr> HostPool::take() {
  for (uint32_t h = first_; h <= last_; ++h) {
    if (used_.insert(h).second) {
      return to_cidr(h, subnet_.prefix_len);
    }
    if (h == last_) {
      break;
    }
  }
  return make_error(ErrorCode::kResourceExhausted, "no free address left in {}",
                    subnet_.to_string());
}

Status HostPool::reserve(const substrate::IpAddress& address) {
  uint32_t h = address.family == AF_INET ? to_host(address) : 0;
  uint32_t net = to_host(subnet_.address);
  uint32_t broadcast = net | ~mask(subnet_.prefix_len);
  if (address.family != AF_INET || h <= net || h >= broadcast) {
    return make_error(ErrorCode::kInvalidArgument, "{} is not a host address of {}",
                      address.to_string(), subnet_.to_string());
  }
  if (!used_.insert(h).second) {
    return make_error(ErrorCode::kAlreadyExists, "address {} is in use", address.to_string());
  }
  return ok_status();
}

void HostPool::give_back(const substrate::IpAddress& address) {
  if (address.family == AF_INET) {
    used_.erase(to_host(address));
  }
}

}  // namespace chainlab::orchestration
