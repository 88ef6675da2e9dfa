// `chainlab package upload FILE|DIR` / `package list`: service packages of a running gatekeeper
// of either generation (5GTANGO LLCM or SONATA dummy gatekeeper; docs/api/gatekeeper.md). A
// directory is zipped here first, so packages can live as source trees (examples/services/).
#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "app/environment.h"
#include "cli/commands.h"
#include "cli/gatekeeper_client.h"
#include "cli/package_zip.h"
#include "cli/table.h"
#include "cli/views.h"
#include "common/files.h"

namespace chainlab::cli {
namespace {

struct PackageOptions {
  RemoteOptions remote;
  std::string path;
};

Result<std::string> read_package(const std::string& path, bool quiet) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    if (!quiet) {
      std::printf("zipping %s ... ", path.c_str());
      std::fflush(stdout);
    }
    auto zip = zip_directory(path);
    if (!quiet) {
      std::printf(zip.ok() ? "%zu bytes\n" : "failed\n", zip.ok() ? zip->size() : size_t{0});
    }
    return zip;
  }
  // The gatekeeper's upload limit (PackageLimits::max_archive_bytes).
  auto bytes = read_file(path, size_t{512} << 20);
  if (!bytes.ok()) {
    return make_error(ErrorCode::kInvalidArgument, "{}: cannot be read ({})", path,
                      bytes.error().message);
  }
  return bytes;
}

int run_upload(const PackageOptions& opt) {
  auto bytes = read_package(opt.path, opt.remote.json);
  if (!bytes.ok()) {
    return fail(bytes.error());
  }
  std::string endpoint = resolve_gatekeeper(opt.remote.endpoint, opt.remote.env.gatekeeper);
  httplib::Client client(endpoint);
  if (std::string token = app::client_token(opt.remote.env, endpoint); !token.empty()) {
    client.set_default_headers({{"Authorization", "Bearer " + token}});
  }
  client.set_read_timeout(std::chrono::seconds(300));
  client.set_write_timeout(std::chrono::seconds(300));
  if (!opt.remote.json) {
    std::printf("uploading %s (%zu bytes) to %s ... ", opt.path.c_str(), bytes->size(),
                endpoint.c_str());
    std::fflush(stdout);
  }
  std::string filename = std::filesystem::path(opt.path).filename().string();
  httplib::MultipartFormDataItems items = {
      {"package", *bytes, filename.empty() ? "package" : filename, "application/octet-stream"}};
  auto t = std::chrono::steady_clock::now();
  auto res = client.Post("/packages", items);
  if (!res) {
    if (!opt.remote.json) {
      std::printf("failed\n");
    }
    return fail(make_error(ErrorCode::kUnavailable,
                           "cannot reach the gatekeeper at {} ({}); is `chainlab run` up?",
                           endpoint, httplib::to_string(res.error())));
  }
  Result<nlohmann::json> answer = nlohmann::json::parse(res->body, nullptr, false);
  if (res->status < 200 || res->status >= 300) {
    answer = error_from_response(res->status, res->body);
    if (!opt.remote.json) {
      std::printf("failed\n");
    }
  } else if (!opt.remote.json) {
    std::printf(
        "%.0f ms\n",
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count());
  }
  return finish(opt.remote, answer, [](const nlohmann::json& j) {
    std::string name = field(j, "name");  // chainlab's; the reference gatekeepers have none
    std::printf("service %s%sonboarded as %s (sha1 %s)\n", name.c_str(), name.empty() ? "" : " ",
                field(j, "service_uuid").c_str(), field(j, "sha1").c_str());
  });
}

Table package_table(const nlohmann::json& list) {
  Table t({"UUID", "PACKAGE", "VERSION", "SERVICE", "CREATED", "SIZE"});
  for (const auto& p : list) {
    const auto& pd = p.contains("pd") ? p["pd"] : nlohmann::json::object();
    t.add({field(p, "uuid"), field(pd, "name"), field(pd, "version"), field(pd, "service_name"),
           field(p, "created_at"), field(p, "size")});
  }
  return t;
}

int run_list(const PackageOptions& opt) {
  // GET /packages: served by both gatekeeper generations (a list, or the SONATA dict).
  auto request = [](RestClient& client) -> Result<nlohmann::json> {
    CL_ASSIGN_OR_RETURN(nlohmann::json answer, client.get("/packages"));
    return package_entries(answer);
  };
  return call_remote(
      connect_gatekeeper(opt.remote), opt.remote, request,
      [](const nlohmann::json& list) { print_table(package_table(list), "no packages"); });
}

}  // namespace

void add_package_command(CLI::App& app, CliContext& ctx) {
  CLI::App* group = add_group(app, "package", "Upload and list service packages (gatekeeper)");

  auto [up_cmd, up] = add_leaf<PackageOptions>(
      *group, ctx, "upload", "Onboard a .son/.tgo package or a package directory", run_upload);
  up_cmd->add_option("path", up->path, "Package file, or a directory zipped before upload")
      ->required();
  add_gatekeeper_options(*up_cmd, up->remote, ctx.env);

  auto [list_cmd, list] =
      add_leaf<PackageOptions>(*group, ctx, "list", "List onboarded packages", run_list);
  add_gatekeeper_options(*list_cmd, list->remote, ctx.env);
}

}  // namespace chainlab::cli
