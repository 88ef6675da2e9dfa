// A service's part for an OpenStack cloud as a Heat template (HOT, as JSON): the part's one
// infra is the cloud. Each NF becomes an OS::Nova::Server (image: settings.images[type], else
// the type; flavor: settings.flavor) with one OS::Neutron::Port per NF port; a port whose NF
// port meets a SAP (through a hop of the part) is on that SAP's network (settings.saps), the
// others on the service's own OS::Neutron::Net "<stack>-net" with a subnet of its own.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "frontends/escape/mdo/cloud_adapter.h"
#include "frontends/escape/nffg.h"

namespace chainlab::escape {

// InvalidArgument naming the element for a part that is not one infra or a hop to a SAP the
// settings do not name.
Result<nlohmann::json> part_to_hot(const Nffg& part, const std::string& stack,
                                   const CloudSettings& settings);

}  // namespace chainlab::escape
