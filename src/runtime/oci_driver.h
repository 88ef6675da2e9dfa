// `oci` compute driver: an instance is a container run by runc (Debian's) from an OCI bundle whose
// root filesystem is an overlayfs of the image's layers (from the ImageStore) with a private upper
// directory, so two instances of one image never see each other's writes. No Docker daemon.
//
// The container joins the network namespace the driver prepares (like `native`, interfaces are
// veths plugged in with add_interface), gets its own UTS, mount, IPC and PID namespaces, the
// emulation's /etc/hosts, and a cgroup below the run's cgroup parent. The image's ENTRYPOINT, CMD,
// ENV and WorkingDir are honoured (InstanceSpec.command replaces CMD; InstanceSpec.env is added to
// ENV). CPU and memory limits are applied at start and updated at runtime; stop sends SIGTERM and
// SIGKILLs after the grace period; exec runs `runc exec`; logs are the container's stdout/stderr
// (and runc's own errors), through a pipe and the driver's one LogPump thread into a capped log.
// The program the container will run (ENTRYPOINT + command, first word; and InstanceSpec.program)
// must resolve in the image's PATH inside its layers (layer_lookup.h), checked before anything is
// created. Per instance: bundle (config.json, upper/, work/, rootfs/) under <run dir>/oci/<netns>/,
// log <run dir>/logs/<netns>.log (+ .log.1, at most `log_bytes` in all, removed with the instance),
// runc state under <run dir>/runc; the overlay mount is journaled (kind
// `mount`) so `chainlab cleanup` detaches it after a crash. Containers run detached (`runc run
// -d`): a container that exits by itself is reported kExited without an exit code (its init is
// reaped by the host's init, not by chainlab). See also: compute.h, image_store.h, native_driver.h.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "runtime/compute.h"
#include "runtime/image_store.h"
#include "runtime/log_pump.h"
#include "substrate/run.h"

namespace chainlab::runtime {

class OciDriver final : public ComputeDriver {
 public:
  // Maps InstanceSpec.image to an image (the store's resolve, or a test's stand-in).
  using ImageResolver = std::function<Result<ImageInfo>(const std::string& ref)>;

  // `runc` is looked up in PATH unless given; `log_bytes`: the cap of each instance's log.
  OciDriver(substrate::Run& run, ImageResolver resolve, std::string runc = "runc",
            uint64_t log_bytes = kDefaultInstanceLogBytes);
  OciDriver(substrate::Run& run, ImageStore& images, std::string runc = "runc",
            uint64_t log_bytes = kDefaultInstanceLogBytes)
      : OciDriver(
            run, [&images](const std::string& ref) { return images.resolve(ref); }, std::move(runc),
            log_bytes) {}

  std::string_view name() const override { return "oci"; }
  Result<std::unique_ptr<ComputeInstance>> create(const InstanceSpec& spec) override;

 private:
  // The image, with the programs the container will start checked in its layers.
  Result<ImageInfo> check_image(const InstanceSpec& spec) const;
  // The run's cgroup parents in runc's extra hierarchies, journaled once (v1 hosts).
  Status record_parents();

  substrate::Run& run_;
  ImageResolver resolve_;
  std::string runc_;
  const uint64_t log_bytes_;
  std::mutex mu_;
  bool parents_recorded_ = false;
  std::shared_ptr<LogPump> pump_;  // started with the first instance, shared with every one
};

}  // namespace chainlab::runtime
