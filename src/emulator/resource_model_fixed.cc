// `fixed` (model A, son-emu's UpbSimpleCloudDcRM): every instance gets
//   CPU fraction = e_cpu / sum(max_cu) * flavour CU,  memory = e_mem / sum(max_mu) * flavour MU MB
// and an instance whose CU or MU do not fit in what the PoP has left is rejected.
#include "emulator/resource_model_book.h"

namespace chainlab::emulator::resource_internal {
namespace {

class FixedModel final : public ResourceModel {
 public:
  FixedModel(const ResourceModelSpec& spec, const GlobalBudget& budget)
      : book_(spec, budget),
        single_cu_(budget.e_cpu / budget.total_max_cu),
        single_mu_(budget.e_mem_mb / budget.total_max_mu) {}

  std::string_view name() const override { return "fixed"; }
  ResourceCapacity capacity() const override { return book_.capacity(name(), true, true); }

  Status admits(const Flavor& flavor) const override { return check(flavor, ""); }

  Status allocate(const std::string& instance, const Flavor& flavor) override {
    CL_RETURN_IF_ERROR(book_.check_new(instance, flavor));
    CL_RETURN_IF_ERROR(check(flavor, fmt::format(" for '{}'", instance)));
    book_.add(instance, flavor);
    book_.apply(true, single_cu_, single_mu_);
    return ok_status();
  }

  Status free(const std::string& instance) override { return book_.remove(instance); }
  std::map<std::string, Allocation> allocations() const override { return book_.allocations(); }
  nlohmann::json state() const override { return book_.state(name(), single_cu_, single_mu_, 1.0); }

 private:
  // Model A's rule: reject what does not fit. `who` is "" (admits) or " for 'x'" (allocate), so
  // the REST and Nova answers keep their wording.
  Status check(const Flavor& flavor, const std::string& who) const {
    CL_RETURN_IF_ERROR(AllocationBook::check_flavor(flavor));
    double cu = book_.allocated_cu();
    if (cu + flavor.cu > book_.spec().max_cu) {
      return make_error(ErrorCode::kResourceExhausted,
                        "not enough compute units{} (flavor '{}' needs {} CU, {} of {} CU "
                        "allocated)",
                        who, flavor.name, flavor.cu, cu, book_.spec().max_cu);
    }
    double mu = book_.allocated_mu();
    if (mu + flavor.mu_mb > book_.spec().max_mu) {
      return make_error(ErrorCode::kResourceExhausted,
                        "not enough memory{} (flavor '{}' needs {} MB, {} of {} MB allocated)", who,
                        flavor.name, flavor.mu_mb, mu, book_.spec().max_mu);
    }
    return ok_status();
  }

  AllocationBook book_;
  double single_cu_;  // CPU fraction of one CU
  double single_mu_;  // MB of one MU
};

}  // namespace

Result<std::unique_ptr<ResourceModel>> make_fixed_model(const ResourceModelSpec& spec,
                                                        const GlobalBudget& budget) {
  CL_RETURN_IF_ERROR(validate_spec(spec));
  CL_RETURN_IF_ERROR(validate_budget(spec, budget));
  return std::unique_ptr<ResourceModel>(std::make_unique<FixedModel>(spec, budget));
}

}  // namespace chainlab::emulator::resource_internal
