// Flavours, the three resource models (none, fixed = model A, overprovision = model B) and the
// allocation log. The numbers follow son-emu's UpbSimpleCloudDcRM / UpbOverprovisioningCloudDcRM:
// quota = trunc(period * fraction) with a 1000 us floor, memory = trunc(max(MB, 4) * 2^20) bytes,
// and model B scales single_cu (hence every instance's fraction, before the floor) by
// max_cu / max(max_cu, allocated_cu).
#include "emulator/resource_model.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>

#include "common/fd.h"

namespace chainlab::emulator {
namespace {

constexpr int64_t kCpuPeriodUs = 1'000'000;
constexpr double kMinCpuQuotaUs = 1000;  // smaller quotas fail with EINVAL in son-emu's experience
constexpr double kMinMemoryMb = 4;       // the kernel/docker minimum son-emu enforces
constexpr double kMaxFlavorUnits = 1e9;  // sanity bound on a flavour's CU / MU

enum class ModelKind { kNone, kFixed, kOverprovision };

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

// One class for all three models: they share the bookkeeping and differ in whether they reject
// (fixed), scale (overprovision) or set no limits at all (none, like son-emu's UpbDummyRM).
class UpbModel final : public ResourceModel {
 public:
  UpbModel(ModelKind kind, const ResourceModelSpec& spec, const GlobalBudget& budget)
      : kind_(kind), spec_(spec), budget_(budget) {
    reapply();
  }

  std::string_view name() const override {
    switch (kind_) {
      case ModelKind::kNone:
        return "none";
      case ModelKind::kFixed:
        return "fixed";
      case ModelKind::kOverprovision:
        return "overprovision";
    }
    return "none";
  }

  Status allocate(const std::string& instance, const Flavor& flavor) override {
    if (instances_.contains(instance)) {
      return make_error(ErrorCode::kAlreadyExists,
                        "instance '{}' already has resources in this PoP", instance);
    }
    if (!std::isfinite(flavor.cu) || flavor.cu < 0 || flavor.cu > kMaxFlavorUnits ||
        !std::isfinite(flavor.mu_mb) || flavor.mu_mb < 0 || flavor.mu_mb > kMaxFlavorUnits) {
      return make_error(ErrorCode::kInvalidArgument,
                        "flavor '{}' has out-of-range compute ({}) or memory ({}) units",
                        flavor.name, flavor.cu, flavor.mu_mb);
    }
    if (kind_ == ModelKind::kFixed) {
      double cu = allocated_cu();
      if (cu + flavor.cu > spec_.max_cu) {
        return make_error(ErrorCode::kResourceExhausted,
                          "not enough compute units for '{}' (flavor '{}' needs {} CU, {} of {} "
                          "CU allocated)",
                          instance, flavor.name, flavor.cu, cu, spec_.max_cu);
      }
      double mu = allocated_mu();
      if (mu + flavor.mu_mb > spec_.max_mu) {
        return make_error(ErrorCode::kResourceExhausted,
                          "not enough memory for '{}' (flavor '{}' needs {} MB, {} of {} MB "
                          "allocated)",
                          instance, flavor.name, flavor.mu_mb, mu, spec_.max_mu);
      }
    }
    instances_.emplace(instance, Entry{flavor, Allocation{}});
    reapply();
    return ok_status();
  }

  Status free(const std::string& instance) override {
    auto it = instances_.find(instance);
    if (it == instances_.end()) {
      return make_error(ErrorCode::kNotFound, "instance '{}' has no resources in this PoP",
                        instance);
    }
    instances_.erase(it);
    reapply();
    return ok_status();
  }

  std::map<std::string, Allocation> allocations() const override {
    std::map<std::string, Allocation> out;
    for (const auto& [name, entry] : instances_) {
      out.emplace(name, entry.limits);
    }
    return out;
  }

  nlohmann::json state() const override {
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
        {"model", std::string(name())},
        {"e_cpu", budget_.e_cpu},
        {"e_mem", budget_.e_mem_mb},
        {"dc_max_cu", spec_.max_cu},
        {"dc_max_mu", spec_.max_mu},
        {"dc_alloc_cu", allocated_cu()},
        {"dc_alloc_mu", allocated_mu()},
        {"single_cu_percentage", single_cu_},
        {"single_mu_percentage", single_mu_},
        {"cpu_op_factor", cpu_op_factor_},
        {"mem_op_factor", 1.0},
        {"allocation_state", std::move(per_instance)},
    };
  }

 private:
  struct Entry {
    Flavor flavor;
    Allocation limits;
  };

