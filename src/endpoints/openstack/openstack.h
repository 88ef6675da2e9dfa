// The OpenStack control plane of one PoP (docs/api/openstack.md): one openstack::Cloud shared
// by its Keystone (P), Nova (P+3774), Neutron (P+4696) and Glance (P+4242) endpoints; Heat
// (P+3004, endpoints/openstack/heat.h). The last endpoint to go frees the Cloud.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "emulator/emulation.h"
#include "endpoints/http/http.h"
#include "endpoints/openstack/common.h"

namespace chainlab::endpoints {

struct OpenStackService {
  std::string label;  // "keystone", "nova", ...
  int port = 0;
  std::unique_ptr<Endpoint> endpoint;
};

// A Cloud for `pop` over the run's image store (`images` may be null: Glance-only records; it
// must outlive the Cloud).
std::shared_ptr<openstack::Cloud> make_cloud(emulator::Emulation& emulation, const std::string& pop,
                                             runtime::ImageStore* images);

// The services of one PoP with base port `base_port` (Neutron's with networking-sfc). Extend here
// to add a service.
std::vector<OpenStackService> make_openstack_services(std::shared_ptr<openstack::Cloud> cloud,
                                                      int base_port);

}  // namespace chainlab::endpoints
