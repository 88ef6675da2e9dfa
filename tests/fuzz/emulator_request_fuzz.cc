// libFuzzer target: the son-emu REST API's request readers
// (src/endpoints/emulator/emulator_endpoint.cc, http.cc): request_params (query merged with the
// JSON body), the compute and chain request builders, son-emu's network strings and the
// OpenFlow-style match strings (emulator/ match_parse.cc).
//
// Input: a selector byte, a query line ("a=1&b=%FF"), then the body. Selector % 6: 0 PUT
// /restapi/compute/dc1/vnf1, 1 PUT /restapi/network, 2 the body's JSON value as a `network`
// parameter, 3 the `match` parameter alone, 4 PUT /restapi/alarms/<name> (monitor/alarms.h),
// 5 PUT /restapi/elan/<name> (accepted members read back from what GET /restapi/elan lists).
// Invariants: no exception; refusals are errors with a message that the endpoint can send
// (send_error); the merged parameters serialise (valid UTF-8); an accepted match reads back from
// its own to_string().
#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "emulator/match_parse.h"
#include "endpoints/emulator/emulator_endpoint.h"
#include "fuzz_util.h"
#include "http_fuzz_util.h"
#include "monitor/alarms.h"

namespace chainlab::fuzz {
namespace {

using nlohmann::json;

void check_match(const std::string& text) {
  auto m = emulator::parse_match(text);
  if (!accepted(m, "parse_match")) {
    return;
  }
  check(!m->in_port, "a match string sets no in_port");
  auto again = emulator::parse_match(m->to_string());
  check(again.ok(), "to_string() parses", m->to_string());
  check(*again == *m, "to_string() round-trips", text + " -> " + m->to_string());
}

void run(RequestInput& in) {
  switch (in.selector % 6) {
    case 0: {
      auto params = endpoints::request_params(in.request);
      if (!accepted(params, "request_params")) {
        return;
      }
      check_serialisable(*params, "request_params result serialises");
      auto r = endpoints::parse_compute_request(*params, "dc1", "vnf1");
      if (accepted(r, "parse_compute_request")) {
        check(r->pop == "dc1" && r->name == "vnf1", "pop and name from the path");
      }
      return;
    }
    case 1: {
      auto params = endpoints::request_params(in.request);
      if (!accepted(params, "request_params")) {
        return;
      }
      check_serialisable(*params, "request_params result serialises");
      auto r = endpoints::parse_chain_request(*params);
      if (!accepted(r, "parse_chain_request")) {
        return;
      }
      check(!r->src.empty() && !r->dst.empty(), "a chain has both ends");
      for (const auto& hop : r->path) {
        check(!hop.empty(), "no empty path entries");
      }
      if (!r->match.empty()) {
        check_match(r->match);
      }
      return;
    }
    case 2: {
      json value = json::parse(in.request.body, nullptr, /*allow_exceptions=*/false);
      if (!value.is_discarded()) {
        accepted(endpoints::parse_network_param(value), "parse_network_param");
      }
      return;
    }
    case 3: {
      // The `match` parameter alone, as the chain routes read it (query or body).
      auto params = endpoints::request_params(in.request);
      if (accepted(params, "request_params")) {
        check_serialisable(*params, "request_params result serialises");
        auto match = params->find("match");
        if (match != params->end() && match->is_string()) {
          check_match(match->get<std::string>());
        }
      }
      return;
    }
    case 5: {
      auto params = endpoints::request_params(in.request);
      if (!accepted(params, "request_params")) {
        return;
      }
      auto members = endpoints::parse_elan_members(*params);
      if (accepted(members, "parse_elan_members")) {
        emulator::ElanInfo listed{"fuzz", 1, *members, {}};
        auto again = endpoints::parse_elan_members(json{{"members", listed.member_names()}});
        check(again.ok() && *again == *members, "listed E-LAN members read back");
        for (const auto& [vnf, intf] : *members) {
          check(!vnf.empty(), "a member names its instance");
        }
      }
      return;
    }
    default: {
      // PUT /restapi/alarms/<name>: an accepted rule reads back from its own JSON.
      auto params = endpoints::request_params(in.request);
      if (!accepted(params, "request_params")) {
        return;
      }
      (*params)["name"] = "fuzz";
      auto rule = monitor::parse_alarm_rule(*params);
      if (accepted(rule, "parse_alarm_rule")) {
        auto again = monitor::parse_alarm_rule(monitor::alarm_rule_json(*rule));
        check(again.ok(), "alarm_rule_json parses", monitor::alarm_rule_json(*rule).dump());
        check(again.ok() && *again == *rule, "an alarm rule round-trips",
              monitor::alarm_rule_json(*rule).dump());
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
