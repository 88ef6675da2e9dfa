// Flavours, the registry of the three resource models (each in its own file:
// resource_model_none.cc, resource_model_fixed.cc, resource_model_overprovision.cc) and the
// allocation log.
#include "emulator/resource_model.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "common/fd.h"
#include "emulator/resource_model_book.h"

namespace chainlab::emulator {
namespace {

std::string known_flavor_names() {
  std::string out;
  for (const Flavor& f : builtin_flavors()) {
    if (!out.empty()) {
      out += ", ";
    }
    out += f.name;
  }
  return out;
}

}  // namespace

const std::vector<Flavor>& builtin_flavors() {
  static const std::vector<Flavor> kFlavors = {
      {"tiny", 0.5, 32, 1},  {"small", 1, 128, 20},     {"medium", 4, 256, 40},
      {"large", 8, 512, 80}, {"xlarge", 16, 1024, 160},
  };
  return kFlavors;
}

Result<Flavor> find_flavor(std::string_view name) {
  for (const Flavor& f : builtin_flavors()) {
    if (f.name == name) {
      return f;
    }
  }
  return make_error(ErrorCode::kNotFound, "unknown flavor '{}' (known: {})", name,
                    known_flavor_names());
}

void register_builtin_resource_models(ResourceModelRegistry& registry) {
  namespace ri = resource_internal;
  for (auto [name, factory] :
       {std::pair{"none", &ri::make_none_model}, std::pair{"fixed", &ri::make_fixed_model},
        std::pair{"overprovision", &ri::make_overprovision_model}}) {
    Status added = registry.add(name, factory);
    assert(added.ok());
    (void)added;
  }
}

Result<std::unique_ptr<ResourceModel>> make_resource_model(const ResourceModelSpec& spec,
                                                           const GlobalBudget& budget) {
  ResourceModelRegistry registry("resource model");
  register_builtin_resource_models(registry);
  return registry.create(spec.model, spec, budget);
}

Status AllocationLog::append(const std::string& pop, const std::string& instance,
                             const std::string& action, const nlohmann::json& container_state,
                             const nlohmann::json& rm_state) {
  if (action != "allocate" && action != "free") {
    return make_error(ErrorCode::kInvalidArgument,
                      "allocation log action must be 'allocate' or 'free', not '{}'", action);
  }
  auto now = std::chrono::system_clock::now().time_since_epoch();
  double t = std::chrono::duration<double>(now).count();
  nlohmann::json line = {
      {"t", t},
      {"pop", pop},
      {"instance", instance},
      {"action", action},
      {"container_state", container_state},
      {"rm_state", rm_state},
  };
  // Invalid UTF-8 is replaced rather than thrown.
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text += '\n';
  UniqueFd fd(::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644));
  if (!fd.valid()) {
    return errno_error(errno, fmt::format("opening allocation log {}", path_));
  }
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno_error(errno, fmt::format("writing allocation log {}", path_));
    }
    done += static_cast<size_t>(n);
  }
  return ok_status();
}

}  // namespace chainlab::emulator
