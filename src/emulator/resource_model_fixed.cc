// `fixed` (model A, son-emu's UpbSimpleCloudDcRM): every instance gets
//   CPU fraction = e_cpu / sum(max_cu) * flavour CU,  memory = e_mem / sum(max_mu) * flavour MU MB
// and an instance whose CU or MU do not fit in what the PoP has left is rejected.
#include "emulator/resource_model_book.h"

namespace chainlab::emulator::resource_internal {
namespace {

class FixedModel final : public BookModel {
 public:
  FixedModel(const ResourceModelSpec& spec, const GlobalBudget& budget, ModelKind kind)
      : BookModel(spec, budget, kind),
        single_cu_(budget.e_cpu / budget.total_max_cu),
        single_mu_(budget.e_mem_mb / budget.total_max_mu) {}

  Status admits(const Flavor& flavor) const override { return check(flavor, ""); }

 private:
  Status fits(const std::string& instance, const Flavor& flavor) const override {
    return check(flavor, fmt::format(" for '{}'", instance));
  }
  double single_cu() const override { return single_cu_; }
  double single_mu() const override { return single_mu_; }

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

  double single_cu_;  // CPU fraction of one CU
  double single_mu_;  // MB of one MU
};

}  // namespace

Result<std::unique_ptr<ResourceModel>> make_fixed_model(const ResourceModelSpec& spec,
                                                        const GlobalBudget& budget) {
  return make_valid<FixedModel>(spec, budget, {"fixed", /*limited=*/true, /*rejects=*/true});
}

}  // namespace chainlab::emulator::resource_internal
