#include "app/endpoint_kinds.h"

#include "endpoints/emulator/emulator_endpoint.h"
#include "endpoints/gatekeeper/gatekeeper_endpoint.h"
#include "endpoints/openstack/openstack.h"

namespace chainlab::app {
namespace {

std::string label_of(const EndpointEntry& entry, const std::string& what) {
  return entry.pop.empty() ? what : entry.pop + " " + what;
}

// The son-emu REST API (/restapi/..., emulator/emulator_endpoint.h).
class EmulatorKind final : public EndpointKind {
 public:
  std::vector<std::pair<int, std::string>> ports(const EndpointEntry& e) const override {
    return {{e.port, "emulator REST"}};
  }
  Result<MadeEndpoints> make(AppContext& c, const EndpointEntry& e) const override {
    MadeEndpoints out;
    out.endpoints.push_back(
        {"emulator REST (son-emu)", e.port,
         std::make_unique<endpoints::EmulatorEndpoint>(
             c.emulation, c.request_exit,
             endpoints::MonitorParts{c.monitor, c.events, c.alarms, c.pushgateway, c.monitor_period,
                                     c.warn})});
    return out;
  }
};

// The SONATA dummy gatekeeper or the 5GTANGO LLCM (emulator.gatekeeper_api).
class GatekeeperKind final : public EndpointKind {
 public:
  std::vector<std::pair<int, std::string>> ports(const EndpointEntry& e) const override {
    return {{e.port, "gatekeeper"}};
  }
  Result<MadeEndpoints> make(AppContext& c, const EndpointEntry& e) const override {
    const emulator::EmulatorSpec& spec = c.emulation.topology().emulator;
    sonata::GatekeeperOptions options;
    options.reject_unknown_images = c.reject_unknown_images;
    options.deploy_saps = spec.gatekeeper_sap;
    options.image_is_local = image_is_local_in(c.images);
    options.events = c.events;
    std::vector<std::string> warnings;
    auto gk = open_gatekeeper_services(c.emulation, c.catalogue_dir, std::move(options), &warnings,
                                       endpoints::gatekeeper_package_limits());
    for (const auto& w : warnings) {
      c.warn(w);
    }
    if (!gk.ok()) {
      return std::move(gk).error().context("gatekeeper catalogue");
    }
    MadeEndpoints out;
    out.endpoints.push_back({spec.gatekeeper_api == emulator::GatekeeperApi::kSonata
                                 ? "gatekeeper (SONATA dummy gatekeeper)"
                                 : "gatekeeper (5GTANGO LLCM)",
                             e.port,
                             std::make_unique<endpoints::GatekeeperEndpoint>(
                                 *(*gk)->gatekeeper, c.request_exit, spec.gatekeeper_api)});
    out.services = std::move(gk).value();
    return out;
  }
};

// A PoP's OpenStack control plane: one Cloud, Sfc and StackEngine (app/services.h) under its
// endpoints (endpoints/openstack).
class OpenStackKind final : public EndpointKind {
 public:
  std::vector<std::pair<int, std::string>> ports(const EndpointEntry& e) const override {
    auto p = endpoints::OpenStackPorts::from_base(e.port);
    return {{p.keystone, label_of(e, "keystone")},
            {p.nova, label_of(e, "nova")},
            {p.neutron, label_of(e, "neutron")},
            {p.heat, label_of(e, "heat")},
            {p.glance, label_of(e, "glance")}};
  }
  Result<MadeEndpoints> make(AppContext& c, const EndpointEntry& e) const override {
    auto services = make_openstack_services(c.emulation, e.pop, c.images);
    MadeEndpoints out;
    for (auto& service : endpoints::make_openstack_endpoints(*services->cloud, *services->sfc,
                                                             *services->stacks, e.port)) {
      out.endpoints.push_back(
          {label_of(e, service.label), service.port, std::move(service.endpoint)});
    }
    out.services = std::move(services);
    return out;
  }
};

template <typename Kind>
EndpointRegistry::Factory factory() {
  return []() -> Result<std::unique_ptr<EndpointKind>> {
    return std::unique_ptr<EndpointKind>(std::make_unique<Kind>());
  };
}

}  // namespace

Status register_builtin_endpoint_kinds(EndpointRegistry& registry) {
  CL_RETURN_IF_ERROR(registry.add("emulator", factory<EmulatorKind>()));
  CL_RETURN_IF_ERROR(registry.add("gatekeeper", factory<GatekeeperKind>()));
  return registry.add("openstack", factory<OpenStackKind>());
}

std::vector<EndpointEntry> endpoint_entries(const emulator::Topology& topology, int rest_port) {
  std::vector<EndpointEntry> out;
  out.push_back({"emulator", "", rest_port >= 0 ? rest_port : topology.emulator.rest_port});
  if (topology.emulator.gatekeeper_port >= 0) {
    out.push_back({"gatekeeper", "", topology.emulator.gatekeeper_port});
  }
  for (const auto& pop : topology.pops()) {
    for (const auto& [kind, port] : pop.endpoints) {
      out.push_back({kind, pop.name, port});
    }
  }
  return out;
}

}  // namespace chainlab::app
