// networking-sfc REST API of one PoP (docs/api/openstack-sfc.md), served on the Neutron port
// (P + 4696) beside Neutron through an EndpointGroup, registered first.
//   /v2.0/sfc/port_pairs, /v2.0/sfc/port_pair_groups, /v2.0/sfc/flow_classifiers,
//   /v2.0/sfc/port_chains: GET (list, ?field=value filters, ?fields=), POST (create, 201),
//   and /<id>: GET, PUT (update), DELETE (204); every path also with a ".json" suffix.
// Bodies as python3-neutronclient's `openstack sfc ...` sends them ({"port_pair": {...}}), answers
// with project_id and tenant_id. X-Auth-Token is checked against the Cloud (401 otherwise);
// errors are {"NeutronError": {"type", "message", "detail"}}. Over the PoP's Sfc (made and owned
// by the composition root, app/services.h): port chains are realised as emulator chains and
// removed with it.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "endpoints/http/http.h"
#include "endpoints/openstack/common.h"
#include "frontends/openstack/cloud.h"
#include "frontends/openstack/sfc.h"

namespace chainlab::endpoints {

class OpenStackSfcEndpoint final : public OpenStackServiceEndpoint {
 public:
  // `cloud` and `sfc` (the PoP's, app/services.h) outlive the endpoint.
  OpenStackSfcEndpoint(openstack::Cloud& cloud, openstack::Sfc& sfc);
  void register_routes(httplib::Server& server) override;

 private:
  openstack::Sfc& sfc_;
};

// The request readers behind the routes. The body's object under `key` ({"port_pair": {...}}),
// refusing attributes outside `allowed` (and project_id/tenant_id) as Neutron does:
Result<nlohmann::json> sfc_resource_body(const httplib::Request& req, const std::string& key,
                                         const std::set<std::string>& allowed);
// The typed create requests from that object (the CLI's strings for numbers and booleans are
// accepted). InvalidArgument naming the attribute otherwise.
Result<openstack::PortPairCreate> parse_port_pair_create(const nlohmann::json& port_pair);
Result<openstack::PortPairGroupCreate> parse_port_pair_group_create(
    const nlohmann::json& port_pair_group);
Result<openstack::FlowClassifierCreate> parse_flow_classifier_create(
    const nlohmann::json& flow_classifier);
Result<openstack::PortChainCreate> parse_port_chain_create(const nlohmann::json& port_chain);

}  // namespace chainlab::endpoints
