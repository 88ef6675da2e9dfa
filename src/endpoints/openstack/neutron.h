// Neutron (network) of one PoP's OpenStack control plane (docs/api/openstack.md). Port P + 4696.
// Paths under /v2.0 (each also with a ".json" suffix): networks, subnets, ports, floatingips,
// routers (+ add_router_interface / remove_router_interface), extensions, plus the version
// documents at / and /v2.0. List filters by field (?name=x&network_id=y) and ?fields=. A network
// is an E-LAN of the emulation over its bound ports. Errors: {"NeutronError": {type, message,
// detail}}. The extension list names "sfc" and "flow_classifier" for the networking-sfc routes
// the PoP serves on the same port (make_openstack_endpoints groups them, openstack.h).
#pragma once

#include <memory>

#include "endpoints/http/http.h"
#include "endpoints/openstack/common.h"

namespace chainlab::endpoints {

class NeutronEndpoint final : public OpenStackServiceEndpoint {
 public:
  NeutronEndpoint(openstack::Cloud& cloud, OpenStackPorts ports);
  void register_routes(httplib::Server& server) override;  // the resources, then the rest
};

// JSON shapes shared with other Neutron-style routes (sfc) and Nova's servers/andPorts.
nlohmann::json neutron_port_json(const openstack::Port& port);

// The typed requests of POST/PUT bodies, from the object under the resource's key ({"network":
// {...}} -> the inner object). InvalidArgument naming the field for anything malformed.
Result<openstack::NetworkCreate> parse_network_create(const nlohmann::json& network);
Result<openstack::NetworkUpdate> parse_network_update(const nlohmann::json& network);
Result<openstack::SubnetCreate> parse_subnet_create(const nlohmann::json& subnet);
Result<openstack::SubnetUpdate> parse_subnet_update(const nlohmann::json& subnet);
Result<openstack::PortCreate> parse_port_create(const nlohmann::json& port);
Result<openstack::PortUpdate> parse_port_update(const nlohmann::json& port);
Result<openstack::FloatingIpCreate> parse_floating_ip_create(const nlohmann::json& floatingip);
// Routers: the gateway network from external_gateway_info.network_id (update: absent = unchanged,
// {} or null = none).
Result<openstack::RouterCreate> parse_router_create(const nlohmann::json& router);
Result<openstack::RouterUpdate> parse_router_update(const nlohmann::json& router);

}  // namespace chainlab::endpoints
