// Nova (compute) of one PoP's OpenStack control plane (docs/api/openstack.md). Port P + 3774.
// Paths under /v2.1/<tenant> or /v2.1: servers (list, detail, show, create, update, delete,
// actions), os-interface attach/detach, flavors (list, detail, show, create, delete,
// os-extra_specs), images (list, detail, show, delete), limits, availability zones, keypairs
// (empty), plus the version documents at / and /v2.1. Microversions 2.1 to 2.79 are echoed in
// OpenStack-API-Version; errors are {"itemNotFound"|"badRequest"|...: {code, message}}.
#pragma once

#include <memory>

#include "endpoints/http/http.h"
#include "endpoints/openstack/common.h"

namespace chainlab::endpoints {

class NovaEndpoint final : public OpenStackServiceEndpoint {
 public:
  NovaEndpoint(openstack::Cloud& cloud, OpenStackPorts ports);
  void register_routes(httplib::Server& server) override;
};

// The typed requests of the bodies Nova accepts (POST /servers, /flavors, os-interface), from
// the parsed JSON body. InvalidArgument with a Nova-style message for anything malformed.
struct ServerCreateRequest {
  openstack::ServerCreate server;
  // "networks": "auto" (the default): the route adds the PoP's only non-external network, if any.
  bool auto_network = false;
};
Result<ServerCreateRequest> parse_server_create(const nlohmann::json& body);
Result<openstack::FlavorCreate> parse_flavor_create(const nlohmann::json& body);
Result<openstack::ServerNic> parse_interface_attachment(const nlohmann::json& body);

}  // namespace chainlab::endpoints
