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

#include "common/registry.h"
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

// How much of one resource (compute units, or memory MB) a PoP has.
struct ResourceAmount {
  double total = 0;      // the PoP's max_cu / max_mu
  double allocated = 0;  // the sum over its instances' flavours
  // What a new instance may still get: total - allocated (never below 0); infinite when the
  // model sets no limits (none).
  double available = 0;
  friend bool operator==(const ResourceAmount&, const ResourceAmount&) = default;
};

// A PoP's capacity as placement reads it (typed; the JSON `state()` is for REST and the log).
struct ResourceCapacity {
  std::string model;     // "none", "fixed", "overprovision"
  bool limited = false;  // the model sets CPU/memory limits (false: none)
  bool rejects = false;  // it refuses an instance that does not fit (fixed)
  ResourceAmount compute_units;
  ResourceAmount memory_mb;
  friend bool operator==(const ResourceCapacity&, const ResourceCapacity&) = default;
};

// One PoP's resource model: one class per model (resource_model_none.cc, _fixed.cc,
// _overprovision.cc), created by name through a ResourceModelRegistry.
class ResourceModel {
 public:
  virtual ~ResourceModel() = default;
  virtual std::string_view name() const = 0;
  virtual ResourceCapacity capacity() const = 0;
  // Whether an instance of `flavor` may start now: kResourceExhausted (with the numbers) when the
  // model would reject it, kInvalidArgument for a flavour with out-of-range units.
  virtual Status admits(const Flavor& flavor) const = 0;
  // Reserves resources for `instance` (what admits() says, or kAlreadyExists for a duplicate
  // name). Nothing changes on failure.
  virtual Status allocate(const std::string& instance, const Flavor& flavor) = 0;
  // Releases them (NotFound if unknown).
  virtual Status free(const std::string& instance) = 0;
  // The current limits of every instance of the PoP (model B: after rescaling).
  virtual std::map<std::string, Allocation> allocations() const = 0;
  // For the REST API and the allocation log: son-emu's keys (allocated CU/MU, limits, factor).
  virtual nlohmann::json state() const = 0;
};

// Resource models by name (the `resources.model` of a PoP). A factory rejects a spec with
// max_cu or max_mu not > 0 (InvalidArgument); a limiting model also a budget with e_cpu, e_mem
// not > 0 or totals below its own max.
using ResourceModelRegistry =
    Registry<ResourceModel, const ResourceModelSpec&, const GlobalBudget&>;

// Adds "none", "fixed" (model A) and "overprovision" (model B).
void register_builtin_resource_models(ResourceModelRegistry& registry);

// The model named in `spec.model` from a registry with the built-in models; InvalidArgument for
// unknown names or budgets out of range.
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
