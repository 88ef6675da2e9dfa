#include "runtime/oci_bundle.h"

#include <algorithm>
#include <charconv>

namespace chainlab::runtime {
namespace {

using nlohmann::json;

constexpr const char* kDefaultPath =
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// Docker's default capability set, plus NET_ADMIN.
constexpr const char* kCapabilities[] = {
    "CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
    "CAP_MKNOD",   "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
    "CAP_SETFCAP", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
    "CAP_KILL",    "CAP_AUDIT_WRITE",  "CAP_NET_ADMIN",
};

constexpr const char* kMaskedPaths[] = {
    "/proc/acpi",          "/proc/asound",     "/proc/kcore",       "/proc/keys",
    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
    "/sys/firmware",       "/proc/scsi",
};

constexpr const char* kReadonlyPaths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

std::string env_key(const std::string& entry) {
  return entry.substr(0, entry.find('='));
}

// Replaces an entry with the same key in place, or appends.
void set_env(std::vector<std::string>& env, std::string entry) {
  std::string key = env_key(entry);
  auto it =
      std::find_if(env.begin(), env.end(), [&](const std::string& e) { return env_key(e) == key; });
  if (it != env.end()) {
    *it = std::move(entry);
  } else {
    env.push_back(std::move(entry));
  }
}

Result<uint32_t> parse_id(std::string_view text, const std::string& user) {
  uint32_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "image user '{}' is not numeric (uid or uid:gid); user names are not "
                      "supported",
                      user);
  }
  return id;
}

json mount(const std::string& destination, const std::string& type, const std::string& source,
           std::vector<std::string> options) {
  return json{{"destination", destination},
              {"type", type},
              {"source", source},
              {"options", std::move(options)}};
}

}  // namespace

Result<std::vector<std::string>> oci_process_args(const ImageConfig& image,
                                                  const std::vector<std::string>& command) {
  std::vector<std::string> args = image.entrypoint;
  const auto& tail = command.empty() ? image.cmd : command;
  args.insert(args.end(), tail.begin(), tail.end());
  if (args.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "no command: the image has neither ENTRYPOINT nor CMD and none was given");
  }
  return args;
}

std::vector<std::string> oci_process_env(
    const ImageConfig& image, const std::vector<std::pair<std::string, std::string>>& env,
    const std::string& hostname) {
  std::vector<std::string> out = {kDefaultPath, "HOME=/root", "HOSTNAME=" + hostname};
  for (const auto& entry : image.env) {
    if (!entry.empty() && entry[0] != '=') {
      set_env(out, entry.find('=') == std::string::npos ? entry + "=" : entry);
    }
  }
  for (const auto& [key, value] : env) {
    set_env(out, key + "=" + value);
  }
  return out;
}

Result<std::pair<uint32_t, uint32_t>> oci_user(const std::string& user) {
  if (user.empty()) {
    return std::pair<uint32_t, uint32_t>{0, 0};
  }
  size_t colon = user.find(':');
  CL_ASSIGN_OR_RETURN(uint32_t uid, parse_id(std::string_view(user).substr(0, colon), user));
  uint32_t gid = uid;
  if (colon != std::string::npos) {
    CL_ASSIGN_OR_RETURN(gid, parse_id(std::string_view(user).substr(colon + 1), user));
  }
  return std::pair<uint32_t, uint32_t>{uid, gid};
}

json oci_resources(const substrate::ResourceLimits& limits) {
  json cpu = json::object();
  if (limits.cpu_quota_us) {
    cpu["quota"] = *limits.cpu_quota_us;
  }
  if (limits.cpu_period_us) {
    cpu["period"] = *limits.cpu_period_us;
  }
  if (limits.cpu_shares) {
    cpu["shares"] = *limits.cpu_shares;
  }
  if (limits.cpuset_cpus) {
    cpu["cpus"] = *limits.cpuset_cpus;
  }
  json out = json::object();
  out["devices"] = json::array({json{{"allow", false}, {"access", "rwm"}}});
  if (!cpu.empty()) {
    out["cpu"] = std::move(cpu);
  }
  if (limits.memory_bytes) {
    out["memory"] = json{{"limit", *limits.memory_bytes}};
  }
  return out;
}

Result<json> make_oci_config(const OciBundleSpec& spec) {
  CL_ASSIGN_OR_RETURN(std::vector<std::string> args, oci_process_args(spec.image, spec.command));
  CL_ASSIGN_OR_RETURN(auto user, oci_user(spec.image.user));
  std::vector<std::string> caps(std::begin(kCapabilities), std::end(kCapabilities));
  json process = {
      {"terminal", false},
      {"user", {{"uid", user.first}, {"gid", user.second}}},
      {"args", std::move(args)},
      {"env", oci_process_env(spec.image, spec.env, spec.hostname)},
      {"cwd", spec.image.working_dir.empty() ? std::string("/") : spec.image.working_dir},
      {"capabilities",
       {{"bounding", caps}, {"effective", caps}, {"permitted", caps}, {"inheritable", caps}}},
  };
  json mounts = json::array({
      mount("/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}),
      mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
      mount("/dev/pts", "devpts", "devpts",
            {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}),
      mount("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
      mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
      mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
      mount("/etc/hosts", "bind", spec.hosts_file, {"rbind", "ro"}),
  });
  if (!spec.resolv_conf.empty()) {
    mounts.push_back(mount("/etc/resolv.conf", "bind", spec.resolv_conf, {"rbind", "ro"}));
  }
  json namespaces = json::array({
      json{{"type", "network"}, {"path", spec.netns_path}},
      json{{"type", "mount"}},
      json{{"type", "uts"}},
      json{{"type", "ipc"}},
      json{{"type", "pid"}},
  });
  json linux_section = {
      {"namespaces", std::move(namespaces)},
      {"resources", oci_resources(spec.limits)},
      {"maskedPaths", std::vector<std::string>(std::begin(kMaskedPaths), std::end(kMaskedPaths))},
      {"readonlyPaths",
       std::vector<std::string>(std::begin(kReadonlyPaths), std::end(kReadonlyPaths))},
  };
  if (!spec.cgroups_path.empty()) {
    linux_section["cgroupsPath"] = spec.cgroups_path;
  }
  return json{
      {"ociVersion", "1.0.2"},
      {"process", std::move(process)},
      {"root", {{"path", spec.rootfs}, {"readonly", false}}},
      {"hostname", spec.hostname},
      {"mounts", std::move(mounts)},
      {"linux", std::move(linux_section)},
  };
}

}  // namespace chainlab::runtime
