// `none` (son-emu's UpbDummyRM): sets no limits and never rejects; it only keeps count of what
// its PoP's instances asked for (capacity: allocated units, infinite availability).
#include "emulator/resource_model_book.h"

namespace chainlab::emulator::resource_internal {
namespace {

class NoneModel final : public ResourceModel {
 public:
  NoneModel(const ResourceModelSpec& spec, const GlobalBudget& budget) : book_(spec, budget) {}

  std::string_view name() const override { return "none"; }
  ResourceCapacity capacity() const override { return book_.capacity(name(), false); }
  Status admits(const Flavor& flavor) const override {
    return AllocationBook::check_flavor(flavor);
  }
  Status allocate(const std::string& instance, const Flavor& flavor) override {
    CL_RETURN_IF_ERROR(book_.check_new(instance, flavor));
    book_.add(instance, flavor);
    book_.apply(false, 0, 0);
    return ok_status();
  }
  Status free(const std::string& instance) override { return book_.remove(instance); }
  std::map<std::string, Allocation> allocations() const override { return book_.allocations(); }
  nlohmann::json state() const override { return book_.state(name(), 0, 0, 1.0); }

 private:
  AllocationBook book_;
};

}  // namespace

Result<std::unique_ptr<ResourceModel>> make_none_model(const ResourceModelSpec& spec,
                                                       const GlobalBudget& budget) {
  CL_RETURN_IF_ERROR(validate_spec(spec));
  return std::unique_ptr<ResourceModel>(std::make_unique<NoneModel>(spec, budget));
}

}  // namespace chainlab::emulator::resource_internal
