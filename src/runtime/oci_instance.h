// Internal to the oci driver (oci_driver.cc, oci_instance.cc): one container instance, and the
// runc helpers both need. See oci_driver.h for what an instance is made of.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/compute.h"
#include "runtime/image_store.h"
#include "runtime/log_pump.h"
#include "substrate/run.h"

namespace chainlab::runtime::oci_internal {

struct OciInstanceSetup {
  InstanceSpec spec;  // validated, hostname defaulted
  ImageInfo image;    // resolved, its programs checked
  std::string runc;   // the runc binary
  uint64_t log_bytes = kDefaultInstanceLogBytes;
};

// Makes the instance (namespace, cgroup, overlay root file system, bundle, log) without running
// it; on failure nothing is left.
Result<std::unique_ptr<ComputeInstance>> create_oci_instance(substrate::Run& run,
                                                             std::shared_ptr<LogPump> pump,
                                                             OciInstanceSetup setup);

// Directories runc (cgroupfs driver, relative cgroupsPath) makes on a v1 host beyond the
// controllers CgroupHost uses: one per mounted hierarchy (devices, pids, name=systemd, ...), and
// the unified one on hybrid hosts.
std::vector<std::string> runc_cgroup_dirs(std::string_view relative);

}  // namespace chainlab::runtime::oci_internal
