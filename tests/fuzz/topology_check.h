// The invariants of a topology any reader produced (topology_*_fuzz.cc): it is valid by the same
// rules add_* apply, and the YAML writer round-trips it: from_yaml(to_yaml(t)) == t, and writing
// that again gives the same text.
#pragma once

#include <set>
#include <string>

#include "emulator/topology.h"
#include "fuzz_util.h"

namespace chainlab::fuzz {

inline void check_topology(const emulator::Topology& t) {
  check(emulator::validate_emulator(t.emulator).ok(), "emulator section valid");
  std::set<std::string> names;
  for (const auto& pop : t.pops()) {
    check(names.insert(pop.name).second, "unique node names", pop.name);
  }
  for (const auto& sw : t.switches()) {
    check(names.insert(sw.name).second, "unique node names", sw.name);
  }
  for (const auto& link : t.links()) {
    check(t.has_node(link.a) && t.has_node(link.b), "link ends exist", link.a + "-" + link.b);
    check(link.a != link.b, "no self-links", link.a);
    check(emulator::validate_link_params(link).ok(), "link parameters valid");
  }
  for (const auto& sap : t.saps()) {
    check(t.find_pop(sap.pop) != nullptr, "SAP PoP exists", sap.pop);
  }
  std::string yaml = t.to_yaml();
  auto again = emulator::Topology::from_yaml(yaml, "round-trip");
  check(again.ok(), "to_yaml output reads back",
        again.ok() ? "" : again.error().message + "\n" + yaml);
  check(*again == t, "to_yaml round-trips",
        yaml + "--- read back and written again:\n" + again->to_yaml());
  check(again->to_yaml() == yaml, "to_yaml is stable", yaml);
}

}  // namespace chainlab::fuzz
