// libFuzzer target: NF-FG graphs (parse_nffg, src/frontends/unode/nffg_*.cc: both spellings,
// strict) and the rule split of what parses (split_rules, steering.cc).
//
// Input: a JSON document. Invariants: refusals are errors with a message; a parsed graph
// written with to_json parses to the same graph; the split keeps every LSI's rules on its own
// ports (Table 4), uses each virtual link for at most one port per direction, and sends every
// rule's outputs somewhere; lowering to the data plane refuses with a message, never crashes.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "frontends/unode/lowering.h"
#include "frontends/unode/nffg.h"
#include "frontends/unode/steering.h"
#include "fuzz_util.h"

namespace chainlab::fuzz {
namespace {

void check_steering(const unode::Nffg& g) {
  unode::Steering s = unode::split_rules(g);
  for (auto [rules, lsi] :
       {std::pair{&s.lsi0, unode::Lsi::kZero}, std::pair{&s.graph, unode::Lsi::kGraph}}) {
    for (const auto& r : *rules) {
      check(!r.outputs.empty() || r.actions.empty() ||
                r.actions[0].kind != unode::Action::Kind::kOutput,
            "a split rule keeps its outputs", r.id);
      for (const auto& p : r.outputs) {
        check(p.port ? unode::owner_of(g, *p.port) == lsi
                     : p.vlink >= 0 && static_cast<size_t>(p.vlink) < s.vlinks.size(),
              "an LSI's rule outputs to its own ports or an existing link", r.id);
      }
      if (r.in.port) {
        check(unode::owner_of(g, *r.in.port) == lsi, "an LSI's rule matches its own port", r.id);
      }
    }
  }
  for (const auto& link : s.vlinks) {
    check(link.to_graph || link.to_lsi0, "a link carries some port's traffic");
  }
}

}  // namespace
}  // namespace chainlab::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chainlab;
  auto doc = nlohmann::json::parse(std::string(reinterpret_cast<const char*>(data), size), nullptr,
                                   /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return 0;  // the endpoint answers 400 before parsing
  }
  auto g = unode::parse_nffg(doc);
  fuzz::check_result(g, "parse_nffg");
  if (!g.ok()) {
    return 0;
  }
  auto again = unode::parse_nffg(unode::to_json(*g));
  fuzz::check(again.ok() && *again == *g, "to_json then parse_nffg gives the same graph",
              again.ok() ? "" : again.error().message);
  fuzz::check_steering(*g);
  fuzz::check_result(unode::check_lowerable(*g), "check_lowerable");
  return 0;
}
