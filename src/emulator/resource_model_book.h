// Internal to the resource models (resource_model*.cc): the bookkeeping every model shares —
// which instance has which flavour, the sums, the limits son-emu's formulas give, the JSON
// state — so that each model class holds only what makes it different (whether it rejects,
// whether it scales).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "emulator/resource_model.h"

namespace chainlab::emulator::resource_internal {

// InvalidArgument unless max_cu, max_mu > 0 (every model).
Status validate_spec(const ResourceModelSpec& spec);
// InvalidArgument unless e_cpu, e_mem > 0 and the totals include this PoP's max (limiting models).
Status validate_budget(const ResourceModelSpec& spec, const GlobalBudget& budget);

class AllocationBook {
 public:
  AllocationBook(const ResourceModelSpec& spec, const GlobalBudget& budget)
      : spec_(spec), budget_(budget) {}

  const ResourceModelSpec& spec() const { return spec_; }
  const GlobalBudget& budget() const { return budget_; }

  // InvalidArgument for a flavour with out-of-range units.
  static Status check_flavor(const Flavor& flavor);
  // AlreadyExists for a taken name, then check_flavor.
  Status check_new(const std::string& instance, const Flavor& flavor) const;
  void add(const std::string& instance, const Flavor& flavor);
  // NotFound if unknown.
  Status remove(const std::string& instance);

  // Sums recomputed from the instances (no drift from repeated += / -=).
  double allocated_cu() const;
  double allocated_mu() const;

  // Sets every instance's limits: CPU fraction single_cu * CU, memory single_mu * MU MB (with
  // son-emu's floors); `limited` false: no limits at all.
  void apply(bool limited, double single_cu, double single_mu);
  std::map<std::string, Allocation> allocations() const;

  // `available` infinite unless `limited`.
  ResourceCapacity capacity(std::string_view model, bool limited, bool rejects = false) const;
  nlohmann::json state(std::string_view model, double single_cu, double single_mu,
                       double cpu_op_factor) const;

 private:
  struct Entry {
    Flavor flavor;
    Allocation limits;
  };

  ResourceModelSpec spec_;
  GlobalBudget budget_;
  std::map<std::string, Entry> instances_;
};

Result<std::unique_ptr<ResourceModel>> make_none_model(const ResourceModelSpec& spec,
                                                       const GlobalBudget& budget);
Result<std::unique_ptr<ResourceModel>> make_fixed_model(const ResourceModelSpec& spec,
                                                        const GlobalBudget& budget);
Result<std::unique_ptr<ResourceModel>> make_overprovision_model(const ResourceModelSpec& spec,
                                                                const GlobalBudget& budget);

}  // namespace chainlab::emulator::resource_internal
