// libFuzzer target: the bodies and list filters of Neutron (src/endpoints/openstack/neutron.cc,
// endpoints/openstack/common.cc): json_body and resource_body, then the typed create/update parsers of
// networks, subnets, ports and floating IPs; the query string as list filters (filter_items).
//
// Input: a selector byte (% 8: network create/update, subnet create/update, port create/update,
// floating IP create, list filters), a query line, the body. Invariants: no exception; refusals
// are 4xx in Neutron's error shape; filtering keeps a subset of the items, each reduced to the
// requested fields.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "endpoints/openstack/neutron.h"
#include "fuzz_util.h"
#include "http_fuzz_util.h"

namespace chainlab::fuzz {
namespace {

using nlohmann::json;
constexpr auto kStyle = endpoints::ErrorStyle::kNeutron;

template <typename Parse>
void parse_resource(const httplib::Request& req, const char* key, Parse parse, const char* what) {
  auto body = endpoints::json_body(req);
  if (!accepted(body, "json_body", kStyle)) {
    return;
  }
  auto object = endpoints::resource_body(*body, key);
  if (!accepted(object, "resource_body", kStyle)) {
    return;
  }
  accepted(parse(*object), what, kStyle);
}

void check_filters(const httplib::Request& req) {
  json items = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (!items.is_array()) {
    items = json::array({{{"id", "1"}, {"name", "a"}, {"shared", false}, {"mtu", 1500}},
                         {{"id", "2"}, {"name", "b"}, {"shared", true}, {"tags", {"x"}}}});
  }
  json out = endpoints::filter_items(items, req);
  check(out.is_array() && out.size() <= items.size(), "filtering keeps a subset");
}

void run(RequestInput& in) {
  const httplib::Request& req = in.request;
  switch (in.selector % 8) {
    case 0:
      return parse_resource(req, "network", endpoints::parse_network_create,
                            "parse_network_create");
    case 1:
      return parse_resource(req, "network", endpoints::parse_network_update,
                            "parse_network_update");
    case 2:
      return parse_resource(req, "subnet", endpoints::parse_subnet_create, "parse_subnet_create");
    case 3:
      return parse_resource(req, "subnet", endpoints::parse_subnet_update, "parse_subnet_update");
    case 4:
      return parse_resource(req, "port", endpoints::parse_port_create, "parse_port_create");
    case 5:
      return parse_resource(req, "port", endpoints::parse_port_update, "parse_port_update");
    case 6:
      return parse_resource(req, "floatingip", endpoints::parse_floating_ip_create,
                            "parse_floating_ip_create");
    default:
      return check_filters(req);
  }
}

}  // namespace
}  // namespace chainlab::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto in = chainlab::fuzz::read_request(data, size);
  chainlab::fuzz::run(in);
  return 0;
}
