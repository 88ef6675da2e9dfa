// Substrates and request streams for the embedding benchmark (bench/embedding), modelled on
// hsnlab/mapping's simulation: generator/CarrierTopoBuilder.py (getPicoTopo,
// getSNDlib_dfn_gwin) and simulation/RequestGenerator.py (SimpleReqGen over
// get_request_parametrizable; arrivals and lifetimes of MappingSimulationFrameWork.py).
// Bench-only; every generator is a pure function of its seed (std::mt19937_64).
//
// Substrates (bidirectional links become two directed links; link cost 1, node cost 0):
//   pico   one SDN switch "sw0" (100 Mbps switching, 0.5 ms) and four EE infras "infra0".."3"
//          (cpu 90, mem 32000, storage 200, 1000 Mbps, 1 ms, types A-J) in a ring, each linked
//          to the switch and to its SAP "sap0".."3"; every link 100 Mbps, 0.5 ms. Fixed (alg1
//          seeds it with 0); `seed` is accepted for symmetry and unused.
//   gwin   SNDlib dfn-gwin (11 core switches, 47 links of 10 Gbps, 1 ms; switches 40 Gbps,
//          0.5 ms), plus 6 EE hosts "<core>Host<k>" (cpu 400, mem 320000, storage 1500, 40 Gbps,
//          1 ms, 6 random types of A-J) on two draws of 3 distinct core nodes, linked at
//          10 Gbps, 1 ms; and 6 access switches "<core>Sw<k>" on two more draws, linked at
//          1 Gbps, 5 ms, each with 3-4 SAPs "<core>SAP<k>" at 100 Mbps, 1 ms.
//   random connected: a random spanning tree plus n/2 extra links among the infras (10 Gbps,
//          0.5-5 ms), half of them gwin hosts, the rest switches; n/10 SAPs (at least 2),
//          each on a random infra at 100 Mbps, 1 ms.
// Requests (SimpleReqGen): two distinct random SAPs, 1-8 NFs (uniform) of a random type among
// the first `nf_types` letters, cpu 1-2 (integer), mem U[0, 800), storage U[0, 3); hops carry
// no bandwidth of their own; one SAP-to-SAP requirement with delay U[60, 220] ms and bandwidth
// U[0, 1) Mbps. Arrivals are Poisson and lifetimes exponential; the rates are not fixed in the
// repository (simulation_template.cfg leaves them open): StreamParams holds ours.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "orchestration/placement/embedding/problem.h"

namespace chainlab::bench {

struct StreamParams {
  double arrival_rate = 1.0;   // requests per time unit (request_arrival_lambda)
  double mean_lifetime = 30;   // time units (1 / request_lifetime_lambda)
  int max_nfs = 8;             // chain_maxlen
  int nf_types = 10;           // request_nf_type_count: types "A".."J"
  double min_delay_ms = 60;    // request_min_lat
  double max_delay_ms = 220;   // request_max_lat
  double max_bandwidth = 1.0;  // SimpleReqGen's max_bw
  int max_cpu = 2;
  double max_mem = 800;
  double max_storage = 3;
};

// One arrival: the request, when it arrives and how long it stays if accepted.
struct StreamEvent {
  double time = 0;
  double lifetime = 0;
  orchestration::embedding::Request request;
};

orchestration::embedding::Substrate pico_substrate(uint64_t seed);
orchestration::embedding::Substrate gwin_substrate(uint64_t seed);
// A GML file (e.g. dfn-gwin.gml) read by the emulator's topology importer, augmented like
// gwin_substrate. InvalidArgument/TooLarge for a malformed file.
Result<orchestration::embedding::Substrate> gml_substrate(const std::string& path, uint64_t seed);
orchestration::embedding::Substrate random_substrate(size_t nodes, uint64_t seed);
// random_substrate made scarce, where choices matter (like the unit tests' instances): infra
// cpu 2-12, node delay 0-1.5 ms and cost 0-2, links 50-400 Mbps, 1-10 ms, cost 1-4.
orchestration::embedding::Substrate scarce_substrate(size_t nodes, uint64_t seed);

std::vector<StreamEvent> request_stream(const orchestration::embedding::Substrate& substrate,
                                        size_t count, uint64_t seed,
                                        const StreamParams& params = {});
// One chain of `nfs` NFs between two random SAPs of the substrate.
orchestration::embedding::Request random_chain(const orchestration::embedding::Substrate& substrate,
                                               size_t nfs, uint64_t seed,
                                               const StreamParams& params = {});

}  // namespace chainlab::bench
