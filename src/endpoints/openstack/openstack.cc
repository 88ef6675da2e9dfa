#include "endpoints/openstack/openstack.h"

#include "endpoints/openstack/glance.h"
#include "endpoints/openstack/heat.h"
#include "endpoints/openstack/keystone.h"
#include "endpoints/openstack/neutron.h"
#include "endpoints/openstack/nova.h"
#include "runtime/image_store.h"

namespace chainlab::endpoints {

std::shared_ptr<openstack::Cloud> make_cloud(emulator::Emulation& emulation,
                                             const std::string& pop) {
  openstack::CloudConfig config;
  config.pop = pop;
  const emulator::KeystoneSpec& keystone = emulation.topology().emulator.keystone;
  if (!keystone.users.empty()) {
    config.identity.users.clear();
    for (const auto& u : keystone.users) {
      config.identity.users.push_back({u.name, u.password});
    }
  }
  config.identity.token_lifetime = std::chrono::seconds(keystone.token_lifetime_s);
  auto store = runtime::ImageStore::open();
  runtime::ImageStore* images = store.ok() ? std::move(store).value().release() : nullptr;
  // The Cloud only borrows the store: both go together.
  return std::shared_ptr<openstack::Cloud>(
      new openstack::Cloud(emulation, std::move(config), images),
      [images](openstack::Cloud* cloud) {
        delete cloud;
        delete images;
      });
}

std::vector<OpenStackService> make_openstack_services(std::shared_ptr<openstack::Cloud> cloud,
                                                      int base_port) {
  OpenStackPorts ports = OpenStackPorts::from_base(base_port);
  std::vector<OpenStackService> out;
  out.push_back({"keystone", ports.keystone, std::make_unique<KeystoneEndpoint>(cloud, ports)});
  out.push_back({"nova", ports.nova, std::make_unique<NovaEndpoint>(cloud, ports)});
  out.push_back({"neutron", ports.neutron, std::make_unique<NeutronEndpoint>(cloud, ports)});
  out.push_back({"glance", ports.glance, std::make_unique<GlanceEndpoint>(cloud, ports)});
  out.push_back({"heat", ports.heat, std::make_unique<HeatEndpoint>(cloud, ports)});
  return out;
}

}  // namespace chainlab::endpoints
