// GET /restapi/openstack (chainlab): the run's OpenStack PoPs, read-only, for the dashboard:
//   [{"pop", "servers": [{"id", "name", "instance", "status"}],
//     "networks": [{"id", "name", "status", "cidrs": [...]}], "stacks": [{"id", "name",
//     "status"}]}]
#pragma once

#include <nlohmann/json.hpp>

#include "endpoints/openstack/cloud_directory.h"

namespace chainlab::endpoints {

nlohmann::json openstack_view(const CloudDirectory& clouds);

}  // namespace chainlab::endpoints
