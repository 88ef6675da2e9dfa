// The OpenStack control plane of one PoP (docs/api/openstack.md): its Keystone (P), Nova
// (P+3774), Neutron with networking-sfc (P+4696), Glance (P+4242) and Heat (P+3004) endpoints,
// thin adapters over the PoP's Cloud, Sfc and StackEngine. Those are made and owned by the
// composition root (app/services.h) and outlive the endpoints.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "endpoints/http/http.h"
#include "endpoints/openstack/common.h"
#include "frontends/openstack/heat_stacks.h"
#include "frontends/openstack/sfc.h"

namespace chainlab::endpoints {

struct OpenStackService {
  std::string label;  // "keystone", "nova", ...
  int port = 0;
  std::unique_ptr<Endpoint> endpoint;
};

// The endpoints of one PoP with base port `base_port` (Neutron's with networking-sfc). Extend
// here to add a service.
std::vector<OpenStackService> make_openstack_endpoints(openstack::Cloud& cloud, openstack::Sfc& sfc,
                                                       openstack::StackEngine& stacks,
                                                       int base_port);

}  // namespace chainlab::endpoints
