#include "endpoints/openstack/openstack.h"

#include "endpoints/http/endpoint_group.h"
#include "endpoints/openstack/glance.h"
#include "endpoints/openstack/heat.h"
#include "endpoints/openstack/keystone.h"
#include "endpoints/openstack/neutron.h"
#include "endpoints/openstack/nova.h"
#include "endpoints/openstack/sfc.h"

namespace chainlab::endpoints {

std::vector<OpenStackService> make_openstack_endpoints(openstack::Cloud& cloud, openstack::Sfc& sfc,
                                                       openstack::StackEngine& stacks,
                                                       int base_port) {
  OpenStackPorts ports = OpenStackPorts::from_base(base_port);
  std::vector<OpenStackService> out;
  out.push_back({"keystone", ports.keystone, std::make_unique<KeystoneEndpoint>(cloud, ports)});
  out.push_back({"nova", ports.nova, std::make_unique<NovaEndpoint>(cloud, ports)});
  // networking-sfc shares Neutron's port; its routes go first (endpoint_group.h).
  std::vector<std::unique_ptr<Endpoint>> neutron;
  neutron.push_back(std::make_unique<OpenStackSfcEndpoint>(cloud, sfc));
  neutron.push_back(std::make_unique<NeutronEndpoint>(cloud, ports));
  out.push_back({"neutron", ports.neutron,
                 std::make_unique<EndpointGroup>(cloud.pop() + " neutron", std::move(neutron))});
  out.push_back({"glance", ports.glance, std::make_unique<GlanceEndpoint>(cloud, ports)});
  out.push_back({"heat", ports.heat, std::make_unique<HeatEndpoint>(cloud, stacks, ports)});
  return out;
}

}  // namespace chainlab::endpoints
