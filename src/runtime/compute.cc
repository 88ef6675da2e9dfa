#include "runtime/compute.h"

namespace chainlab::runtime {

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

Status require_startable(std::string_view name, InstanceState state) {
  if (state == InstanceState::kRunning || state == InstanceState::kPaused) {
    return make_error(ErrorCode::kFailedPrecondition, "instance '{}' is already {}", name,
                      instance_state_name(state));
  }
  return ok_status();
}

Status require_started(std::string_view name, InstanceState state) {
  if (state == InstanceState::kCreated) {
    return make_error(ErrorCode::kFailedPrecondition, "instance '{}' was never started", name);
  }
  return ok_status();
}

Result<std::string> ComputeInstance::logs(size_t max_bytes) {
  return log()->tail_bytes(max_bytes);
}

}  // namespace chainlab::runtime
