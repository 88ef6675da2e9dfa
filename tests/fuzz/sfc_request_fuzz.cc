// libFuzzer target: networking-sfc request bodies (src/endpoints/openstack/sfc.cc: the body reader
// that refuses unknown attributes, the port pair, port pair group, flow classifier and port chain
// create parsers) and what a classifier becomes (frontends/openstack/sfc_classifier.cc:
// normalise_classifier, classifier_match), read back by the emulator's match parser.
//
// Input: a selector byte (% 4: port pair, group, flow classifier, port chain), a query line
// (unused), the body. Invariants: no exception; refusals are 4xx in Neutron's error shape; a
// normalised classifier normalises to itself, and its match (both directions) is a valid match
// string.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "emulator/match_parse.h"
#include "endpoints/openstack/sfc.h"
#include "frontends/openstack/sfc.h"
#include "fuzz_util.h"
#include "http_fuzz_util.h"

namespace chainlab::fuzz {
namespace {

using nlohmann::json;
constexpr auto kStyle = endpoints::ErrorStyle::kNeutron;

// The attributes each create route allows (endpoints/openstack/sfc.cc).
const std::set<std::string> kPortPair = {"name", "description", "ingress", "egress",
                                         "service_function_parameters"};
const std::set<std::string> kGroup = {"name", "description", "port_pairs",
                                      "port_pair_group_parameters", "tap_enabled"};
const std::set<std::string> kClassifier = {"name",
                                           "description",
                                           "ethertype",
                                           "protocol",
                                           "source_port_range_min",
                                           "source_port_range_max",
                                           "destination_port_range_min",
                                           "destination_port_range_max",
                                           "source_ip_prefix",
                                           "destination_ip_prefix",
                                           "logical_source_port",
                                           "logical_destination_port",
                                           "l7_parameters"};
const std::set<std::string> kChain = {
    "name", "description", "port_pair_groups", "flow_classifiers", "chain_parameters", "chain_id"};

void check_classifier(const openstack::FlowClassifierCreate& request) {
  auto fc = openstack::normalise_classifier(request);
  if (!accepted(fc, "normalise_classifier", kStyle)) {
    return;
  }
  auto again = openstack::normalise_classifier(*fc);
  check(again.ok(), "a normalised classifier is accepted again");
  check(openstack::classifier_match(*again) == openstack::classifier_match(*fc),
        "normalising is idempotent");
  for (bool reverse : {false, true}) {
    std::string match = openstack::classifier_match(*fc, reverse);
    auto m = emulator::parse_match(match);
    check(m.ok(), "a classifier's match parses", match + (m.ok() ? "" : ": " + m.error().message));
    check(m->validate().ok(), "a classifier's match is valid", match);
  }
}

void run(RequestInput& in) {
  const httplib::Request& req = in.request;
  switch (in.selector % 4) {
    case 0: {
      auto o = endpoints::sfc_resource_body(req, "port_pair", kPortPair);
      if (accepted(o, "sfc_resource_body", kStyle)) {
        accepted(endpoints::parse_port_pair_create(*o), "parse_port_pair_create", kStyle);
      }
      return;
    }
    case 1: {
      auto o = endpoints::sfc_resource_body(req, "port_pair_group", kGroup);
      if (accepted(o, "sfc_resource_body", kStyle)) {
        accepted(endpoints::parse_port_pair_group_create(*o), "parse_port_pair_group_create",
                 kStyle);
      }
      return;
    }
    case 2: {
      auto o = endpoints::sfc_resource_body(req, "flow_classifier", kClassifier);
      if (!accepted(o, "sfc_resource_body", kStyle)) {
        return;
      }
      auto r = endpoints::parse_flow_classifier_create(*o);
      if (accepted(r, "parse_flow_classifier_create", kStyle)) {
        check_classifier(*r);
      }
      return;
    }
    default: {
      auto o = endpoints::sfc_resource_body(req, "port_chain", kChain);
      if (accepted(o, "sfc_resource_body", kStyle)) {
        accepted(endpoints::parse_port_chain_create(*o), "parse_port_chain_create", kStyle);
      }
      return;
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
