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

// The entry of an id-keyed map whose id is `key`, else the first whose `name` is `key` (what the
// OpenStack clients accept for flavors and images); null when none.
template <class Map>
auto find_by_id_or_name(Map& map, const std::string& key) -> decltype(&map.begin()->second) {
  if (auto it = map.find(key); it != map.end()) {
    return &it->second;
  }
  for (auto& entry : map) {
    if (entry.second.name == key) {
      return &entry.second;
    }
  }
  return nullptr;
}

}  // namespace chainlab::openstack
