// Compute drivers by name (common/registry.h), filled explicitly at start-up by
// register_builtin_drivers (no static registration). The emulation creates its drivers from the
// registry with a DriverContext and keeps the instances they make.
//
//   native  NativeDriver (native_driver.h): host commands in namespaces and cgroups; always there.
//   oci     OciDriver (oci_driver.h): containers run by runc from the image store; kUnavailable
//           when the context has no image store or runc is not installed.
#pragma once

#include <cstdint>

#include "common/registry.h"
#include "runtime/compute.h"
#include "runtime/image_store.h"
#include "runtime/instance_log.h"
#include "substrate/run.h"

namespace chainlab::runtime {

// What a driver factory is given.
struct DriverContext {
  substrate::Run& run;
  uint64_t log_bytes = kDefaultInstanceLogBytes;  // the cap of each instance's log
  ImageStore* images = nullptr;                   // null: no image store
};

using DriverRegistry = Registry<ComputeDriver, const DriverContext&>;

// Adds "native" and "oci".
void register_builtin_drivers(DriverRegistry& registry);

}  // namespace chainlab::runtime
