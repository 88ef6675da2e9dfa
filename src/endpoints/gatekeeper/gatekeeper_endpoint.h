// The SONATA dummy gatekeeper and 5GTANGO LLCM REST API over a Gatekeeper (default port 5000;
// docs/api/gatekeeper.md):
//   POST /packages, /api/v2/packages, /api/v3/packages   upload (multipart field `package` or the
//        raw body; at most 512 MB) -> 201 {service_uuid, size, sha1, name, error: null}
//   GET  the same paths                                   packages
//   GET  /services, /api/v2/services, /api/v3/services    services
//   POST|GET|DELETE /instantiations, /api/v2/instantiations, /api/v2/requests, /api/v3/requests,
//        /api/v3/records/services                         instantiate, list, terminate
//   PUT  /emulator/exit                                   stops the whole emulation
// Where the two generations disagree the run's GatekeeperApi chooses (topology
// `emulator.gatekeeper_api`): tango (son-emu's current LLCM) answers GET /packages and GET
// /instantiations with lists (LLCM entry fields plus ours) and DELETE with "Service(s)
// stopped."; sonata answers the dummy gatekeeper's paths with its dicts ({service_uuid_list},
// {service_instantiations_list}) and DELETE with "service instance with uuid '...' stopped.".
// Unlike the reference: a bad package is a 400 with the precise reason (not a 500), an unknown
// service a 404, a failed request changes nothing, and there is no "start the first service"
// guessing. The catalogue and the Gatekeeper are made and owned by the composition root
// (app/services.h) and outlive the endpoint.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "emulator/topology.h"
#include "endpoints/http/http.h"
#include "endpoints/http/router.h"
#include "frontends/sonata/catalogue.h"
#include "frontends/sonata/service_deployer.h"

namespace chainlab::endpoints {

inline constexpr size_t kMaxPackageUpload = size_t{512} << 20;

// The package limits of the gatekeeper: PackageLimits' defaults, but .son md5 sums are not
// checked (the reference never checked them and SONATA's own demo packages carry stale ones);
// .tgo SHA-256 hashes always are.
inline sonata::PackageLimits gatekeeper_package_limits() {
  sonata::PackageLimits limits;
  limits.verify_md5 = false;
  return limits;
}

class GatekeeperEndpoint final : public Endpoint {
 public:
  // Serves `gatekeeper`. `on_exit` (may be null) runs on PUT /emulator/exit. `api`: the answer
  // shapes (above).
  GatekeeperEndpoint(sonata::Gatekeeper& gatekeeper, std::function<void()> on_exit,
                     emulator::GatekeeperApi api = emulator::GatekeeperApi::kTango)
      : api_(api), gatekeeper_(gatekeeper), on_exit_(std::move(on_exit)) {}

  std::string name() const override { return "gatekeeper"; }
  void register_routes(httplib::Server& server) override;
  size_t max_body_bytes() const override { return kMaxPackageUpload; }

 private:
  // The routes (register_routes lists their paths).
  Result<Reply> upload(const httplib::Request& req);
  Result<Reply> list_packages(bool dummy_path);
  Result<Reply> list_services();
  Result<Reply> instantiate(const httplib::Request& req);
  Result<Reply> list_instances(bool dummy_path);
  Result<Reply> terminate(const httplib::Request& req);
  Result<Reply> exit_emulation();
  Result<std::vector<std::string>> stop(const nlohmann::json& params);
  Reply answer(nlohmann::json body) const;
  bool tango() const { return api_ == emulator::GatekeeperApi::kTango; }

  emulator::GatekeeperApi api_;
  sonata::Gatekeeper& gatekeeper_;
  std::function<void()> on_exit_;
};

// The instantiation request of POST /instantiations (and its aliases) from the request's
// parameters (request_params): service_uuid or service_name ("latest": the newest package),
// placement, placement_map (placement_file is refused: a server path), deploy_sap (a boolean).
Result<sonata::InstantiateRequest> parse_instantiate_request(const nlohmann::json& params);
// The JSON of one service instance (GET /api/v3/records/services and the POST answer); tango
// adds the LLCM's instance_name ("<vendor>.<name>.<version>-inst.<ssiid>") and status "running".
nlohmann::json service_instance_json(const sonata::ServiceInstance& instance,
                                     emulator::GatekeeperApi api = emulator::GatekeeperApi::kTango);

}  // namespace chainlab::endpoints
