#include "runtime/drivers.h"

#include "runtime/native_driver.h"
#include "runtime/oci_driver.h"
#include "substrate/process.h"

namespace chainlab::runtime {
namespace {

Result<std::unique_ptr<ComputeDriver>> make_native(const DriverContext& context) {
  return std::unique_ptr<ComputeDriver>(
      std::make_unique<NativeDriver>(context.run, context.log_bytes));
}

Result<std::unique_ptr<ComputeDriver>> make_oci(const DriverContext& context) {
  if (context.images == nullptr) {
    return make_error(ErrorCode::kUnavailable, "the oci driver needs an image store");
  }
  if (!substrate::find_executable("runc").ok()) {
    return make_error(ErrorCode::kUnavailable,
                      "the oci driver needs runc (not found; scripts/install-deps.sh installs it)");
  }
  return std::unique_ptr<ComputeDriver>(
      std::make_unique<OciDriver>(context.run, *context.images, "runc", context.log_bytes));
}

}  // namespace

void register_builtin_drivers(DriverRegistry& registry) {
  for (auto [name, factory] : {std::pair{"native", &make_native}, std::pair{"oci", &make_oci}}) {
    Status added = registry.add(name, factory);
    assert(added.ok());
    (void)added;
  }
}

}  // namespace chainlab::runtime
