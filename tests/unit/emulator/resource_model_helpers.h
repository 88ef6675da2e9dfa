// What the resource-model unit tests share: a two-PoP budget and flavours by name.
#pragma once

#include <string_view>

#include "emulator/resource_model.h"

namespace chainlab::emulator::test_support {

// Two PoPs with max_cu 32 and max_mu 1024: single_cu = 1/64, single_mu = 0.25 MB.
inline GlobalBudget two_pop_budget() {
  return GlobalBudget{.e_cpu = 1.0, .e_mem_mb = 512, .total_max_cu = 64, .total_max_mu = 2048};
}

inline Flavor flavor(std::string_view name) {
  return find_flavor(name).value();
}

}  // namespace chainlab::emulator::test_support
