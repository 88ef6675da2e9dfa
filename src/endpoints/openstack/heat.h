// Heat (orchestration, API v1) of one PoP's OpenStack control plane (docs/api/heat.md), shaped as
// python3-heatclient expects. Port P + 3004. Over the PoP's StackEngine (frontends/openstack/
// heat_stacks.h) and Cloud, both made and owned by the composition root (app/services.h). Every /v1
// route needs a valid X-Auth-Token (401).
//
// Routes (<t>: the project; <s>: a stack name or id, optionally followed by /<id>):
//   GET  /                                     version document (300)
//   GET  /v1/<t>/stacks                        {"stacks": [...]}
//   POST /v1/<t>/stacks                        {stack_name, template (object or text),
//                                              parameters, environment, files, timeout_mins}
//                                              -> 201 {"stack": {"id", "links"}}
//   POST /v1/<t>/validate                      {"template"} -> {"Description", "Parameters"}
//   GET  /v1/<t>/stacks/<name or id>           302 to /v1/<t>/stacks/<name>/<id>
//   GET  /v1/<t>/stacks/<name>/<id>            {"stack": {...}} (resolve_outputs=False: none)
//   PUT | PATCH  /v1/<t>/stacks/<s>            update (PATCH: existing template and parameters)
//                                              -> 202
//   DELETE /v1/<t>/stacks/<s>                  204
//   GET  /v1/<t>/stacks/<s>/template | resources[/<name>] | outputs[/<key>] | events
//   GET  /v1/<t>/resource_types, /v1/<t>/build_info
// Errors: {"explanation", "code", "error": {"message", "traceback", "type"}, "title"}.
#pragma once

#include <memory>

#include "endpoints/http/http.h"
#include "endpoints/openstack/common.h"
#include "frontends/openstack/heat_stacks.h"

namespace chainlab::endpoints {

// What the routes work on.
struct HeatContext {
  openstack::Cloud& cloud;
  openstack::StackEngine& engine;
  int port = 0;  // Heat's
};

class HeatEndpoint final : public OpenStackServiceEndpoint {
 public:
  // `cloud` and `engine` (the PoP's, app/services.h) outlive the endpoint.
  HeatEndpoint(openstack::Cloud& cloud, openstack::StackEngine& engine, OpenStackPorts ports);
  void register_routes(httplib::Server& server) override;

 private:
  HeatContext heat_;
};

// The stack request of a POST/PUT/PATCH body (stack_name, template as an object or text,
// parameters, environment, timeout_mins); the template is parsed to check it and to apply the
// environment's parameter_defaults. InvalidArgument otherwise.
Result<openstack::StackRequest> parse_stack_request(const nlohmann::json& body, bool need_template);

}  // namespace chainlab::endpoints
