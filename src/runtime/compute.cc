#include "runtime/compute.h"

#include <iterator>

#include "common/enum_names.h"

namespace chainlab::runtime {

namespace {

constexpr const char* kInstanceStateNames[] = {"created", "running", "paused", "exited", "stopped"};
static_assert(std::size(kInstanceStateNames) ==
              static_cast<std::size_t>(InstanceState::kStopped) + 1);

}  // namespace

std::string_view instance_state_name(InstanceState state) {
  return enum_name(kInstanceStateNames, InstanceState::kCreated, state, "unknown");
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
