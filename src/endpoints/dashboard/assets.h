// The dashboard's files (web/dashboard, bundled by esbuild at build time) embedded in the binary by
// a generated source file (cmake/embed_dashboard.cmake): the page needs nothing from elsewhere.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace chainlab::endpoints {

struct DashboardAsset {
  std::string_view name;          // "index.html", "app.js", "app.js.gz" (app.js, gzipped), ...
  std::string_view content_type;  // of the uncompressed file
  std::string_view body;
};

// Every file of the dashboard; empty in a build without it (-DCHAINLAB_DASHBOARD=OFF).
std::span<const DashboardAsset> dashboard_assets();

}  // namespace chainlab::endpoints
