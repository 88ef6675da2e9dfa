// libFuzzer target: GML import (Topology::from_gml, src/emulator/topology_gml.cc) on any text. A
// refusal is an error with a message; an accepted topology is valid and survives the to_yaml round
// trip (topology_check.h).
#include <cstddef>
#include <cstdint>
#include <string>

#include "emulator/topology.h"
#include "fuzz_util.h"
#include "topology_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chainlab;
  std::string text(reinterpret_cast<const char*>(data), size);
  auto t = emulator::Topology::from_gml(text, emulator::ImportOptions{}, "fuzz.gml");
  fuzz::check_result(t, "Topology::from_gml");
  if (t.ok()) {
    fuzz::check_topology(*t);
  }
  return 0;
}
