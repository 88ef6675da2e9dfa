// Internal to the resource models (resource_model*.cc): the bookkeeping every model shares —
// which instance has which flavour, the sums, the limits son-emu's formulas give, the JSON
// state — so that each model class holds only what makes it different (whether it rejects,
// whether it scales).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

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
  ResourceCapacity capacity(std::string_view model, bool limited, bool rejects) const;
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

// The ResourceModel of every model: an AllocationBook, limits re-applied to every instance after
// each change. With no overrides: the `none` model (no limits, never rejects). A limiting model
// gives the CPU fraction of one CU and the MB of one MU (son-emu's formulas) and, if it rejects,
// its rule in fits().
// What a model is: its name (a string literal), whether it sets limits (and so needs a valid
// global budget) and whether it refuses what does not fit.
struct ModelKind {
  std::string_view name;
  bool limited = false;
  bool rejects = false;
};

class BookModel : public ResourceModel {
 public:
  BookModel(const ResourceModelSpec& spec, const GlobalBudget& budget, ModelKind kind)
      : book_(spec, budget), kind_(kind) {}

  std::string_view name() const override { return kind_.name; }
  ResourceCapacity capacity() const override {
    return book_.capacity(name(), kind_.limited, kind_.rejects);
  }
  Status admits(const Flavor& flavor) const override {
    return AllocationBook::check_flavor(flavor);
  }
  Status allocate(const std::string& instance, const Flavor& flavor) override;
  Status free(const std::string& instance) override;
  std::map<std::string, Allocation> allocations() const override { return book_.allocations(); }
  nlohmann::json state() const override {
    return book_.state(name(), single_cu(), single_mu(), cpu_op_factor());
  }

 protected:
  // Whether a new instance may have `flavor` (after the book's own checks); default: yes.
  virtual Status fits(const std::string& instance, const Flavor& flavor) const;
  virtual double single_cu() const { return 0; }
  virtual double single_mu() const { return 0; }
  virtual double cpu_op_factor() const { return 1.0; }

  AllocationBook book_;

 private:
  ModelKind kind_;
};

// validate_spec, validate_budget for a limited `kind`, then a Model(spec, budget, kind).
template <typename Model>
Result<std::unique_ptr<ResourceModel>> make_valid(const ResourceModelSpec& spec,
                                                  const GlobalBudget& budget, ModelKind kind) {
  CL_RETURN_IF_ERROR(validate_spec(spec));
  if (kind.limited) {
    CL_RETURN_IF_ERROR(validate_budget(spec, budget));
  }
  return std::unique_ptr<ResourceModel>(std::make_unique<Model>(spec, budget, kind));
}

Result<std::unique_ptr<ResourceModel>> make_none_model(const ResourceModelSpec& spec,
                                                       const GlobalBudget& budget);
Result<std::unique_ptr<ResourceModel>> make_fixed_model(const ResourceModelSpec& spec,
                                                        const GlobalBudget& budget);
Result<std::unique_ptr<ResourceModel>> make_overprovision_model(const ResourceModelSpec& spec,
                                                                const GlobalBudget& budget);

}  // namespace chainlab::emulator::resource_internal
