#include "runtime/archive.h"

#include "runtime/image_store_internal.h"

namespace chainlab::runtime {

Status unpack_archive(const std::string& archive, const std::string& dest,
                      const UnpackLimits& limits) {
  detail::UnpackBudget budget{limits.bytes, limits.entries};
  auto unpacked = detail::unpack_layer(archive, dest, budget);
  if (!unpacked.ok()) {
    return std::move(unpacked).error().context(archive);
  }
  return ok_status();
}

}  // namespace chainlab::runtime
