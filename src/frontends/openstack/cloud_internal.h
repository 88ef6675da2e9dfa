// Helpers shared by the cloud_*.cc files (not part of the Cloud API).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "substrate/addr.h"

namespace chainlab::openstack {

uint32_t ipv4_host_order(const substrate::IpAddress& a);
std::string ipv4_string(uint32_t host_order);
// InvalidArgument naming `what` unless `text` is an IPv4 address.
Result<uint32_t> parse_ipv4(std::string_view text, std::string_view what);

}  // namespace chainlab::openstack
