// Resource models (MeDICINE section III-G; son-emu's UpbSimpleCloudDcRM and
// UpbOverprovisioningCloudDcRM): how much CPU and memory an instance of a given flavour gets in a
// PoP, and whether it may start at all.
//
// Every PoP has a model and a budget (max_cu compute units, max_mu MB). The emulation-wide budgets
// e_cpu (fraction of the machine's CPU all instances may use) and e_mem (MB) are split over the sum
// of all PoPs' max_cu / max_mu:
//   single_cu = e_cpu / sum(max_cu)      cpu fraction = single_cu * flavour.cu
//   cfs period = 1,000,000 us            cfs quota = period * fraction (at least 1000 us)
//   single_mu = e_mem / sum(max_mu)      memory = single_mu * flavour.mu MB (at least 4 MB)
// `fixed` (model A) rejects an instance whose CU or MU do not fit in what the PoP has left.
// `overprovision` (model B) never rejects: once the allocated CU exceed max_cu, every instance of
// the PoP gets its CPU fraction scaled by max_cu / allocated_cu (re-applied on each add and remove;
// other PoPs are unaffected). `none` applies no limits.
// Rounding as in son-emu: quota = trunc(period * fraction), raised to 1000 us; memory bytes =
// trunc(max(MB, 4) * 1024 * 1024). Model B scales only the CPU (memory limits are never scaled).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "emulator/topology.h"

namespace chainlab::emulator {

struct Flavor {
  std::string name;
  double cu = 0;     // compute units
  double mu_mb = 0;  // memory MB
  double disk_gb = 0;
};

// tiny (0.5, 32, 1), small (1, 128, 20), medium (4, 256, 40), large (8, 512, 80),
// xlarge (16, 1024, 160).
const std::vector<Flavor>& builtin_flavors();
Result<Flavor> find_flavor(std::string_view name);

// What an instance is allowed (unset limits: none).
struct Allocation {
  double cpu_fraction = 0;    // of the whole machine, after scaling (before the quota floor)
  int64_t cpu_period_us = 0;  // 0: no CPU limit
  int64_t cpu_quota_us = 0;
  int64_t memory_bytes = 0;  // 0: no memory limit
  friend bool operator==(const Allocation&, const Allocation&) = default;
};

// The emulation-wide numbers a model needs: e_cpu, e_mem and the sums over all PoPs that have a
// limiting model (son-emu sums over the PoPs with a registered model; a `none` PoP has none). A
// `none` model ignores the budget; the others need e_cpu, e_mem > 0 and totals >= their own max.
struct GlobalBudget {
  double e_cpu = 1.0;
  double e_mem_mb = 512;
  double total_max_cu = 0;
  double total_max_mu = 0;
};

class ResourceModel {
 public:
  virtual ~ResourceModel() = default;
  virtual std::string_view name() const = 0;
  // Reserves resources for `instance`; kResourceExhausted (with the numbers) when the model
  // rejects it, kAlreadyExists for a duplicate name. Nothing changes on failure.
  virtual Status allocate(const std::string& instance, const Flavor& flavor) = 0;
  // Releases them (NotFound if unknown).
  virtual Status free(const std::string& instance) = 0;
  // The current limits of every instance of the PoP (model B: after rescaling).
  virtual std::map<std::string, Allocation> allocations() const = 0;
  // For the allocation log: allocated CU/MU, limits, factor.
  virtual nlohmann::json state() const = 0;
};

// Creates the model named in `spec.model` for one PoP; InvalidArgument for unknown names or
// budgets out of range (max_cu, max_mu > 0).
Result<std::unique_ptr<ResourceModel>> make_resource_model(const ResourceModelSpec& spec,
                                                           const GlobalBudget& budget);

// One JSON line per allocation or release: {"t": seconds, "pop": ..., "instance": ...,
// "action": "allocate" | "free", "container_state": {...}, "rm_state": {...}}.
class AllocationLog {
 public:
  explicit AllocationLog(std::string path) : path_(std::move(path)) {}
  Status append(const std::string& pop, const std::string& instance, const std::string& action,
                const nlohmann::json& container_state, const nlohmann::json& rm_state);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace chainlab::emulator
