// Unpacking a tar archive (plain or compressed, libarchive) that is not an image layer: the node
// orchestrator's native function bundles (COMPOSER's NSF .tgz). The same hostile-entry checks as
// the image store's layers (absolute paths, `..`, links out of the tree, size and entry budgets).
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"

namespace chainlab::runtime {

struct UnpackLimits {
  uint64_t bytes = uint64_t{256} << 20;  // regular file contents
  uint64_t entries = 10'000;
};

// Extracts `archive` into `dest`, an existing empty directory. On error `dest` may hold a partial
// tree: the caller removes it.
Status unpack_archive(const std::string& archive, const std::string& dest,
                      const UnpackLimits& limits = {});

}  // namespace chainlab::runtime
