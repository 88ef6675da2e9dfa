#include "runtime/oci_driver.h"

#include "runtime/instance_net.h"
#include "runtime/instance_parts.h"
#include "runtime/layer_lookup.h"
#include "runtime/oci_bundle.h"
#include "runtime/oci_instance.h"
#include "substrate/process.h"

namespace chainlab::runtime {
namespace {

// The programs the container will start exist in the image (its PATH, its working directory).
Status check_programs(const ImageInfo& image, const InstanceSpec& spec,
                      const std::vector<std::string>& args) {
  std::string path;
  for (const auto& e : oci_process_env(image.config, spec.env, spec.hostname)) {
    if (e.rfind("PATH=", 0) == 0) {
      path = e.substr(5);
    }
  }
  std::string cwd = image.config.working_dir.empty() ? "/" : image.config.working_dir;
  CL_RETURN_IF_ERROR(find_program_in_layers(image.layer_dirs, args[0], path, cwd));
  if (!spec.program.empty()) {
    CL_RETURN_IF_ERROR(find_program_in_layers(image.layer_dirs, spec.program, path, cwd));
  }
  return ok_status();
}

}  // namespace

OciDriver::OciDriver(substrate::Run& run, ImageResolver resolve, std::string runc,
                     uint64_t log_bytes)
    : run_(run), resolve_(std::move(resolve)), runc_(std::move(runc)), log_bytes_(log_bytes) {
  if (auto path = substrate::find_executable(runc_); path.ok()) {
    runc_ = std::move(path).value();
  }
}

Result<ImageInfo> OciDriver::check_image(const InstanceSpec& spec) const {
  if (!substrate::find_executable(runc_).ok()) {
    return make_error(ErrorCode::kUnavailable,
                      "the oci driver needs runc ('{}' not found; scripts/install-deps.sh installs "
                      "it)",
                      runc_);
  }
  CL_ASSIGN_OR_RETURN(ImageInfo image, resolve_(spec.image));
  if (image.layer_dirs.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "image '{}' has no layers", spec.image);
  }
  // The process (args, its program, user) is checked before anything is allocated.
  CL_ASSIGN_OR_RETURN(std::vector<std::string> args, oci_process_args(image.config, spec.command));
  CL_RETURN_IF_ERROR(check_programs(image, spec, args));
  CL_RETURN_IF_ERROR(oci_user(image.config.user));
  return image;
}

Status OciDriver::record_parents() {
  if (run_.cgroups().version() != 1 || parents_recorded_) {
    return ok_status();
  }
  for (const auto& dir : oci_internal::runc_cgroup_dirs(run_.cgroup_base())) {
    CL_RETURN_IF_ERROR(run_.journal().record(substrate::ObjectKind::kCgroup, dir));
  }
  parents_recorded_ = true;
  return ok_status();
}

Result<std::unique_ptr<ComputeInstance>> OciDriver::create(const InstanceSpec& spec) {
  CL_RETURN_IF_ERROR(validate_instance_spec(spec));
  oci_internal::OciInstanceSetup setup;
  CL_ASSIGN_OR_RETURN(setup.image, check_image(spec));
  setup.spec = spec;
  if (setup.spec.hostname.empty()) {
    setup.spec.hostname = spec.name.substr(0, 64);
  }
  setup.runc = runc_;
  setup.log_bytes = log_bytes_;
  std::shared_ptr<LogPump> pump;
  {
    std::lock_guard lock(mu_);
    CL_ASSIGN_OR_RETURN(pump, shared_pump(pump_));
    if (Status s = record_parents(); !s.ok()) {
      return std::move(s).error().context(fmt::format("creating instance '{}'", spec.name));
    }
  }
  return oci_internal::create_oci_instance(run_, std::move(pump), std::move(setup));
}

}  // namespace chainlab::runtime
