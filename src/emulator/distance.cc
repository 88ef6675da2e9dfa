// Great-circle distances for topology imports (durations: common/units.h).
#include <algorithm>
#include <cmath>

#include "emulator/topology.h"

namespace chainlab::emulator {

double distance_km(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kEarthRadiusKm = 6371.0;
  constexpr double kDegToRad = 3.14159265358979323846 / 180.0;
  double phi1 = lat1 * kDegToRad;
  double phi2 = lat2 * kDegToRad;
  double dphi = (lat2 - lat1) * kDegToRad;
  double dlambda = (lon2 - lon1) * kDegToRad;
  double h = std::sin(dphi / 2) * std::sin(dphi / 2) +
             std::cos(phi1) * std::cos(phi2) * std::sin(dlambda / 2) * std::sin(dlambda / 2);
  h = std::min(1.0, std::max(0.0, h));
  return 2 * kEarthRadiusKm * std::asin(std::sqrt(h));
}

}  // namespace chainlab::emulator
