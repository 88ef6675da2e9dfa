// libFuzzer target: the Universal Node's INI config (parse_node_config,
// src/frontends/unode/node_config.cc, over libinih).
//
// Input: the file's text. Invariants: refusals are errors naming the source; a parsed config has a
// port in 1..65535, and initial graphs with a non-empty id and file.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "frontends/unode/node_config.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace chainlab;
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> warnings;
  auto c = unode::parse_node_config(text, "un.ini", &warnings);
  fuzz::check_result(c, "parse_node_config");
  if (!c.ok()) {
    fuzz::check(c.error().message.rfind("un.ini", 0) == 0, "errors name the source");
    return 0;
  }
  fuzz::check(c->port >= 1 && c->port <= 65535, "a port in range");
  for (const auto& [id, file] : c->initial_graphs) {
    fuzz::check(!id.empty() && !file.empty(), "initial graphs have an id and a file");
  }
  return 0;
}
