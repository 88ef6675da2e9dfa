// `overprovision` (model B, son-emu's UpbOverprovisioningCloudDcRM): the limits of model A, but
// it never rejects; once the allocated CU exceed max_cu, every instance of the PoP gets its CPU
// fraction scaled by max_cu / allocated_cu (re-applied on each add and remove; other PoPs are
// unaffected). Memory limits are never scaled.
#include <algorithm>

#include "emulator/resource_model_book.h"

namespace chainlab::emulator::resource_internal {
namespace {

class OverprovisionModel final : public BookModel {
 public:
  OverprovisionModel(const ResourceModelSpec& spec, const GlobalBudget& budget, ModelKind kind)
      : BookModel(spec, budget, kind) {}

 private:
  double cpu_op_factor() const override {
    double max_cu = book_.spec().max_cu;
    return max_cu / std::max(max_cu, book_.allocated_cu());
  }
  // CPU fraction of one CU, after scaling.
  double single_cu() const override {
    return book_.budget().e_cpu / book_.budget().total_max_cu * cpu_op_factor();
  }
  double single_mu() const override {
    return book_.budget().e_mem_mb / book_.budget().total_max_mu;
  }
};

}  // namespace

Result<std::unique_ptr<ResourceModel>> make_overprovision_model(const ResourceModelSpec& spec,
                                                                const GlobalBudget& budget) {
  return make_valid<OverprovisionModel>(spec, budget,
                                        {"overprovision", /*limited=*/true, /*rejects=*/false});
}

}  // namespace chainlab::emulator::resource_internal
