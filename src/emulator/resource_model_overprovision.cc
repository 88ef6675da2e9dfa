// `overprovision` (model B, son-emu's UpbOverprovisioningCloudDcRM): the limits of model A, but
// it never rejects; once the allocated CU exceed max_cu, every instance of the PoP gets its CPU
// fraction scaled by max_cu / allocated_cu (re-applied on each add and remove; other PoPs are
// unaffected). Memory limits are never scaled.
#include <algorithm>

#include "emulator/resource_model_book.h"

namespace chainlab::emulator::resource_internal {
namespace {

class OverprovisionModel final : public ResourceModel {
 public:
  OverprovisionModel(const ResourceModelSpec& spec, const GlobalBudget& budget)
      : book_(spec, budget) {}

  std::string_view name() const override { return "overprovision"; }
  ResourceCapacity capacity() const override { return book_.capacity(name(), true); }
  Status admits(const Flavor& flavor) const override {
    return AllocationBook::check_flavor(flavor);
  }

  Status allocate(const std::string& instance, const Flavor& flavor) override {
    CL_RETURN_IF_ERROR(book_.check_new(instance, flavor));
    book_.add(instance, flavor);
    reapply();
    return ok_status();
  }

  Status free(const std::string& instance) override {
    CL_RETURN_IF_ERROR(book_.remove(instance));
    reapply();
    return ok_status();
  }

  std::map<std::string, Allocation> allocations() const override { return book_.allocations(); }
  nlohmann::json state() const override {
    return book_.state(name(), single_cu(), single_mu(), cpu_op_factor());
  }

 private:
  double cpu_op_factor() const {
    double max_cu = book_.spec().max_cu;
    return max_cu / std::max(max_cu, book_.allocated_cu());
  }
  // CPU fraction of one CU, after scaling.
  double single_cu() const {
    return book_.budget().e_cpu / book_.budget().total_max_cu * cpu_op_factor();
  }
  double single_mu() const { return book_.budget().e_mem_mb / book_.budget().total_max_mu; }
  void reapply() { book_.apply(true, single_cu(), single_mu()); }

  AllocationBook book_;
};

}  // namespace

Result<std::unique_ptr<ResourceModel>> make_overprovision_model(const ResourceModelSpec& spec,
                                                                const GlobalBudget& budget) {
  CL_RETURN_IF_ERROR(validate_spec(spec));
  CL_RETURN_IF_ERROR(validate_budget(spec, budget));
  return std::unique_ptr<ResourceModel>(std::make_unique<OverprovisionModel>(spec, budget));
}

}  // namespace chainlab::emulator::resource_internal
