// A domain seen as one big switch (ESCAPE's BiSBiS): the view the chainlab-node and openstack
// domains report. One infra with the domain's resources and supported NF types, and one SAP per
// configured SAP id linked to a port "port-<sap>" of the infra with that SAP's delay.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "frontends/escape/nffg.h"

namespace chainlab::escape {

// What the views cannot state (NFFG numbers are finite): a switching bandwidth, a storage.
inline constexpr double kBisbisPlenty = 1e6;

struct BisbisSpec {
  std::string id;
  Resources resources;  // storage and bandwidth kBisbisPlenty when unset
  std::vector<std::string> supported;
  std::map<std::string, double> saps;  // SAP id -> its access link's delay (ms)
};

Nffg bisbis_view(const BisbisSpec& spec);

}  // namespace chainlab::escape
