// Address pools of the orchestration layer: a SubnetPool hands out consecutive IPv4 subnets of one
// size from a base range (son-emu's E-Line pool 20.0.x.0/24, E-LAN 30.0.x.0/24, SAP 10.10.x.0/30)
// and takes them back; a HostPool hands out the host addresses of one subnet (Neutron allocation
// pools, the .1/.2 ends of an E-Line). Values with no locking: the owner serialises access.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "common/result.h"
#include "substrate/addr.h"

namespace chainlab::orchestration {

class SubnetPool {
 public:
  // `base` "20.0.0.0/8" split into subnets of `prefix_len` (e.g. 24): 20.0.0.0/24, 20.0.1.0/24...
  // InvalidArgument unless base is IPv4 and base.prefix_len <= prefix_len <= 30.
  static Result<SubnetPool> create(std::string_view base, int prefix_len);

  // The lowest free subnet; ResourceExhausted when all are taken.
  Result<substrate::Cidr> take();
  // Marks a given subnet as used (a static address's subnet); AlreadyExists when taken,
  // InvalidArgument when it is not one of this pool's subnets.
  Status reserve(const substrate::Cidr& subnet);
  void give_back(const substrate::Cidr& subnet);
  size_t used() const { return used_.size(); }
  size_t capacity() const { return capacity_; }

 private:
  uint32_t base_ = 0;  // host order
  int prefix_len_ = 0;
  size_t capacity_ = 0;
  std::set<uint32_t> used_;  // subnet indexes
};

class HostPool {
 public:
  // Hosts first..last inclusive of `subnet` (default: network+1 up to broadcast-1). A gateway
  // inside the range is the caller's to reserve().
  static Result<HostPool> create(const substrate::Cidr& subnet, std::string_view first = "",
                                 std::string_view last = "");
  // The lowest free host as "a.b.c.d/len"; ResourceExhausted when full.
  Result<substrate::Cidr> take();
  // A specific address: InvalidArgument outside the subnet, AlreadyExists when taken.
  Status reserve(const substrate::IpAddress& address);
  void give_back(const substrate::IpAddress& address);
  const substrate::Cidr& subnet() const { return subnet_; }

 private:
  substrate::Cidr subnet_;
  uint32_t first_ = 0;
  uint32_t last_ = 0;
  std::set<uint32_t> used_;
};

}  // namespace chainlab::orchestration
