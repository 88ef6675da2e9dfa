// The son-emu / vim-emu REST API over an Emulation (docs/api/emulator-rest.md): compute,
// datacenter, network (chains, d3 graph), plus chainlab's exec, E-LAN and link routes, and
// /emulator/exit. Default port 5001.
#pragma once

#include <functional>

#include "emulator/emulation.h"
#include "endpoints/http.h"

namespace chainlab::endpoints {

class EmulatorEndpoint final : public Endpoint {
 public:
  // `on_exit` runs when a client asks the emulator to exit (PUT /emulator/exit).
  EmulatorEndpoint(emulator::Emulation& emulation, std::function<void()> on_exit)
      : emulation_(emulation), on_exit_(std::move(on_exit)) {}
  std::string name() const override { return "emulator"; }
  void register_routes(httplib::Server& server) override;

 private:
  emulator::Emulation& emulation_;
  std::function<void()> on_exit_;
};

// son-emu's instance status shape.
nlohmann::json compute_status_json(const emulator::ComputeInfo& info);
// The typed requests behind the routes, from the request's parameters (request_params: query and
// JSON body merged). InvalidArgument naming the field for anything malformed.
// Parses son-emu's network string "(id=input,ip=10.0.0.1/24),(id=output)" or a JSON list of
// {"id","ip","mac"}.
Result<std::vector<emulator::InterfaceRequest>> parse_network_param(const nlohmann::json& value);
// PUT /restapi/compute/<pop>/<name>: image, docker_command (or command), flavor_name, network,
// env, stop_command.
Result<emulator::ComputeRequest> parse_compute_request(const nlohmann::json& params,
                                                       const std::string& pop,
                                                       const std::string& name);
// PUT and DELETE /restapi/network: vnf_src_name, vnf_dst_name, interfaces, weight, match,
// bidirectional, skip_vlan_tag, cookie, priority, path.
Result<emulator::ChainRequest> parse_chain_request(const nlohmann::json& params);

}  // namespace chainlab::endpoints