  // Sums recomputed from the instances (no drift from repeated += / -=).
  double allocated_cu() const {
    double sum = 0;
    for (const auto& [name, entry] : instances_) {
      sum += entry.flavor.cu;
    }
    return sum;
  }
  double allocated_mu() const {
    double sum = 0;
    for (const auto& [name, entry] : instances_) {
      sum += entry.flavor.mu_mb;
    }
    return sum;
  }

  // Recomputes every instance's limits (model B: the factor depends on all of them).
  void reapply() {
    if (kind_ == ModelKind::kNone) {
      single_cu_ = 0;
      single_mu_ = 0;
      cpu_op_factor_ = 1.0;
      for (auto& [name, entry] : instances_) {
        entry.limits = Allocation{};
      }
      return;
    }
    cpu_op_factor_ = 1.0;
    single_cu_ = budget_.e_cpu / budget_.total_max_cu;
    if (kind_ == ModelKind::kOverprovision) {
      cpu_op_factor_ = spec_.max_cu / std::max(spec_.max_cu, allocated_cu());
      single_cu_ = single_cu_ * cpu_op_factor_;
    }
    single_mu_ = budget_.e_mem_mb / budget_.total_max_mu;
    for (auto& [name, entry] : instances_) {
      entry.limits = limits_for(single_cu_ * entry.flavor.cu, single_mu_ * entry.flavor.mu_mb);
    }
  }

  ModelKind kind_;
  ResourceModelSpec spec_;
  GlobalBudget budget_;
  std::map<std::string, Entry> instances_;
  double single_cu_ = 0;  // CPU fraction of one CU (model B: after scaling)
  double single_mu_ = 0;  // MB of one MU
  double cpu_op_factor_ = 1.0;
};

std::string known_flavor_names() {
  std::string out;
  for (const Flavor& f : builtin_flavors()) {
    if (!out.empty()) {
      out += ", ";
    }
    out += f.name;
  }
  return out;
}

}  // namespace

const std::vector<Flavor>& builtin_flavors() {
  static const std::vector<Flavor> kFlavors = {
      {"tiny", 0.5, 32, 1},  {"small", 1, 128, 20},     {"medium", 4, 256, 40},
      {"large", 8, 512, 80}, {"xlarge", 16, 1024, 160},
  };
  return kFlavors;
}

Result<Flavor> find_flavor(std::string_view name) {
  for (const Flavor& f : builtin_flavors()) {
    if (f.name == name) {
      return f;
    }
  }
  return make_error(ErrorCode::kNotFound, "unknown flavor '{}' (known: {})", name,
                    known_flavor_names());
}

Result<std::unique_ptr<ResourceModel>> make_resource_model(const ResourceModelSpec& spec,
                                                           const GlobalBudget& budget) {
  ModelKind kind;
  if (spec.model == "none") {
    kind = ModelKind::kNone;
  } else if (spec.model == "fixed") {
    kind = ModelKind::kFixed;
  } else if (spec.model == "overprovision") {
    kind = ModelKind::kOverprovision;
  } else {
    return make_error(ErrorCode::kInvalidArgument,
                      "unknown resource model '{}' (known: none, fixed, overprovision)",
                      spec.model);
  }
  if (!positive_finite(spec.max_cu) || !positive_finite(spec.max_mu)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "resource model '{}': max_cu ({}) and max_mu ({}) must be > 0", spec.model,
                      spec.max_cu, spec.max_mu);
  }
  if (kind != ModelKind::kNone) {
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
  }
  return std::unique_ptr<ResourceModel>(std::make_unique<UpbModel>(kind, spec, budget));
}

Status AllocationLog::append(const std::string& pop, const std::string& instance,
                             const std::string& action, const nlohmann::json& container_state,
                             const nlohmann::json& rm_state) {
  if (action != "allocate" && action != "free") {
    return make_error(ErrorCode::kInvalidArgument,
                      "allocation log action must be 'allocate' or 'free', not '{}'", action);
  }
  auto now = std::chrono::system_clock::now().time_since_epoch();
  double t = std::chrono::duration<double>(now).count();
  nlohmann::json line = {
      {"t", t},
      {"pop", pop},
      {"instance", instance},
      {"action", action},
      {"container_state", container_state},
      {"rm_state", rm_state},
  };
  // Invalid UTF-8 is replaced rather than thrown.
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text += '\n';
  UniqueFd fd(::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644));
  if (!fd.valid()) {
    return errno_error(errno, fmt::format("opening allocation log {}", path_));
  }
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno_error(errno, fmt::format("writing allocation log {}", path_));
    }
    done += static_cast<size_t>(n);
  }
  return ok_status();
}

}  // namespace chainlab::emulator
