// Packages kept as source trees: `chainlab package upload DIR` zips the directory in memory (the
// SONATA/5GTANGO layout: META-INF/ or TOSCA-Metadata/ at its top) before uploading it.
#pragma once

#include <string>

#include "common/result.h"

namespace chainlab::cli {

// A zip of every regular file under `dir`, paths relative to it, in sorted order (so the same
// tree gives the same bytes). Symlinks and special files are refused; at most 512 MB.
Result<std::string> zip_directory(const std::string& dir);

}  // namespace chainlab::cli
