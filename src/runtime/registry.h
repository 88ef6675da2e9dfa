// Compute drivers by name. Filled explicitly at start-up (no static registration); a duplicate
// name is an error.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/compute.h"

namespace chainlab::substrate {
class Run;
}

namespace chainlab::runtime {

class DriverRegistry {
 public:
  using Factory = std::function<Result<std::unique_ptr<ComputeDriver>>(substrate::Run&)>;

  Status add(const std::string& name, Factory factory);
  Result<std::unique_ptr<ComputeDriver>> make(const std::string& name, substrate::Run& run) const;
  std::vector<std::string> names() const;

 private:
  std::map<std::string, Factory> factories_;
};

// The registry with every built-in driver ("native").
DriverRegistry builtin_drivers();

}  // namespace chainlab::runtime
