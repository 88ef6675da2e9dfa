#include "endpoints/dashboard/dashboard_routes.h"

#include <httplib.h>

#include <fmt/format.h>

#include "endpoints/dashboard/assets.h"
#include "endpoints/http/encoding.h"

namespace chainlab::endpoints {
namespace {

constexpr std::string_view kPrefix = "/dashboard";

// Nothing but this server (scripts, styles, fetches, images, fonts) and the run's gatekeeper (the
// page lists, uploads and instantiates its packages). No framing by other pages.
std::string policy(const ServedList* served) {
  std::string connect = "'self'";
  for (const ServedInfo& s : served ? served->snapshot() : std::vector<ServedInfo>{}) {
    if (s.name == "gatekeeper") {
      connect += " " + s.url;
    }
  }
  return fmt::format("default-src 'self'; connect-src {}; frame-ancestors 'none'; base-uri 'none'",
                     connect);
}

const DashboardAsset* find_asset(std::string_view name) {
  for (const DashboardAsset& a : dashboard_assets()) {
    if (a.name == name) {
      return &a;
    }
  }
  return nullptr;
}

Result<Reply> serve(const httplib::Request& req, const ServedList* served) {
  std::string name = req.matches.size() > 1 ? req.matches[1].str() : "";
  if (dashboard_assets().empty()) {
    return make_error(ErrorCode::kNotFound,
                      "this chainlab was built without the dashboard (-DCHAINLAB_DASHBOARD=OFF)");
  }
  if (name.empty()) {
    name = "index.html";
  }
  const DashboardAsset* asset = name.ends_with(".gz") ? nullptr : find_asset(name);
  if (asset == nullptr) {
    return make_error(ErrorCode::kNotFound, "the dashboard has no file '{}'", name);
  }
  // The build's gzip of the file when the browser takes gzip (Vary: the answer depends on it).
  const DashboardAsset* gz = lists_coding(req.get_header_value("Accept-Encoding"), "gzip")
                                 ? find_asset(name + ".gz")
                                 : nullptr;
  Reply reply =
      Reply::text(std::string(gz ? gz->body : asset->body), std::string(asset->content_type))
          .header("Content-Security-Policy", policy(served))
          .header("X-Content-Type-Options", "nosniff")
          .header("Referrer-Policy", "no-referrer")
          .header("Cache-Control", "no-cache")
          .header("Vary", "Accept-Encoding");
  return gz == nullptr ? std::move(reply) : std::move(reply).header("Content-Encoding", "gzip");
}

}  // namespace

void add_dashboard_routes(Router& router, const ServedList* served) {
  router.add(Method::kGet, std::string(kPrefix), [](const httplib::Request&) -> Result<Reply> {
    return Reply::empty(301).header("Location", std::string(kPrefix) + "/");
  });
  // The name group cannot hold a "/" or start with a dot: no path outside the embedded list.
  router.add(Method::kGet, std::string(kPrefix) + R"(/([A-Za-z0-9_-][A-Za-z0-9_.-]*)?)",
             [served](const httplib::Request& req) { return serve(req, served); });
}

bool is_dashboard_path(std::string_view path) {
  return path == kPrefix || (path.starts_with(kPrefix) && path.substr(kPrefix.size(), 1) == "/");
}

std::string dashboard_url(std::string_view base, std::string_view token) {
  std::string url = fmt::format("{}{}/", base, kPrefix);
  return token.empty() ? url : fmt::format("{}#token={}", url, token);
}

}  // namespace chainlab::endpoints
