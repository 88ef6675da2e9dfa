#include "frontends/unode/vnf_launch.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <set>

#include <filesystem>

#include <fmt/format.h>

#include "runtime/archive.h"
#include "substrate/process.h"

namespace chainlab::unode {

namespace {

// Untrusted text (the VNF's name) reaches the scripts as environment variables, never inside the
// command line; the interface names are the node's own ("eth0"...).
// start's exit code goes to $UN_READY (when set) before the instance settles or exits with it.
constexpr const char* kStart =
    "cd \"$UN_BUNDLE\" && ./start \"$UN_LSI\" \"$UN_NF_NAME\" \"$UN_PORT_COUNT\" $UN_PORTS; "
    "rc=$?; if [ -n \"$UN_READY\" ]; then echo $rc > \"$UN_READY\"; fi; "
    "[ $rc -eq 0 ] && exec sleep infinity; exit $rc";
constexpr const char* kStop =
    "cd \"$UN_BUNDLE\" && ./stop \"$UN_LSI\" \"$UN_NF_NAME\" \"$UN_PORT_COUNT\" $UN_PORTS";

bool executable(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

bool is_archive(const std::string& path) {
  for (const char* ext : {".tgz", ".tar.gz", ".tar"}) {
    std::string_view e(ext);
    if (path.size() > e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0) {
      return true;
    }
  }
  return false;
}

// The directory an archive bundle is unpacked into (once: a later call finds it there).
Result<std::string> unpacked_bundle(const NfTemplate& t, const std::string& archive,
                                    const LaunchContext& ctx) {
  struct stat st {};
  if (ctx.bundle_cache.empty() || ::stat(archive.c_str(), &st) != 0) {
    return make_error(ErrorCode::kFailedPrecondition, "template '{}': no bundle archive '{}'", t.id,
                      archive);
  }
  std::string dir =
      fmt::format("{}/{}-{}-{}", ctx.bundle_cache, t.id, static_cast<long long>(st.st_size),
                  static_cast<long long>(st.st_mtime));
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) {
    return dir;
  }
  std::string tmp = dir + ".part";
  std::filesystem::remove_all(tmp, ec);
  std::filesystem::create_directories(tmp, ec);
  Status unpacked = runtime::unpack_archive(archive, tmp);
  if (unpacked.ok()) {
    std::filesystem::rename(tmp, dir, ec);
  }
  if (!unpacked.ok() || ec) {
    std::filesystem::remove_all(tmp, ec);
    return unpacked.ok() ? make_error(ErrorCode::kInternal, "unpacking '{}'", archive)
                         : std::move(unpacked).error();
  }
  return dir;
}

Result<std::string> bundle_dir(const NfTemplate& t, const LaunchContext& ctx) {
  std::string dir = t.uri;
  if (dir.rfind("file://", 0) == 0) {
    dir = dir.substr(7);
  }
  if (!dir.empty() && dir.front() != '/') {
    dir = ctx.bundle_root + "/" + dir;
  }
  if (is_archive(dir)) {
    CL_ASSIGN_OR_RETURN(dir, unpacked_bundle(t, dir, ctx));
  }
  if (!executable(dir + "/start")) {
    return make_error(ErrorCode::kFailedPrecondition,
                      "template '{}': native bundle '{}' has no executable 'start'", t.id, dir);
  }
  return dir;
}

// A variable a graph may set: a plain name that cannot change what the node's scripts run.
Status check_env_name(const Vnf& vnf, const std::string& name) {
  static const std::set<std::string> kReserved = {"PATH",      "IFS", "ENV",    "BASH_ENV",
                                                  "SHELLOPTS", "PS4", "CDPATH", "HOME"};
  bool plain = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
               std::all_of(name.begin(), name.end(), [](char c) {
                 return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
               });
  if (!plain || kReserved.count(name) || name.rfind("LD_", 0) == 0 || name.rfind("UN_", 0) == 0) {
    return make_error(ErrorCode::kInvalidArgument, "VNF {}: unify-env-variables may not set '{}'",
                      vnf.id, name);
  }
  return ok_status();
}

}  // namespace

std::optional<std::string> cannot_run(const NfTemplate& t) {
  switch (t.type) {
    case VnfType::kNative:
      for (const std::string& d : t.dependencies) {
        if (!substrate::find_executable_in(d, substrate::kStandardPath).ok()) {
          return fmt::format("needs '{}', which this node does not have", d);
        }
      }
      return std::nullopt;
    case VnfType::kDocker:
      return std::nullopt;
    case VnfType::kDpdk:
      return "this node runs no DPDK functions";
    case VnfType::kVm:
      return "this node runs no virtual machines (no KVM)";
  }
  return "unknown type";
}

std::vector<std::string> hot_plug_command(const Vnf& vnf, const NfTemplate& t,
                                          const std::vector<std::string>& new_ifnames,
                                          const LaunchContext& ctx) {
  if (t.type != VnfType::kNative) {
    return {};
  }
  auto dir = bundle_dir(t, ctx);
  if (!dir.ok() || !executable(*dir + "/update")) {
    return {};
  }
  std::vector<std::string> argv = {*dir + "/update", ctx.graph_lsi, vnf.name,
                                   std::to_string(new_ifnames.size())};
  argv.insert(argv.end(), new_ifnames.begin(), new_ifnames.end());
  return argv;
}

std::string free_ifname(const std::map<std::string, std::string>& ifnames) {
  for (int i = 0;; ++i) {
    std::string name = fmt::format("eth{}", i);
    bool taken = false;
    for (const auto& [port, ifname] : ifnames) {
      taken = taken || ifname == name;
    }
    if (!taken) {
      return name;
    }
  }
}

Result<emulator::ComputeRequest> compute_request(const Vnf& vnf, const NfTemplate& t,
                                                 const std::string& name,
                                                 const std::map<std::string, std::string>& ifnames,
                                                 const LaunchContext& ctx) {
  if (auto why = cannot_run(t)) {
    return make_error(ErrorCode::kFailedPrecondition, "template '{}': {}", t.id, *why);
  }
  emulator::ComputeRequest r;
  r.pop = ctx.pop;
  r.name = name;
  r.graph_lsi = ctx.graph_lsi;
  std::string ports;
  for (const VnfPort& p : vnf.ports) {
    const std::string& ifname = ifnames.at(p.id);
    r.interfaces.push_back({.id = ifname, .ip = p.ip, .mac = p.mac});
    ports += (ports.empty() ? "" : " ") + ifname;
  }
  for (const std::string& kv : vnf.env) {
    auto eq = kv.find('=');
    CL_RETURN_IF_ERROR(check_env_name(vnf, kv.substr(0, eq)));
    r.env[kv.substr(0, eq)] = eq == std::string::npos ? "" : kv.substr(eq + 1);
  }
  r.env["UN_LSI"] = ctx.graph_lsi;
  r.env["UN_NF_NAME"] = vnf.name;
  r.env["UN_PORT_COUNT"] = std::to_string(vnf.ports.size());
  r.env["UN_PORTS"] = ports;
  if (t.type == VnfType::kDocker) {
    r.image = t.uri;
    return r;
  }
  CL_ASSIGN_OR_RETURN(std::string dir, bundle_dir(t, ctx));
  r.image = "native:" + t.id;
  r.env["UN_BUNDLE"] = dir;
  if (!ctx.ready_path.empty()) {
    r.env["UN_READY"] = ctx.ready_path;
  }
  r.command = kStart;
  if (executable(dir + "/stop")) {
    r.stop_command = kStop;
  }
  return r;
}

}  // namespace chainlab::unode
