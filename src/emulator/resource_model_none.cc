// `none` (son-emu's UpbDummyRM): sets no limits and never rejects; it only keeps count of what
// its PoP's instances asked for (capacity: allocated units, infinite availability). That is the
// BookModel without a model's own rules.
#include "emulator/resource_model_book.h"

namespace chainlab::emulator::resource_internal {

Result<std::unique_ptr<ResourceModel>> make_none_model(const ResourceModelSpec& spec,
                                                       const GlobalBudget& budget) {
  return make_valid<BookModel>(spec, budget, {"none", /*limited=*/false, /*rejects=*/false});
}

}  // namespace chainlab::emulator::resource_internal
