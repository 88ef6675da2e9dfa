// Registry<Interface, Args...>: plugins of one kind (compute drivers, resource models, ...) by
// name. A registry is a plain value, filled at start-up by explicit functions
// (`runtime::register_builtin_drivers(registry)`), never by static initialisers (in a static
// library those silently drop units that nothing references).
//
//   runtime::DriverRegistry drivers("compute driver");  // a Registry<ComputeDriver, ...>
//   runtime::register_builtin_drivers(drivers);
//   CL_ASSIGN_OR_RETURN(auto driver, drivers.create("native", context));
//
// A duplicate name is kAlreadyExists; an unknown name is always kInvalidArgument
// "unknown <kind> 'x' (known: a, b)" (the name came from a topology, a request or a flag).
// A factory may fail itself (bad parameters): its error is returned as it is.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/result.h"

namespace chainlab {

template <typename Interface, typename... Args>
class Registry {
 public:
  using Factory = std::function<Result<std::unique_ptr<Interface>>(Args...)>;

  // `kind` names the plugins in messages ("compute driver", "resource model").
  explicit Registry(std::string kind) : kind_(std::move(kind)) {}

  Status add(const std::string& name, Factory factory) {
    assert(factory);
    if (!factories_.emplace(name, std::move(factory)).second) {
      return make_error(ErrorCode::kAlreadyExists, "{} '{}' is registered twice", kind_, name);
    }
    return ok_status();
  }

  Result<std::unique_ptr<Interface>> create(const std::string& name, Args... args) const {
    auto it = factories_.find(name);
    if (it == factories_.end()) {
      return make_error(ErrorCode::kInvalidArgument, "unknown {} '{}' (known: {})", kind_, name,
                        fmt::join(names(), ", "));
    }
    return it->second(std::forward<Args>(args)...);
  }

  bool contains(const std::string& name) const { return factories_.count(name) != 0; }

  // Sorted.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    out.reserve(factories_.size());
    for (const auto& entry : factories_) {
      out.push_back(entry.first);
    }
    return out;
  }

  const std::string& kind() const { return kind_; }

 private:
  std::string kind_;
  std::map<std::string, Factory> factories_;
};

}  // namespace chainlab
