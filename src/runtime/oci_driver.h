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
#include <map>
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
  ~OciDriver() override;

  std::string_view name() const override { return "oci"; }
  Status create(const InstanceSpec& spec) override;
  Status start(std::string_view name) override;
  Status stop(std::string_view name, std::chrono::milliseconds grace) override;
  Status update(std::string_view name, const substrate::ResourceLimits& limits) override;
  Status pause(std::string_view name) override;
  Status resume(std::string_view name) override;
  Status destroy(std::string_view name) override;
  Result<InstanceStatus> status(std::string_view name) override;
  std::vector<std::string> list() const override;
  Result<InterfaceStatus> add_interface(std::string_view name, const InterfaceSpec& intf) override;
  Status remove_interface(std::string_view name, std::string_view intf) override;
  Result<ExecResult> exec(std::string_view name, const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout) override;
  Result<std::shared_ptr<InstanceLog>> log(std::string_view name) override;

 private:
  struct Instance;
  Result<Instance*> find(std::string_view name);
  // Notices a container whose main process has exited (state kExited, its output drained into
  // the log).
  void refresh(Instance& inst);
  Status prepare_rootfs(Instance& inst);
  Status stop_locked(Instance& inst, std::chrono::milliseconds grace);
  Status destroy_locked(Instance& inst);
  // Runs `runc --root <run dir>/runc args...`; an error carries runc's output.
  Result<std::string> runc(const std::vector<std::string>& args,
                           std::chrono::milliseconds timeout = std::chrono::seconds(30));
  std::string runc_root() const;

  substrate::Run& run_;
  ImageResolver resolve_;
  std::string runc_;
  const uint64_t log_bytes_;
  bool parents_recorded_ = false;  // the run's cgroup parents in runc's extra hierarchies
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Instance>, std::less<>> instances_;
  std::unique_ptr<LogPump> pump_;  // started with the first instance
};

}  // namespace chainlab::runtime
