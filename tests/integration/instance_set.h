// The compute instances a driver test made, by name (a driver keeps no map of its own); what a
// test leaves is destroyed with the set, before the driver and the run.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "runtime/compute.h"

namespace chainlab::testing {

class InstanceSet {
 public:
  void use(runtime::ComputeDriver* driver) { driver_ = driver; }

  // Null (and a test failure) when the driver refuses.
  runtime::ComputeInstance* create(const runtime::InstanceSpec& spec) {
    auto made = driver_->create(spec);
    EXPECT_TRUE(made.ok()) << (made.ok() ? "" : made.error().message);
    if (!made.ok()) {
      return nullptr;
    }
    return (instances_[spec.name] = std::move(made).value()).get();
  }
  runtime::ComputeInstance& operator[](const std::string& name) { return *instances_.at(name); }
  Status destroy(const std::string& name) {
    Status s = instances_.at(name)->destroy();
    instances_.erase(name);
    return s;
  }
  void clear() { instances_.clear(); }

 private:
  runtime::ComputeDriver* driver_ = nullptr;
  std::map<std::string, std::unique_ptr<runtime::ComputeInstance>> instances_;
};

}  // namespace chainlab::testing
