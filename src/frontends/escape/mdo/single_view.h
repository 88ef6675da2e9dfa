// ESCAPE's SINGLE view (config `view: single`): the global view shown upward as one big switch.
// One BiSBiS infra "SingleBiSBiS" whose cpu, mem and storage are the sums of every infra's,
// bandwidth and delay the largest of theirs, `supported` their union; every SAP linked to a port
// of its own ("port-<sap>") with its access link's delay and bandwidth; every deployed NF
// attached to the big switch. Flow rules, hops and requirements are not shown.
#pragma once

#include "frontends/escape/nffg.h"

namespace chainlab::escape {

inline constexpr const char* kSingleBisbisId = "SingleBiSBiS";

Nffg single_bisbis_view(const Nffg& global);

}  // namespace chainlab::escape
