#include "runtime/registry.h"

#include "runtime/native_driver.h"

namespace chainlab::runtime {

Status DriverRegistry::add(const std::string& name, Factory factory) {
  if (!factories_.emplace(name, std::move(factory)).second) {
    return make_error(ErrorCode::kAlreadyExists, "compute driver '{}' registered twice", name);
  }
  return ok_status();
}

Result<std::unique_ptr<ComputeDriver>> DriverRegistry::make(const std::string& name,
                                                            substrate::Run& run) const {
  auto it = factories_.find(name);
  if (it == factories_.end()) {
    return make_error(ErrorCode::kNotFound, "unknown compute driver '{}' (known: {})", name,
                      fmt::join(names(), ", "));
  }
  return it->second(run);
}

std::vector<std::string> DriverRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, factory] : factories_) {
    out.push_back(name);
  }
  return out;
}

std::string_view instance_state_name(InstanceState state) {
  switch (state) {
    case InstanceState::kCreated:
      return "created";
    case InstanceState::kRunning:
      return "running";
    case InstanceState::kPaused:
      return "paused";
    case InstanceState::kExited:
      return "exited";
    case InstanceState::kStopped:
      return "stopped";
  }
  return "unknown";
}

Status require_state(std::string_view name, InstanceState state, InstanceState wanted) {
  if (state == wanted) {
    return ok_status();
  }
  return make_error(ErrorCode::kFailedPrecondition, "instance '{}' is {}, not {}", name,
                    instance_state_name(state), instance_state_name(wanted));
}

Result<std::string> ComputeDriver::logs(std::string_view name, size_t max_bytes) {
  CL_ASSIGN_OR_RETURN(std::shared_ptr<InstanceLog> instance_log, log(name));
  return instance_log->tail_bytes(max_bytes);
}

DriverRegistry builtin_drivers() {
  DriverRegistry registry;
  Status s =
      registry.add("native", [](substrate::Run& run) -> Result<std::unique_ptr<ComputeDriver>> {
        return std::unique_ptr<ComputeDriver>(std::make_unique<NativeDriver>(run));
      });
  assert(s.ok());
  (void)s;
  return registry;
}

}  // namespace chainlab::runtime
