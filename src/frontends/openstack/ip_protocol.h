// The IP protocols Neutron names (neutron_lib's IP_PROTOCOL_MAP), shared by flow classifiers
// (sfc_classifier.cc) and security group rules (security_group.cc).
#pragma once

#include <string>
#include <vector>

#include "common/result.h"

namespace chainlab::openstack {

// The protocol's number: a known name or "0".."255"; -1 for "" (any). kInvalidArgument otherwise.
Result<int> ip_protocol_number(const std::string& protocol);

// The names, sorted.
std::vector<std::string> ip_protocol_names();

}  // namespace chainlab::openstack
