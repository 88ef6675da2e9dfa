// The son-emu / vim-emu REST API over an Emulation (docs/api/emulator-rest.md): compute,
// datacenter, network (chains, d3 graph), monitor (501: not implemented), plus chainlab's exec,
// E-LAN and link routes, and /emulator/exit. Default port 5001. The JSON shapes are in
// endpoints/sonemu_shapes.h.
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

// Parses son-emu's network string "(id=input,ip=10.0.0.1/24),(id=output)" or a JSON list of
// {"id","ip","mac"}.
Result<std::vector<emulator::InterfaceRequest>> parse_network_param(const nlohmann::json& value);

}  // namespace chainlab::endpoints
