// son-emu / vim-emu topology scripts as chainlab topologies, WITHOUT running them.
//
// A son-emu topology is a Python script calling its DCNetwork API (DCNetwork(), addDatacenter,
// addSwitch, addLink, resource models, the REST / OpenStack / gatekeeper endpoints). This reads
// such a script with a small, bounded parser for the Python subset those scripts use
// (pyscript.h), follows the script's own code the way Python would run it (sonemu_eval.h) and
// records each son-emu call (sonemu_model.h). Nothing is executed: no import, no process, no
// file access.
//
// Mapping (docs/sonemu-import.md has the full table):
//   DCNetwork(enable_learning=, dc_emulation_max_cpu=, dc_emulation_max_mem=)
//       -> emulator: {connectivity: learning, e_cpu:, e_mem:}
//   addDatacenter("dc1", metadata={..})       -> pops: [{name: dc1, metadata: {..}}]
//   addSwitch("s1")                            -> switches: [s1]
//   addLink(a, b, delay="10ms", bw=, loss=, jitter=, max_queue_size=) -> links (son-emu's units)
//   UpbSimpleCloudDcRM / UpbOverprovisioningCloudDcRM / UpbDummyRM + assignResourceModel
//       -> pops[].resources {model: fixed | overprovision | none, max_cu, max_mu}
//   RestApiEndpoint(ip, port) started         -> emulator.rest_port
//   OpenstackApiEndpoint(ip, port) + connect_datacenter(dc), started -> pops[].endpoints.openstack
//   SonataDummyGatekeeperEndpoint / TangoLLCMEndpoint started -> emulator.gatekeeper_port
// What has no chainlab equivalent but leaves the topology's meaning intact (a host, a docker
// container, monitor=True, OSM's containers, startCompute) is a warning naming its line; what
// would change the meaning (a topology call the translation cannot decide, a shared resource
// model, removeLink) is an error "<source>:<line>: ...".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "emulator/topology.h"

namespace chainlab::emulator {

struct SonemuWarning {
  int line = 0;
  std::string message;
};

struct SonemuImport {
  std::string source;     // the file name used in messages
  Topology topology;      // named after the file ("tango_default_cli_topology_2_pop")
  bool learning = false;  // son-emu's enable_learning (also set as topology.emulator.connectivity)
  std::vector<SonemuWarning> warnings;  // by line
};

// Limits against hostile input (sizes as in pyscript::Limits).
inline constexpr size_t kMaxSonemuScriptBytes = 1u << 20;

// Reads a script given as text (the fuzz-friendly entry point: any input gives a result or an
// Error with a precise message). `source` names it in messages and names the topology.
Result<SonemuImport> import_sonemu_script(std::string_view text, const std::string& source);
// The same for a file (.py); NotFound when it does not exist.
Result<SonemuImport> import_sonemu_file(const std::string& path);

// "<source>:<line>: <message>".
std::string format_warning(const SonemuImport& imported, const SonemuWarning& warning);
// The topology as chainlab YAML (what `chainlab topology import` writes): a comment header naming
// the script and every warning, then Topology::to_yaml().
std::string sonemu_import_yaml(const SonemuImport& imported);

}  // namespace chainlab::emulator
