// The OCI runtime configuration (config.json, runtime-spec 1.0) of an `oci` instance, as a pure
// function of the image config and the instance spec: no file system access, unit-tested.
//
// Process: args = ENTRYPOINT + (InstanceSpec.command, or else CMD); env = PATH (default when the
// image has none), HOME=/root (idem), HOSTNAME, the image's ENV, then InstanceSpec.env (a later
// key replaces an earlier one); cwd = WorkingDir or "/"; user = numeric "uid[:gid]" or root.
// Capabilities: Docker's default set plus NET_ADMIN (VNFs configure their own interfaces).
// Namespaces: the prepared network namespace (by path), new mount, UTS, IPC and PID namespaces.
// Mounts: /proc, /dev (tmpfs, runc adds the default devices), /dev/pts, /dev/shm, /dev/mqueue,
// /sys (read-only), /etc/hosts and /etc/resolv.conf bound read-only. Masked and read-only paths as
// `runc spec` makes them. Resources: CPU quota/period/shares/cpus and memory from the limits.
// See also: oci_driver.h, image_store.h (ImageConfig).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "runtime/image_store.h"
#include "substrate/cgroup.h"

namespace chainlab::runtime {

struct OciBundleSpec {
  ImageConfig image;
  std::vector<std::string> command;                      // replaces CMD when not empty
  std::vector<std::pair<std::string, std::string>> env;  // added after the image's ENV
  std::string hostname;
  std::string rootfs;        // absolute path of the root file system
  std::string netns_path;    // /run/netns/<netns>
  std::string hosts_file;    // bound over /etc/hosts
  std::string resolv_conf;   // bound over /etc/resolv.conf; "" = none
  std::string cgroups_path;  // linux.cgroupsPath (cgroupfs driver: relative to runc's own cgroup)
  substrate::ResourceLimits limits;
};

// ENTRYPOINT + (command or CMD). InvalidArgument when that is empty.
Result<std::vector<std::string>> oci_process_args(const ImageConfig& image,
                                                  const std::vector<std::string>& command);

// The merged environment (see the file comment), "KEY=value" entries, first occurrence order.
std::vector<std::string> oci_process_env(
    const ImageConfig& image, const std::vector<std::pair<std::string, std::string>>& env,
    const std::string& hostname);

// "" -> 0:0, "1000" -> 1000:1000, "1000:50" -> 1000:50. InvalidArgument for user names (there is
// no passwd lookup in the image).
Result<std::pair<uint32_t, uint32_t>> oci_user(const std::string& user);

// linux.resources for the limits (unset fields left out).
nlohmann::json oci_resources(const substrate::ResourceLimits& limits);

// The whole config.json.
Result<nlohmann::json> make_oci_config(const OciBundleSpec& spec);

}  // namespace chainlab::runtime
