// libFuzzer target: NF templates (parse_template, src/frontends/unode/templates.cc: both uri
// spellings, numbers and booleans as strings or not) and the resolver on what parses.
//
// Input: a JSON document. Invariants: refusals are errors with a message; a parsed template has a
// capability and at least one port range whose bounds are ordered; it resolves for a VNF with no
// more ports than it offers, or says why not.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "frontends/unode/templates.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chainlab;
  auto doc = nlohmann::json::parse(std::string(reinterpret_cast<const char*>(data), size), nullptr,
                                   /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return 0;
  }
  auto t = unode::parse_template(doc, "fuzz");
  fuzz::check_result(t, "parse_template");
  if (!t.ok()) {
    return 0;
  }
  fuzz::check(!t->capability.empty() && !t->ports.empty(), "a capability and ports");
  for (const auto& p : t->ports) {
    fuzz::check(!p.last || *p.last >= p.first, "port ranges are ordered");
  }
  unode::TemplateRepository repo;
  fuzz::check(repo.add(*t).ok(), "a template adds to an empty repository");
  unode::Vnf vnf;
  vnf.id = "1";
  vnf.name = t->capability;
  vnf.ports.resize(static_cast<size_t>(t->port_capacity().value_or(1)) > 64
                       ? 64
                       : static_cast<size_t>(t->port_capacity().value_or(1)));
  fuzz::check_result(unode::resolve(repo, vnf, {}), "resolve");
  fuzz::check_result(repo.capability_json(t->capability), "capability_json");
  return 0;
}
