// libFuzzer target: the bodies Nova accepts (src/endpoints/openstack/nova.cc: json_body, then
// parse_server_create, parse_flavor_create, parse_interface_attachment).
//
// Input: a selector byte (% 3: server, flavor, interface attachment), a query line (unused by
// these routes), the body. Invariants: no exception; refusals are 4xx in Nova's error shape; an
// accepted server has a name and NICs that name a port or a network.
#include <cstddef>
#include <cstdint>

#include "endpoints/openstack/nova.h"
#include "fuzz_util.h"
#include "http_fuzz_util.h"

namespace chainlab::fuzz {
namespace {

constexpr auto kStyle = endpoints::ErrorStyle::kNova;

void run(RequestInput& in) {
  auto body = endpoints::json_body(in.request);
  if (!accepted(body, "json_body", kStyle)) {
    return;
  }
  switch (in.selector % 3) {
    case 0: {
      auto r = endpoints::parse_server_create(*body);
      if (accepted(r, "parse_server_create", kStyle)) {
        check(!r->server.name.empty(), "a server has a name");
        for (const auto& nic : r->server.nics) {
          check(!nic.port_id.empty() || !nic.network_id.empty(), "a NIC names a port or network");
        }
      }
      return;
    }
    case 1:
      accepted(endpoints::parse_flavor_create(*body), "parse_flavor_create", kStyle);
      return;
    default:
      accepted(endpoints::parse_interface_attachment(*body), "parse_interface_attachment", kStyle);
      return;
  }
}

}  // namespace
}  // namespace chainlab::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto in = chainlab::fuzz::read_request(data, size);
  chainlab::fuzz::run(in);
  return 0;
}
