// The bookkeeping shared by the resource models. Numbers as in son-emu's UpbSimpleCloudDcRM:
// quota = trunc(period * fraction) with a 1000 us floor, memory = trunc(max(MB, 4) * 2^20) bytes.
#include "emulator/resource_model_book.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace chainlab::emulator::resource_internal {
namespace {

constexpr int64_t kCpuPeriodUs = 1'000'000;
constexpr double kMinCpuQuotaUs = 1000;  // smaller quotas fail with EINVAL in son-emu's experience
constexpr double kMinMemoryMb = 4;       // the kernel/docker minimum son-emu enforces
constexpr double kMaxFlavorUnits = 1e9;  // sanity bound on a flavour's CU / MU

// double -> int64 the way Python's int() does for positive values (truncation), saturating.
int64_t truncate_to_int64(double v) {
  constexpr double kMax = 9.0e18;
  if (!(v > 0)) {
    return 0;
  }
  if (v >= kMax) {
    return static_cast<int64_t>(kMax);
  }
  return static_cast<int64_t>(v);
}

Allocation limits_for(double cpu_fraction, double memory_mb) {
  Allocation a;
  a.cpu_fraction = cpu_fraction;
  a.cpu_period_us = kCpuPeriodUs;
  double quota = static_cast<double>(kCpuPeriodUs) * cpu_fraction;
  if (quota < kMinCpuQuotaUs) {
    quota = kMinCpuQuotaUs;
  }
  a.cpu_quota_us = truncate_to_int64(quota);
  double mb = memory_mb < kMinMemoryMb ? kMinMemoryMb : memory_mb;
  a.memory_bytes = truncate_to_int64(mb * 1024 * 1024);
  return a;
}

bool positive_finite(double v) {
  return std::isfinite(v) && v > 0;
}

ResourceAmount amount(double total, double allocated, bool limited) {
  double available =
      limited ? std::max(0.0, total - allocated) : std::numeric_limits<double>::infinity();
  return ResourceAmount{total, allocated, available};
}

}  // namespace

Status validate_spec(const ResourceModelSpec& spec) {
  if (!positive_finite(spec.max_cu) || !positive_finite(spec.max_mu)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "resource model '{}': max_cu ({}) and max_mu ({}) must be > 0", spec.model,
                      spec.max_cu, spec.max_mu);
  }
  return ok_status();
}

Status validate_budget(const ResourceModelSpec& spec, const GlobalBudget& budget) {
  if (!positive_finite(budget.e_cpu) || !positive_finite(budget.e_mem_mb)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "resource model '{}': e_cpu ({}) and e_mem ({}) must be > 0", spec.model,
                      budget.e_cpu, budget.e_mem_mb);
  }
  if (!std::isfinite(budget.total_max_cu) || budget.total_max_cu < spec.max_cu ||
      !std::isfinite(budget.total_max_mu) || budget.total_max_mu < spec.max_mu) {
    return make_error(ErrorCode::kInvalidArgument,
                      "resource model '{}': the totals over all PoPs (max_cu {}, max_mu {}) "
                      "must include this PoP's (max_cu {}, max_mu {})",
                      spec.model, budget.total_max_cu, budget.total_max_mu, spec.max_cu,
                      spec.max_mu);
  }
  return ok_status();
}

Status AllocationBook::check_flavor(const Flavor& flavor) {
  if (!std::isfinite(flavor.cu) || flavor.cu < 0 || flavor.cu > kMaxFlavorUnits ||
      !std::isfinite(flavor.mu_mb) || flavor.mu_mb < 0 || flavor.mu_mb > kMaxFlavorUnits) {
    return make_error(ErrorCode::kInvalidArgument,
                      "flavor '{}' has out-of-range compute ({}) or memory ({}) units", flavor.name,
                      flavor.cu, flavor.mu_mb);
  }
  return ok_status();
}

Status AllocationBook::check_new(const std::string& instance, const Flavor& flavor) const {
  if (instances_.contains(instance)) {
    return make_error(ErrorCode::kAlreadyExists, "instance '{}' already has resources in this PoP",
                      instance);
  }
  return check_flavor(flavor);
}

void AllocationBook::add(const std::string& instance, const Flavor& flavor) {
  instances_.emplace(instance, Entry{flavor, Allocation{}});
}

Status AllocationBook::remove(const std::string& instance) {
  if (instances_.erase(instance) == 0) {
    return make_error(ErrorCode::kNotFound, "instance '{}' has no resources in this PoP", instance);
  }
  return ok_status();
}

double AllocationBook::allocated_cu() const {
  double sum = 0;
  for (const auto& [name, entry] : instances_) {
    sum += entry.flavor.cu;
  }
  return sum;
}

double AllocationBook::allocated_mu() const {
  double sum = 0;
  for (const auto& [name, entry] : instances_) {
    sum += entry.flavor.mu_mb;
  }
  return sum;
}

void AllocationBook::apply(bool limited, double single_cu, double single_mu) {
  for (auto& [name, entry] : instances_) {
    entry.limits = limited ? limits_for(single_cu * entry.flavor.cu, single_mu * entry.flavor.mu_mb)
                           : Allocation{};
  }
}

std::map<std::string, Allocation> AllocationBook::allocations() const {
  std::map<std::string, Allocation> out;
  for (const auto& [name, entry] : instances_) {
    out.emplace(name, entry.limits);
  }
  return out;
}

ResourceCapacity AllocationBook::capacity(std::string_view model, bool limited,
                                          bool rejects) const {
  return ResourceCapacity{std::string(model), limited, rejects,
                          amount(spec_.max_cu, allocated_cu(), limited),
                          amount(spec_.max_mu, allocated_mu(), limited)};
}

nlohmann::json AllocationBook::state(std::string_view model, double single_cu, double single_mu,
                                     double cpu_op_factor) const {
  nlohmann::json per_instance = nlohmann::json::object();
  for (const auto& [name, entry] : instances_) {
    per_instance[name] = {
        {"flavor", entry.flavor.name},
        {"cpu_fraction", entry.limits.cpu_fraction},
        {"cpu_period", entry.limits.cpu_period_us},
        {"cpu_quota", entry.limits.cpu_quota_us},
        {"mem_limit", entry.limits.memory_bytes},
    };
  }
  return {
      {"model", std::string(model)},
      {"e_cpu", budget_.e_cpu},
      {"e_mem", budget_.e_mem_mb},
      {"dc_max_cu", spec_.max_cu},
      {"dc_max_mu", spec_.max_mu},
      {"dc_alloc_cu", allocated_cu()},
      {"dc_alloc_mu", allocated_mu()},
      {"single_cu_percentage", single_cu},
      {"single_mu_percentage", single_mu},
      {"cpu_op_factor", cpu_op_factor},
      {"mem_op_factor", 1.0},
      {"allocation_state", std::move(per_instance)},
  };
}

Status BookModel::allocate(const std::string& instance, const Flavor& flavor) {
  CL_RETURN_IF_ERROR(book_.check_new(instance, flavor));
  CL_RETURN_IF_ERROR(fits(instance, flavor));
  book_.add(instance, flavor);
  book_.apply(kind_.limited, single_cu(), single_mu());
  return ok_status();
}

Status BookModel::free(const std::string& instance) {
  CL_RETURN_IF_ERROR(book_.remove(instance));
  book_.apply(kind_.limited, single_cu(), single_mu());
  return ok_status();
}

Status BookModel::fits(const std::string& /*instance*/, const Flavor& /*flavor*/) const {
  return ok_status();
}

}  // namespace chainlab::emulator::resource_internal
