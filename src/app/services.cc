#include "app/services.h"

#include <chrono>
#include <utility>

#include <fmt/format.h>

namespace chainlab::app {

std::unique_ptr<OpenStackServices> make_openstack_services(emulator::Control& control,
                                                           const std::string& pop,
                                                           runtime::ImageStore* images,
                                                           const std::string& heat_url) {
  openstack::CloudConfig config;
  config.pop = pop;
  // DevStack's public network, one /24 per PoP: 172.24.4.0/24 for the first.
  const auto& pops = control.topology().pops();
  for (size_t i = 0; i < pops.size() && i < 250; ++i) {
    if (pops[i].name == pop) {
      config.external_cidr = fmt::format("172.24.{}.0/24", 4 + i);
    }
  }
  const emulator::KeystoneSpec& keystone = control.topology().emulator.keystone;
  if (!keystone.users.empty()) {
    config.identity.users.clear();
    for (const auto& u : keystone.users) {
      config.identity.users.push_back({u.name, u.password});
    }
  }
  config.identity.token_lifetime = std::chrono::seconds(keystone.token_lifetime_s);
  auto services = std::make_unique<OpenStackServices>();
  services->firewall = std::make_unique<openstack::NamespaceFirewall>(control);
  services->cloud = std::make_unique<openstack::Cloud>(control, std::move(config), images,
                                                       services->firewall.get());
  services->sfc = std::make_unique<openstack::Sfc>(*services->cloud, control);
  services->stacks = std::make_unique<openstack::StackEngine>(*services->cloud, heat_url);
  return services;
}

Result<std::unique_ptr<GatekeeperServices>> open_gatekeeper_services(
    emulator::Control& control, const std::string& catalogue_dir, sonata::GatekeeperOptions options,
    std::vector<std::string>* warnings, sonata::PackageLimits limits) {
  auto services = std::make_unique<GatekeeperServices>();
  CL_ASSIGN_OR_RETURN(services->catalogue,
                      sonata::Catalogue::open(catalogue_dir, warnings, std::move(limits)));
  services->gatekeeper =
      std::make_unique<sonata::Gatekeeper>(control, *services->catalogue, std::move(options));
  return services;
}

std::function<bool(const std::string& image)> image_is_local_in(runtime::ImageStore* store) {
  return
      [store](const std::string& image) { return store != nullptr && store->resolve(image).ok(); };
}

Result<std::unique_ptr<NodeServices>> open_node_services(emulator::Control& control,
                                                         unode::NodeOptions options,
                                                         const std::string& bus_endpoint,
                                                         std::vector<std::string>* warnings) {
  auto out = std::make_unique<NodeServices>();
  CL_ASSIGN_OR_RETURN(out->node, unode::Node::open(control, std::move(options), warnings,
                                                   &out->generated_password));
  if (!bus_endpoint.empty()) {
    CL_ASSIGN_OR_RETURN(out->bus, unode::DescriptionBus::bind(bus_endpoint));
    out->node->set_bus(out->bus.get());
  }
  return out;
}

}  // namespace chainlab::app
