// `none` (son-emu's UpbDummyRM): sets no limits and never rejects; it only keeps count of what
// its PoP's instances asked for (capacity: allocated units, infinite availability).
#include "emulator/resource_model_book.h"

namespace chainlab::emulator::resource_internal {
namespace {

class NoneModel final : public BookModel {
 public:
  NoneModel(const ResourceModelSpec& spec, const GlobalBudget& budget)
      : BookModel(spec, budget, "none", /*limited=*/false) {}
};

}  // namespace

Result<std::unique_ptr<ResourceModel>> make_none_model(const ResourceModelSpec& spec,
                                                       const GlobalBudget& budget) {
  return make_valid<NoneModel>(spec, budget, /*limited=*/false);
}

}  // namespace chainlab::emulator::resource_internal
