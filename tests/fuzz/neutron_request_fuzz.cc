// libFuzzer target: the bodies and list filters of Neutron (src/endpoints/openstack/neutron.cc,
// endpoints/openstack/common.cc): json_body and resource_body, then the typed create/update parsers
// of networks, subnets, ports and floating IPs; the query string as list filters (filter_items).
//
// Input: a selector byte (% 8: network create/update, subnet create/update, port create/update,
// floating IP create, and for 7: by (selector / 8) % 3 list filters, security group create,
// security group rule create — its checks, then the nftables text of the rule), a query line, the
// body. Invariants: no exception; refusals are 4xx in Neutron's error shape; filtering keeps a
// subset of the items, each reduced to the requested fields; an accepted rule makes a filter that
// ends in drop.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "endpoints/openstack/neutron.h"
#include "endpoints/openstack/neutron_internal.h"
#include "frontends/openstack/security_group.h"
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

// A security group rule: parsed, checked as the Cloud does, and made into a filter.
void check_rule(const httplib::Request& req) {
  auto body = endpoints::json_body(req);
  if (!accepted(body, "json_body", kStyle)) {
    return;
  }
  auto object = endpoints::resource_body(*body, "security_group_rule");
  if (!accepted(object, "resource_body", kStyle)) {
    return;
  }
  auto rule = endpoints::neutron::parse_security_group_rule_create(*object);
  if (!accepted(rule, "parse_security_group_rule_create", kStyle)) {
    return;
  }
  auto normal = openstack::normalize_rule(*rule);
  if (!accepted(normal, "normalize_rule", kStyle)) {
    return;
  }
  openstack::SecurityGroupRule stored;
  static_cast<openstack::SecurityGroupRuleCreate&>(stored) = *normal;
  openstack::ResolvedRule resolved{stored, {"10.0.0.1", "fd00::1"}};
  std::string text = openstack::security_ruleset({{"eth0", true, {resolved}}});
  check(text.find("    drop\n  }\n}\n") != std::string::npos, "the filter ends in drop");
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
      switch ((in.selector / 8) % 3) {
        case 1:
          return parse_resource(req, "security_group",
                                endpoints::neutron::parse_security_group_create,
                                "parse_security_group_create");
        case 2:
          return check_rule(req);
        default:
          return check_filters(req);
      }
  }
}

}  // namespace
}  // namespace chainlab::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto in = chainlab::fuzz::read_request(data, size);
  chainlab::fuzz::run(in);
  return 0;
}
