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
  Result<std::vector<PlannedEndpoint>> make(AppContext& c, const EndpointEntry& e) const override {
    std::vector<PlannedEndpoint> out;
    out.push_back({"emulator REST (son-emu)", e.port,
                   std::make_unique<endpoints::EmulatorEndpoint>(c.emulation, c.request_exit)});
    return out;
  }
};

// The SONATA dummy gatekeeper or the 5GTANGO LLCM (emulator.gatekeeper_api).
class GatekeeperKind final : public EndpointKind {
 public:
  std::vector<std::pair<int, std::string>> ports(const EndpointEntry& e) const override {
    return {{e.port, "gatekeeper"}};
  }
  Result<std::vector<PlannedEndpoint>> make(AppContext& c, const EndpointEntry& e) const override {
    const emulator::EmulatorSpec& spec = c.emulation.topology().emulator;
    sonata::GatekeeperOptions options;
    options.reject_unknown_images = c.reject_unknown_images;
    options.deploy_saps = spec.gatekeeper_sap;
    runtime::ImageStore* images = c.images;
    options.image_is_local = [images](const std::string& image) {
      return images != nullptr && images->resolve(image).ok();
    };
    std::vector<std::string> warnings;
    auto gk =
        endpoints::GatekeeperEndpoint::create(c.emulation, c.catalogue_dir, c.request_exit,
                                              std::move(options), spec.gatekeeper_api, &warnings);
    for (const auto& w : warnings) {
      c.warn(w);
    }
    if (!gk.ok()) {
      return std::move(gk).error().context("gatekeeper catalogue");
    }
    std::vector<PlannedEndpoint> out;
    out.push_back({spec.gatekeeper_api == emulator::GatekeeperApi::kSonata
                       ? "gatekeeper (SONATA dummy gatekeeper)"
                       : "gatekeeper (5GTANGO LLCM)",
                   e.port, std::move(gk).value()});
    return out;
  }
};

// A PoP's OpenStack control plane: one Cloud shared by its services (endpoints/openstack).
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
  Result<std::vector<PlannedEndpoint>> make(AppContext& c, const EndpointEntry& e) const override {
    auto cloud = endpoints::make_cloud(c.emulation, e.pop, c.images);
    std::vector<PlannedEndpoint> out;
    for (auto& service : endpoints::make_openstack_services(cloud, e.port)) {
      out.push_back({label_of(e, service.label), service.port, std::move(service.endpoint)});
    }
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
